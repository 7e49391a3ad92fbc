from django.shortcuts import render

from troubleshooter import selectors


def home(request):
    return render(request, "troubleshooter/home.html", {"problems": selectors.published_problems()})


def problem_detail(request, slug):
    return render(request, "troubleshooter/problem_detail.html", {"problem": selectors.problem_overview(slug)})
