"""The integrity check: the Micra graph is sound; broken graphs are reported fault by fault, by name."""

import pytest
from django.core.management import CommandError, call_command

from guides.models import RepairGuide
from tests.factories import make_answer, make_outcome, make_problem, make_question, make_sound_graph
from troubleshooter.diagnosis import check_problem
from troubleshooter.models import Outcome


def test_the_micra_graph_passes(content, capsys):
    call_command("check_diagnosis")
    assert "micra-k12-boot-lock: the diagnosis is sound" in capsys.readouterr().out


def test_a_sound_graph_has_no_faults(db):
    problem, *_ = make_sound_graph()
    assert check_problem(problem) == []


def test_answer_leading_nowhere_is_a_dead_end(db):
    problem, first, *_ = make_sound_graph()
    make_answer(first, to=None, label="Maybe")
    assert check_problem(problem) == [f"Answer “Maybe” of question “{first.prompt}” leads nowhere (dead end)"]


def test_question_with_one_answer_is_a_dead_end(db):
    problem, first, second, outcome_a, _ = make_sound_graph()
    second.answers.filter(slug="y").delete()
    assert check_problem(problem) == [f"Question “{second.prompt}” offers fewer than two answers (dead end)"]


def test_answer_to_a_draft_outcome_is_a_dead_end(db):
    problem, first, second, outcome_a, outcome_b = make_sound_graph()
    Outcome.objects.filter(pk=outcome_b.pk).update(status=Outcome.Status.DRAFT)
    label = second.answers.get(slug="x").label
    expected = f"Answer “{label}” of question “{second.prompt}” leads to a draft outcome “{outcome_b.title}” (dead end)"
    assert expected in check_problem(problem)


def test_a_cycle_is_named(db):
    problem, first, second, *_ = make_sound_graph()
    third = make_question(problem, prompt="Third?")
    make_answer(second, to=third, slug="z")
    make_answer(third, to=second, slug="back")
    make_answer(third, to=first, slug="restart")
    faults = check_problem(problem)
    assert f"Cycle: “{second.prompt}” → “Third?” → “{second.prompt}”" in faults
    assert f"Cycle: “{first.prompt}” → “{second.prompt}” → “Third?” → “{first.prompt}”" in faults


def test_unreachable_outcome_and_question_are_named(db):
    problem, *_ = make_sound_graph()
    lonely = make_outcome(problem, title="Nobody gets here")
    island = make_question(problem, prompt="Island?")
    make_answer(island, to=lonely)
    make_answer(island, to=lonely, slug="other")
    faults = check_problem(problem)
    assert "Outcome “Nobody gets here” cannot be reached from the first question" in faults
    assert "Question “Island?” cannot be reached from the first question" in faults


def test_outcome_without_guide_or_next_step_is_named(db):
    problem, first, second, outcome_a, _ = make_sound_graph()
    Outcome.objects.filter(pk=outcome_a.pk).update(next_step="  ")
    assert check_problem(problem) == [f"Outcome “{outcome_a.title}” names no guide and no next step"]


def test_an_unpublished_guide_does_not_count(db):
    problem, first, second, outcome_a, outcome_b = make_sound_graph()
    RepairGuide.objects.filter(outcomes=outcome_b).update(status=RepairGuide.Status.DRAFT)
    assert check_problem(problem) == [f"Outcome “{outcome_b.title}” names no guide and no next step"]


def test_missing_start_question(db):
    problem = make_problem(title="Empty problem")
    assert check_problem(problem) == ["Empty problem: no first question is set"]


def test_command_fails_and_lists_the_faults(db, capsys):
    problem, first, *_ = make_sound_graph()
    make_answer(first, to=None, label="Maybe")
    with pytest.raises(CommandError, match="1 problem"):
        call_command("check_diagnosis", problem.slug)
    assert "leads nowhere" in capsys.readouterr().err


def test_load_content_refuses_an_unsound_graph(fixtures_copy_with, db):
    fixtures = fixtures_copy_with('{ slug = "stiff", label = "No, it is stiff or stuck", outcome = "mechanism-seized" },', "")
    with pytest.raises(CommandError, match="the diagnosis is not sound") as error:
        call_command("load_content", "--fixtures", str(fixtures))
    assert "Outcome “The lock mechanism has seized” cannot be reached" in str(error.value)
    assert Outcome.objects.count() == 0
