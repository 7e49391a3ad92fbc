"""History in the admin: old values, revert, undelete (with what belongs to the item), and
deletes refused while the live site uses the item."""

from django.urls import reverse
from reversion.models import Version

from guides.models import FAQ, RepairGuide
from tests.adminforms import form_values
from troubleshooter.models import Cause, DiagnosisVersion, Mark
from troubleshooter.services import copy_version


def change(admin_client, obj, **fields):
    opts = obj._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
    data = form_values(admin_client.get(url).content.decode()) | fields
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def test_a_change_can_be_seen_and_reverted_to_its_old_value(admin_client, content):
    faq = FAQ.objects.first()
    old = faq.question
    change(admin_client, faq, question="A first edit")
    change(admin_client, faq, question="A mistake")
    history = admin_client.get(reverse("admin:guides_faq_history", args=[faq.pk])).content.decode()
    assert history.count("/history/") >= 2  # one link per revision
    baseline, first, _mistake = Version.objects.get_for_object(faq).order_by("pk")
    assert baseline.field_dict["question"] == old  # kept before the first change, so it can be undone
    url = reverse("admin:guides_faq_revision", args=[faq.pk, first.pk])
    page = admin_client.get(url).content.decode()
    assert 'value="A first edit"' in page  # the old value, in the form, before anything changes
    faq.refresh_from_db()
    assert faq.question == "A mistake"  # looking changes nothing
    reverted = admin_client.post(url, form_values(page), follow=True)
    # The item as it now is, with a message that says what happened (not the old revision's form).
    assert reverted.redirect_chain == [(reverse("admin:guides_faq_change", args=[faq.pk]), 302)]
    assert "is reverted" in reverted.content.decode() and "was changed successfully" not in reverted.content.decode()
    faq.refresh_from_db()
    assert faq.question == "A first edit" != old


def test_a_deleted_cause_comes_back_with_its_marks(admin_client, content):
    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    cause = Cause.objects.get(version=draft, slug="mechanism-seized")
    marks = Mark.objects.filter(cause=cause).count()
    assert marks > 0
    delete = reverse("admin:troubleshooter_cause_delete", args=[cause.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 302
    assert not Cause.objects.filter(pk=cause.pk).exists() and Mark.objects.filter(cause_id=cause.pk).count() == 0

    recover_list = admin_client.get(reverse("admin:troubleshooter_cause_recoverlist")).content.decode()
    assert "The lock mechanism has seized" in recover_list
    version = Version.objects.get_deleted(Cause).get(object_id=str(cause.pk))
    url = reverse("admin:troubleshooter_cause_recover", args=[version.pk])
    page = admin_client.get(url).content.decode()
    recovered = admin_client.post(url, form_values(page), follow=True)
    assert "is back as it was" in recovered.content.decode()
    restored = Cause.objects.get(pk=cause.pk)
    assert restored.version == draft and Mark.objects.filter(cause=restored).count() == marks


def test_a_live_item_cannot_be_reverted(admin_client, content):
    live = Cause.objects.get(version__status="published", slug="mechanism-seized")
    draft = copy_version(live.version)
    # A revision of the live cause exists (as if it had been edited while it was a draft).
    import reversion

    with reversion.create_revision():
        reversion.add_to_revision(live)
    version = Version.objects.get_for_object(live).first()
    url = reverse("admin:troubleshooter_cause_revision", args=[live.pk, version.pk])
    response = admin_client.post(url, {"name": "Changed behind the owners' backs"})
    assert response.status_code in (302, 403)
    live.refresh_from_db()
    assert live.name == "The lock mechanism has seized"
    assert draft.status == "draft"


def test_a_guide_the_live_diagnosis_uses_cannot_be_deleted(admin_client, content):
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    url = reverse("admin:guides_repairguide_delete", args=[guide.pk])
    page = admin_client.get(url).content.decode()
    assert "The live diagnosis sends owners to it from" in page
    admin_client.post(url, {"post": "yes"})
    assert RepairGuide.objects.filter(pk=guide.pk).exists()


def test_every_database_rule_has_a_plain_message_for_editors():
    from django.apps import apps
    from django.db.models import BaseConstraint, CheckConstraint, UniqueConstraint

    default = BaseConstraint.default_violation_error_message
    raw = []
    for app in ("troubleshooter", "guides"):
        for model in apps.get_app_config(app).get_models():
            for constraint in model._meta.constraints:
                plain_unique = isinstance(constraint, UniqueConstraint) and constraint.fields and not constraint.condition
                if isinstance(constraint, CheckConstraint) or not plain_unique:
                    if constraint.violation_error_message in (None, default):
                        raw.append(f"{model._meta.label}.{constraint.name}")
    # Goodwill requests and feedback come from owners' forms, which check these first.
    assert set(raw) <= {
        "guides.GoodwillRequest.goodwillrequest_needs_consent",
        "guides.GoodwillRequest.goodwillrequest_mileage_sane",
        "troubleshooter.Feedback.one_feedback_per_client_and_cause",
    }, raw


def test_an_editor_breaking_a_rule_reads_it_in_plain_words(admin_client, content):
    from troubleshooter.models import Answer

    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    answer = Answer.objects.filter(question__version=draft, no_evidence=False).first()
    url = reverse("admin:troubleshooter_answer_change", args=[answer.pk])
    data = form_values(admin_client.get(url).content.decode()) | {"slug": "answered"}
    response = admin_client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "is used by the site itself: choose another slug" in html and "Constraint “" not in html


def test_the_history_shows_what_changed_old_and_new(admin_client, content):
    faq = FAQ.objects.first()
    change(admin_client, faq, question="How long does the repair take, roughly?")
    change(admin_client, faq, question="How long does the repair take?")
    _baseline, first, second = Version.objects.get_for_object(faq).order_by("pk")
    url = reverse("admin:guides_faq_compare", args=[faq.pk])
    page = admin_client.get(url, {"version_id1": first.pk, "version_id2": second.pk}).content.decode()
    assert "roughly" in page  # the old wording, marked as removed
    assert "<del>" in page or "<del " in page


def test_a_guide_the_live_diagnosis_uses_stays_published_list_form_or_revert(admin_client, content):
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    url = reverse("admin:guides_repairguide_changelist")
    page = admin_client.post(url, {"action": "unpublish_items", "_selected_action": [guide.pk]}, follow=True).content.decode()
    assert "Not taken off the site" in page and "The live diagnosis sends owners to it" in page
    guide.refresh_from_db()
    assert guide.status == "published"

    change_url = reverse("admin:guides_repairguide_change", args=[guide.pk])
    data = form_values(admin_client.get(change_url).content.decode())
    response = admin_client.post(change_url, data | {"status": "draft"})
    assert response.status_code == 200 and "stays published" in response.content.decode()

    # An old revision in which it was a draft: reverting to it is refused the same way.
    import reversion

    RepairGuide.objects.filter(pk=guide.pk).update(status="draft")
    with reversion.create_revision():
        reversion.add_to_revision(RepairGuide.objects.get(pk=guide.pk))
    RepairGuide.objects.filter(pk=guide.pk).update(status="published")
    old = Version.objects.get_for_object(guide).first()
    revert_url = reverse("admin:guides_repairguide_revision", args=[guide.pk, old.pk])
    response = admin_client.post(revert_url, form_values(admin_client.get(revert_url).content.decode()))
    assert response.status_code == 200 and "stays published" in response.content.decode()
    guide.refresh_from_db()
    assert guide.status == "published"


def test_deleting_a_draft_item_runs_the_check_and_names_what_broke(admin_client, content):
    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    catch_all = Cause.objects.get(version=draft, kind=Cause.Kind.CATCH_ALL)
    delete = reverse("admin:troubleshooter_cause_delete", args=[catch_all.pk])
    page = admin_client.post(delete, {"post": "yes"}, follow=True).content.decode()
    assert "Check of the draft: The diagnosis needs exactly one “something else” cause" in page


def test_a_guide_whose_steps_were_moved_reverts_to_before_the_move(admin_client, content):
    from guides.models import GuideStep
    from tests.test_admin_ordering import edit_page, step_prefix, steps_of

    guide = RepairGuide.objects.get(slug="replace-microswitch")
    before = steps_of(guide)
    url, data = edit_page(admin_client, guide)
    data[f"{step_prefix(data, before[-1][1])}-order"] = "1"  # the last step moved to first
    assert admin_client.post(url, data).status_code == 302
    moved = steps_of(guide)
    assert moved[0][1] == before[-1][1]
    baseline = Version.objects.get_for_object(guide).order_by("pk").first()
    revert_url = reverse("admin:guides_repairguide_revision", args=[guide.pk, baseline.pk])
    page = admin_client.get(revert_url, follow=True)
    html = page.content.decode()
    assert "missing dependency" not in html and page.redirect_chain == [], html[:500]
    assert steps_of(guide) == moved  # looking changes nothing
    assert admin_client.post(revert_url, form_values(html)).status_code == 302
    assert steps_of(guide) == before
    assert GuideStep.objects.filter(guide=guide).count() == len(before)


def test_an_item_moved_in_its_list_reverts_to_its_old_place(admin_client, content):
    from guides.models import OwnerExperience  # one item per number in its list

    def order():
        return list(OwnerExperience.objects.order_by("order").values_list("pk", flat=True))

    before = order()
    first = OwnerExperience.objects.get(pk=before[0])
    changelist = reverse("admin:guides_ownerexperience_changelist")
    admin_client.post(reverse("admin:guides_ownerexperience_move", args=[first.pk, "down"]), {"next": changelist})
    assert order() == [before[1], before[0], *before[2:]]
    baseline = Version.objects.get_for_object(first).order_by("pk").first()
    revert_url = reverse("admin:guides_ownerexperience_revision", args=[first.pk, baseline.pk])
    page = admin_client.get(revert_url, follow=True)
    assert page.redirect_chain == [] and "missing dependency" not in page.content.decode()
    assert admin_client.post(revert_url, form_values(page.content.decode())).status_code == 302
    assert order() == before


def test_compare_shows_the_changed_text_of_a_step_not_only_its_title(admin_client, content):
    from tests.test_admin_ordering import edit_page, step_prefix, steps_of

    guide = RepairGuide.objects.get(slug="replace-microswitch")
    before = steps_of(guide)
    url, data = edit_page(admin_client, guide)
    row = step_prefix(data, before[1][1])
    data[f"{row}-body"] = data[f"{row}-body"] + "\n\nWear gloves: the edges are sharp."
    data[f"{step_prefix(data, before[-1][1])}-DELETE"] = "on"
    assert admin_client.post(url, data).status_code == 302
    baseline, edited = Version.objects.get_for_object(guide).order_by("pk")
    compare = reverse("admin:guides_repairguide_compare", args=[guide.pk])
    page = admin_client.get(compare, {"version_id1": baseline.pk, "version_id2": edited.pk}).content.decode()
    assert "<ins>Wear gloves: the edges are sharp.</ins>" in page  # the added words, marked as added
    assert "Changed:</strong>" in page and "What to do" in page  # the field that changed, by its label
    assert "Removed:</strong>" in page and before[-1][1] in page
    # Untouched steps are counted, not listed with a diff.
    assert f"{len(before) - 2} other rows unchanged" in page


def test_the_history_list_tells_saves_a_few_seconds_apart(admin_client, content):
    import re

    faq = FAQ.objects.first()
    change(admin_client, faq, question="A first edit")
    page = admin_client.get(reverse("admin:guides_faq_history", args=[faq.pk])).content.decode()
    assert re.search(r"\d{2}:\d{2}:\d{2}", page)  # hours, minutes and seconds
