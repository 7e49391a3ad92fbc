"""The goodwill pages: the request form (for everyone, or under a dealer's own link) and the
owner's letter."""

from django.shortcuts import redirect, render
from django.utils.cache import add_never_cache_headers
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from goodwill import selectors, services
from goodwill.forms import GoodwillRequestForm
from pagecache.cache import public_form_page

NEW_SUBMISSION_KEY = "goodwill.services.new_submission_key"


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
        return render(request, "goodwill/dealer_not_found.html", {"code": code}, status=404)
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
            sent_here = services.sent_from_here(request)
            if (existing := services.already_sent(form_key, fields, sent_here)) is not None:
                return redirect(existing)
            # Only a valid new request counts: an owner correcting typos is never paused.
            verdict = services.count_submission(request, data["owner_email"])
            if not verdict.allowed:
                # Keep what the owner typed: they can send it when the pause is over.
                minutes = max(1, -(-verdict.retry_after // 60))
                paused = "unavailable_minutes" if verdict.unavailable else "rate_limited_minutes"
                context = {"form": form, "dealer": dealer, paused: minutes} | selectors.goodwill_context(form)
                response = render(request, "goodwill/goodwill.html", context, status=503 if verdict.unavailable else 429)
                response["Retry-After"] = str(verdict.retry_after)
                return response
            goodwill_request, _created = services.create_request(form_key=form_key, **fields)
            response = redirect(goodwill_request)
            services.remember_sent(request, response, goodwill_request)
            return response
        status = 400
    else:
        outcome = selectors.goodwill_outcome(request.GET.get("outcome"))
        form = GoodwillRequestForm(fixed_dealer=dealer, initial=selectors.goodwill_initial(outcome))
        status = 200
    context = {"form": form, "dealer": dealer} | selectors.goodwill_context(form)
    return render(request, "goodwill/goodwill.html", context, status=status)


def goodwill_request(request, token):
    """The owner's letter, under a link only they hold."""
    goodwill_request = selectors.goodwill_request_by_token(token)
    context = {"goodwill_request": goodwill_request, "letter": selectors.goodwill_letter(goodwill_request)}
    response = render(request, "goodwill/goodwill_request.html", context)
    # Personal data: never cached, never indexed, never sent on as a referrer.
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response
