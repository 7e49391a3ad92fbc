"""Publishing a draft is one step: owners reading the diagnosis meanwhile see the old version or
the new one, whole, and never an error or a mix of the two."""

import threading
import urllib.error
import urllib.request

from django.db.models.signals import pre_save

from troubleshooter.models import Cause, DiagnosisVersion
from troubleshooter.services import copy_version, publish_version

PROBLEM = "micra-k12-boot-lock"
PUBLISHES = 6
OUTCOME = "other-release"


def test_owners_reading_during_publishes_see_one_whole_version(live_server, live_content):
    url = f"{live_server.url}/problems/{PROBLEM}/outcomes/{OUTCOME}/"
    seen, errors, done, started = [], [], threading.Event(), threading.Event()

    def read():
        while not done.is_set():
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    seen.append(response.read().decode())
            except Exception as error:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(repr(error))
            started.set()

    reader = threading.Thread(target=read)
    reader.start()
    started.wait(10)
    try:
        for n in range(1, PUBLISHES + 1):
            draft = copy_version(DiagnosisVersion.objects.get(status="published"), note=f"publish {n}")
            # Two changes on the same page: a reader must never see one without the other.
            Cause.objects.filter(version=draft, slug=OUTCOME).update(
                title=f"Prompt of publish {n}", explanation=f"Label of publish {n}"
            )
            publish_version(draft)
            started.clear()
            started.wait(10)  # at least one read of each version
    finally:
        done.set()
        reader.join()

    assert errors == []
    assert len(seen) > PUBLISHES
    versions = set()
    for page in seen:
        prompts = [n for n in range(1, PUBLISHES + 1) if f"Prompt of publish {n}<" in page]
        labels = [n for n in range(1, PUBLISHES + 1) if f"Label of publish {n}</p>" in page]
        assert prompts == labels, "a page mixed two versions"
        versions.add(tuple(prompts))
    assert len(versions) >= PUBLISHES  # the reader really ran across the publishes


def test_in_the_middle_of_a_publish_owners_still_get_the_old_version(live_server, live_content):
    """Deterministic: read a public outcome page from another connection at the moment the new
    version is being marked live, after the old one was retired in the same transaction.
    (Outcome pages write nothing; the first step counts the walk, and on SQLite that write
    would wait for this very transaction.)"""
    url = f"{live_server.url}/problems/{PROBLEM}/outcomes/{OUTCOME}/"
    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    Cause.objects.filter(version=draft, slug=OUTCOME).update(title="The new prompt")
    during = []

    def read_while_publishing(sender, instance, **kwargs):
        if instance.status == DiagnosisVersion.Status.PUBLISHED:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    during.append((response.status, "The new prompt" in response.read().decode()))
            except urllib.error.HTTPError as error:
                during.append((error.code, None))

    pre_save.connect(read_while_publishing, sender=DiagnosisVersion)
    try:
        publish_version(draft)
    finally:
        pre_save.disconnect(read_while_publishing, sender=DiagnosisVersion)
    assert during == [(200, False)]  # the old version, whole, until the publish commits
    with urllib.request.urlopen(url, timeout=10) as response:
        assert "The new prompt" in response.read().decode()
