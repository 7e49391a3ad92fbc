"""Goodwill requests: rate limiting, storing without loss, the owner's email, the letter, erasure."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from core import ratelimit
from goodwill.models import GoodwillRequest

logger = logging.getLogger(__name__)

REFERENCE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread
PERSONAL_FIELDS = {
    "diagnosis": "",  # free text the owner may have written in
    "owner_name": "",
    "owner_email": "",
    "owner_phone": "",
    "registration": "",
    "vin": "",
    "notes": "",
}


def new_token() -> str:
    """An unguessable link: 256 random bits."""
    return secrets.token_urlsafe(32)


def new_reference() -> str:
    return "GW-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def new_submission_key() -> str:
    return secrets.token_urlsafe(24)


def count_submission(request, email: str) -> ratelimit.Verdict:
    """Count one new request from this client: per address and email, and per address alone."""
    limit, window = settings.GOODWILL_RATE_LIMIT
    address = ratelimit.client_group(request)
    return ratelimit.count_all(
        "goodwill",
        [
            ("address-email", f"{address} {email.strip().lower()}", limit, window),
            ("address", address, settings.GOODWILL_RATE_LIMIT_PER_ADDRESS, window),
        ],
    )


# An owner who presses Back after getting their letter gets the form again, new from the server
# (it is never kept), and may send the same answers again: that is the same request, not a new one.
SAME_REQUEST_WITHIN = timedelta(days=1)


def already_sent(form_key: str, fields: dict, sent_from_here: list[str]) -> GoodwillRequest | None:
    """The request this very form already created (a re-post, a double tap), or one with exactly
    these answers that this browser sent from an earlier copy of the form within
    SAME_REQUEST_WITHIN (`sent_from_here`: the tokens of its letters). Only this browser's: the
    letter's link is the owner's alone, and knowing someone's details must not reveal it."""
    same_form = GoodwillRequest.objects.filter(submission_key=submission_fingerprint(form_key, fields)).first()
    if same_form is not None:
        return same_form
    recent = GoodwillRequest.objects.filter(
        token__in=sent_from_here, created_at__gte=timezone.now() - SAME_REQUEST_WITHIN, personal_data_erased_at=None
    )
    return recent.filter(**fields).order_by("created_at").first()


SENT_COOKIE = "goodwill_sent"
SENT_COOKIE_KEEPS = 5  # the newest letters' tokens


def sent_from_here(request) -> list[str]:
    """The tokens of the letters this browser made lately (a signed cookie: it can't claim others')."""
    value = request.get_signed_cookie(SENT_COOKIE, default="", salt=SENT_COOKIE, max_age=SAME_REQUEST_WITHIN)
    return [token for token in value.split(",") if token]


def remember_sent(request, response, goodwill_request: GoodwillRequest) -> None:
    tokens = [goodwill_request.token] + [t for t in sent_from_here(request) if t != goodwill_request.token]
    response.set_signed_cookie(
        SENT_COOKIE,
        ",".join(tokens[:SENT_COOKIE_KEEPS]),
        salt=SENT_COOKIE,
        max_age=int(SAME_REQUEST_WITHIN.total_seconds()),
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def submission_fingerprint(form_key: str, fields: dict) -> str:
    """The same form with the same answers gives the same fingerprint; any change gives a new one.

    So a double tap on "submit" stores one request, while an owner who goes back, fixes a
    typo and sends again gets a letter with the fix.
    """
    canonical = json.dumps({k: getattr(v, "pk", v) for k, v in sorted(fields.items())}, default=str, sort_keys=True)
    return hashlib.sha256(f"{form_key}\n{canonical}".encode()).hexdigest()


def create_request(*, form_key: str, **fields) -> tuple[GoodwillRequest, bool]:
    """Store a request once. The same form posted again returns the first request, not a second one.

    The owner's email is sent after the commit; a failure to send never undoes the request.
    """
    submission_key = submission_fingerprint(form_key, fields)
    existing = GoodwillRequest.objects.filter(submission_key=submission_key).first()
    if existing:
        return existing, False
    for _attempt in range(5):
        try:
            with transaction.atomic():
                goodwill_request = GoodwillRequest.objects.create(
                    submission_key=submission_key, token=new_token(), reference=new_reference(), **fields
                )
                # robust: whatever goes wrong with the email, the owner still gets their letter page.
                transaction.on_commit(lambda pk=goodwill_request.pk: send_owner_email(pk), robust=True)
            return goodwill_request, True
        except IntegrityError:
            # Either the same form arrived twice at once (the other copy won), or
            # a reference collided: look for the first, else try a new reference.
            existing = GoodwillRequest.objects.filter(submission_key=submission_key).first()
            if existing:
                return existing, False
    raise RuntimeError("could not find a free goodwill reference")


def send_owner_email(pk: int) -> bool:
    """Email the owner the link to their letter. Logs and returns False on failure; the request stays."""
    goodwill_request = GoodwillRequest.objects.select_related("dealer", "problem").get(pk=pk)
    if goodwill_request.email_sent_at or not goodwill_request.owner_email:
        return True
    link = settings.SITE_URL.rstrip("/") + goodwill_request.get_absolute_url()
    context = {"goodwill_request": goodwill_request, "link": link}
    try:
        send_mail(
            subject=render_to_string("goodwill/email/goodwill_subject.txt", context).strip(),
            message=render_to_string("goodwill/email/goodwill_body.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[goodwill_request.owner_email],
        )
    except Exception:  # any mail failure: the request is safe; `send_goodwill_emails` retries
        logger.exception("Could not email goodwill request %s", goodwill_request.reference)
        return False
    GoodwillRequest.objects.filter(pk=pk).update(email_sent_at=timezone.now())
    return True


def send_pending_emails() -> tuple[int, int]:
    """Retry the owner emails that failed. Returns (sent, failed)."""
    pending = GoodwillRequest.objects.filter(email_sent_at=None, personal_data_erased_at=None)
    results = [send_owner_email(pk) for pk in pending.values_list("pk", flat=True)]
    return results.count(True), results.count(False)


def erase_personal_data(older_than: timedelta) -> int:
    """Blank the owner's personal data on requests older than `older_than`; keep the anonymous facts."""
    cutoff = timezone.now() - older_than
    return GoodwillRequest.objects.filter(created_at__lt=cutoff, personal_data_erased_at=None).update(
        **PERSONAL_FIELDS, personal_data_erased_at=timezone.now()
    )
