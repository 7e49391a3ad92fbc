"""Editors' own pictures: only real images, stored anew (no metadata, no hidden bytes), in two
widths for srcset, always with a description."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from tests.adminforms import form_values
from troubleshooter.models import DiagnosisVersion, Question
from troubleshooter.services import copy_version


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def photo(fmt="JPEG", size=(2000, 1500), extra=b"") -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    out = io.BytesIO()
    image.save(out, fmt, exif=exif.tobytes())
    return out.getvalue() + extra


def upload(admin_client, question, name, data, alt="The boot button under its rubber cover"):
    url = reverse("admin:troubleshooter_question_change", args=[question.pk])
    values = form_values(admin_client.get(url).content.decode()) | {"picture_alt": alt}
    values["picture"] = SimpleUploadedFile(name, data)
    return admin_client.post(url, values)


@pytest.fixture
def question(content):
    draft = copy_version(DiagnosisVersion.objects.get(status="published"))
    return Question.objects.get(version=draft, slug="button")


def test_a_page_that_pretends_to_be_a_picture_is_refused(admin_client, question, media):
    response = upload(admin_client, question, "evil.html", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode()  # Django's ImageField check, before ours
    response = upload(admin_client, question, "evil.png", b"<html><script>alert(1)</script></html>")
    assert response.status_code == 200
    question.refresh_from_db()
    assert not question.picture and not any(media.rglob("*.*"))


def test_a_photo_is_stored_anew_without_metadata_in_two_widths(admin_client, question, media):
    response = upload(admin_client, question, "IMG_0001.jpg", photo(extra=b"<script>alert(1)</script>"))
    assert response.status_code == 302, response.content.decode()[:500]
    question.refresh_from_db()
    stored = media / question.picture.name
    assert stored.suffix == ".webp" and b"<script>" not in stored.read_bytes() and b"SecretCam" not in stored.read_bytes()
    with Image.open(stored) as image:
        assert image.format == "WEBP" and image.width == 1280 and not image.getexif()
    small = stored.with_name(stored.stem + "-640.webp")
    with Image.open(small) as image:
        assert image.width == 640
    assert (question.picture_width, question.picture_height) == (1280, 960)


def test_a_picture_needs_a_description(admin_client, question):
    response = upload(admin_client, question, "photo.png", photo("PNG", (300, 200)), alt="")
    assert "Describe the picture for owners who can&#x27;t see it." in response.content.decode()


def test_owners_get_the_picture_with_srcset_and_its_description(admin_client, client, question):
    upload(admin_client, question, "photo.png", photo("PNG", (900, 600)))
    question.refresh_from_db()
    DiagnosisVersion.objects.filter(status="published").update(status="retired")
    DiagnosisVersion.objects.filter(pk=question.version_id).update(status="published")
    html = client.get("/problems/micra-k12-boot-lock/diagnose/?signs=answered&ask=button").content.decode()
    assert f'src="{question.picture.url}"' in html and "-640.webp 640w" in html
    assert 'alt="The boot button under its rubber cover"' in html and 'width="900" height="600"' in html
