"""Publishing content from the lists, and a problem only once its diagnosis is sound."""

from django.urls import reverse

from guides.models import FAQ
from problems.models import Problem
from tests.adminforms import form_values
from troubleshooter.models import DiagnosisVersion


def test_publish_and_unpublish_as_list_actions(admin_client, content):
    faq = FAQ.objects.first()
    url = reverse("admin:guides_faq_changelist")
    admin_client.post(url, {"action": "unpublish_items", "_selected_action": [faq.pk]})
    faq.refresh_from_db()
    assert faq.status == "draft"
    admin_client.post(url, {"action": "publish_items", "_selected_action": [faq.pk]})
    faq.refresh_from_db()
    assert faq.status == "published"


def test_a_problem_without_a_sound_live_diagnosis_cannot_be_published(admin_client, content):
    problem = Problem.objects.get()
    DiagnosisVersion.objects.filter(problem=problem).update(status="retired")  # no live diagnosis now
    problem.status = "draft"
    problem.save()
    url = reverse("admin:problems_problem_changelist")
    response = admin_client.post(url, {"action": "publish_items", "_selected_action": [problem.pk]}, follow=True)
    assert "has no live diagnosis yet: publish a diagnosis version first" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == "draft"
    # The same on the form: the reason shows by the field, nothing is saved.
    change = reverse("admin:problems_problem_change", args=[problem.pk])
    data = form_values(admin_client.get(change).content.decode()) | {"status": "published"}
    response = admin_client.post(change, data)
    assert response.status_code == 200 and "has no live diagnosis yet" in response.content.decode()
    problem.refresh_from_db()
    assert problem.status == "draft"


def test_a_problem_with_a_sound_diagnosis_can_be_published(admin_client, content):
    problem = Problem.objects.get()
    problem.status = "draft"
    problem.save()
    url = reverse("admin:problems_problem_changelist")
    admin_client.post(url, {"action": "publish_items", "_selected_action": [problem.pk]})
    problem.refresh_from_db()
    assert problem.status == "published"


def test_saving_a_draft_says_owners_cannot_see_it(admin_client, content):
    faq = FAQ.objects.first()
    url = reverse("admin:guides_faq_change", args=[faq.pk])
    data = form_values(admin_client.get(url).content.decode()) | {"status": "draft"}
    page = admin_client.post(url, data, follow=True).content.decode()
    assert "is a draft: owners don" in page
    data["status"] = "published"
    page = admin_client.post(url, data, follow=True).content.decode()
    assert "is a draft" not in page
