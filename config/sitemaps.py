"""sitemap.xml (Django's sitemaps framework): every public page worth finding, nothing personal.

Goodwill letters, the admin, previews and diagnosis steps with answers are left out (the
steps name their outcome page as canonical, which is listed here).
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from guides.models import RepairGuide
from problems.models import Problem
from troubleshooter.models import Cause, DiagnosisVersion


class ProblemPagesSitemap(Sitemap):
    """Each published problem's overview, diagnosis start, questions, tips and source pages."""

    def items(self):
        pages = []
        for problem in Problem.objects.published().select_related("source_article").order_by("slug"):
            pages += [
                reverse("troubleshooter:problem_detail", kwargs={"slug": problem.slug}),
                reverse("troubleshooter:diagnosis", kwargs={"slug": problem.slug}),
                reverse("guides:faq_list", kwargs={"problem_slug": problem.slug}),
                reverse("guides:prevention_tips", kwargs={"problem_slug": problem.slug}),
            ]
            if hasattr(problem, "source_article"):
                pages.append(reverse("guides:source_note", kwargs={"problem_slug": problem.slug}))
        return ["/", *pages, reverse("goodwill:goodwill")]

    def location(self, item):
        return item


class GuideSitemap(Sitemap):
    def items(self):
        return RepairGuide.objects.published().filter(problem__status=Problem.Status.PUBLISHED).order_by("slug")


class OutcomeSitemap(Sitemap):
    """The outcome page of every cause of each live diagnosis."""

    def items(self):
        return (
            Cause.objects.filter(
                version__status=DiagnosisVersion.Status.PUBLISHED, version__problem__status=Problem.Status.PUBLISHED
            )
            .select_related("version__problem")
            .order_by("version__problem__slug", "order", "pk")
        )


SITEMAPS = {"pages": ProblemPagesSitemap, "guides": GuideSitemap, "outcomes": OutcomeSitemap}
