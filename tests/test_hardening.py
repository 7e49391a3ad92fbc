"""Requests built to break the site get a plain answer: a body in an encoding the site can't
read is a 400 page with a way back, never a 500, and stores nothing. (Django refuses a form body
that isn't UTF-8; the site's 400 page says so in plain words.)"""

import pytest
from django.test import Client
from django.urls import reverse

from goodwill.models import GoodwillRequest
from tests.pagetext import read_page
from troubleshooter.models import Feedback

ENDPOINTS = [
    reverse("goodwill:goodwill"),
    reverse("admin:login"),
    reverse("troubleshooter:outcome_feedback", kwargs={"problem_slug": "micra-k12-boot-lock", "slug": "microswitch-failed"}),
]


@pytest.mark.parametrize("charset", ["utf-16", "utf-7", "utf-32", "cp037"])
@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_form_post_in_an_unreadable_encoding_is_a_clear_400(client, content, url, charset):
    body = "owner_name=Anna&solved=yes&username=admin&password=x".encode(charset)
    response = client.generic("POST", url, body, content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code == 400
    text = read_page(response.content.decode())[0]
    assert "We couldn't read what your browser sent" in text and "Go to the home page" in text
    assert GoodwillRequest.objects.count() == 0 and Feedback.objects.count() == 0


@pytest.mark.parametrize("charset", ["utf-16", "utf-7", "latin-1"])
@pytest.mark.parametrize("url", ENDPOINTS)
def test_with_csrf_checks_on_and_a_csrf_cookie_it_is_still_the_400_page(content, url, charset):
    """Django's CSRF check reads the form for its token: it must not fail a second time on the 400
    page (the test client skips CSRF unless told: this one checks, as browsers meet it)."""
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "A" * 32
    body = "owner_name=Anna&csrfmiddlewaretoken=".encode(charset) + b"A" * 32
    response = client.generic("POST", url, body, content_type=f"application/x-www-form-urlencoded; charset={charset}")
    assert response.status_code == 400
    assert "We couldn't read what your browser sent" in read_page(response.content.decode())[0]
    assert GoodwillRequest.objects.count() == 0 and Feedback.objects.count() == 0


@pytest.mark.parametrize("charset", ["utf-16", "cp037", "no-such-charset"])
@pytest.mark.parametrize("url", ENDPOINTS)
def test_odd_multipart_or_unknown_charsets_never_give_a_500(client, content, url, charset):
    for kind in ("multipart/form-data; boundary=xyz", "application/x-www-form-urlencoded"):
        response = client.generic("POST", url, b"--xyz--\r\n", content_type=f"{kind}; charset={charset}")
        assert response.status_code < 500
    assert GoodwillRequest.objects.count() == 0


def test_an_ordinary_utf8_post_still_reaches_the_form(client, content):
    body = b"owner_name=Anna"
    response = client.generic("POST", ENDPOINTS[0], body, content_type="application/x-www-form-urlencoded; charset=UTF-8")
    assert response.status_code == 303  # sent back to the form with its messages
    response = client.get(response["Location"])
    assert "We couldn't read" not in response.content.decode()
    assert 'value="Anna"' in response.content.decode()  # the form, with what was typed


def test_media_serves_pictures_only_and_never_as_a_page(client, db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "steps").mkdir()
    (tmp_path / "steps" / "photo.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    (tmp_path / "evil.html").write_text("<script>alert(document.cookie)</script>")
    (tmp_path / "evil.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    (tmp_path / "photo.webp.html").write_text("<script>alert(1)</script>")

    picture = client.get("/media/steps/photo.webp")
    assert picture.status_code == 200 and picture["Content-Type"] == "image/webp"
    assert picture["X-Content-Type-Options"] == "nosniff" and "sandbox" in picture["Content-Security-Policy"]
    for stray in ("/media/evil.html", "/media/evil.svg", "/media/photo.webp.html", "/media/../config/settings/base.py"):
        assert client.get(stray).status_code in (400, 404), stray


def test_the_health_check_answers_for_load_balancers(client, db):
    response = client.get("/health/")
    assert response.status_code == 200 and response.json() == {"database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_with_the_cache_away_pages_are_served_and_the_health_check_says_503(client, content, settings):
    # A real Redis client pointed at a port where nothing listens: the cache is unreachable.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
        "template_fragments": settings.CACHES["template_fragments"],  # in this process's memory, as in production
    }
    response = client.get("/health/")
    assert response.status_code == 503 and response.json() == {"database": "ok", "cache": "failing"}
    page = client.get("/guides/open-boot-from-inside/")  # owners still get their pages, uncached
    assert page.status_code == 200 and "X-Page-Cache" not in page
