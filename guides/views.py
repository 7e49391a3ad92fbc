import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.csp import csp_override

from core import illustrations
from guides import calendar, selectors, structured_data
from pagecache.cache import public_page
from problems.models import SourceArticle


def private_to_staff(response):
    """A page showing drafts to staff: never cached or shared."""
    add_never_cache_headers(response)
    patch_vary_headers(response, ("Cookie",))
    return response


@public_page(params=("step",))
def guide_detail(request, slug):
    guide = selectors.published_guide(slug, include_drafts=request.user.is_staff)
    draft = not (guide.is_published and guide.problem.is_published)
    context = {"guide": guide, "related_guides": selectors.related_guides(guide), "draft_notice": draft}
    # The guide's problem names the page (header, title) and its footer's sections.
    context["problem"] = selectors.problem_of(guide)
    context |= selectors.step_mode(guide, request.GET.get("step"))
    context |= {
        "how_to": structured_data.how_to(guide),
        "breadcrumbs": structured_data.breadcrumbs(
            [(guide.problem.short_title, guide.problem.get_absolute_url()), (guide.title, guide.get_absolute_url())]
        ),
    }
    response = render(request, "guides/guide_detail.html", context)
    return private_to_staff(response) if draft else response


@cache_control(public=True, max_age=86400)
# The file carries its own <style> (nothing else): no page is around it to give it colours.
@csp_override({"default-src": [CSP.NONE], "style-src": [CSP.UNSAFE_INLINE]})
def illustration(request, name):
    """One of the site's drawings as an image file, for search engines' HowTo steps."""
    if name not in illustrations.available():
        raise Http404(name)
    return HttpResponse(illustrations.render_standalone(name), content_type="image/svg+xml; charset=utf-8")


@public_page
def faq_list(request, problem_slug):
    problem = selectors.problem_with_faqs(problem_slug, include_drafts=request.user.is_staff)
    has_drafts = any(not faq.is_published for faq in problem.published_faqs)
    context = {
        "problem": problem,
        "has_drafts": has_drafts,
        "faq_page": structured_data.faq_page(problem, problem.published_faqs),
        "breadcrumbs": structured_data.breadcrumbs(
            [(problem.short_title, problem.get_absolute_url()), (_("Questions and answers"), request.path)]
        ),
    }
    response = render(request, "guides/faq_list.html", context)
    return private_to_staff(response) if has_drafts else response


@public_page
def prevention_tips(request, problem_slug):
    return render(
        request, "guides/prevention_tips.html", {"problem": selectors.published_problem(problem_slug, "prevention_tips")}
    )


def prevention_reminder(request, problem_slug):
    """The yearly check as a calendar event, starting a week from today."""
    problem = selectors.published_problem(problem_slug, "prevention_tips")
    tips = "\n".join(f"- {tip.title}" for tip in problem.prevention_tips.all())
    url = settings.SITE_URL.rstrip("/") + reverse("guides:prevention_tips", kwargs={"problem_slug": problem.slug})
    body = calendar.yearly_reminder(
        uid=f"prevention-{problem.slug}@{urlsplit(settings.SITE_URL).hostname}",
        summary=_("Yearly check: %(problem)s") % {"problem": problem.short_title},
        description=f"{tips}\n\n{url}",
        url=url,
        start=timezone.localdate() + datetime.timedelta(days=7),
        now=timezone.now(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{problem.slug}-yearly-check.ics"'
    return response


@public_page
def source_note(request, problem_slug):
    problem = selectors.published_problem(problem_slug)
    article = get_object_or_404(SourceArticle, problem=problem)
    return render(request, "guides/source_note.html", {"problem": problem, "article": article})
