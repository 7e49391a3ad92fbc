"""Reads for the guide pages."""

from html import unescape
from urllib.parse import quote, urlencode

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.utils.html import strip_tags

from guides.models import FAQ, Dealer, GoodwillRequest, RepairGuide
from guides.services.goodwill import new_submission_key
from guides.templatetags.content import render_markdown
from troubleshooter.models import Cause, DiagnosisVersion, Problem


def strip_markdown(text: str) -> str:
    return " ".join(unescape(strip_tags(render_markdown(text))).split())


def published_guide(slug: str, *, include_drafts: bool = False) -> RepairGuide:
    """A published guide of a published problem (or any guide, for staff previewing drafts),
    with its tools, parts and steps, or 404."""
    queryset = RepairGuide.objects.select_related("problem").prefetch_related("tools", "parts", "steps")
    if not include_drafts:
        queryset = queryset.published().filter(problem__status=Problem.Status.PUBLISHED)
    return get_object_or_404(queryset, slug=slug)


def step_mode(guide: RepairGuide, asked: str | None) -> dict:
    """One step per screen (`?step=N`): that step and its neighbours' numbers. Anything else
    shows the whole guide, as a number that is not a step is just an old or mistyped link."""
    steps = list(guide.steps.all())
    if not asked or not asked.isdigit() or not 1 <= int(asked) <= len(steps):
        return {"current_step": None}
    n = int(asked)
    return {
        "current_step": steps[n - 1],
        "previous_number": n - 1 if n > 1 else None,
        "next_number": n + 1 if n < len(steps) else None,
        "step_count": len(steps),
    }


def related_guides(guide: RepairGuide) -> list[RepairGuide]:
    return list(RepairGuide.objects.published().filter(problem_id=guide.problem_id).exclude(pk=guide.pk))


def published_problem(slug: str, *prefetch) -> Problem:
    return get_object_or_404(Problem.objects.published().select_related("source_article").prefetch_related(*prefetch), slug=slug)


def problem_with_faqs(slug: str, *, include_drafts: bool = False) -> Problem:
    """A published problem with its published FAQs (staff previewing also get the drafts)."""
    faqs = FAQ.objects.all() if include_drafts else FAQ.objects.published()
    return published_problem(slug, Prefetch("faqs", queryset=faqs, to_attr="published_faqs"))


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
    subject = render_to_string("guides/email/letter_subject.txt", context).strip()
    body = render_to_string("guides/email/letter_body.txt", context).strip()
    recipient = goodwill_request.dealer.email if goodwill_request.dealer else ""
    mailto = f"mailto:{quote(recipient, safe='@')}?" + urlencode({"subject": subject, "body": body}, quote_via=quote)
    return {"subject": subject, "body": body, "mailto": mailto}
