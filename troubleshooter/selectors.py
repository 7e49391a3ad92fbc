"""Reads for the troubleshooter pages: what the owner may see, fetched in few queries."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from guides.models import RepairGuide
from troubleshooter.models import Cause, CauseSymptom, Problem, Symptom


def published_problems() -> QuerySet[Problem]:
    return (
        Problem.objects.published()
        .prefetch_related("vehicles", Prefetch("guides", queryset=RepairGuide.objects.published(), to_attr="published_guides"))
        .order_by("title")
    )


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
