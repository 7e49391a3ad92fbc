"""Owners' words to answers, on a small hand-made model: phrases, stemming, groups, contradictions."""

import pytest

from troubleshooter.diagnosis import POINTS_STRONGLY, POINTS_TO, RULES_OUT, AnswerNode, CauseNode, Model, QuestionNode
from troubleshooter.matching import matched_answers, words_of


def answer(question, slug, keywords, marks=None, group=""):
    return AnswerNode(slug=slug, label=slug, question=question, group=group, marks=marks or {}, keywords=keywords)


@pytest.fixture
def model():
    causes = [
        CauseNode("switch", "Switch", "fault", 60, 1),
        CauseNode("latch", "Latch", "fault", 30, 2),
        CauseNode("flap", "Fuel flap", "lookalike", 10, 3),
    ]
    signs = QuestionNode(
        "signs",
        "checklist",
        1,
        (
            answer("signs", "no-click", "no click, nothing happens", {"switch": POINTS_TO}, group="click"),
            answer("signs", "click-shut", "click, stuck", {"latch": POINTS_STRONGLY, "flap": RULES_OUT}, group="click"),
            answer("signs", "rain", "rain, wet weather", {"switch": POINTS_STRONGLY}, group="water"),
            answer("signs", "self", "locks by itself, battery flat", {"switch": POINTS_STRONGLY}),
            answer("signs", "flap", "fuel flap, bonnet release", {"flap": POINTS_STRONGLY}),
        ),
        1,
    )
    start = QuestionNode(
        "start",
        "single",
        2,
        (
            answer("start", "dark", "battery flat, dashboard dark"),
            answer("start", "key-light", "key light, flashing key"),
        ),
        2,
    )
    return Model(causes, [signs, start])


def test_words_are_lowercased_stemmed_and_apostrophes_dropped():
    assert words_of("It WON'T open, it’s Raining; lights FLASHING") == ["not", "open", "rain", "light", "flash"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("when it rains the boot won't open", {"signs": ("rain",)}),
        ("Nothing happens, no click at all", {"signs": ("no-click",)}),
        ("the key light keeps flashing", {"start": ("key-light",)}),
        ("completely unrelated words", {}),
        ("", {}),
    ],
)
def test_phrases_match_in_any_order_and_form(model, text, expected):
    assert matched_answers(model, text) == expected


def test_every_word_of_a_phrase_must_be_there(model):
    assert matched_answers(model, "the bonnet") == {}  # "bonnet release" needs both words
    assert matched_answers(model, "the bonnet release is stuck") == {"signs": ("flap",)}


def test_one_answer_per_evidence_group_the_longest_match_wins(model):
    # "no click" (two words) beats "click" (one): both are in the click group.
    assert matched_answers(model, "there is no click") == {"signs": ("no-click",)}


def test_words_used_by_one_match_are_not_reused_by_another(model):
    # "battery flat" belongs to "locks by itself" here; it must not also set "dashboard dark".
    assert matched_answers(model, "it locks by itself and the battery goes flat") == {"signs": ("self",)}


def test_answers_that_contradict_each_other_are_never_both_set(model):
    # "stuck" (a click, the latch) rules out the fuel flap, which "bonnet release" points to strongly.
    assert matched_answers(model, "bonnet release stuck") == {"signs": ("flap",)}


def test_several_signs_and_questions_from_one_sentence(model):
    state = matched_answers(model, "wet weather, no click, and the key light flashes")
    assert state == {"signs": ("no-click", "rain"), "start": ("key-light",)}


@pytest.fixture
def remote_model():
    causes = [CauseNode("switch", "Switch", "fault", 60, 1), CauseNode("remote", "Remote", "fault", 40, 2)]
    remote = QuestionNode(
        "remote",
        "single",
        1,
        (
            answer("remote", "doors-work", "doors unlock, remote works", {"switch": POINTS_TO, "remote": RULES_OUT}),
            answer("remote", "remote-dead", "remote dead, doors don't unlock with the remote", {"remote": POINTS_STRONGLY}),
        ),
        1,
    )
    return Model(causes, [remote])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Said with "not" (in any of its forms), a phrase means its opposite, never itself.
        ("doors wont unlock with remote", {"remote": ("remote-dead",)}),
        ("the doors do not unlock with the remote", {"remote": ("remote-dead",)}),
        ("remote not working", {}),
        ("remote doesn't even work", {}),
        # ...while a "not" elsewhere in the sentence leaves it alone.
        ("remote works, boot doesn't open", {"remote": ("doors-work",)}),
        ("the doors unlock fine", {"remote": ("doors-work",)}),
    ],
)
def test_a_phrase_said_with_not_is_not_matched_as_its_opposite(remote_model, text, expected):
    assert matched_answers(remote_model, text) == expected
