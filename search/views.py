"""The search page: what the owner's words say (the diagnosis's matcher), and the pages that
hold them (the index)."""

from django.shortcuts import render

from pagecache.cache import public_page
from search import index
from search.models import SearchEntry
from troubleshooter import selectors
from troubleshooter.forms import SearchForm
from troubleshooter.presenters import search_context


@public_page(params=("q",))
def search(request):
    # An empty box is not an error: show the form and the ways in.
    form = SearchForm(request.GET if request.GET.get("q", "").strip() else None)
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "results": None, "problems": selectors.published_problems()}
    if form.is_valid():
        text = form.cleaned_data["q"]
        context |= search_context(text)
        # Words about another fault get its look-alikes, not a list of boot pages that share a word.
        results = [] if context["points_away"] else index.search(text)
        # Signs come from the matching above, which needs an owner's whole phrase; the index
        # matches single words ("open" in "opens by itself") and would offer the opposite sign.
        context["results"] = [entry for entry in results if entry.kind != SearchEntry.Kind.SYMPTOM]
    response = render(request, "search/search.html", context, status=status)
    if form.is_bound:
        response.public_page = False  # what an owner typed never becomes a key of the page cache
    return response
