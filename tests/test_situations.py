"""Real owner situations walked through the live diagnosis, as those owners would answer."""

import re

import pytest
from django.core.management import call_command

from troubleshooter.models import Situation
from troubleshooter.selectors import published_model
from troubleshooter.situations import run_situations, situation_answers

PROBLEM = "micra-k12-boot-lock"


@pytest.fixture
def report(content):
    problem = Situation.objects.first().problem
    return run_situations(published_model(problem), Situation.objects.filter(problem=problem))


def test_the_table_is_split_into_tuning_and_held_out_with_public_sources(content):
    situations = list(Situation.objects.all())
    assert len(situations) >= 25
    held_out = [s for s in situations if s.held_out]
    assert abs(len(held_out) - len(situations) / 2) <= 1
    assert all(s.source_url.startswith(("http://", "https://")) for s in situations)
    # Look-alike faults are in the table too, not only the boot lock.
    assert {"flat-battery", "remote-or-immobiliser", "central-electrics", "other-release"} <= {
        s.expected_cause for s in situations
    }


def test_every_situation_gives_answers_the_diagnosis_offers(content):
    model = published_model(Situation.objects.first().problem)
    for situation in Situation.objects.all():
        known = situation_answers(model, situation)  # raises on an answer that is not on offer
        assert known or situation.answers == ""
        assert all(q in model.question_by_slug for q in known)


def test_every_tuning_situation_ends_on_what_fixed_the_car(report):
    misses = [r for r in report.part(held_out=False) if not r.correct and not r.situation.note]
    assert not misses, [(r.situation.slug, r.ended_on) for r in misses]


def test_held_out_accuracy_and_screens_are_what_the_readme_says(report):
    right, total = report.accuracy(report.part(held_out=True))
    readme = open("README.md").read()
    assert f"held out: {right}/{total}" in readme
    assert f"median screens from home to the outcome: {report.median_screens:g}" in readme


def test_every_walk_ends_within_the_number_of_questions(report):
    model = published_model(Situation.objects.first().problem)
    assert all(1 <= r.screens <= len(model.questions) + 1 for r in report.runs)


def test_the_command_prints_accuracy_and_screens(content, capsys):
    call_command("run_situations", PROBLEM)
    out = capsys.readouterr().out
    assert re.search(r"tuning: \d+/\d+ end on what fixed the car", out)
    assert re.search(r"held out: \d+/\d+ end on what fixed the car", out)
    assert "median screens from home to the outcome:" in out
