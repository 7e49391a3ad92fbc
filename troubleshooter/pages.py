"""The pages this room serves per item, for the check of links in editors' Markdown (core.links)."""

from django.urls import reverse

from problems.models import Problem
from troubleshooter.models import Cause, DiagnosisVersion


def site_pages(**kwargs) -> dict[str, tuple[str, bool]]:
    pages = {}
    for problem in Problem.objects.all():
        for name in ("problem_detail", "diagnosis"):
            pages[reverse(f"troubleshooter:{name}", kwargs={"slug": problem.slug})] = (problem.title, problem.is_published)
    # An outcome's address is a cause's slug: owners see the live version's; a draft's new cause
    # is on the site once its version is published.
    for cause in Cause.objects.exclude(version__status=DiagnosisVersion.Status.RETIRED).select_related("version__problem"):
        live = cause.version.status == DiagnosisVersion.Status.PUBLISHED
        path = cause.get_absolute_url()
        if live or path not in pages:
            pages[path] = (cause.title, live and cause.version.problem.is_published)
    return pages
