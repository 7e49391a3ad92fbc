"""Reads for the troubleshooter pages: what the owner may see, fetched in few queries."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from guides.models import RepairGuide
from troubleshooter.models import Cause, CauseSymptom, Outcome, OutcomeGuide, Problem, Symptom


def outcome_guides_prefetch() -> Prefetch:
    """An outcome's published guides in the editor's order, with their parts (for the cost)."""
    links = (
        OutcomeGuide.objects.filter(guide__status=RepairGuide.Status.PUBLISHED)
        .select_related("guide")
        .prefetch_related("guide__parts")
        .order_by("order", "pk")
    )
    return Prefetch("guide_links", queryset=links, to_attr="published_guide_links")


def published_problems() -> QuerySet[Problem]:
    """Published problems, each with `emergency_guides` (the "open it now" guide first)."""
    emergency = RepairGuide.objects.published().filter(purpose=RepairGuide.Purpose.EMERGENCY).order_by("order")
    return (
        Problem.objects.published()
        .prefetch_related("vehicles", Prefetch("guides", queryset=emergency, to_attr="emergency_guides"))
        .order_by("title")
    )


def published_problem(slug: str) -> Problem:
    return get_object_or_404(Problem.objects.published(), slug=slug)


def problem_overview(slug: str) -> Problem:
    """A published problem with everything its overview page shows, or 404."""
    links = CauseSymptom.objects.select_related("symptom").filter(symptom__status=Symptom.Status.PUBLISHED)
    queryset = Problem.objects.published().prefetch_related(
        "vehicles",
        Prefetch("symptoms", queryset=Symptom.objects.published(), to_attr="published_symptoms"),
        Prefetch(
            "causes",
            queryset=Cause.objects.published().prefetch_related(
                Prefetch("symptom_links", queryset=links),
                Prefetch("guides", queryset=RepairGuide.objects.published(), to_attr="published_guides"),
            ),
            to_attr="published_causes",
        ),
        Prefetch("guides", queryset=RepairGuide.objects.published(), to_attr="published_guides"),
        "cost_estimates",
        "owner_experiences",
        "pull_quotes",
    )
    return get_object_or_404(queryset.select_related("source_article"), slug=slug)


def emergency_guide(problem: Problem) -> RepairGuide | None:
    return (
        RepairGuide.objects.published().filter(problem=problem, purpose=RepairGuide.Purpose.EMERGENCY).order_by("order").first()
    )


def published_outcome(problem: Problem, slug: str) -> Outcome:
    queryset = (
        Outcome.objects.published()
        .filter(problem=problem)
        .select_related("cause", "next_if_unsolved")
        .prefetch_related(outcome_guides_prefetch())
    )
    return get_object_or_404(queryset, slug=slug)


def published_symptom(problem: Problem, slug: str) -> Symptom:
    return get_object_or_404(Symptom.objects.published().filter(problem=problem).select_related("implies_answer"), slug=slug)
