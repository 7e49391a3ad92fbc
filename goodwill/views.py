"""The goodwill pages: the request form (for everyone, or under a dealer's own link) and the
owner's letter."""

import time

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from goodwill import selectors, services
from goodwill.forms import GoodwillRequestForm, ReplyForm
from pagecache.cache import after_serve, public_form_page

NEW_SUBMISSION_KEY = "goodwill.services.new_submission_key"


# Browsers never keep the form (each carries its own one-time key); the page cache keeps it
# once and puts in a new key and the owner's own CSRF token on every serve.
@never_cache
@public_form_page(params=("outcome",), lifetime=settings.GOODWILL_FIGURES_SECONDS, submission_key=NEW_SUBMISSION_KEY)
@require_http_methods(["GET", "POST"])
def goodwill(request):
    """The goodwill request for everyone; the owner picks their dealer, if listed."""
    return goodwill_form_page(request, dealer=None)


@never_cache
@public_form_page(params=("outcome",), lifetime=settings.GOODWILL_FIGURES_SECONDS, submission_key=NEW_SUBMISSION_KEY)
@require_http_methods(["GET", "POST"])
def goodwill_dealer(request, code):
    """A dealer's own link: the page and the letter name that dealer."""
    dealer = selectors.active_dealer(code)
    if dealer is None:
        return render(request, "goodwill/dealer_not_found.html", {"code": code}, status=404)
    return goodwill_form_page(request, dealer=dealer)


# A form sent with mistakes comes back through a redirect (303), so Back and Reload never ask to
# send it again: what the owner typed waits in their session for that one page view.
SENT_BACK = "goodwill_form_sent_back"
SENT_BACK_SECONDS = 30 * 60


def goodwill_form_page(request, dealer):
    # (An owner without a session has nothing waiting: their session is not even looked at, so the
    # page stays one the page cache may keep.)
    has_session = settings.SESSION_COOKIE_NAME in request.COOKIES
    sent_back = request.session.get(SENT_BACK) if request.method == "GET" and has_session else None
    # Kept (a reload shows the messages and what was typed again) until the form goes through,
    # or for SENT_BACK_SECONDS: a later visit starts afresh.
    if sent_back and sent_back["path"] == request.path and time.time() - sent_back.get("at", 0) < SENT_BACK_SECONDS:
        form = GoodwillRequestForm(QueryDict(sent_back["data"]), fixed_dealer=dealer)
        form.is_valid()  # the messages beside the fields
        context = {"form": form, "dealer": dealer} | selectors.goodwill_context(form, dealer)
        response = render(request, "goodwill/goodwill.html", context)
        add_never_cache_headers(response)  # this owner's own answers: never stored
        return response
    if request.method == "POST":
        form = GoodwillRequestForm(request.POST, fixed_dealer=dealer)
        if form.is_valid():
            data = form.cleaned_data
            form_key = data.pop("submission_key")
            fields = {"dealer": dealer or data.pop("dealer", None)} | {
                k: v for k, v in data.items() if k not in ("website", "dealer")
            }
            # The same form sent again (Back, then Send; a double tap) gets its letter, uncounted.
            sent_here = services.sent_from_here(request)
            if (existing := services.already_sent(form_key, fields, sent_here)) is not None:
                return redirect(existing)
            # Only a valid new request counts: an owner correcting typos is never paused.
            verdict = services.count_submission(request, data["owner_email"])
            if not verdict.allowed:
                # Keep what the owner typed: they can send it when the pause is over.
                minutes = max(1, -(-verdict.retry_after // 60))
                paused = "unavailable_minutes" if verdict.unavailable else "rate_limited_minutes"
                context = {"form": form, "dealer": dealer, paused: minutes} | selectors.goodwill_context(form, dealer)
                response = render(request, "goodwill/goodwill.html", context, status=503 if verdict.unavailable else 429)
                response["Retry-After"] = str(verdict.retry_after)
                return response
            goodwill_request, _created = services.create_request(form_key=form_key, **fields)
            if has_session:
                request.session.pop(SENT_BACK, None)
            response = redirect(goodwill_request)
            services.remember_sent(request, response, goodwill_request)
            return response
        data = request.POST.copy()
        data.pop("csrfmiddlewaretoken", None)
        request.session[SENT_BACK] = {"path": request.path, "data": data.urlencode(), "at": time.time()}
        return _see_other(request.get_full_path())
    outcome = selectors.goodwill_outcome(request.GET.get("outcome"))
    form = GoodwillRequestForm(fixed_dealer=dealer, initial=selectors.goodwill_initial(outcome))
    context = {"form": form, "dealer": dealer} | selectors.goodwill_context(form, dealer)
    response = render(request, "goodwill/goodwill.html", context)
    if dealer is not None:
        # Counted on every serve, from the page cache too (counts only: nothing about who).
        after_serve(response, "goodwill.services.count_link_open", dealer.pk)
    return response


def _see_other(url):
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def private_page(response):
    """Personal data: never cached, never indexed, never sent to another site as a referrer (the
    page's own forms need "same-origin": with "no-referrer" browsers send "Origin: null")."""
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


def goodwill_request(request, token):
    """The owner's letter, under a link only they hold, with the dealer's answers and their own."""
    goodwill_request = selectors.goodwill_request_by_token(token)
    context = {
        "goodwill_request": goodwill_request,
        "letter": selectors.goodwill_letter(goodwill_request),
        "steps": selectors.thread(goodwill_request),
        "reply_form": ReplyForm(initial={"seen_steps": goodwill_request.steps.count()}),
    }
    return private_page(render(request, "goodwill/goodwill_request.html", context))


@require_http_methods(["GET", "POST"])
def confirm_email(request, token, key):
    """The link e-mailed to the owner: confirming it (a button, so that a mail scanner opening the
    link confirms nothing) shares the request with the dealer, if they asked for that."""
    goodwill_request = selectors.goodwill_request_by_token(token)
    if request.method == "POST":
        if services.confirm_email(goodwill_request, key):
            goodwill_request.refresh_from_db()
            if goodwill_request.shared_at:
                messages.success(request, _("Thank you: your address is confirmed and the dealer can now see your request."))
            else:
                messages.success(request, _("Thank you: your address is confirmed."))
            return redirect(goodwill_request)
    valid = services.confirm_key_matches(goodwill_request, key)
    context = {"goodwill_request": goodwill_request, "valid": valid}
    return private_page(render(request, "goodwill/confirm_email.html", context, status=200 if valid else 404))


@require_http_methods(["POST"])
def owner_step(request, token, kind):
    """The owner replies to the dealer's question, or withdraws the request."""
    goodwill_request = selectors.goodwill_request_by_token(token)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please write your reply (at most 2000 characters)."))
        return redirect(goodwill_request)
    try:
        services.add_step(goodwill_request, kind, form.cleaned_data["text"], seen_steps=form.cleaned_data["seen_steps"])
    except services.StepRefused as refusal:
        messages.error(request, str(refusal))
    else:
        done = _("Your reply was sent to the dealer.") if kind == "reply" else _("Your request is withdrawn.")
        messages.success(request, done)
    return redirect(goodwill_request)


def dealer_qr(request, code, image):
    """The QR code of a dealer's own link, always from SITE_URL (never this request's Host)."""
    dealer = selectors.active_dealer(code)
    if dealer is None:
        raise Http404
    content, content_type = selectors.dealer_qr(dealer, image)
    response = HttpResponse(content, content_type=content_type)
    patch_cache_control(response, public=True, max_age=3600)
    return response
