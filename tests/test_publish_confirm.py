"""Publishing compares with what is live: a draft that takes something away from owners goes
live only after a confirmation screen that names each change in plain words, with a reason kept
in the history; a draft that only adds or improves publishes as before."""

import pytest
from django.urls import reverse
from reversion.models import Version

from tests.pagetext import text_of
from troubleshooter.models import Cause, CauseGuide, DiagnosisVersion
from troubleshooter.services import PublishNeedsConfirmation, copy_version, publish_risks, publish_version

CHANGELIST = reverse("admin:troubleshooter_diagnosisversion_changelist")
SWITCH = "The microswitch or the rubber button over it has failed"


@pytest.fixture
def draft(content):
    return copy_version(DiagnosisVersion.objects.get(status="published"))


def publish(client, draft, **extra):
    return client.post(CHANGELIST, {"action": "publish", "_selected_action": [draft.pk], **extra}, follow=True)


def status_of(version):
    version.refresh_from_db()
    return version.status


def test_a_draft_without_its_most_common_cause_asks_first_and_goes_live_only_with_a_reason(admin_client, draft):
    Cause.objects.get(version=draft, slug="microswitch-failed").delete()
    page = publish(admin_client, draft)
    text = text_of(page)
    assert f"The outcome “{SWITCH}” is gone" in text
    assert "The guide “Replace the microswitch yourself” would no longer be linked from any outcome." in text
    assert "ends on what fixed it now (“" + SWITCH + "”)" in text  # the owner situations it breaks
    assert status_of(draft) == "draft"
    # "Publish anyway" without a reason: asked again, still not live.
    text = text_of(publish(admin_client, draft, confirm_publish="yes", reason=" "))
    assert "Please give a reason" in text and status_of(draft) == "draft"
    publish(admin_client, draft, confirm_publish="yes", reason="The switch moves to its own problem page.")
    assert status_of(draft) == "published"
    comment = Version.objects.get_for_object(draft).first().revision.comment
    assert "The switch moves to its own problem page." in comment and SWITCH in comment


def test_a_draft_that_only_adds_or_improves_publishes_as_before(admin_client, draft):
    cause = Cause.objects.get(version=draft, slug="mechanism-seized")
    cause.explanation += "\n\nA clearer word on the seized lock."
    cause.save()
    assert publish_risks(draft) == []
    assert "is now live." in text_of(publish(admin_client, draft)) and status_of(draft) == "published"


def test_an_outcome_that_no_longer_says_what_to_do_and_an_unlinked_guide_are_named(draft):
    Cause.objects.filter(version=draft, slug="wiring-or-control").update(next_step="")  # it still has guides: sound
    CauseGuide.objects.filter(cause__version=draft, guide__slug="string-pull-stop-gap").delete()
    risks = publish_risks(draft)
    wiring = "The fault is in the wires, the plug or the control of the lock"
    assert f"“{wiring}” no longer says what to do now (its “what to do now” is empty)." in risks
    assert "The guide “Stop-gap: open the boot with a string” would no longer be linked from any outcome." in risks
    with pytest.raises(PublishNeedsConfirmation):
        publish_version(draft)
    assert status_of(draft) == "draft"
