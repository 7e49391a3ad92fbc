"""Reads for the guide pages."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from guides.models import FAQ, PreventionTip, RepairGuide
from problems.models import Problem


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


def with_sections(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    """`has_faqs` and `has_tips` on each problem, in the same query: the footer links only to
    sections that hold something (a new fault has neither at first)."""
    return problems.annotate(
        has_faqs=Exists(FAQ.objects.published().filter(problem=OuterRef("pk"))),
        has_tips=Exists(PreventionTip.objects.filter(problem=OuterRef("pk"))),
    )


def problem_of(guide: RepairGuide) -> Problem:
    """The guide's problem, with what its footer links to (`with_sections`)."""
    return with_sections(Problem.objects.filter(pk=guide.problem_id)).select_related("source_article").get()


def published_problem(slug: str, *prefetch) -> Problem:
    queryset = with_sections(Problem.objects.published()).select_related("source_article").prefetch_related(*prefetch)
    return get_object_or_404(queryset, slug=slug)


def problem_with_faqs(slug: str, *, include_drafts: bool = False) -> Problem:
    """A published problem with its published FAQs (staff previewing also get the drafts)."""
    faqs = FAQ.objects.all() if include_drafts else FAQ.objects.published()
    return published_problem(slug, Prefetch("faqs", queryset=faqs, to_attr="published_faqs"))
