"""A second fault beside the Micra boot lock: nothing boot-specific leaks into it, empty sections
stay hidden, and the admin's choice lists keep each fault's items apart."""

import re

from django.test import override_settings
from django.urls import reverse

from tests.factories import make_guide, make_problem, make_version
from tests.pagetext import read_page
from troubleshooter.models import Cause, DiagnosisVersion, Question
from troubleshooter.services import copy_version


def options(html, name):
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    return re.findall(r"<option[^>]*>([^<]*)</option>", select.group(1))


def test_a_new_fault_shows_only_the_sections_it_has(client, content):
    problem = make_problem(title="Fuel flap will not open", short_title="Fuel flap")
    make_version(problem)
    overview = read_page(client.get(problem.get_absolute_url()).content.decode())[0]
    assert "Fuel flap will not open" in overview and "What causes it" in overview
    for empty in ("What it costs", "Ask the dealer for a free repair", "What owners say", "Which cars"):
        assert empty not in overview, empty
    assert "Source:" not in overview  # no source article yet: no link to a page that isn't there
    # Nor to an empty FAQ page, or a tips page with only a reminder.
    assert "Questions and answers" not in overview and "Stop it happening again" not in overview
    micra = read_page(
        client.get(reverse("troubleshooter:problem_detail", kwargs={"slug": "micra-k12-boot-lock"})).content.decode()
    )[0]
    assert "Questions and answers" in micra and "Stop it happening again" in micra
    assert "boot" not in overview.lower().replace("micra boot lock help", "")  # the site's name is a setting
    home = read_page(client.get(reverse("troubleshooter:home")).content.decode())[0]
    assert "Fuel flap will not open" in home and "Source: Carnews" in home  # the Micra keeps its own


@override_settings(SITE_NAME="Fuel flap help", SITE_TAGLINE="Flap stuck?")
def test_the_site_name_comes_from_settings_and_a_problems_pages_carry_its_short_title(client, content):
    home = client.get(reverse("troubleshooter:home")).content.decode()
    assert "<title>Flap stuck? · Fuel flap help</title>" in home and ">Fuel flap help</a>" in home
    # A problem's own pages: its short title in the header (linking to its overview) and the title.
    html = client.get(reverse("guides:faq_list", kwargs={"problem_slug": "micra-k12-boot-lock"})).content.decode()
    assert "<title>Questions and answers · Micra boot lock</title>" in html
    assert '<a class="site-name" href="/problems/micra-k12-boot-lock/">Micra boot lock</a>' in html
    assert ">Fuel flap help</a>" not in html  # (the site's name stays in og:site_name)


def test_choice_lists_offer_only_the_same_faults_items(admin_client, content):
    other = make_problem(title="Fuel flap will not open", short_title="Fuel flap")
    other_guide = make_guide(other, title="Replace the fuel flap actuator")
    make_version(other, status="draft")
    draft = copy_version(DiagnosisVersion.objects.get(status="published", problem__slug="micra-k12-boot-lock"))
    cause = Cause.objects.get(version=draft, slug="mechanism-seized")
    html = admin_client.get(reverse("admin:troubleshooter_cause_change", args=[cause.pk])).content.decode()
    guides = options(html, "guide_links-0-guide")
    assert other_guide.title not in guides and any("boot" in g.lower() for g in guides)
    versions = options(html, "version")
    assert versions and all("Fuel flap" not in v for v in versions)

    question = Question.objects.filter(version=draft).first()
    html = admin_client.get(reverse("admin:troubleshooter_question_change", args=[question.pk])).content.decode()
    assert other_guide.title not in options(html, "how_to_guide")


def test_add_forms_from_the_set_up_steps_offer_only_that_faults_items(admin_client, content):
    other = make_problem(title="Fuel flap will not open", short_title="Fuel flap")
    make_guide(other, title="Replace the fuel flap actuator")
    draft = make_version(other, status="draft")
    html = admin_client.get(reverse("admin:troubleshooter_cause_add") + f"?version={draft.pk}").content.decode()
    guides = options(html, "guide_links-0-guide")
    assert "Replace the fuel flap actuator" in guides and not any("boot" in g.lower() for g in guides)


def test_each_fault_is_offered_its_own_drawings_only(admin_client, content):
    micra_question = Question.objects.filter(version__status="published").first()
    draft = copy_version(micra_question.version)
    question = Question.objects.get(version=draft, slug=micra_question.slug)
    html = admin_client.get(reverse("admin:troubleshooter_question_change", args=[question.pk])).content.decode()
    assert "seat fold" in options(html, "illustration")  # the boot lock's drawings, on its own forms
    wiper = make_problem(title="Rear wiper does not work", short_title="Rear wiper")
    add = reverse("admin:guides_repairguide_add") + f"?problem={wiper.pk}"
    assert options(admin_client.get(add).content.decode(), "steps-__prefix__-illustration") == ["—"]


def test_publishing_a_new_problem_puts_its_draft_live_only_when_the_check_passes(admin_client, content):
    from problems.models import Problem, Vehicle
    from tests.adminforms import form_values

    add = reverse("admin:problems_problem_add")
    data = form_values(admin_client.get(add).content.decode())
    data |= {"title": "Rear wiper does not work", "short_title": "Rear wiper", "slug": "rear-wiper", "summary": "It stops."}
    data["vehicles"] = [str(Vehicle.objects.first().pk)]
    response = admin_client.post(add, data)
    problem = Problem.objects.get(slug="rear-wiper")
    assert response["Location"] == reverse("admin:problems_problem_change", args=[problem.pk])  # its set-up steps
    draft = DiagnosisVersion.objects.get(problem=problem, status="draft")
    assert list(draft.causes.values_list("kind", flat=True)) == [Cause.Kind.CATCH_ALL]

    change = reverse("admin:problems_problem_change", args=[problem.pk])
    data = form_values(admin_client.get(change).content.decode()) | {"status": "published"}
    html = admin_client.post(change, data).content.decode()
    assert "“Rear wiper does not work”: " in html  # the draft's faults, named on the form
    problem.refresh_from_db()
    draft.refresh_from_db()
    assert problem.status == "draft" and draft.status == "draft"


def test_a_new_faults_guide_and_outcome_pages_speak_of_that_fault_only(client, content):
    from tests.pagetext import read_page

    problem = make_problem(title="Rear wiper does not work", short_title="Rear wiper")
    guide = make_guide(problem, title="Replace the rear wiper motor")
    version = make_version(problem)
    html = client.get(guide.get_absolute_url()).content.decode()
    assert "<title>Replace the rear wiper motor · Rear wiper</title>" in html
    assert '<a class="site-name" href="/problems/' in html and ">Rear wiper</a>" in html
    text = read_page(html)[0]
    assert "Questions and answers" not in text and "Stop it happening again" not in text  # nothing there yet
    cause = Cause.objects.filter(version=version, source=Cause.Source.ARTICLE).first()
    outcome = read_page(client.get(cause.get_absolute_url()).content.decode())[0]
    assert "source article" not in outcome and "Where this comes from" not in outcome  # it has none
