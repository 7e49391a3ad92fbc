"""Goodwill requests: rate limiting, storing without loss, the owner's email, the letter, erasure."""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core import ratelimit
from core.invitations import invite
from goodwill.models import Dealer, DealerLinkOpens, DealerMember, GoodwillRequest, RequestStep

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
                # Only a request the owner asked to share, with a dealer named, waits for the confirmation.
                confirm_key = new_token() if fields.get("share_with_dealer") and fields.get("dealer") else ""
                goodwill_request = GoodwillRequest.objects.create(
                    submission_key=submission_key, token=new_token(), reference=new_reference(), confirm_key=confirm_key, **fields
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
    link = absolute(goodwill_request.get_absolute_url())
    context = {"goodwill_request": goodwill_request, "link": link, "confirm_link": confirm_link(goodwill_request)}
    # On failure the request is safe: `send_goodwill_emails` retries.
    if not send_templated("goodwill", context, [goodwill_request.owner_email], goodwill_request):
        return False
    GoodwillRequest.objects.filter(pk=pk).update(email_sent_at=timezone.now())
    return True


def send_templated(name: str, context: dict, recipients: list[str], goodwill_request: GoodwillRequest) -> bool:
    """One e-mail from templates/goodwill/email/<name>_subject.txt and _body.txt. Any mail failure
    is logged and returns False: what was stored stays stored."""
    try:
        send_mail(
            subject=render_to_string(f"goodwill/email/{name}_subject.txt", context).strip(),
            message=render_to_string(f"goodwill/email/{name}_body.txt", context),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
    except Exception:
        logger.exception("Could not send the %s e-mail for %s", name, goodwill_request.reference)
        return False
    return True


def send_pending_emails() -> tuple[int, int]:
    """Retry the owner emails that failed. Returns (sent, failed)."""
    pending = GoodwillRequest.objects.filter(email_sent_at=None, personal_data_erased_at=None)
    results = [send_owner_email(pk) for pk in pending.values_list("pk", flat=True)]
    return results.count(True), results.count(False)


@transaction.atomic
def erase_personal_data(older_than: timedelta) -> int:
    """Blank the owner's personal data on requests older than `older_than`, the thread with the
    dealer included (answers, questions, replies); keep the anonymous facts (what, when, the
    dealer's verdict) for the figures."""
    cutoff = timezone.now() - older_than
    due = GoodwillRequest.objects.filter(created_at__lt=cutoff, personal_data_erased_at=None)
    RequestStep.objects.filter(request__in=due).update(text="")
    return due.update(**PERSONAL_FIELDS, confirm_key="", personal_data_erased_at=timezone.now())


def absolute(path: str) -> str:
    """Links in e-mails: from the configured SITE_URL, never a request's Host."""
    return settings.SITE_URL.rstrip("/") + path


def confirm_link(goodwill_request: GoodwillRequest) -> str:
    if not goodwill_request.confirm_key or goodwill_request.email_confirmed_at:
        return ""
    path = reverse("goodwill:confirm_email", kwargs={"token": goodwill_request.token, "key": goodwill_request.confirm_key})
    return absolute(path)


def dealer_request_link(goodwill_request: GoodwillRequest) -> str:
    return absolute(reverse("dealers:request_detail", kwargs={"pk": goodwill_request.pk}))


def dealer_recipients(dealer: Dealer) -> list[str]:
    """The dealer's own address and its users' (active ones), each once."""
    members = dealer.members.filter(user__is_active=True).exclude(user__email="").values_list("user__email", flat=True)
    return list(dict.fromkeys([dealer.email, *members]))


def send_dealer_email(pk: int, what: str) -> bool:
    """Tell the dealer something happened to a request: a link to it, no personal data."""
    goodwill_request = GoodwillRequest.objects.select_related("dealer").get(pk=pk)
    context = {"r": goodwill_request, "link": dealer_request_link(goodwill_request), "what": what}
    return send_templated("dealer", context, dealer_recipients(goodwill_request.dealer), goodwill_request)


def send_owner_update(pk: int, kind: str) -> bool:
    """Tell the owner the dealer answered (`kind`) or asked something: a link to their letter page."""
    goodwill_request = GoodwillRequest.objects.select_related("dealer").get(pk=pk)
    if goodwill_request.personal_data_erased_at or not goodwill_request.owner_email:
        return True
    context = {"r": goodwill_request, "link": absolute(goodwill_request.get_absolute_url()), "kind": kind}
    return send_templated("owner_update", context, [goodwill_request.owner_email], goodwill_request)


def confirm_key_matches(goodwill_request: GoodwillRequest, key: str) -> bool:
    return bool(goodwill_request.confirm_key) and secrets.compare_digest(goodwill_request.confirm_key, key)


@transaction.atomic
def confirm_email(goodwill_request: GoodwillRequest, key: str) -> bool:
    """The owner followed the link e-mailed to them: their address is theirs. A request they
    asked to share then reaches the dealer (once). False: not this request's key."""
    locked = GoodwillRequest.objects.select_for_update().get(pk=goodwill_request.pk)
    if not confirm_key_matches(locked, key):
        return False
    now = timezone.now()
    if locked.email_confirmed_at is None:
        locked.email_confirmed_at = now
        fields = ["email_confirmed_at"]
        if locked.share_with_dealer and locked.dealer_id and locked.shared_at is None and locked.is_open:
            locked.shared_at, locked.status = now, GoodwillRequest.Status.SENT
            fields += ["shared_at", "status"]
            transaction.on_commit(lambda: send_dealer_email(locked.pk, "new"), robust=True)
        locked.save(update_fields=fields + ["updated_at"])
    return True


class StepRefused(Exception):
    """A step that may not be taken now, with the reason in plain words."""


DEALER_KINDS = (RequestStep.Kind.ACCEPTED, RequestStep.Kind.DECLINED, RequestStep.Kind.QUESTION)
STATUS_AFTER = {
    RequestStep.Kind.ACCEPTED: GoodwillRequest.Status.ACCEPTED,
    RequestStep.Kind.DECLINED: GoodwillRequest.Status.DECLINED,
    RequestStep.Kind.QUESTION: GoodwillRequest.Status.ASKED,
    RequestStep.Kind.REPLY: GoodwillRequest.Status.SENT,
    RequestStep.Kind.WITHDRAWN: GoodwillRequest.Status.WITHDRAWN,
}


def add_step(goodwill_request: GoodwillRequest, kind: str, text: str = "", *, by=None, seen_steps: int) -> RequestStep:
    """Add the dealer's answer or question (`by` their user) or the owner's reply or withdrawal.

    `seen_steps`: how many steps the sender's page showed. If another step came in since (two
    answers sent at once, or the owner withdrew meanwhile), nothing is stored and StepRefused
    says why: the numbered steps let only one of two simultaneous answers in."""
    text = text.strip()[:2000]
    try:
        with transaction.atomic():
            current = GoodwillRequest.objects.select_for_update().get(pk=goodwill_request.pk)
            refusal = step_refusal(current, kind, text, seen_steps)
            if refusal:
                raise StepRefused(refusal)
            step = RequestStep.objects.create(
                request=current, number=seen_steps + 1, kind=kind, text=text, by=by, by_owner=kind not in DEALER_KINDS
            )
            GoodwillRequest.objects.filter(pk=current.pk).update(status=STATUS_AFTER[kind], updated_at=timezone.now())
            if kind in DEALER_KINDS:
                transaction.on_commit(lambda: send_owner_update(current.pk, kind), robust=True)
            else:
                transaction.on_commit(lambda: send_dealer_email(current.pk, kind), robust=True)
    except IntegrityError:
        raise StepRefused(_("Something else was sent for this request just now: read it, then decide again.")) from None
    return step


def step_refusal(current: GoodwillRequest, kind: str, text: str, seen_steps: int) -> str:
    if current.personal_data_erased_at:
        return _("This request was erased, as promised to the owner: nothing more can be added.")
    if current.status == GoodwillRequest.Status.WITHDRAWN:
        return _("The owner withdrew this request.")
    if current.steps.count() != seen_steps:
        return _("Something else was sent for this request just now: read it, then decide again.")
    if not current.is_open:
        return _("This request is answered already.")
    if kind in DEALER_KINDS and current.shared_at is None:
        return _("This request was not shared with the dealer.")
    if kind == RequestStep.Kind.REPLY and current.status != GoodwillRequest.Status.ASKED:
        return _("There is no question from the dealer to reply to.")
    if kind in (RequestStep.Kind.DECLINED, RequestStep.Kind.QUESTION, RequestStep.Kind.REPLY) and not text:
        return _("Please write a few words: the other side reads them.")
    return ""


def mark_seen(goodwill_request: GoodwillRequest) -> None:
    GoodwillRequest.objects.filter(pk=goodwill_request.pk, dealer_seen_at=None).update(dealer_seen_at=timezone.now())


def awaiting_dealer_since(days: int):
    """Shared requests no dealer has answered or asked about within `days`, not reminded yet."""
    cutoff = timezone.now() - timedelta(days=days)
    return GoodwillRequest.objects.filter(
        status=GoodwillRequest.Status.SENT,
        shared_at__lt=cutoff,
        reminder_sent_at=None,
        personal_data_erased_at=None,
        dealer__active=True,
    ).exclude(steps__kind__in=DEALER_KINDS)


def send_dealer_reminders(days: int) -> tuple[int, int]:
    """One reminder per request a dealer left unanswered for `days`. Returns (sent, failed)."""
    sent = failed = 0
    for pk in awaiting_dealer_since(days).values_list("pk", flat=True):
        if send_dealer_email(pk, "reminder"):
            GoodwillRequest.objects.filter(pk=pk).update(reminder_sent_at=timezone.now())
            sent += 1
        else:
            failed += 1
    return sent, failed


def count_link_open(dealer_id: int) -> None:
    """One more opening of a dealer's own link today (runs from the page cache too)."""
    today = timezone.localdate()
    if not DealerLinkOpens.objects.filter(dealer_id=dealer_id, day=today).update(opens=F("opens") + 1):
        try:
            with transaction.atomic():
                DealerLinkOpens.objects.create(dealer_id=dealer_id, day=today, opens=1)
        except IntegrityError:  # another process made today's row first
            DealerLinkOpens.objects.filter(dealer_id=dealer_id, day=today).update(opens=F("opens") + 1)


def invite_dealer_user(user, invited_by: str = "") -> str:
    """The one-time link to choose a password, on the dealers' own pages (e-mailed, and returned)."""
    return invite(
        user,
        invited_by,
        url_name="dealers:password_reset_confirm",
        template="dealers/invitation_email.txt",
        subject=_("Your dealer account on %(site)s") % {"site": settings.SITE_NAME},
    )


@transaction.atomic
def add_dealer_user(username: str, email: str, dealer: Dealer, invited_by: str = "") -> tuple[DealerMember, str]:
    """A new user for one dealer (never staff: no admin), invited to choose their own password."""
    user = get_user_model().objects.create_user(username=username, email=email, is_staff=False)
    member = DealerMember.objects.create(user=user, dealer=dealer)
    return member, invite_dealer_user(user, invited_by)
