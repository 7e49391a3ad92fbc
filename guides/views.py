from django.shortcuts import get_object_or_404, render

from guides import selectors
from guides.models import SourceArticle


def guide_detail(request, slug):
    guide = selectors.published_guide(slug)
    return render(request, "guides/guide_detail.html", {"guide": guide, "related_guides": selectors.related_guides(guide)})


def faq_list(request, problem_slug):
    return render(request, "guides/faq_list.html", {"problem": selectors.problem_with_faqs(problem_slug)})


def prevention_tips(request, problem_slug):
    return render(
        request, "guides/prevention_tips.html", {"problem": selectors.published_problem(problem_slug, "prevention_tips")}
    )


def source_note(request, problem_slug):
    problem = selectors.published_problem(problem_slug)
    article = get_object_or_404(SourceArticle, problem=problem)
    return render(request, "guides/source_note.html", {"problem": problem, "article": article})


def goodwill(request):
    """How to ask the dealer for a goodwill repair, with what the diagnosis found when the owner comes from it."""
    return render(request, "guides/goodwill.html", selectors.goodwill_context(request.GET.get("outcome")))
