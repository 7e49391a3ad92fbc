"""The pages this room serves per item, for the check of links in editors' Markdown (core.links)."""

from django.urls import reverse

from guides.models import RepairGuide
from problems.models import Problem


def site_pages(**kwargs) -> dict[str, tuple[str, bool]]:
    pages = {guide.get_absolute_url(): (guide.title, guide.is_published) for guide in RepairGuide.objects.all()}
    for problem in Problem.objects.all():
        for name in ("faq_list", "prevention_tips", "source_note"):
            pages[reverse(f"guides:{name}", kwargs={"problem_slug": problem.slug})] = (problem.title, problem.is_published)
    return pages
