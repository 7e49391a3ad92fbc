"""The ranking as a pure function of (model, answers), on small hand-made models with known results."""

import math

import pytest

from troubleshooter.diagnosis import (
    AGAINST,
    CHECKLIST_ANSWERED,
    LIKELIHOOD_RATIO,
    LIKELY,
    POINTS_STRONGLY,
    POINTS_TO,
    POSSIBLE,
    RULES_OUT,
    VERY_LIKELY,
    AnswerNode,
    CauseNode,
    InvalidState,
    Model,
    QuestionNode,
    canonical_state,
    check_model,
    evaluate,
    find_witness,
    open_questions,
    owner_walk,
    parse_state,
    rank,
    state_query,
)


def answer(question, slug, marks=None, group="", unsure=False):
    return AnswerNode(slug=slug, label=slug, question=question, no_evidence=unsure, group=group, marks=marks or {})


def single(slug, *answers, effort=1, order=0):
    return QuestionNode(slug, "single", effort, (*answers, answer(slug, "not-sure", unsure=True)), order)


def probability(ranking, slug):
    return next(s.probability for s in ranking if s.cause.slug == slug)


@pytest.fixture
def small():
    """Switch (common), latch (rarer) and a catch-all; a sign, a rain checklist and a test."""
    causes = [
        CauseNode("switch", "Switch", "fault", 60, 1),
        CauseNode("latch", "Latch", "fault", 30, 2),
        CauseNode("other", "Something else", "catch_all", 10, 3),
    ]
    questions = [
        QuestionNode(
            "signs",
            "checklist",
            1,
            (
                answer("signs", "rain", {"switch": POINTS_STRONGLY}, group="water"),
                answer("signs", "sometimes", {"switch": POINTS_STRONGLY}, group="water"),
                answer("signs", "click", {"latch": POINTS_STRONGLY, "switch": AGAINST}),
            ),
            1,
        ),
        single(
            "bridge",
            answer("bridge", "clicks", {"switch": POINTS_STRONGLY, "latch": RULES_OUT}),
            answer("bridge", "nothing", {"switch": RULES_OUT, "latch": AGAINST}),
            effort=3,
            order=2,
        ),
        single(
            "remote",
            answer("remote", "works", {"switch": POINTS_TO}),
            answer("remote", "dead", {"switch": AGAINST, "latch": AGAINST}),
            order=3,
        ),
    ]
    return Model(causes=causes, questions=questions, threshold=0.8)


def test_no_answers_ranks_by_base_rate(small):
    ranking = rank(small, {})
    assert [s.cause.slug for s in ranking] == ["switch", "latch", "other"]
    assert probability(ranking, "switch") == pytest.approx(0.6)
    assert probability(ranking, "other") == pytest.approx(0.1)


def test_a_mark_multiplies_by_its_fixed_ratio(small):
    ranking = rank(small, {"remote": ("works",)})
    odds = probability(ranking, "switch") / probability(ranking, "latch")
    assert odds == pytest.approx(2 * LIKELIHOOD_RATIO[POINTS_TO])


def test_signs_of_one_group_count_once(small):
    one = rank(small, {"signs": (CHECKLIST_ANSWERED, "rain")})
    both = rank(small, {"signs": (CHECKLIST_ANSWERED, "rain", "sometimes")})
    assert probability(both, "switch") == pytest.approx(probability(one, "switch"))
    # ...while signs of different groups add up.
    with_remote = rank(small, {"signs": (CHECKLIST_ANSWERED, "rain"), "remote": ("works",)})
    assert probability(with_remote, "switch") > probability(one, "switch")


def test_rules_out_is_soft_never_zero(small):
    ranking = rank(small, {"bridge": ("clicks",)})
    latch = probability(ranking, "latch")
    assert 0 < latch < 0.01
    expected = 30 * LIKELIHOOD_RATIO[RULES_OUT] / (60 * LIKELIHOOD_RATIO[POINTS_STRONGLY] + 30 * LIKELIHOOD_RATIO[RULES_OUT] + 10)
    assert latch == pytest.approx(expected)


def test_not_sure_adds_no_evidence(small):
    assert [s.probability for s in rank(small, {"remote": ("not-sure",)})] == [s.probability for s in rank(small, {})]


def test_unticked_signs_are_not_evidence(small):
    ticked_nothing = rank(small, {"signs": (CHECKLIST_ANSWERED,)})
    assert [s.probability for s in ticked_nothing] == pytest.approx([s.probability for s in rank(small, {})])


def test_the_catch_all_leads_when_the_answers_rule_out_the_rest():
    causes = [CauseNode("a", "A", "fault", 50, 1), CauseNode("b", "B", "fault", 45, 2), CauseNode("else", "E", "catch_all", 5, 3)]
    q = single("q", answer("q", "x", {"a": RULES_OUT, "b": RULES_OUT}))
    model = Model(causes, [q])
    assert rank(model, {"q": ("x",)})[0].cause.slug == "else"


def test_likelihood_words_come_from_the_figure_alone_so_a_higher_one_never_gets_a_weaker_word(small):
    one_group = rank(small, {"signs": (CHECKLIST_ANSWERED, "rain"), "bridge": ("not-sure",)})[0]
    assert one_group.probability >= 0.8 and one_group.band == VERY_LIKELY
    assert rank(small, {})[1].band == POSSIBLE
    scores = [s for state in ({}, {"signs": (CHECKLIST_ANSWERED, "rain")}, {"remote": ("works",)}) for s in rank(small, state)]
    order = [VERY_LIKELY, LIKELY, POSSIBLE, "unlikely"]
    for higher in scores:
        for lower in scores:
            if higher.probability > lower.probability:
                assert order.index(higher.band) <= order.index(lower.band)


def test_how_common_a_cause_is_earns_no_verdict(small):
    assert not evaluate(small, {"signs": (CHECKLIST_ANSWERED,)}).verdict
    assert evaluate(small, {"signs": (CHECKLIST_ANSWERED, "rain"), "remote": ("works",)}).verdict


def test_next_question_is_the_one_that_separates_causes_for_its_effort(small):
    # First screen: the checklist (cheap, separates both faults).
    assert evaluate(small, {}).question.slug == "signs"
    # After "nothing ticked", the cheap remote question beats the test behind the trim,
    # and the test is still asked when it alone could change the leader.
    after = evaluate(small, {"signs": (CHECKLIST_ANSWERED,)})
    assert after.question.slug in {"remote", "bridge"}
    assert after.question.effort == 1 or math.isclose(after.question.effort, 3)


def test_a_pinned_first_question_is_asked_first(small):
    small.first_question = "remote"
    assert evaluate(small, {}).question.slug == "remote"


def test_the_walk_ends_when_one_cause_clearly_leads(small):
    result = evaluate(small, {"signs": (CHECKLIST_ANSWERED, "rain"), "remote": ("works",)})
    assert result.finished and result.leader.cause.slug == "switch"
    assert result.leader.probability >= small.threshold


def test_a_leader_exactly_at_the_threshold_ends_the_walk():
    """The threshold is reached "at or above": a leader landing exactly on it is the answer."""
    causes = [CauseNode("a", "A", "fault", 80, 1), CauseNode("else", "E", "catch_all", 20, 2)]
    telling = single("q", answer("q", "x", {"a": POINTS_TO}), answer("q", "y", {"else": POINTS_STRONGLY}))
    model = Model(causes, [telling], threshold=0.8)
    result = evaluate(model, {})
    assert result.leader.probability == model.threshold  # exactly on it, and "y" could still change the leader
    assert result.finished and result.question is None


def test_the_walk_ends_when_nothing_left_can_change_the_leader():
    causes = [CauseNode("a", "A", "fault", 70, 1), CauseNode("else", "E", "catch_all", 30, 2)]
    weak = single("weak", answer("weak", "x", {"a": POINTS_TO}), answer("weak", "y", {"else": POINTS_TO}))
    model = Model(causes, [weak], threshold=0.95)
    # "y" would make it 70:120: the question can change the leader, so it is asked...
    assert evaluate(model, {}).question.slug == "weak"
    # ...and once answered nothing is left: the walk ends below the threshold.
    result = evaluate(model, {"weak": ("x",)})
    assert result.finished and result.leader.probability < 0.95


def test_all_not_sure_ends_on_the_most_common_cause_within_the_number_of_questions(small):
    result, screens = owner_walk(small, {})
    assert result.finished and result.leader.cause.slug == "switch"
    assert screens <= len(small.questions) + 1


def test_ask_puts_a_question_back_first(small):
    state = {"signs": (CHECKLIST_ANSWERED,)}
    assert evaluate(small, state, ask="bridge").question.slug == "bridge"


# --- State in the URL -------------------------------------------------------------------------


def test_canonical_order_is_question_order_then_answer_order(small):
    state = parse_state(small, [("remote", "works"), ("signs", "sometimes"), ("signs", CHECKLIST_ANSWERED), ("signs", "rain")])
    assert state_query(state) == "signs=answered&signs=rain&signs=sometimes&remote=works"


def test_unknown_parameters_are_ignored(small):
    state = parse_state(small, [("utm_source", "x"), ("fbclid", "y"), ("remote", "works")])
    assert state == {"remote": ("works",)}


def test_an_unknown_answer_is_invalid_and_keeps_what_fits(small):
    with pytest.raises(InvalidState) as error:
        parse_state(small, [("remote", "banana"), ("signs", "rain")])
    assert error.value.usable == {"signs": ("rain",)}


def test_two_answers_to_a_single_choice_question_are_invalid(small):
    with pytest.raises(InvalidState):
        parse_state(small, [("remote", "works"), ("remote", "dead")])


def test_a_ticked_sign_without_the_marker_reopens_its_checklist_with_it_ticked(small):
    result = evaluate(small, {"signs": ("rain",)})
    assert result.question.slug == "signs" and not result.finished


# --- Integrity -------------------------------------------------------------------------------


def test_a_sound_model_has_no_faults_and_every_cause_a_witness(small):
    assert check_model(small) == []
    for cause in small.causes:
        witness = find_witness(small, cause.slug)
        assert witness is not None
        assert rank(small, witness)[0].cause.slug == cause.slug


def test_a_cause_no_answer_points_to_is_reported(small):
    small.causes.append(CauseNode("ghost", "Ghost", "fault", 1, 9))
    small.__post_init__()
    assert "Cause “Ghost” has no answer that points to it" in check_model(small)


def test_a_question_that_marks_nothing_is_reported(small):
    small.questions.append(single("idle", answer("idle", "x"), order=9))
    small.__post_init__()
    assert any("“idle” separates no causes" in fault for fault in check_model(small))


def test_a_single_choice_question_without_not_sure_is_reported(small):
    small.questions.append(QuestionNode("strict", "single", 1, (answer("strict", "x", {"switch": 1}), answer("strict", "y")), 9))
    small.__post_init__()
    assert any("“strict” offers no “not sure”" in fault for fault in check_model(small))


def test_exactly_one_catch_all_is_required(small):
    small.causes.append(CauseNode("else2", "E2", "catch_all", 5, 9))
    small.__post_init__()
    assert any("exactly one" in fault for fault in check_model(small))


def test_the_canonical_state_is_stable(small):
    state = {"remote": ("works",), "signs": ("sometimes", CHECKLIST_ANSWERED)}
    once = canonical_state(small, state)
    assert canonical_state(small, once) == once
    assert list(once) == ["signs", "remote"]


def test_an_answer_that_makes_a_question_impossible_skips_it_and_the_tests_behind_its_gate():
    """ "I can't get into the car": don't ask them to press the button, nor to get behind the trim."""
    causes = [CauseNode("switch", "Switch", "fault", 50, 1), CauseNode("battery", "Battery", "fault", 40, 2)]
    causes.append(CauseNode("else", "Something else", "catch_all", 10, 3))
    cant_get_in = AnswerNode(
        "locked-out", "locked-out", "signs", marks={"battery": POINTS_TO}, skips=("button", "inside"), group="power"
    )
    signs = QuestionNode("signs", "checklist", 1, (cant_get_in, answer("signs", "rain", {"switch": POINTS_TO})), 1)
    button = single(
        "button",
        answer("button", "no-click", {"battery": POINTS_STRONGLY}),
        answer("button", "click", {"switch": POINTS_STRONGLY}),
        effort=2,
        order=2,
    )
    inside = QuestionNode("inside", "access", 3, (answer("inside", "yes"), answer("inside", "not-now", unsure=True)), 3)
    bridge = single("bridge", answer("bridge", "clicks", {"switch": POINTS_STRONGLY, "battery": RULES_OUT}), effort=3, order=4)
    model = Model(causes, [signs, button, inside, bridge], threshold=0.95)

    locked_out = {"signs": (CHECKLIST_ANSWERED, "locked-out")}
    result = evaluate(model, locked_out)
    assert result.finished and result.question is None  # nothing left they can do now: the outcome
    assert result.leader.cause.slug == "battery"
    # Without that answer, the same owner is asked to press the button.
    assert evaluate(model, {"signs": (CHECKLIST_ANSWERED, "rain")}).question.slug == "button"
    assert not any("skips" in fault for fault in check_model(model))  # a sound skip is no fault


def test_the_check_names_a_skip_of_a_question_that_is_not_there(small):
    bad = AnswerNode("x", "x", "remote", marks={"switch": POINTS_TO}, skips=("no-such-question",))
    remote = small.question_by_slug["remote"]
    questions = [q for q in small.questions if q is not remote]
    questions.append(QuestionNode("remote", "single", 1, (bad, *remote.answers), remote.order))
    faults = check_model(Model(small.causes, questions))
    assert any("skips “no-such-question”" in fault for fault in faults)


def near_tie_model(quick_kind="fault", switch_rate=50):
    causes = [
        CauseNode("switch", "Switch", "fault", switch_rate, 1),
        CauseNode("ice", "Ice", quick_kind, 40, 2),
        CauseNode("other", "Something else", "catch_all", 10, 3),
    ]
    questions = [
        single("sign", answer("sign", "both", {"switch": POINTS_TO, "ice": POINTS_TO}), order=1),
        single("frost", answer("frost", "yes", {"ice": POINTS_STRONGLY}), order=2),
        single("thaw", answer("thaw", "still-shut", {"ice": RULES_OUT}), order=3),
    ]
    return Model(causes=causes, questions=questions, threshold=0.8)


def test_a_near_tie_is_no_verdict_however_high_the_leader():
    model = near_tie_model()
    result = evaluate(model, {"sign": ["both"]})
    leader, runner_up = result.ranking[0], result.ranking[1]
    assert leader.probability >= 0.5 and runner_up.probability > leader.probability / 2  # 54% beside 43%
    assert not result.verdict


def test_no_verdict_for_a_repair_while_a_quick_fix_the_owner_points_to_is_untried():
    model = near_tie_model(quick_kind="quick_fix", switch_rate=5000)
    # The repair leads by far on "how common", but frost singles out the ice, untried yet.
    state = {"sign": ["both"], "frost": ["yes"]}
    result = evaluate(model, state)
    assert result.leader.cause.slug == "switch" and result.leader.probability >= 0.8
    assert not result.verdict and [s.cause.slug for s in result.quick_fixes_first] == ["ice"]
    # Once the thaw is tried and it is still shut, the ice is ruled out: the repair is the verdict.
    assert evaluate(model, {**state, "thaw": ["still-shut"]}).verdict


def test_a_follow_up_is_asked_only_after_its_answer_and_the_check_names_a_wrong_one():
    model = near_tie_model(quick_kind="quick_fix")
    thaw = model.question_by_slug["thaw"]
    followed = QuestionNode("thaw", "single", 1, thaw.answers, thaw.order, asked_after=("frost/yes",))
    model = Model(model.causes, [q for q in model.questions if q is not thaw] + [followed], threshold=0.8)
    # Not asked to an owner who said nothing of frost; asked once they did.
    assert "thaw" not in [q.slug for q in open_questions(model, {"sign": ["both"], "frost": ["not-sure"]})]
    assert "thaw" in [q.slug for q in open_questions(model, {"sign": ["both"], "frost": ["yes"]})]
    assert not any("asked only after" in fault for fault in check_model(model))
    wrong = QuestionNode("thaw", "single", 1, thaw.answers, thaw.order, asked_after=("frost/maybe",))
    faults = check_model(Model(model.causes, [q for q in model.questions if q.slug != "thaw"] + [wrong]))
    assert any("is asked only after “frost/maybe”" in fault for fault in faults)


def test_a_small_fault_needs_no_invented_answer_for_something_else():
    wiper = Model(
        causes=[
            CauseNode("motor", "Motor", "fault", 60, 1),
            CauseNode("wires", "Wires", "fault", 30, 2),
            CauseNode("other", "Something else", "catch_all", 10, 3),
        ],
        questions=[
            single(
                "motor",
                answer("motor", "hums", {"motor": POINTS_STRONGLY}),
                answer("motor", "silent", {"wires": POINTS_STRONGLY}),
                order=1,
            )
        ],
        threshold=0.8,
    )
    assert check_model(wiper) == []
