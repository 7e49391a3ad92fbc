"""No outcome page shows a sign or advice that contradicts its cause: a test over every outcome,
reached every way the content allows (its own page, a witness walk, each sign alone, each owner situation)."""

import pytest
from django.urls import reverse

from problems.models import Problem
from tests.outcomes import contradictions
from tests.pagetext import read_page
from troubleshooter.diagnosis import CHECKLIST_ANSWERED, evaluate, find_witness, owner_walk, state_query
from troubleshooter.models import Cause, Situation
from troubleshooter.selectors import published_model
from troubleshooter.situations import situation_answers

PROBLEM = "micra-k12-boot-lock"
URL = reverse("troubleshooter:diagnosis", kwargs={"slug": PROBLEM})


@pytest.fixture
def model(content):
    return published_model(Problem.objects.get(slug=PROBLEM))


def ends(model):
    """Every (cause, state) an owner can end on that the content names: witnesses, single signs, situations."""
    for cause in model.causes:
        witness = find_witness(model, cause.slug)
        assert witness is not None, cause.slug
        yield cause.slug, witness, f"witness of {cause.slug}"
    checklist = next(q for q in model.questions if q.is_checklist)
    for sign in checklist.evidence_answers:
        result, _screens = owner_walk(model, {checklist.slug: (CHECKLIST_ANSWERED, sign.slug)})
        yield result.leader.cause.slug, result.state, f"only {sign.slug}, not sure to the rest"
    for situation in Situation.objects.all():
        result, _screens = owner_walk(model, situation_answers(model, situation))
        yield result.leader.cause.slug, result.state, situation.slug


def test_every_outcome_page_on_its_own_has_no_contradicting_text(client, model):
    for cause in model.causes:
        url = reverse("troubleshooter:outcome_detail", kwargs={"problem_slug": PROBLEM, "slug": cause.slug})
        html = client.get(url).content.decode()
        assert contradictions(model, cause.slug, html) == [], cause.slug


def test_every_way_to_an_outcome_shows_nothing_that_contradicts_it(client, model):
    seen = set()
    for cause, state, how in ends(model):
        result = evaluate(model, state)
        assert result.finished, how
        html = client.get(f"{URL}?{state_query(state)}").content.decode()
        if not result.verdict:  # no cause is shown as the answer: nothing of one can contradict it
            assert "Your answers don't point to one cause yet" in html, how
            continue
        assert contradictions(model, cause, html, state) == [], how
        seen.add(cause)
    assert seen == {c.slug for c in model.causes}  # every outcome was reached at least once


def test_lookalike_outcomes_sell_no_boot_lock_repair(client, model):
    for cause in Cause.objects.filter(version__status="published", kind=Cause.Kind.LOOKALIKE):
        html = client.get(cause.get_absolute_url()).content.decode()
        assert "This site covers the Micra boot lock only." in html
        assert "What the repair costs" not in html and "/goodwill/" not in html, cause.slug
        assert "Ask the dealer for goodwill" not in html


def test_the_check_itself_catches_a_contradicting_sign(client, model):
    """The detector works: the article's 'your remote control works perfectly' on the remote's own page is found."""
    doors_work = next(a for q in model.questions for a in q.evidence_answers if a.slug == "doors-work")
    cause = Cause.objects.get(version__status="published", slug="remote-or-immobiliser")
    cause.explanation += "\n\n" + doors_work.obj.description
    cause.save()
    html = client.get(cause.get_absolute_url()).content.decode()
    assert contradictions(model, cause.slug, html)


def test_the_overview_lists_no_lookalike_sign_as_a_sign_of_this_fault(client, model):
    html = client.get(Problem.objects.get(slug=PROBLEM).get_absolute_url()).content.decode()
    signs = html[html.index('<section id="symptoms"') : html.index('<section id="causes"')]
    lookalike_signs = [
        a
        for q in model.questions
        for a in q.evidence_answers
        if a.marks
        and max(a.marks.values()) == 2
        and all(model.cause_by_slug[c].kind == "lookalike" for c, m in a.marks.items() if m == 2)
    ]
    assert lookalike_signs
    for answer in lookalike_signs:
        assert answer.label not in signs, answer.slug


def test_advice_of_an_answer_never_shows_on_an_outcome_it_speaks_against(client, model):
    """For each answer with advice and each cause it marks against: an owner who gave it and still
    ends on that cause does not see the advice (it would contradict the page)."""
    checked = 0
    for question in model.questions:
        for answer in question.evidence_answers:
            if not answer.obj.advice:
                continue
            for cause, mark in answer.marks.items():
                if mark >= 0:
                    continue
                witness = find_witness(model, cause) or {}
                given = set(witness.get(question.slug, ())) | {answer.slug}
                state = {**witness, question.slug: tuple(given) if question.is_checklist else (answer.slug,)}
                result = evaluate(model, state)
                if result.leader.cause.slug != cause:
                    continue
                html = client.get(f"{URL}?{state_query(result.state)}").content.decode()
                first_sentence = read_page(answer.obj.advice)[0].split(". ")[0]
                assert first_sentence not in html, (answer.slug, cause)
                checked += 1
    assert checked, "no answer with advice could be given on an outcome it speaks against"
