"""The goodwill form from the page cache: stored once, yet every owner gets their own CSRF token
and cookie and their own one-time key, with or without compression, and the form works without
JavaScript. One owner's token never reaches another."""

import gzip

import pytest
from django.test import Client
from django.urls import reverse

from goodwill.models import Dealer, GoodwillRequest
from tests.servers import hidden_fields
from tests.test_goodwill import form_data

GENERAL = reverse("goodwill:goodwill")


def served_fields(response) -> dict:
    html = response.content
    if response.get("Content-Encoding") == "gzip":
        html = gzip.decompress(html)
    return hidden_fields(html.decode())


def owner() -> Client:
    return Client(enforce_csrf_checks=True)


def test_the_form_is_served_from_the_cache_without_a_query(content, django_assert_num_queries):
    first = owner().get(GENERAL)
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        again = owner().get(GENERAL)
    assert again.status_code == 200 and again["X-Page-Cache"] == "hit"
    assert "no-store" in again["Cache-Control"]  # browsers and CDNs still never keep it
    assert "ETag" not in again


@pytest.mark.parametrize("encoding", ["gzip, deflate, br", ""])
def test_every_serve_has_its_own_token_cookie_and_key(content, encoding):
    headers = {"Accept-Encoding": encoding}
    owner().get(GENERAL, headers=headers)  # stored
    owners = [owner() for _ in range(3)]
    pages = [c.get(GENERAL, headers=headers) for c in owners]
    assert all(p["X-Page-Cache"] == "hit" for p in pages)
    if encoding:
        assert all(p["Content-Encoding"] == "gzip" for p in pages)
    fields = [served_fields(p) for p in pages]
    assert len({f["csrfmiddlewaretoken"] for f in fields}) == 3
    assert len({f["submission_key"] for f in fields}) == 3
    assert len({c.cookies["csrftoken"].value for c in owners}) == 3
    # The page around them is the page as rendered.
    body = gzip.decompress(pages[0].content) if encoding else pages[0].content
    assert b"</html>" in body and b'name="owner_email"' in body


def test_a_form_from_the_cache_is_sent_and_stored(content):
    owner().get(GENERAL)  # stored
    anna, piet = owner(), owner()
    anna_form, piet_form = form_data(anna), form_data(piet, owner_name="Piet Bakker", owner_email="piet@example.org")
    assert anna_form != piet_form
    for client, form in ((anna, anna_form), (piet, piet_form)):
        sent = client.post(GENERAL, {**form, "csrfmiddlewaretoken": served_fields(client.get(GENERAL))["csrfmiddlewaretoken"]})
        assert sent.status_code == 302
    # Two owners' forms, two keys: two requests, not one taken for a double tap.
    assert GoodwillRequest.objects.count() == 2


def test_one_owners_token_does_not_work_for_another(content):
    owner().get(GENERAL)  # stored
    anna, mallory = owner(), owner()
    anna_token = served_fields(anna.get(GENERAL))["csrfmiddlewaretoken"]
    mallory.get(GENERAL)  # mallory's own cookie
    refused = mallory.post(GENERAL, {**form_data(anna), "csrfmiddlewaretoken": anna_token})
    assert refused.status_code == 403
    assert GoodwillRequest.objects.count() == 0


def test_a_dealers_form_names_the_dealer_from_the_cache_too(content):
    Dealer.objects.create(name="Nissan Testdorp", code="testdorp", town="Testdorp", country="Netherlands", email="s@t.example")
    url = reverse("goodwill:goodwill_dealer", kwargs={"code": "testdorp"})
    owner().get(url)
    again = owner().get(url)
    assert again["X-Page-Cache"] == "hit" and "Nissan Testdorp" in again.content.decode()
    Dealer.objects.filter(code="testdorp").get().delete()
    assert owner().get(url).status_code == 404  # gone at once: a content change
