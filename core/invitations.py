"""Staff invitations: a new colleague sets their own password through a one-time link.

The link is Django's password-reset link (`password_reset_confirm`, signed with the user's
current password hash and a timestamp, so it works once and for PASSWORD_RESET_TIMEOUT
seconds), built from the configured SITE_URL, never from a request's Host.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _


def invitation_link(user, url_name: str = "password_reset_confirm") -> str:
    path = reverse(
        url_name,
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    return settings.SITE_URL.rstrip("/") + path


def link_valid_days() -> int:
    return max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)


def invite(
    user,
    invited_by: str = "",
    *,
    url_name: str = "password_reset_confirm",
    template: str = "registration/invitation_email.txt",
    subject: str = "",
) -> str:
    """Make the account wait for its own password, e-mail the link (if the user has an address), return it.
    Staff by default; a dealer's user gets the dealers' own page to set it (`url_name`, `template`)."""
    user.set_unusable_password()
    user.save(update_fields=["password"])
    link = invitation_link(user, url_name)  # after the password change: the token is signed with it
    if user.email:
        context = {"user": user, "link": link, "days": link_valid_days(), "invited_by": invited_by, "site_url": settings.SITE_URL}
        send_mail(
            subject or _("Your staff account on %(site)s") % {"site": settings.SITE_NAME},
            render_to_string(template, context),
            None,
            [user.email],
        )
    return link
