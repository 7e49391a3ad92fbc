"""Staff preview a draft diagnosis on the public pages, under a banner; owners never see it."""

from django.urls import reverse

from tests.pagetext import read_page
from troubleshooter.models import Cause, DiagnosisVersion, Feedback, Question
from troubleshooter.services import copy_version

PROBLEM = "micra-k12-boot-lock"
URL = reverse("troubleshooter:diagnosis", kwargs={"slug": PROBLEM})
NEW_PROMPT = "What do you notice? (draft wording)"


def draft_with_a_change():
    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    Question.objects.filter(version=draft, slug="signs").update(prompt=NEW_PROMPT)
    Cause.objects.filter(version=draft, slug="other-release").update(title="Draft title for another release")
    return draft


def text(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response, read_page(response.content.decode())[0]


def test_staff_see_the_draft_with_a_banner_and_owners_the_live_one(admin_client, client, content):
    draft = draft_with_a_change()
    change = admin_client.get(reverse("admin:troubleshooter_diagnosisversion_change", args=[draft.pk])).content.decode()
    preview = reverse("troubleshooter:preview_draft", kwargs={"pk": draft.pk})
    assert f'href="{preview}"' in change  # "View on site" on the draft
    assert admin_client.get(preview)["Location"] == URL

    response, staff_text = text(admin_client, URL)
    assert NEW_PROMPT in staff_text and f"Draft version {draft.number}: not on the site." in staff_text
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    outcome = reverse("troubleshooter:outcome_detail", kwargs={"problem_slug": PROBLEM, "slug": "other-release"})
    assert "Draft title for another release" in text(admin_client, outcome)[1]

    _response, owner_text = text(client, URL)
    assert NEW_PROMPT not in owner_text and "not on the site" not in owner_text
    assert "Draft title for another release" not in text(client, outcome)[1]

    admin_client.get(reverse("troubleshooter:stop_preview") + f"?next={URL}")
    assert NEW_PROMPT not in text(admin_client, URL)[1]


def test_feedback_while_previewing_is_not_counted(admin_client, content):
    draft = draft_with_a_change()
    admin_client.get(reverse("troubleshooter:preview_draft", kwargs={"pk": draft.pk}))
    url = reverse("troubleshooter:outcome_feedback", kwargs={"problem_slug": PROBLEM, "slug": "other-release"})
    admin_client.post(url, {"solved": "yes", "a": "signs=answered&signs=other-release"})
    assert Feedback.objects.count() == 0


def test_only_staff_can_preview_and_only_drafts(client, admin_client, content):
    draft = draft_with_a_change()
    preview = reverse("troubleshooter:preview_draft", kwargs={"pk": draft.pk})
    assert "/admin/login/" in client.get(preview)["Location"]
    assert NEW_PROMPT not in text(client, URL)[1]
    live = DiagnosisVersion.objects.get(status="published")
    assert admin_client.get(reverse("troubleshooter:preview_draft", kwargs={"pk": live.pk})).status_code == 404
    # A staff member who is previewing sees the live version again once the draft is published or gone.
    admin_client.get(preview)
    draft.delete()
    assert "not on the site" not in text(admin_client, URL)[1]


def test_stop_preview_never_redirects_off_the_site(admin_client, content):
    response = admin_client.get(reverse("troubleshooter:stop_preview") + "?next=https://evil.example/")
    assert response["Location"] == "/"


def test_staff_open_a_draft_guide_under_a_banner_owners_get_404(admin_client, client, content):
    from guides.models import RepairGuide

    guide = RepairGuide.objects.get(slug="replace-microswitch")
    guide.status = "draft"
    guide.save()
    response, staff_text = text(admin_client, guide.get_absolute_url())
    assert "Draft, not on the site." in staff_text and guide.title in staff_text
    assert "no-store" in response["Cache-Control"]
    assert client.get(guide.get_absolute_url()).status_code == 404
    guide.status = "published"
    guide.save()
    assert "Draft, not on the site." not in text(admin_client, guide.get_absolute_url())[1]


def test_staff_see_draft_faqs_marked_and_owners_do_not(admin_client, client, content):
    from guides.models import FAQ

    faq = FAQ.objects.first()
    FAQ.objects.filter(pk=faq.pk).update(status="draft")
    url = reverse("guides:faq_list", kwargs={"problem_slug": PROBLEM})
    response, staff_text = text(admin_client, url)
    assert faq.question in staff_text and "This page shows draft answers." in staff_text
    assert "no-store" in response["Cache-Control"]
    _response, owner_text = text(client, url)
    assert faq.question not in owner_text and "draft" not in owner_text.lower()
