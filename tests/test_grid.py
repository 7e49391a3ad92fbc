"""The causes x answers grid: a draft's "how common" numbers and marks on one screen."""

from django.urls import reverse
from reversion.models import Version

from tests.adminforms import form_values
from troubleshooter.models import Answer, Cause, DiagnosisVersion, Mark
from troubleshooter.services import copy_version


def grid_url(version):
    return reverse("admin:troubleshooter_diagnosisversion_grid", args=[version.pk])


def draft_of_live():
    return copy_version(DiagnosisVersion.objects.get(status="published"))


def test_an_editor_changes_marks_and_how_common_in_one_save(admin_client, content):
    draft = draft_of_live()
    live_marks = sorted(
        Mark.objects.filter(cause__version__status="published").values_list("answer__slug", "cause__slug", "effect")
    )
    seized = Cause.objects.get(version=draft, slug="mechanism-seized")
    mark = Mark.objects.filter(cause=seized).first()
    unmarked = Answer.objects.filter(question__version=draft).exclude(marks__cause=seized).first()
    page = admin_client.get(grid_url(draft)).content.decode()
    assert "points strongly to it" in page and seized.name in page  # the editors' words, not numbers
    data = form_values(page)
    data[f"rate-{seized.pk}"] = "33"
    data[f"mark-{mark.answer_id}-{seized.pk}"] = ""  # removed
    data[f"mark-{unmarked.pk}-{seized.pk}"] = "-1"  # added: "against"
    response = admin_client.post(grid_url(draft), data, follow=True)
    assert "Saved: 3 changes." in response.content.decode()
    seized.refresh_from_db()
    assert seized.base_rate == 33
    assert not Mark.objects.filter(pk=mark.pk).exists()
    assert Mark.objects.get(answer=unmarked, cause=seized).effect == -1
    # In the cause's history: as it was, and this change; the live version untouched.
    assert Version.objects.get_for_object(seized).count() == 2
    assert live_marks == sorted(
        Mark.objects.filter(cause__version__status="published").values_list("answer__slug", "cause__slug", "effect")
    )


def test_the_check_names_a_cause_left_without_a_witness(admin_client, content):
    draft = draft_of_live()
    seized = Cause.objects.get(version=draft, slug="mechanism-seized")
    data = form_values(admin_client.get(grid_url(draft)).content.decode())
    for key in list(data):
        if key.startswith("mark-") and key.endswith(f"-{seized.pk}") and data[key] in ("1", "2"):
            data[key] = ""
    data[f"rate-{seized.pk}"] = "1"
    page = admin_client.post(grid_url(draft), data, follow=True).content.decode()
    assert f"Cause “{seized.name}” has no answer that points to it" in page


def test_bad_input_is_explained_and_nothing_changes(admin_client, content):
    draft = draft_of_live()
    seized = Cause.objects.get(version=draft, slug="mechanism-seized")
    before = seized.base_rate
    data = form_values(admin_client.get(grid_url(draft)).content.decode())
    data[f"rate-{seized.pk}"] = "lots"
    data[f"mark-{Answer.objects.filter(question__version=draft).first().pk}-{seized.pk}"] = "7"
    response = admin_client.post(grid_url(draft), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Enter a whole number." in page and "Select a valid choice" in page
    seized.refresh_from_db()
    assert seized.base_rate == before


def test_the_live_version_grid_can_be_read_not_changed(admin_client, content):
    live = DiagnosisVersion.objects.get(status="published")
    page = admin_client.get(grid_url(live)).content.decode()
    assert "can only be looked at" in page and "Save the grid" not in page
    data = form_values(page)
    assert admin_client.post(grid_url(live), data).status_code == 403


def test_undoing_a_grid_change_from_history_touches_that_cause_only(admin_client, content):
    live = DiagnosisVersion.objects.get(status="published")
    changelist = reverse("admin:troubleshooter_diagnosisversion_changelist")
    admin_client.post(changelist, {"action": "make_draft_copy", "_selected_action": [live.pk]})
    draft = DiagnosisVersion.objects.get(status="draft")
    wiring = Cause.objects.get(version=draft, slug="wiring-or-control")
    before = sorted(Mark.objects.filter(cause__version=draft).values_list("answer_id", "cause_id", "effect"))
    data = form_values(admin_client.get(grid_url(draft)).content.decode())
    for key in data:
        if key.startswith("mark-") and key.endswith(f"-{wiring.pk}") and data[key] in ("1", "2"):
            data[key] = ""
    admin_client.post(grid_url(draft), data)
    assert Mark.objects.filter(cause__version=draft).count() < len(before)

    baseline = Version.objects.get_for_object(wiring).order_by("pk").first()
    revert = reverse("admin:troubleshooter_cause_revision", args=[wiring.pk, baseline.pk])
    response = admin_client.post(revert, form_values(admin_client.get(revert).content.decode()))
    assert response.status_code == 302
    after = sorted(Mark.objects.filter(cause__version=draft).values_list("answer_id", "cause_id", "effect"))
    assert after == before  # that cause's marks back, every other mark as it was
    assert Mark.objects.filter(cause__version=live).count() == len(before)


def test_how_common_zero_is_a_form_error_in_plain_words_not_a_server_error(admin_client, content):
    draft = draft_of_live()
    seized = Cause.objects.get(version=draft, slug="mechanism-seized")
    data = form_values(admin_client.get(grid_url(draft)).content.decode()) | {f"rate-{seized.pk}": "0"}
    response = admin_client.post(grid_url(draft), data)
    assert (
        response.status_code == 200
        and "At least 1: every cause stays possible. To take a cause out, delete it in the draft." in response.content.decode()
    )
    seized.refresh_from_db()
    assert seized.base_rate == 15  # nothing saved
