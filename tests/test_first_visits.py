"""First visits to diagnosis states: the live model is built once per version per process (and
anew after any content change), so a state nobody asked for before costs only what its own page
needs; the owner sees the same page either way."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bench.first_visits import live_models, walk_states
from troubleshooter.models import Cause, DiagnosisVersion, Question, WalkEvent

START = reverse("troubleshooter:diagnosis", kwargs={"slug": "micra-k12-boot-lock"})


def sample_states(count: int, seed: int = 3) -> list[str]:
    """Distinct canonical states, as owners reach them (the benchmark's own walk)."""
    return walk_states(live_models(), count, seed)


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.get("X-Page-Cache") != "hit", url
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_a_first_visit_reads_nothing_from_the_database(content):
    """The problem, its live diagnosis (the how-to guides' tools and steps too) and the emergency
    guide are kept per content version: a state nobody asked for before costs no read. The only
    statements are the walk counts an outcome or a start writes for the editors."""
    urls = sample_states(40)
    Client().get(urls[0])  # the process keeps the live problem and model once
    statements = []
    for url in urls[1:]:
        with CaptureQueriesContext(connection) as queries:
            assert Client().get(url).status_code == 200
        statements += [q["sql"] for q in queries.captured_queries]
    walk_table = WalkEvent._meta.db_table
    # (A batch of rows is one statement: "N times: INSERT ..."; on PostgreSQL a COPY.)
    walk_count = re.compile(rf"((\d+ times: )?INSERT INTO|COPY) {walk_table} ")
    assert [sql for sql in statements if not walk_count.match(sql)] == []


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


def test_a_content_change_inside_a_kept_fragment_is_seen_at_once(content):
    """A question's how-to and an outcome's guides are kept rendered per content version: a change
    to either shows on the next visit."""
    from guides.models import RepairGuide

    first_step = START
    outcome = f"{START}?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click"
    page(Client(), first_step), page(Client(), outcome)  # both kept
    question = Question.objects.get(version__status=DiagnosisVersion.Status.PUBLISHED, pk=evaluate_first_question())
    question.help = "Stand behind the car for this one."  # shown only inside the kept part
    question.save()
    assert "Stand behind the car for this one." in page(Client(), first_step)
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    guide.title = "Fit a new switch behind the button"
    guide.save()
    assert "Fit a new switch behind the button" in page(Client(), outcome)


def evaluate_first_question() -> int:
    from troubleshooter.diagnosis import evaluate

    (_path, model), *_ = live_models()
    return evaluate(model, {}).question.obj.pk


def test_a_change_committed_while_a_page_renders_is_not_kept_under_the_new_version(content, monkeypatch):
    """The kept parts are keyed by the content version read before the view read the content: a
    page built from the old content while a change is committed is never served under the new
    version (the next visit shows the change)."""
    from pagecache.cache import new_version
    from troubleshooter import selectors

    question_pk = evaluate_first_question()
    read_model = selectors.published_model

    def changed_meanwhile(problem):
        model = read_model(problem)  # the old content, read
        Question.objects.filter(pk=question_pk).update(help="Stand behind the car for this one.")
        new_version()  # the version the commit sets
        return model

    monkeypatch.setattr(selectors, "published_model", changed_meanwhile)
    assert "Stand behind the car" not in page(Client(), START)  # rendered from the old content
    monkeypatch.undo()
    assert "Stand behind the car for this one." in page(Client(), START)
