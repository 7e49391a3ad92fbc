"""Every content model can be edited in the admin."""

import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

# Counted, or an owner's words kept for a day for their next screen only; never edited. A
# request's thread with the dealer is shown on the request's own admin page; the counts of a
# dealer's link on the dealer's own page.
DERIVED = {"troubleshooter.WalkEvent", "troubleshooter.TypedWords", "goodwill.RequestStep", "goodwill.DealerLinkOpens"}


def content_models():
    apps_with_an_admin = ("problems", "guides", "troubleshooter", "goodwill")
    return [m for app in apps_with_an_admin for m in apps.get_app_config(app).get_models() if m._meta.label not in DERIVED]


@pytest.mark.parametrize("model", content_models(), ids=lambda m: m._meta.label)
def test_content_model_is_registered_and_its_pages_open(admin_client, content, model):
    assert admin.site.is_registered(model)
    opts = model._meta
    changelist = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
    assert changelist.status_code == 200
    row = model.objects.first()
    if row is not None:
        change = admin_client.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[row.pk]))
        assert change.status_code == 200


def test_admin_needs_a_login(client, db):
    response = client.get(reverse("admin:guides_repairguide_changelist"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_diagnosis_forms_offer_only_drafts_so_nothing_moves_into_the_live_version(admin_client, content):
    from troubleshooter.models import Cause, DiagnosisVersion
    from troubleshooter.services import copy_version

    def version_choices(html):
        select = re.search(r'<select name="version".*?</select>', html, re.S).group(0)
        return re.findall(r'<option value="(\d+)"', select)

    live = DiagnosisVersion.objects.get(status="published")
    assert version_choices(admin_client.get(reverse("admin:troubleshooter_cause_add")).content.decode()) == []
    draft = copy_version(live)
    cause = Cause.objects.get(version=draft, slug="mechanism-seized")
    page = admin_client.get(reverse("admin:troubleshooter_cause_change", args=[cause.pk])).content.decode()
    assert version_choices(page) == [str(draft.pk)]
    assert "View on site" not in page  # it would show the live text, not the draft's


def test_publishing_says_the_version_is_live(admin_client, content):
    from troubleshooter.models import DiagnosisVersion
    from troubleshooter.services import copy_version

    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    response = admin_client.post(
        reverse("admin:troubleshooter_diagnosisversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
        follow=True,
    )
    assert f"Micra boot lock v{draft.number} (Published) is now live." in response.content.decode()


def test_a_live_cause_says_why_it_cannot_be_changed_or_deleted_and_what_to_do(admin_client, content):
    from tests.pagetext import text_of
    from troubleshooter.models import Cause

    cause = Cause.objects.get(version__status="published", slug="microswitch-failed")
    refusal = "is part of the live diagnosis: to change it, “Make a draft copy to edit” of its version."
    assert refusal in text_of(admin_client.get(reverse("admin:troubleshooter_cause_change", args=[cause.pk])))
    response = admin_client.get(reverse("admin:troubleshooter_cause_delete", args=[cause.pk]), follow=True)
    assert response.status_code == 200 and refusal in text_of(response)  # not a bare 403
    # The list's "Delete selected" says the same, not "your account doesn't have permission".
    changelist = reverse("admin:troubleshooter_cause_changelist")
    listed = admin_client.post(changelist, {"action": "delete_selected", "_selected_action": [cause.pk]})
    assert refusal in text_of(listed) and "permission" not in text_of(listed)
    assert Cause.objects.filter(pk=cause.pk).exists()
