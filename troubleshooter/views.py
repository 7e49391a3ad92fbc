import hashlib
import secrets
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from core import ratelimit
from guides import structured_data
from pagecache import cache as pagecache
from pagecache.cache import public_page
from troubleshooter import offline, owner_words, selectors, services
from troubleshooter.diagnosis import ASK_PARAM, WORDS_PARAM, InvalidState, evaluate, parse_state, query_pairs, state_query
from troubleshooter.forms import FeedbackForm
from troubleshooter.legacy import translate_legacy_path
from troubleshooter.models import DiagnosisVersion, WalkEvent
from troubleshooter.presenters import diagnosis_context, outcome_context, overview_context

DIAGNOSIS_TEMPLATE = "troubleshooter/diagnosis.html"
FEEDBACK_PARTIAL = "troubleshooter/outcome_detail.html#feedback"
FEEDBACK_TRIED = ("yes", "later")
WORDS_FIELD = "words"  # the first screen's box for the owner's own words (posted, never in an address)
CLIENT_COOKIE = "owner"
CLIENT_COOKIE_AGE = 365 * 24 * 3600


@public_page
def home(request):
    return render(request, "troubleshooter/home.html", {"problems": selectors.published_problems()})


@public_page
def problem_detail(request, slug):
    problem, model = selectors.problem_overview(slug)
    return render(request, "troubleshooter/problem_detail.html", overview_context(problem, model))


PREVIEW_SESSION_KEY = "preview_version"


def previewed_version(request, problem):
    """The draft a staff member chose to preview on the public pages, if it belongs to `problem`."""
    pk = request.session.get(PREVIEW_SESSION_KEY) if request.user.is_staff else None
    draft = selectors.draft_version(problem) if pk else None
    return draft if draft is not None and draft.pk == pk else None


def shown_model(request, problem):
    """(the diagnosis model to show, the draft being previewed or None)."""
    preview = previewed_version(request, problem)
    model = selectors.diagnosis_model(preview) if preview else selectors.published_model(problem)
    return model, preview


def private_preview(response, preview):
    """A previewed draft is for this staff member only: never cached, never shared."""
    if preview is not None:
        add_never_cache_headers(response)
        patch_vary_headers(response, ("Cookie",))
    return response


@staff_member_required
def preview_draft(request, pk):
    """Staff: show a draft diagnosis on the public pages (with a banner) until they stop."""
    version = get_object_or_404(DiagnosisVersion, pk=pk, status=DiagnosisVersion.Status.DRAFT)
    request.session[PREVIEW_SESSION_KEY] = version.pk
    return redirect(diagnosis_url(version.problem))


@staff_member_required
def stop_preview(request):
    request.session.pop(PREVIEW_SESSION_KEY, None)
    return redirect(request.GET.get("next") if url_has_allowed_host_and_scheme(request.GET.get("next"), None) else "/")


def diagnosis_url(problem, query: str = "") -> str:
    url = reverse("troubleshooter:diagnosis", kwargs={"slug": problem.slug})
    return f"{url}?{query}" if query else url


def url_keeping_words(token: str):
    """Links of a walk begun with the owner's own words keep their token (not the words), so the
    trail can say which answers came "from what you typed"."""
    if not token:
        return diagnosis_url
    suffix = urlencode({WORDS_PARAM: token})
    return lambda problem, query="": diagnosis_url(problem, f"{query}&{suffix}" if query else suffix)


def feedback_params(request) -> dict[str, str]:
    """Where the owner is in "Tried it?" / "Did this solve it?": part of the page's address."""
    tried, solved = request.GET.get("tried", ""), request.GET.get("solved", "")
    return {"tried": tried if tried in FEEDBACK_TRIED else "", "solved": solved if solved in ("yes", "no") else ""}


def render_fragment_or_page(request, template: str, partial: str, context: dict, status: int = 200):
    """The same URL gives the whole page, or (to an htmx request) only the swapped region.

    A request aimed at the feedback box (its answers are links too) gets only that box.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template = FEEDBACK_PARTIAL if request.htmx.target == "feedback" and "outcome" in context else f"{template}#{partial}"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


@public_page(params=pagecache.CANONICAL_QUERY, targets=("feedback",))
def diagnosis(request, slug):
    problem = selectors.published_problem(slug)
    model, preview = shown_model(request, problem)
    context = {"problem": problem, "start_url": diagnosis_url(problem), "preview": preview}

    if "a" in request.GET:  # a link from the old question tree
        target = translate_legacy_path(problem, model, request.GET["a"])
        if target is None:
            error = InvalidState(_("This link comes from an older version of the questions that we can't follow."))
            context |= {"error": error, "continue_url": None}
            return render_fragment_or_page(request, DIAGNOSIS_TEMPLATE, "diagnosis-step", context, status=400)
        return redirect(target if target.startswith("/") else diagnosis_url(problem, target), permanent=True)

    try:
        state = parse_state(model, query_pairs(request.META.get("QUERY_STRING", "")))
    except InvalidState as error:
        context |= {"error": error, "continue_url": diagnosis_url(problem, state_query(error.usable))}
        return render_fragment_or_page(request, DIAGNOSIS_TEMPLATE, "diagnosis-step", context, status=400)

    ask = request.GET.get(ASK_PARAM, "")
    ask = ask if ask in model.question_by_slug else ""
    # An old link may carry words ("q", from the search box before): they are dropped, never kept.
    words = owner_words.kept(problem, request.GET.get(WORDS_PARAM, ""))
    query, canonical = request.META.get("QUERY_STRING", ""), step_query(request, state, ask, words)
    if query != canonical and not request.htmx:
        # One URL per state (answers in one order, no tracking parameters), so caches see one page.
        return redirect(diagnosis_url(problem, canonical))
    return diagnosis_step(request, problem, model, preview, state, ask=ask, words=words, shown_query=query)


def step_query(request, state, ask: str, words) -> str:
    """The one address of a step: its answers, the question asked again, the feedback, the words' token."""
    token = words.token if words else ""
    return state_query(state, **{ASK_PARAM: ask} | feedback_params(request) | {WORDS_PARAM: token})


def diagnosis_step(request, problem, model, preview, state, *, ask="", words=None, shown_query=None):
    """The step after these answers: the next question or the outcome, as a page or (to htmx)
    the swapped region. `shown_query`: the address the browser asked for (None: a form posted)."""
    canonical = step_query(request, state, ask, words)
    context = {"problem": problem, "start_url": diagnosis_url(problem), "preview": preview}
    result = evaluate(model, state, ask=ask or None)
    if state:
        # Many answer combinations, one page worth indexing: the cause they lead to.
        context["canonical_path"] = result.leader.cause.obj.get_absolute_url()
    counted = not (request.user.is_staff or any(feedback_params(request).values()) or offline.is_offline_copy(request))
    context |= diagnosis_context(request, problem, model, result, url_keeping_words(words.token if words else ""), words=words)
    context["words_url"] = reverse("troubleshooter:diagnosis_words", kwargs={"slug": problem.slug})
    response = render_fragment_or_page(request, DIAGNOSIS_TEMPLATE, "diagnosis-step", context)
    if words:
        # What an owner typed is on this page: never in the page cache, the browser's or the
        # offline worker's (it keeps nothing marked no-store).
        response.public_page = False
        add_never_cache_headers(response)
    if request.htmx and shown_query != canonical:
        push_url(response, diagnosis_url(problem, canonical))
    if preview is None and counted and (walk := walk_event(model, state, result, ask)) is not None:
        if shown_query is None:
            services.count_walk(*walk)  # a posted form: the page cache does not see it
        else:
            # Counted each time the page is served, also from the page cache.
            pagecache.after_serve(response, "troubleshooter.services.count_walk", *walk)
    return private_preview(response, preview)


# No CSRF check: the form sits on pages the page cache shares, and what it does is harmless to
# forge (it reads ticks and words, and keeps them for a day under a new random token); the
# number of words kept per client is limited.
@csrf_exempt
@require_POST
def diagnosis_words(request, slug):
    """The first screen's ticks and the owner's own words, posted: the words set the answers
    they describe, and the owner goes on at an address that holds a token, not the words."""
    problem = selectors.published_problem(slug)
    model, preview = shown_model(request, problem)
    pairs = [(name, value) for name, values in request.POST.lists() if name not in (WORDS_FIELD, WORDS_PARAM) for value in values]
    try:
        state = parse_state(model, pairs)
    except InvalidState as error:
        state = error.usable
    text = owner_words.clean(request.POST.get(WORDS_FIELD, ""))
    # Words typed on an earlier screen stay with the walk (the trail still marks what they set).
    words = owner_words.kept(problem, request.POST.get(WORDS_PARAM, ""))
    if text:
        reading = owner_words.read(model, problem, state, text, earlier=owner_words.typed_pairs(words))
        state = reading.state
        limit, window = settings.OWNER_WORDS_RATE_LIMIT
        if request.user.is_staff or not ratelimit.count("owner-words", ratelimit.client_group(request), limit, window).allowed:
            # Staff trying the words (previewing) are not owners: nothing kept, nothing noted. Past
            # the limit nothing is kept either, but the owner is still told what their words set
            # and what the site did not understand: on this answer itself.
            return diagnosis_step(request, problem, model, preview, state, words=owner_words.unkept(problem, text, reading))
        words = owner_words.keep(problem, text, reading)
    if request.htmx:
        # The next step at once (one request on a slow line), its address pushed.
        return diagnosis_step(request, problem, model, preview, state, words=words)
    return redirect(diagnosis_url(problem, state_query(state, **{WORDS_PARAM: words.token if words else ""})))


def walk_event(model, state, result, ask) -> tuple | None:
    """For the editors' "at a glance" page: walks started, outcomes reached, "not sure" answers."""
    version_id = model.causes[0].obj.version_id
    if not state and not ask:
        return (version_id, WalkEvent.Kind.STARTED)
    if result.finished:
        unsure = [
            slug
            for slug, answers in state.items()
            if slug in model.question_by_slug
            and any((a := model.question_by_slug[slug].answer(answer)) is not None and a.no_evidence for answer in answers)
        ]
        return (version_id, WalkEvent.Kind.ENDED, result.leader.cause.slug, unsure)
    return None


def diagnosis_from_sign(request, slug, sign_slug):
    """Start the diagnosis with one sign set (the trail shows it, and it can be changed)."""
    problem = selectors.published_problem(slug)
    model = selectors.published_model(problem)
    for question in model.questions:
        answer = question.answer(sign_slug)
        if answer is not None and not answer.no_evidence:
            if not request.user.is_staff:
                services.count_walk(model.causes[0].obj.version_id, WalkEvent.Kind.STARTED)  # a walk begun from a sign
            return redirect(diagnosis_url(problem, urlencode([(question.slug, answer.slug)])))
    raise Http404("No such sign")


@public_page(params=("tried", "solved"), targets=("feedback",))
def outcome_detail(request, problem_slug, slug):
    problem = selectors.published_problem(problem_slug)
    preview = previewed_version(request, problem)
    cause = selectors.published_cause(problem, slug, version=preview)
    context = {"problem": problem, "start_url": diagnosis_url(problem), "preview": preview}
    context |= outcome_context(request, problem, cause, None)
    context["breadcrumbs"] = structured_data.breadcrumbs(
        [(problem.short_title, problem.get_absolute_url()), (cause.title, cause.get_absolute_url())]
    )
    response = render_fragment_or_page(request, "troubleshooter/outcome_detail.html", "feedback", context)
    return private_preview(response, preview)


def feedback_client(request) -> tuple[str, str]:
    """(the random id in this browser's cookie, its hash to store); a new id when there is none."""
    client_id = request.get_signed_cookie(CLIENT_COOKIE, default="", salt=CLIENT_COOKIE)
    if not client_id:
        client_id = secrets.token_urlsafe(18)
    return client_id, hashlib.sha256(client_id.encode()).hexdigest()


@require_POST
def outcome_feedback(request, problem_slug, slug):
    problem = selectors.published_problem(problem_slug)
    model, preview = shown_model(request, problem)
    cause = selectors.published_cause(problem, slug, version=preview)
    back = {"problem": problem, "outcome": cause, "back_url": cause.get_absolute_url()}
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        return render(request, "troubleshooter/feedback_invalid.html", back, status=400)
    # Counted after the form is read: a mistaken post uses up nothing.
    limit, window = settings.FEEDBACK_RATE_LIMIT
    verdict = ratelimit.count("feedback", ratelimit.client_group(request), limit, window)
    if not verdict.allowed:
        refusal = {"unavailable": True} if verdict.unavailable else {"too_many": True}
        status = 503 if verdict.unavailable else 429
        response = render(request, "troubleshooter/feedback_invalid.html", back | refusal, status=status)
        response["Retry-After"] = str(verdict.retry_after)
        return response
    solved = form.cleaned_data["solved"]

    # Only answers that still end on this cause are kept and used to send the owner back.
    try:
        state = parse_state(model, query_pairs(form.cleaned_data["a"]))
        result = evaluate(model, state)
        ends_here = bool(state) and result.finished and result.leader.cause.slug == cause.slug
    except InvalidState:
        state, ends_here = {}, False
    query = state_query(state) if ends_here else ""
    client_id, client_hash = feedback_client(request)
    if preview is None:  # staff trying a draft are not owners
        services.record_feedback(cause, solved == "yes", query, client=client_hash)
    if request.htmx:
        context = {"problem": problem} | outcome_context(
            request, problem, cause, result if ends_here else None, model=model, url=diagnosis_url
        )
        context["feedback"] = solved
        response = render(request, FEEDBACK_PARTIAL, context)
    # Back to the page, at the answer (without JavaScript the reply would otherwise sit out of sight).
    elif ends_here:
        response = redirect(diagnosis_url(problem, f"{query}&solved={solved}") + "#feedback")
    else:
        response = redirect(f"{cause.get_absolute_url()}?solved={solved}#feedback")
    response.set_signed_cookie(
        CLIENT_COOKIE,
        client_id,
        salt=CLIENT_COOKIE,
        max_age=CLIENT_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
