"""First visits to diagnosis states: the live model is built once per version per process (and
anew after any content change), so a state nobody asked for before costs only what its own page
needs; the owner sees the same page either way."""

import re

from django.test import Client
from django.urls import reverse

from bench.first_visits import live_models, walk_states
from troubleshooter.models import Cause, DiagnosisVersion

START = reverse("troubleshooter:diagnosis", kwargs={"slug": "micra-k12-boot-lock"})


def sample_states(count: int, seed: int = 3) -> list[str]:
    """Distinct canonical states, as owners reach them (the benchmark's own walk)."""
    return walk_states(live_models(), count, seed)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.get("X-Page-Cache") != "hit", url
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_first_visit_asks_the_database_only_for_what_its_page_needs(content, django_assert_num_queries):
    first, second = sample_states(2)
    Client().get(first)  # the process builds the live model once
    # The problem (with its sections), its live version, and the emergency guide of the banner.
    with django_assert_num_queries(3):
        Client().get(second)


def test_the_page_is_the_same_whether_the_model_was_kept_or_built_anew(content):
    from django.core.cache import cache

    for url in sample_states(25):
        kept = page(Client(), url)
        cache.clear()  # a new content version: the model is built anew, and nothing is served stored
        assert page(Client(), url) == kept, url


def test_a_content_change_reaches_the_next_visit_at_once(content):
    url = f"{START}?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click"
    before = page(Client(), url)
    leader = Cause.objects.get(version__status=DiagnosisVersion.Status.PUBLISHED, slug="microswitch-failed")
    assert leader.title in before
    leader.title = "The switch behind the rubber button"
    leader.save()  # any content save renews the content version: the kept model is built anew
    assert "The switch behind the rubber button" in page(Client(), url)
