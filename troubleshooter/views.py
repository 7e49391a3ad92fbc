from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import push_url

from troubleshooter import selectors, services
from troubleshooter.diagnosis import ASK_PARAM, InvalidState, evaluate, parse_state, query_pairs, state_query
from troubleshooter.forms import FeedbackForm, SearchForm
from troubleshooter.legacy import translate_legacy_path
from troubleshooter.presenters import diagnosis_context, outcome_context, overview_context
from troubleshooter.search import search as search_content

DIAGNOSIS_TEMPLATE = "troubleshooter/diagnosis.html"


def home(request):
    return render(request, "troubleshooter/home.html", {"problems": selectors.published_problems()})


def problem_detail(request, slug):
    problem, model = selectors.problem_overview(slug)
    return render(request, "troubleshooter/problem_detail.html", overview_context(problem, model))


def diagnosis_url(problem, query: str = "") -> str:
    url = reverse("troubleshooter:diagnosis", kwargs={"slug": problem.slug})
    return f"{url}?{query}" if query else url


def render_fragment_or_page(request, template: str, partial: str, context: dict, status: int = 200):
    """The same URL gives the whole page, or (to an htmx request) only the swapped region."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


def diagnosis(request, slug):
    problem = selectors.published_problem(slug)
    model = selectors.published_model(problem)
    context = {"problem": problem, "start_url": diagnosis_url(problem)}

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
    solved = request.GET.get("solved", "")
    solved = solved if solved in ("yes", "no") else ""
    canonical = state_query(state, **{ASK_PARAM: ask, "solved": solved})
    if request.META.get("QUERY_STRING", "") != canonical and not request.htmx:
        # One URL per state (answers in one order, no tracking parameters), so caches see one page.
        return redirect(diagnosis_url(problem, canonical))

    result = evaluate(model, state, ask=ask or None)
    context |= diagnosis_context(request, problem, model, result, diagnosis_url)
    response = render_fragment_or_page(request, DIAGNOSIS_TEMPLATE, "diagnosis-step", context)
    if request.htmx and request.META.get("QUERY_STRING", "") != canonical:
        push_url(response, diagnosis_url(problem, canonical))
    return response


def diagnosis_from_sign(request, slug, sign_slug):
    """Start the diagnosis with one sign set (the trail shows it, and it can be changed)."""
    problem = selectors.published_problem(slug)
    model = selectors.published_model(problem)
    for question in model.questions:
        answer = question.answer(sign_slug)
        if answer is not None and not answer.no_evidence:
            return redirect(diagnosis_url(problem, urlencode([(question.slug, answer.slug)])))
    raise Http404("No such sign")


def outcome_detail(request, problem_slug, slug):
    problem = selectors.published_problem(problem_slug)
    cause = selectors.published_cause(problem, slug)
    context = {"problem": problem, "start_url": diagnosis_url(problem)} | outcome_context(request, problem, cause, None)
    return render_fragment_or_page(request, "troubleshooter/outcome_detail.html", "feedback", context)


@require_POST
def outcome_feedback(request, problem_slug, slug):
    problem = selectors.published_problem(problem_slug)
    cause = selectors.published_cause(problem, slug)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        context = {"problem": problem, "outcome": cause, "back_url": cause.get_absolute_url()}
        return render(request, "troubleshooter/feedback_invalid.html", context, status=400)
    solved = form.cleaned_data["solved"]

    # Only answers that still end on this cause are kept and used to send the owner back.
    model = selectors.published_model(problem)
    try:
        state = parse_state(model, query_pairs(form.cleaned_data["a"]))
        result = evaluate(model, state)
        ends_here = bool(state) and result.finished and result.leader.cause.slug == cause.slug
    except InvalidState:
        state, ends_here = {}, False
    query = state_query(state) if ends_here else ""
    services.record_feedback(cause, solved == "yes", query)
    if request.htmx:
        context = {"problem": problem} | outcome_context(
            request, problem, cause, result if ends_here else None, model=model, url=diagnosis_url
        )
        context["feedback"] = solved
        return render(request, "troubleshooter/outcome_detail.html#feedback", context)
    # Back to the page, at the answer (without JavaScript the reply would otherwise sit out of sight).
    if ends_here:
        return redirect(diagnosis_url(problem, f"{query}&solved={solved}") + "#feedback")
    return redirect(f"{cause.get_absolute_url()}?solved={solved}#feedback")


def search(request):
    # An empty box is not an error: show the form and the ways in.
    form = SearchForm(request.GET if request.GET.get("q", "").strip() else None)
    results = search_content(form.cleaned_data["q"]) if form.is_valid() else None
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "results": results, "problems": selectors.published_problems()}
    return render(request, "troubleshooter/search.html", context, status=status)
