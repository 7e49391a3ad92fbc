"""Moving a guide's steps in the admin: type the new number, the others shift, nothing is lost."""

import re

from django.urls import reverse

from guides.models import GuideStep, RepairGuide
from tests.adminforms import form_values


def steps_of(guide):
    return list(GuideStep.objects.filter(guide=guide).order_by("order").values_list("order", "title"))


def edit_page(admin_client, guide):
    url = reverse("admin:guides_repairguide_change", args=[guide.pk])
    return url, form_values(admin_client.get(url).content.decode())


def step_prefix(data, title):
    return next(k[: -len("-title")] for k, v in data.items() if k.startswith("steps-") and k.endswith("-title") and v == title)


def test_swapping_two_steps_and_another_edit_in_one_save(admin_client, content):
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    before = steps_of(guide)
    (_, first), (_, second), (_, third) = before[:3]
    url, data = edit_page(admin_client, guide)
    data[f"{step_prefix(data, second)}-order"] = "3"
    data[f"{step_prefix(data, third)}-order"] = "2"
    data[f"{step_prefix(data, first)}-title"] = first + " (edited)"
    response = admin_client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    after = steps_of(guide)
    assert after[:3] == [(1, first + " (edited)"), (2, third), (3, second)]
    assert [n for n, _ in after] == list(range(1, len(before) + 1))


def test_moving_the_last_step_to_first_shifts_the_others(admin_client, content):
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    before = steps_of(guide)
    url, data = edit_page(admin_client, guide)
    data[f"{step_prefix(data, before[-1][1])}-order"] = "1"
    assert admin_client.post(url, data).status_code == 302
    titles = [t for _, t in steps_of(guide)]
    assert titles == [before[-1][1]] + [t for _, t in before[:-1]]


def test_a_new_faq_goes_to_the_end_of_its_list(admin_client, content):
    from guides.models import FAQ
    from problems.models import Problem

    problem = Problem.objects.get()
    url = reverse("admin:guides_faq_add")
    data = form_values(admin_client.get(url).content.decode()) | {
        "problem": problem.pk,
        "question": "Does the tailgate lock need grease?",
        "slug": "tailgate-grease",
        "answer": "No: a light silicone spray.",
    }
    response = admin_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 302, re.findall(r'<div class="form-row[^"]*errors[^"]*field-(\w+)', html)
    faqs = list(FAQ.objects.filter(problem=problem).order_by("order", "pk").values_list("question", flat=True))
    assert faqs[-1] == "Does the tailgate lock need grease?"


def test_a_typed_number_wins_though_the_browser_sends_every_text_with_crlf(admin_client, content):
    """Browsers end a textarea's lines with CR LF: untouched steps must not count as changed."""
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    before = steps_of(guide)
    url, data = edit_page(admin_client, guide)
    data = {k: v.replace("\n", "\r\n") if isinstance(v, str) else v for k, v in data.items()}
    data[f"{step_prefix(data, before[-1][1])}-order"] = "2"
    response = admin_client.post(url, data)
    assert response.status_code == 302
    after = steps_of(guide)
    assert after[1][1] == before[-1][1] and after[0][1] == before[0][1]
    assert not GuideStep.objects.filter(guide=guide, body__contains="\r").exists()


def test_a_number_typed_on_an_answer_moves_it_there_and_the_others_shift(admin_client, content):
    from troubleshooter.models import Answer, DiagnosisVersion, Question
    from troubleshooter.services import copy_version

    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    question = Question.objects.get(version=draft, slug="remote")
    before = list(Answer.objects.filter(question=question).order_by("order").values_list("slug", flat=True))
    url = reverse("admin:troubleshooter_question_change", args=[question.pk])
    data = form_values(admin_client.get(url).content.decode())
    last = next(k[: -len("-slug")] for k, v in data.items() if k.endswith("-slug") and v == before[-1])
    data[f"{last}-order"] = "1"
    response = admin_client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    after = list(Answer.objects.filter(question=question).order_by("order").values_list("order", "slug"))
    assert after == list(enumerate([before[-1], *before[:-1]], start=1))


def test_a_number_typed_on_a_tool_moves_it_there(admin_client, content):
    from guides.models import GuideTool

    guide = RepairGuide.objects.get(slug="replace-microswitch")
    before = list(GuideTool.objects.filter(guide=guide).order_by("order", "pk").values_list("name", flat=True))
    url, data = edit_page(admin_client, guide)
    last = next(k[: -len("-name")] for k, v in data.items() if k.startswith("tools-") and k.endswith("-name") and v == before[-1])
    data[f"{last}-order"] = "1"
    assert admin_client.post(url, data).status_code == 302
    after = list(GuideTool.objects.filter(guide=guide).order_by("order").values_list("name", flat=True))
    assert after == [before[-1], *before[:-1]]


def test_a_new_step_without_a_number_goes_last(admin_client, content):
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    before = steps_of(guide)
    url, data = edit_page(admin_client, guide)
    n = int(data["steps-TOTAL_FORMS"])
    data |= {"steps-TOTAL_FORMS": str(n + 1), f"steps-{n}-guide": str(guide.pk), f"steps-{n}-id": ""}
    data |= {f"steps-{n}-order": "", f"steps-{n}-title": "Tidy up", f"steps-{n}-body": "Put the tools away."}
    response = admin_client.post(url, data)
    assert response.status_code == 302, re.findall(r"errorlist[^>]*>(.*?)</ul>", response.content.decode(), re.S)
    assert steps_of(guide) == before + [(len(before) + 1, "Tidy up")]
