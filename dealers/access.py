"""Who is a dealer's user: signed in, active, a member of an active dealer, and never staff."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse

from goodwill.models import DealerMember


def membership(user) -> DealerMember | None:
    """The user's dealer membership, if they may use the dealers' pages now."""
    if not user.is_authenticated or not user.is_active or user.is_staff:
        return None
    member = DealerMember.objects.select_related("dealer").filter(user=user).first()
    return member if member is not None and member.dealer.active else None


def dealer_required(view):
    """Dealers' pages: anyone else (signed out, staff, an inactive dealer's user) gets the sign-in page."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        member = membership(request.user)
        if member is None:
            return redirect_to_login(request.get_full_path(), reverse("dealers:login"))
        request.dealer_member = member
        return view(request, *args, **kwargs)

    return wrapped
