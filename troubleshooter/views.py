from urllib.parse import urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_POST

from troubleshooter import selectors, services
from troubleshooter.diagnosis import InvalidPath, join_path, load_graph, parse_path, walk
from troubleshooter.forms import FeedbackForm, SearchForm
from troubleshooter.search import search as search_content

DIAGNOSIS_TEMPLATE = "troubleshooter/diagnosis.html"


def home(request):
    return render(request, "troubleshooter/home.html", {"problems": selectors.published_problems()})


def problem_detail(request, slug):
    return render(request, "troubleshooter/problem_detail.html", {"problem": selectors.problem_overview(slug)})


def diagnosis_url(problem, path: list[str], **extra) -> str:
    url = reverse("troubleshooter:diagnosis", kwargs={"slug": problem.slug})
    query = ({"a": join_path(path)} if path else {}) | extra
    return f"{url}?{urlencode(query, safe=',')}" if query else url


def render_fragment_or_page(request, template: str, partial: str, context: dict, status: int = 200):
    """The same URL gives the whole page, or (to an htmx request) only the swapped region."""
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    response = render(request, template, context, status=status)
    patch_vary_headers(response, ("HX-Request", "HX-History-Restore-Request"))
    return response


def outcome_context(request, problem, outcome, path: list[str] | None) -> dict:
    goodwill_query = {"outcome": outcome.slug} | ({"a": join_path(path)} if path else {})
    feedback = request.GET.get("solved")
    next_outcome = outcome.next_if_unsolved if outcome.next_if_unsolved_id else None
    return {
        "outcome": outcome,
        "emergency_guide": selectors.emergency_guide(problem),
        "cost_estimates": list(problem.cost_estimates.all()),
        "goodwill_url": f"{reverse('guides:goodwill')}?{urlencode(goodwill_query, safe=',')}",
        "feedback": feedback if feedback in ("yes", "no") else None,
        "feedback_url": reverse("troubleshooter:outcome_feedback", kwargs={"problem_slug": problem.slug, "slug": outcome.slug}),
        "next_outcome": next_outcome if next_outcome and next_outcome.is_published else None,
    }


def diagnosis(request, slug):
    problem = selectors.published_problem(slug)
    graph = load_graph(problem)
    context = {"problem": problem, "start_url": diagnosis_url(problem, [])}
    try:
        path = parse_path(request.GET.get("a"))
        current = walk(graph, path)
    except InvalidPath as error:
        context |= {"error": error, "continue_url": diagnosis_url(problem, error.valid_prefix)}
        return render_fragment_or_page(request, DIAGNOSIS_TEMPLATE, "diagnosis-step", context, status=400)

    context["walk"] = current
    context["trail"] = [(step, diagnosis_url(problem, step.path_before)) for step in current.steps]
    if current.question:
        # An answer whose target is unpublished is not offered (the integrity check reports it).
        context["answers"] = [
            (answer, diagnosis_url(problem, [*path, answer.slug]))
            for answer in graph.answers_of(current.question)
            if graph.target(answer) is not None
        ]
    else:
        context |= outcome_context(request, problem, current.outcome, path)
    return render_fragment_or_page(request, DIAGNOSIS_TEMPLATE, "diagnosis-step", context)


def diagnosis_from_symptom(request, slug, symptom_slug):
    """Start the diagnosis at the answer a symptom implies (the trail shows it, and it can be changed)."""
    problem = selectors.published_problem(slug)
    symptom = selectors.published_symptom(problem, symptom_slug)
    path = load_graph(problem).path_to(symptom.implies_answer) if symptom.implies_answer else None
    return redirect(diagnosis_url(problem, path or []))


def outcome_detail(request, problem_slug, slug):
    problem = selectors.published_problem(problem_slug)
    outcome = selectors.published_outcome(problem, slug)
    context = {"problem": problem, "start_url": diagnosis_url(problem, [])} | outcome_context(request, problem, outcome, None)
    return render_fragment_or_page(request, "troubleshooter/outcome_detail.html", "feedback", context)


@require_POST
def outcome_feedback(request, problem_slug, slug):
    problem = selectors.published_problem(problem_slug)
    outcome = selectors.published_outcome(problem, slug)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        context = {"problem": problem, "outcome": outcome, "back_url": outcome.get_absolute_url()}
        return render(request, "troubleshooter/feedback_invalid.html", context, status=400)
    solved = form.cleaned_data["solved"]
    services.record_feedback(outcome, solved == "yes")

    # Only a path that still ends on this outcome is used to send the owner back.
    try:
        path = parse_path(form.cleaned_data["a"])
        ends_here = walk(load_graph(problem), path).outcome == outcome if path else False
    except InvalidPath:
        ends_here = False
    if request.htmx:
        context = {"problem": problem} | outcome_context(request, problem, outcome, path if ends_here else None)
        context["feedback"] = solved
        return render(request, "troubleshooter/outcome_detail.html#feedback", context)
    if ends_here:
        return redirect(diagnosis_url(problem, path, solved=solved))
    return redirect(f"{outcome.get_absolute_url()}?solved={solved}")


def search(request):
    # An empty box is not an error: show the form and the ways in.
    form = SearchForm(request.GET if request.GET.get("q", "").strip() else None)
    results = search_content(form.cleaned_data["q"]) if form.is_valid() else None
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "results": results, "problems": selectors.published_problems()}
    return render(request, "troubleshooter/search.html", context, status=status)
