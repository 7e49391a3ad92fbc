"""Properties of the live Micra diagnosis over any answers an owner could give (hypothesis)."""

import random

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from problems.models import Problem
from tests.outcomes import contradictions, reasons_given
from tests.pagetext import read_page
from troubleshooter.diagnosis import (
    CHECKLIST_ANSWERED,
    NOT_IT,
    canonical_state,
    evaluate,
    owner_walk,
    parse_state,
    state_pairs,
    state_query,
    with_answer,
)
from troubleshooter.selectors import published_model

URL = reverse("troubleshooter:diagnosis", kwargs={"slug": "micra-k12-boot-lock"})


@pytest.fixture
def model(content):
    return published_model(Problem.objects.get())


def walk_with(model, draw_choice, state=None):
    """Walk, answering each asked question with what `draw_choice` picks; return the result and the steps."""
    state, steps = state or {}, 0
    for steps in range(1, len(model.questions) + 2):
        result = evaluate(model, state)
        if result.finished:
            return result, steps
        question = result.question
        if question.is_checklist:
            ticks = [a.slug for a in question.evidence_answers if draw_choice(2)]
            answers = [CHECKLIST_ANSWERED, *ticks]
        else:
            answers = [question.answers[draw_choice(len(question.answers))].slug]
        state = canonical_state(model, with_answer(state, question, answers))
    raise AssertionError(f"no end after {steps} questions: {state}")


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_any_answers_end_on_an_outcome_with_a_next_step_within_the_questions(client, model, seed):
    rng = random.Random(seed)
    result, steps = walk_with(model, lambda n: rng.randrange(n))
    assert steps <= len(model.questions) + 1
    cause = result.leader.cause.obj
    assert cause.next_step.strip() or cause.published_guides
    response = client.get(f"{URL}?{state_query(result.state)}")
    assert response.status_code == 200
    html = response.content.decode()
    text = read_page(html)[0]
    if result.verdict:
        assert cause.title in text and "What to do now" in text and "Have you tried this yet?" in text
        assert contradictions(model, cause.slug, html, result.state) == []
        # "Why we think so" names only answers the owner gave.
        given = {a.label for q in model.questions for a in q.answers if a.slug in result.state.get(q.slug, ())}
        for reason in reasons_given(html):
            assert reason.rsplit(": ", 1)[0] in given, (reason, result.state)
    else:  # no answer points to the leader: no verdict, but the checks that would tell
        assert "Your answers don't point to one cause yet" in text and "The most common causes" in text
        assert "What to do now" not in text and "Have you tried this yet?" not in text


def test_not_sure_to_everything_ends_on_the_most_likely_cause(model):
    result, screens = owner_walk(model, {})
    most_common = max((c for c in model.causes if c.kind == "fault"), key=lambda c: c.base_rate)
    assert result.finished and result.leader.cause.slug == most_common.slug
    assert not result.verdict  # how common a cause is earns no verdict
    assert screens <= len(model.questions) + 1


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_the_canonical_url_of_a_state_is_unique(model, seed):
    rng = random.Random(seed)
    state = {}
    for question in model.questions:
        if rng.random() < 0.5:
            continue
        if question.is_checklist:
            state[question.slug] = tuple(
                [CHECKLIST_ANSWERED] * rng.randrange(2) + [a.slug for a in question.answers if rng.random() < 0.3]
            )
        else:
            state[question.slug] = (rng.choice(question.answers).slug,)
    state = canonical_state(model, state)
    pairs = state_pairs(state)
    shuffled = pairs[:]
    rng.shuffle(shuffled)
    # Any order of the same answers gives the same canonical query...
    assert state_query(parse_state(model, shuffled)) == state_query(state)
    # ...and the canonical query reads back as exactly this state (so two states never share a URL).
    assert parse_state(model, pairs) == state


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_no_it_did_not_solve_it_never_lands_the_owner_on_that_cause_again(client, model, seed):
    rng = random.Random(seed)
    result, _steps = walk_with(model, lambda n: rng.randrange(n))
    tried = set()
    for _round in range(3):  # "No" to up to three outcomes in a row
        cause = result.leader.cause.slug
        tried.add(cause)
        start = canonical_state(model, {**result.state, NOT_IT: tuple(tried)})
        if result.verdict:  # the "No" reply offers exactly that walk
            reply = client.get(f"{URL}?{state_query(result.state, solved='no')}").content.decode()
            assert f'href="{URL}?{state_query(start)}"'.replace("&", "&amp;") in reply
        # The walk from there, answered at random, ends elsewhere.
        result, _steps = walk_with(model, lambda n: rng.randrange(n), state=start)
        assert result.leader.cause.slug not in tried, (tried, result.state)


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_no_question_asks_again_what_the_owner_said_in_other_words(model, seed):
    rng = random.Random(seed)
    state = {}
    for _step in range(len(model.questions) + 1):
        result = evaluate(model, state)
        if result.finished:
            return
        question = result.question
        given = {f"{q}/{a}" for q, answers in state.items() for a in answers}
        assert not any(given & set(answer.same_as) for answer in question.answers), (question.slug, state)
        if question.is_checklist:
            answers = [CHECKLIST_ANSWERED, *(a.slug for a in question.evidence_answers if rng.random() < 0.3)]
        else:
            answers = [rng.choice(question.answers).slug]
        state = canonical_state(model, with_answer(state, question, answers))
