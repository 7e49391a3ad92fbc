"""The public pages an owner reads."""

import pytest
from django.urls import reverse

from guides.models import GuideStep, RepairGuide
from problems.models import Problem
from tests.factories import make_guide, make_problem
from tests.pagetext import text_of

PROBLEM = "micra-k12-boot-lock"


def test_home_offers_the_two_doors(client, content):
    response = client.get(reverse("troubleshooter:home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Open it now" in html and "Find the cause" in html
    emergency = RepairGuide.objects.get(purpose=RepairGuide.Purpose.EMERGENCY)
    assert f'href="{emergency.get_absolute_url()}"' in html


def test_overview_shows_symptoms_causes_costs_and_owners(client, content):
    page = text_of(client.get(reverse("troubleshooter:problem_detail", kwargs={"slug": PROBLEM})))
    for expected in [
        "You no longer hear a clicking sound when you press the button.",
        "The lock mechanism has seized",
        "Independent garage",
        "€150–€225",
        "€225–€300",
        "Owners of the Nissan Micra K12 regularly mention the boot lock",
        "Replace damaged rubber immediately to prevent water ingress.",
    ]:
        assert expected in page


def test_guide_page_lists_tools_parts_and_numbered_steps(client, content):
    response = client.get(reverse("guides:guide_detail", kwargs={"slug": "replace-microswitch"}))
    page = text_of(response)
    assert "10 mm socket" in page
    assert "Microswitch (boot release switch): €10–€40" in page
    assert "30–60 minutes" in page and "Easy (2/5)" in page
    html = response.content.decode()
    assert html.count('<li id="step-') == 6
    assert "Careful:" in page and "Old clips can work loose" in page


def test_faq_prevention_and_source_pages(client, content):
    faq = text_of(client.get(reverse("guides:faq_list", kwargs={"problem_slug": PROBLEM})))
    assert faq.count("?") >= 5 and "between €150 and €300" in faq
    tips = text_of(client.get(reverse("guides:prevention_tips", kwargs={"problem_slug": PROBLEM})))
    assert "Lubricate the lock mechanism once a year" in tips
    response = client.get(reverse("guides:source_note", kwargs={"problem_slug": PROBLEM}))
    assert "Carnews" in text_of(response)
    assert 'href="https://www.carnews.com/"' in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/guides/no-such-guide/",
        "/problems/no-such-problem/",
        "/problems/no-such-problem/faq/",
        "/problems/no-such-problem/prevention/",
        "/problems/no-such-problem/source/",
        "/nothing-here/",
    ],
)
def test_unknown_addresses_get_a_friendly_404_with_a_way_home(client, content, url):
    response = client.get(url)
    assert response.status_code == 404
    page = text_of(response)
    assert "We can't find that page" in page
    assert 'href="/"' in response.content.decode()


def test_drafts_are_not_public(client, db):
    problem = make_problem()
    draft = make_guide(problem, status=RepairGuide.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    hidden_problem = make_problem(status=Problem.Status.DRAFT)
    assert client.get(hidden_problem.get_absolute_url()).status_code == 404
    published = make_guide(hidden_problem)
    assert client.get(published.get_absolute_url()).status_code == 404, "guide of a draft problem leaked"


def test_editor_markdown_is_rendered_and_sanitised(client, db):
    guide = make_guide()
    GuideStep.objects.filter(guide=guide).update(
        body='Use **two** hands. <script>alert("x")</script><img src=x onerror=alert(1)> [link](javascript:alert(1))'
    )
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "<strong>two</strong>" in html
    assert "<script>alert" not in html and "onerror" not in html and "javascript:" not in html


def test_pages_carry_a_strict_csp_and_no_inline_script(client, content):
    response = client.get("/")
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<script>" not in response.content.decode()


def test_favicon_ico_points_at_the_real_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301 and response["Location"].endswith("favicon.svg")
    assert client.get(response["Location"]).status_code == 200
