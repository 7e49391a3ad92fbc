"""Reads for the goodwill pages: the dealer, the diagnosis an owner arrives with, the letter."""

import io
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db.models import Count, Max, Min, OuterRef, Q, Subquery, Sum
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils import timezone

from core.markdown import strip_markdown
from goodwill.models import Dealer, DealerLinkOpens, GoodwillRequest, RequestStep
from goodwill.services import new_submission_key
from problems.models import Problem
from troubleshooter.models import Cause, DiagnosisVersion


def active_dealer(code: str) -> Dealer | None:
    return Dealer.objects.filter(code=code, active=True).first()


def goodwill_outcome(outcome_slug: str | None) -> Cause | None:
    """The diagnosis outcome (a cause of the live diagnosis) an owner arrives with, if it is real."""
    if not outcome_slug:
        return None
    cause = (
        Cause.objects.filter(
            version__status=DiagnosisVersion.Status.PUBLISHED,
            version__problem__status=Problem.Status.PUBLISHED,
            slug=outcome_slug[:80],
        )
        .select_related("version__problem")
        .first()
    )
    if cause is not None:
        cause.problem = cause.version.problem
    return cause


def goodwill_initial(outcome: Cause | None) -> dict:
    initial = {"submission_key": new_submission_key()}
    if outcome:
        initial |= {
            "outcome": outcome.slug,
            "problem": outcome.problem,
            # Plain text for the dealer: the finding and why, without Markdown.
            "diagnosis": f"{outcome.title}. {strip_markdown(outcome.explanation)}"[:1000],
        }
    return initial


def goodwill_context(form, dealer: Dealer | None = None) -> dict:
    """What the goodwill page shows beside the form: the carried diagnosis and the advice."""
    outcome = goodwill_outcome(form["outcome"].value())
    problems = [outcome.problem] if outcome else list(Problem.objects.published())
    figures = goodwill_figures()
    if dealer is not None:
        figures["this_dealer"] = next((f for d, f in figures["per_dealer"] if d.pk == dealer.pk), None)
    return {"outcome": outcome, "problems": problems, "figures": figures}


def goodwill_request_by_token(token: str) -> GoodwillRequest:
    return get_object_or_404(GoodwillRequest.objects.select_related("dealer", "problem"), token=token)


def goodwill_letter(goodwill_request: GoodwillRequest) -> dict:
    """The letter to the dealer: subject, plain-text body, and a mailto: link with both filled in."""
    vehicles = ", ".join(str(v) for v in goodwill_request.problem.vehicles.all())
    context = {"r": goodwill_request, "vehicles": vehicles}
    subject = render_to_string("goodwill/email/letter_subject.txt", context).strip()
    body = render_to_string("goodwill/email/letter_body.txt", context).strip()
    recipient = goodwill_request.dealer.email if goodwill_request.dealer else ""
    mailto = f"mailto:{quote(recipient, safe='@')}?" + urlencode({"subject": subject, "body": body}, quote_via=quote)
    return {"subject": subject, "body": body, "mailto": mailto}


def thread(goodwill_request: GoodwillRequest) -> list[RequestStep]:
    """The steps between the owner and the dealer, oldest first."""
    return list(goodwill_request.steps.order_by("number"))


def dealer_link(dealer: Dealer) -> str:
    """A dealer's own link, from the configured SITE_URL (never a request's Host)."""
    return settings.SITE_URL.rstrip("/") + dealer.get_absolute_url()


def dealer_qr(dealer: Dealer, image: str) -> tuple[bytes, str]:
    """The QR code of the dealer's link, as SVG or PNG (segno), and its content type."""
    code = segno.make(dealer_link(dealer), error="m")
    out = io.BytesIO()
    if image == "svg":
        code.save(out, kind="svg", scale=8, border=4, title=dealer.name)
        return out.getvalue(), "image/svg+xml"
    code.save(out, kind="png", scale=10, border=4)
    return out.getvalue(), "image/png"


def dealer_counts(dealer: Dealer) -> dict:
    """How many owners opened the dealer's link and sent a request through it (counts only)."""
    opens = DealerLinkOpens.objects.filter(dealer=dealer).aggregate(n=Sum("opens"), since=Min("day"))
    return {
        "opens": opens["n"] or 0,
        "opens_since": opens["since"],
        "requests": GoodwillRequest.objects.filter(dealer=dealer).count(),
        "shared": GoodwillRequest.objects.filter(dealer=dealer, shared_at__isnull=False).count(),
    }


# Figures are shown only from this many answered requests on, so that no owner can be recognised.
FIGURES_FROM = 5
ANSWERED = (GoodwillRequest.Status.ACCEPTED, GoodwillRequest.Status.DECLINED)


FIGURES = {
    "answered": Count("pk"),
    "accepted": Count("pk", filter=Q(kind=RequestStep.Kind.ACCEPTED)),
    "since": Min("created_at"),
    "until": Max("created_at"),
}


def final_answers():
    """Dealers' own accepts and declines on this site (not a status set by hand in the admin)."""
    return RequestStep.objects.filter(kind__in=[RequestStep.Kind.ACCEPTED, RequestStep.Kind.DECLINED])


def shown_figures(figures: dict) -> dict | None:
    """How many answered requests were accepted, and over which days; None below FIGURES_FROM."""
    if figures["answered"] < FIGURES_FROM:
        return None
    percent = round(100 * figures["accepted"] / figures["answered"])
    since, until = timezone.localdate(figures["since"]), timezone.localdate(figures["until"])
    return figures | {"percent": percent, "since": since, "until": until}


def acceptance(dealer: Dealer | None = None) -> dict | None:
    """The figures overall, or one dealer's."""
    final = final_answers() if dealer is None else final_answers().filter(request__dealer=dealer)
    return shown_figures(final.aggregate(**FIGURES))


def goodwill_figures() -> dict:
    """For the goodwill page: overall and per active dealer (one grouped query), each only from
    FIGURES_FROM answers."""
    rows = final_answers().filter(request__dealer__active=True).values("request__dealer").annotate(**FIGURES)
    by_dealer = {row.pop("request__dealer"): shown_figures(row) for row in rows}
    shown = Dealer.objects.filter(pk__in=[pk for pk, figures in by_dealer.items() if figures])
    per_dealer = [(dealer, by_dealer[dealer.pk]) for dealer in shown]
    return {"overall": acceptance(), "per_dealer": per_dealer}


def dealer_requests(dealer: Dealer) -> dict[str, list[GoodwillRequest]]:
    """The requests shared with a dealer, by where they stand: new (not opened yet), seen (waiting
    for an answer, or for the owner's reply), answered, withdrawn."""
    groups: dict[str, list[GoodwillRequest]] = {"new": [], "seen": [], "answered": [], "withdrawn": []}
    shared = GoodwillRequest.objects.filter(dealer=dealer, shared_at__isnull=False).select_related("problem")
    last_kind = RequestStep.objects.filter(request=OuterRef("pk")).order_by("-number").values("kind")[:1]
    for item in shared.annotate(last_step=Subquery(last_kind)).order_by("-shared_at"):
        # The owner answered the dealer's question: the dealer's turn again, flagged in the list.
        item.owner_replied = item.last_step == RequestStep.Kind.REPLY
        if item.status == GoodwillRequest.Status.WITHDRAWN:
            groups["withdrawn"].append(item)
        elif item.status in ANSWERED:
            groups["answered"].append(item)
        elif item.dealer_seen_at is None:
            groups["new"].append(item)
        else:
            groups["seen"].append(item)
    return groups


def dealer_request(dealer: Dealer, pk: int) -> GoodwillRequest:
    """One request shared with this dealer; any other (another dealer's, not shared) is a 404."""
    return get_object_or_404(
        GoodwillRequest.objects.select_related("problem", "dealer", "outcome"), pk=pk, dealer=dealer, shared_at__isnull=False
    )
