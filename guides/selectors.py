"""Reads for the guide pages."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404

from guides.models import FAQ, RepairGuide
from troubleshooter.models import Problem


def published_guide(slug: str) -> RepairGuide:
    """A published guide of a published problem, with its tools, parts and steps, or 404."""
    queryset = (
        RepairGuide.objects.published()
        .filter(problem__status=Problem.Status.PUBLISHED)
        .select_related("problem")
        .prefetch_related("tools", "parts", "steps")
    )
    return get_object_or_404(queryset, slug=slug)


def related_guides(guide: RepairGuide) -> list[RepairGuide]:
    return list(RepairGuide.objects.published().filter(problem_id=guide.problem_id).exclude(pk=guide.pk))


def published_problem(slug: str, *prefetch) -> Problem:
    return get_object_or_404(Problem.objects.published().prefetch_related(*prefetch), slug=slug)


def problem_with_faqs(slug: str) -> Problem:
    return published_problem(slug, Prefetch("faqs", queryset=FAQ.objects.published(), to_attr="published_faqs"))


def goodwill_context(outcome_slug: str | None) -> dict:
    """The problems whose goodwill advice to show, and the diagnosis outcome if one was carried along."""
    from troubleshooter.models import Outcome

    outcome = None
    if outcome_slug:
        outcome = (
            Outcome.objects.published()
            .filter(problem__status=Problem.Status.PUBLISHED)
            .select_related("problem", "cause")
            .filter(slug=outcome_slug[:80])
            .first()
        )
    problems = [outcome.problem] if outcome else list(Problem.objects.published())
    return {"outcome": outcome, "problems": problems}
