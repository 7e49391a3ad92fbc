"""The service worker, the manifest and the offline page, as served."""

import json

from django.test import override_settings
from django.urls import reverse


def test_the_worker_precaches_every_guide_and_never_personal_pages(client, content):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert "no-cache" in response["Cache-Control"]
    body = response.content.decode()
    for guide in ("/guides/open-boot-from-inside/", "/guides/string-pull-stop-gap/", "/guides/replace-microswitch/"):
        assert f'"{guide}"' in body
    # ...and every step of a guide one per screen, the last one included.
    assert '"/guides/replace-microswitch/?step=1"' in body and '"/guides/replace-microswitch/?step=6"' in body
    assert '"/guides/replace-microswitch/?step=7"' not in body
    assert '"/goodwill/"' in body.split("const NEVER = ")[1].split(";")[0]
    assert '"/admin/"' in body.split("const NEVER = ")[1].split(";")[0]


def test_a_new_deployment_gives_a_new_worker(client, content):
    first = client.get("/sw.js").content
    with override_settings(SERVICE_WORKER_VERSION="release-2"):
        assert client.get("/sw.js").content != first


def test_the_manifest_and_the_offline_page(client, content):
    manifest = json.loads(client.get("/manifest.webmanifest").content)
    assert manifest["name"] == "Micra boot lock help" and manifest["start_url"] == "/"
    page = client.get(reverse("troubleshooter:offline")).content.decode()
    assert "No signal right now" in page and 'href="/guides/open-boot-from-inside/"' in page
