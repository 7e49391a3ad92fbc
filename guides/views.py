import datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.csp import CSP
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods

from config.pagecache import public_form_page, public_page
from guides import calendar, illustrations, selectors, structured_data
from guides.forms import GoodwillRequestForm
from guides.models import SourceArticle
from guides.services import goodwill as goodwill_service

NEW_SUBMISSION_KEY = "guides.services.goodwill.new_submission_key"


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


# Browsers never keep the form (each carries its own one-time key); the page cache keeps it
# once and puts in a new key and the owner's own CSRF token on every serve.
@never_cache
@public_form_page(params=("outcome",), submission_key=NEW_SUBMISSION_KEY)
@require_http_methods(["GET", "POST"])
def goodwill(request):
    """The goodwill request for everyone; the owner picks their dealer, if listed."""
    return goodwill_form_page(request, dealer=None)


@never_cache
@public_form_page(params=("outcome",), submission_key=NEW_SUBMISSION_KEY)
@require_http_methods(["GET", "POST"])
def goodwill_dealer(request, code):
    """A dealer's own link: the page and the letter name that dealer."""
    dealer = selectors.active_dealer(code)
    if dealer is None:
        return render(request, "guides/dealer_not_found.html", {"code": code}, status=404)
    return goodwill_form_page(request, dealer=dealer)


def goodwill_form_page(request, dealer):
    if request.method == "POST":
        form = GoodwillRequestForm(request.POST, fixed_dealer=dealer)
        if form.is_valid():
            data = form.cleaned_data
            form_key = data.pop("submission_key")
            fields = {"dealer": dealer or data.pop("dealer", None)} | {
                k: v for k, v in data.items() if k not in ("website", "dealer")
            }
            # The same form sent again (Back, then Send; a double tap) gets its letter, uncounted.
            sent_here = goodwill_service.sent_from_here(request)
            if (existing := goodwill_service.already_sent(form_key, fields, sent_here)) is not None:
                return redirect(existing)
            # Only a valid new request counts: an owner correcting typos is never paused.
            verdict = goodwill_service.count_submission(request, data["owner_email"])
            if not verdict.allowed:
                # Keep what the owner typed: they can send it when the pause is over.
                minutes = max(1, -(-verdict.retry_after // 60))
                paused = "unavailable_minutes" if verdict.unavailable else "rate_limited_minutes"
                context = {"form": form, "dealer": dealer, paused: minutes} | selectors.goodwill_context(form)
                response = render(request, "guides/goodwill.html", context, status=503 if verdict.unavailable else 429)
                response["Retry-After"] = str(verdict.retry_after)
                return response
            goodwill_request, _created = goodwill_service.create_request(form_key=form_key, **fields)
            response = redirect(goodwill_request)
            goodwill_service.remember_sent(request, response, goodwill_request)
            return response
        status = 400
    else:
        outcome = selectors.goodwill_outcome(request.GET.get("outcome"))
        form = GoodwillRequestForm(fixed_dealer=dealer, initial=selectors.goodwill_initial(outcome))
        status = 200
    context = {"form": form, "dealer": dealer} | selectors.goodwill_context(form)
    return render(request, "guides/goodwill.html", context, status=status)


def goodwill_request(request, token):
    """The owner's letter, under a link only they hold."""
    goodwill_request = selectors.goodwill_request_by_token(token)
    context = {"goodwill_request": goodwill_request, "letter": selectors.goodwill_letter(goodwill_request)}
    response = render(request, "guides/goodwill_request.html", context)
    # Personal data: never cached, never indexed, never sent on as a referrer.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
