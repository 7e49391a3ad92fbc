"""Reads for the goodwill pages: the dealer, the diagnosis an owner arrives with, the letter."""

from urllib.parse import quote, urlencode

from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string

from core.markdown import strip_markdown
from goodwill.models import Dealer, GoodwillRequest
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


def goodwill_context(form) -> dict:
    """What the goodwill page shows beside the form: the carried diagnosis and the advice."""
    outcome = goodwill_outcome(form["outcome"].value())
    problems = [outcome.problem] if outcome else list(Problem.objects.published())
    return {"outcome": outcome, "problems": problems}


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
