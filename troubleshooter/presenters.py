"""What the diagnosis pages show, built from a ranking result: links, trail, bars, the next test.

Kept out of the views so they stay thin, and out of troubleshooter.diagnosis so the
ranking stays free of URLs and requests.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.urls import reverse

from guides.models import CostEstimate, RepairGuide
from troubleshooter import owner_words, selectors
from troubleshooter.diagnosis import (
    ASK_PARAM,
    CHECKLIST_ANSWERED,
    NOT_IT,
    POINTS_STRONGLY,
    POINTS_TO,
    Model,
    Result,
    access_granted,
    advice_still_applies,
    canonical_state,
    causes_without_verdict,
    distinguishing_question,
    given_answers,
    is_consequence,
    quickest_checks,
    rank,
    state_pairs,
    state_query,
    with_answer,
    without,
)
from troubleshooter.matching import matched_answers
from troubleshooter.models import Cause, Mark

BARS_SHOWN = 5


def reopened(state, question) -> dict:
    """The state with `question` open again: a checklist keeps its ticks (only "sent" goes), so
    changing one sign doesn't mean ticking them all again."""
    if question.is_checklist:
        ticks = tuple(a for a in state.get(question.slug, ()) if a != CHECKLIST_ANSWERED)
        return {**without(state, question.slug), **({question.slug: ticks} if ticks else {})}
    return without(state, question.slug)


def diagnosis_context(request, problem, model: Model, result: Result, url: Callable[..., str], words=None) -> dict:
    """`words`: what the owner typed in their own words (a TypedWords), if the walk began with them."""
    state = result.state
    typed = owner_words.typed_pairs(words)
    trail = [
        {
            "question": question.obj,
            # Each answer marked on its own: a sign ticked by hand beside one the words set is the owner's.
            "answers": [(a.obj, (question.slug, a.slug) in typed) for a in answers],
            "change_url": url(
                problem, state_query(canonical_state(model, reopened(state, question)), **{ASK_PARAM: question.slug})
            ),
        }
        for question, answers in result.answered
        # The question on screen shows its own answers (a checklist begun from a sign or the search box).
        if question is not result.question
    ]
    context = {
        "result": result,
        "trail": trail,
        "typed_text": words.text if words else "",
        # "You typed ..." only while some answer still comes from it, or some words are unknown.
        "typed_used": any((q, a) in typed for q, answers in state.items() for a in answers),
        "unknown_words": ", ".join(f"“{run}”" for run in words.unknown.split(", ")) if words and words.unknown else "",
        "tried_causes": [
            {
                "cause": model.cause_by_slug[slug].obj,
                "undo_url": url(problem, state_query(not_it(model, state, slug, tried=False))),
            }
            for slug in state.get(NOT_IT, ())
        ],
        "word_conflicts": word_conflicts(problem, model, state, typed, url),
        "emergency_guide": selectors.emergency_guide(problem),
    }
    question = result.question
    if question is not None:
        context["question"] = question.obj
        context["question_number"] = len([q for q, _ in result.answered if q.slug != question.slug]) + 1
        if question.is_checklist:
            ticked = set(state.get(question.slug, ()))
            others = state_pairs(without(state, question.slug))
            before = [
                (k, v) for k, v in others if k in model.question_by_slug and model.question_by_slug[k].order < question.order
            ]
            # After the checklist: later questions' answers, then the causes fixed without success.
            after = [(k, v) for k, v in others if (k, v) not in before]
            context["checklist"] = {
                "hidden_before": before,
                "hidden_after": after,
                "marker": CHECKLIST_ANSWERED,
                "signs": [(a.obj, a.slug in ticked) for a in question.evidence_answers if not a.obj.shelf],
                "shelves": checklist_shelves(question, ticked),
                "words_token": words.token if words else "",
            }
        else:
            context["answer_links"] = [
                (a.obj, url(problem, state_query(with_answer(state, question, [a.slug])))) for a in question.answers
            ]
            current = state.get(question.slug, ())
            context["current_answers"] = set(current)
    elif has_verdict(model, result, words):
        context |= outcome_context(request, problem, result.leader.cause.obj, result, model=model, url=url)
    else:
        context |= no_verdict_context(problem, model, result, url)
        # The answers alone would name a cause: the words the site did not know held it back.
        context["no_verdict"]["withheld_for_words"] = result.verdict
    return context


def has_verdict(model: Model, result: Result, words=None) -> bool:
    """A verdict needs answers that point to the leader; and when the site did not know some of
    the owner's own words (perhaps their main clue), a leader past the version's threshold."""
    if not result.verdict:
        return False
    return not (words and words.unknown and result.leader.probability < model.threshold)


def no_verdict_context(problem, model: Model, result: Result, url) -> dict:
    """ "Your answers don't point to one cause yet": the most common causes, and the quickest
    checks that would tell them apart, cheapest first, with what each answer would mean."""
    shown = causes_without_verdict(result)
    checks = quickest_checks(model, result.state, [score.cause for score in shown])
    return {
        "no_verdict": {
            # What the owner's own answers say to do first, whatever the cause (frost: let it thaw).
            "advice": [
                a.obj.advice
                for _question, answers in result.answered
                for a in answers
                if a.obj.advice and advice_still_applies(a, result)
            ],
            "causes": [{"cause": score.cause.obj, "percent": score.percent} for score in shown],
            "from_answers": result.from_answers,
            "checks": [
                {
                    "question": check.question.obj,
                    "url": url(
                        problem, state_query(without(result.state, check.question.slug), **{ASK_PARAM: check.question.slug})
                    ),
                    "meanings": [
                        {"answer": answer.obj, "toward": [c.obj for c in toward], "against": [c.obj for c in against]}
                        for answer, toward, against in check.meanings
                    ],
                }
                for check in checks
            ],
        }
    }


def not_it(model: Model, state, cause_slug: str, tried: bool = True) -> dict:
    """The state with `cause_slug` marked as fixed without success (or, `tried=False`, unmarked)."""
    causes = set(state.get(NOT_IT, ()))
    causes = causes | {cause_slug} if tried else causes - {cause_slug}
    return canonical_state(model, {**without(state, NOT_IT), NOT_IT: tuple(causes)})


def word_conflicts(problem, model: Model, state, typed: set[tuple[str, str]], url) -> list[dict]:
    """What the owner typed against what they ticked, where both can't be true: the typed answer,
    the ticked one, and the address with the typed one instead (the next screen asks which)."""
    conflicts = []
    for slug, answer_slug in sorted(typed):
        question = model.question_by_slug.get(slug)
        answer = question.answer(answer_slug) if question else None
        if answer is None or answer_slug in state.get(slug, ()):
            continue
        for other in given_answers(model, state):
            if not other.no_evidence and owner_words.clashes(question, answer, other):
                instead = with_answer(without_answer(state, other), question, [*state.get(slug, ()), answer_slug])
                conflicts.append(
                    {
                        "typed": answer.obj,
                        "given": other.obj,
                        "use_typed_url": url(problem, state_query(canonical_state(model, instead))),
                    }
                )
    return conflicts


def without_answer(state, answer) -> dict:
    """The state without one answer (its question goes when nothing else of it is left)."""
    rest = {
        slug: tuple(a for a in answers if not (slug == answer.question and a == answer.slug)) for slug, answers in state.items()
    }
    return {slug: answers for slug, answers in rest.items() if answers}


def outcome_context(request, problem, cause: Cause, result: Result | None, *, model: Model | None = None, url=None) -> dict:
    query = state_query(result.state) if result else ""
    goodwill_query = {"outcome": cause.slug} | ({"answers": query} if query else {})

    def page_url(**extra: str) -> str:
        """This outcome's own address (with the answers that led here), plus `extra`."""
        if result is not None and url is not None:
            return url(problem, state_query(result.state, **extra))
        return cause.get_absolute_url() + (f"?{urlencode(extra)}" if extra else "")

    context = {
        "outcome": cause,
        "emergency_guide": selectors.emergency_guide(problem),
        "cost_estimates": cost_estimates(problem, cause),
        "goodwill_url": f"{reverse('goodwill:goodwill')}?{urlencode(goodwill_query)}",
        "feedback": feedback_step(request),
        "feedback_url": reverse("troubleshooter:outcome_feedback", kwargs={"problem_slug": problem.slug, "slug": cause.slug}),
        # Without JavaScript the reply is a new page: land on the box, not at the top.
        "tried_url": page_url(tried="yes") + "#feedback",
        "later_url": page_url(tried="later") + "#feedback",
        "page_key": page_url(),
        "answers_query": query,
        # "No, it didn't solve it": go on without this cause (the answers so far kept, if known).
        "not_it_url": url(problem, state_query(not_it(model, result.state, cause.slug)))
        if result is not None and url is not None and model is not None
        else reverse("troubleshooter:diagnosis", kwargs={"slug": problem.slug}) + "?" + urlencode({NOT_IT: cause.slug}),
    }
    if result is None or model is None:
        return context
    leader, runner_up = result.leader, result.runner_up
    context |= {
        "score": leader,
        # "Why we think so": the owner's own answers that moved this cause most, in the scale's
        # words, then those that spoke against it. Never a sign they did not give.
        "reasons": reasons(model, leader, toward=True),
        "reasons_against": reasons(model, leader, toward=False),
        # Advice for what this owner said, first: a boot that opens by itself needs safety before repair.
        # A consequence's advice too (a battery the lock ran flat: charge it first), whatever its marks.
        "answer_advice": [
            answer.obj.advice
            for answer in sorted(
                (a for _question, answers in result.answered for a in answers),
                key=lambda a: not is_consequence(a, result.state),  # what the car needs first, first
            )
            if answer.obj.advice
            and advice_still_applies(answer, result)
            # On the outcome this answer singles out, when it is no fault of the lock (a quick fix, a
            # look-alike), that page is the advice ("let it thaw", "charge the battery"): not said twice.
            and not (leader.cause.kind != Cause.Kind.FAULT and answer.marks.get(leader.cause.slug) == POINTS_STRONGLY)
            and (answer.marks.get(leader.cause.slug, 0) >= 0 or is_consequence(answer, result.state))
        ],
        # An owner who is already behind the trim is not locked out: no "open it from inside" banner.
        "behind_trim": any(access_granted(model, result.state).values()),
        "bars": [
            {"cause": s.cause.obj, "percent": s.percent, "word": s.likelihood_word, "is_leader": s is leader}
            for s in result.ranking[:BARS_SHOWN]
        ],
        "ruled_out_by": [
            {
                "answer": answer.obj,
                "question": model.question_by_slug[answer.question].obj,
                "change_url": url(problem, state_query(without(result.state, answer.question), **{ASK_PARAM: answer.question})),
            }
            for answer in leader.ruled_out_by
        ],
    }
    if runner_up is not None and runner_up.probability >= 0.05:
        context["runner_up"] = runner_up
        # "Something else" has no test of its own: no question tells it apart.
        test = (
            None
            if runner_up.cause.kind == Cause.Kind.CATCH_ALL
            else distinguishing_question(model, result.state, leader.cause.slug, runner_up.cause.slug)
        )
        if test is not None:
            context["telling_test"] = {
                "question": test.obj,
                "url": url(problem, state_query(without(result.state, test.slug), **{ASK_PARAM: test.slug})),
            }
    return context


def reasons(model: Model, score, toward: bool) -> list[dict]:
    """The owner's answers that moved this cause, strongest first: those that point to it, or
    those against it, in the scale's words ("Why we think so")."""
    evidence = [e for e in score.evidence if (e.effect > 0) == toward]
    return [
        {"answer": e.answer.obj, "question": model.question_by_slug[e.answer.question].obj, "effect": Mark.Effect(e.effect).label}
        for e in sorted(evidence, key=lambda e: abs(e.effect), reverse=True)
    ]


def feedback_step(request) -> str:
    """First "Tried it?"; once tried, "Did this solve it?"; then the reply to yes or no."""
    solved, tried = request.GET.get("solved"), request.GET.get("tried")
    if solved in ("yes", "no"):
        return solved
    return {"yes": "ask-solved", "later": "later"}.get(tried, "ask-tried")


def cost_estimates(problem, cause: Cause) -> list:
    """What the repair costs, for a fault only; the do-it-yourself figure only where a repair guide goes with it."""
    if not cause.is_this_fault:
        return []
    has_repair_guide = any(guide.purpose == RepairGuide.Purpose.REPAIR for guide in cause.published_guides)
    return [cost for cost in problem.cost_estimates.all() if cost.route != CostEstimate.Route.DIY_PARTS or has_repair_guide]


def checklist_shelves(question, ticked) -> list[dict]:
    """Rarer signs folded behind their heading, in the order of their first sign; open when one is ticked."""
    shelves: dict[str, list] = {}
    for a in question.evidence_answers:
        if a.obj.shelf:
            shelves.setdefault(a.obj.shelf, []).append((a.obj, a.slug in ticked))
    return [
        {"label": label, "signs": signs, "open": any(is_ticked for _, is_ticked in signs)} for label, signs in shelves.items()
    ]


def points_to_this_fault(model: Model, answer) -> bool:
    """A sign of the problem itself: its strongest mark is for one of the problem's own faults,
    not a look-alike (those are listed with the look-alikes, not as signs of this fault)."""
    if not answer.marks:
        return False
    strongest = max(answer.marks.items(), key=lambda item: (item[1], -model.cause_by_slug[item[0]].order))
    return strongest[1] > 0 and model.cause_by_slug[strongest[0]].obj.is_about_this_problem


def overview_context(problem, model: Model | None) -> dict:
    """The overview: the signs owners notice (each starts the diagnosis), causes and look-alikes."""
    if model is None:
        return {"problem": problem, "signs": [], "causes": [], "lookalikes": []}
    signs = [
        {
            "answer": a.obj,
            "url": reverse("troubleshooter:diagnosis", kwargs={"slug": problem.slug}) + "?" + urlencode([(q.slug, a.slug)]),
        }
        for q in model.questions
        for a in q.evidence_answers
        if a.obj.description and points_to_this_fault(model, a)
    ]
    causes = []
    for node in model.causes:
        pointing = [
            a.obj
            for q in model.questions
            for a in q.evidence_answers
            if a.obj.description and a.marks.get(node.slug, 0) >= POINTS_TO
        ]
        causes.append({"cause": node.obj, "signs": pointing})
    return {
        "problem": problem,
        "signs": signs,
        "causes": [c for c in causes if c["cause"].is_about_this_problem],
        "lookalikes": [c["cause"] for c in causes if c["cause"].kind == Cause.Kind.LOOKALIKE],
    }


LOOKALIKE_SHOWN = 0.1  # a look-alike at least this likely from the owner's words is offered


def search_context(text: str) -> dict:
    """What the owner's words say, per published problem: the answers they set (a link starts the
    diagnosis with them), and whether they point away from the problem to its look-alikes."""
    readings = []
    for problem, model in selectors.live_diagnoses():
        state = matched_answers(model, text)
        ranking = rank(model, state)
        points_away = bool(state) and ranking[0].cause.kind == Cause.Kind.LOOKALIKE
        # Words that point away get the likely look-alikes; any other words get them all ("this
        # site covers ...; it could also be").
        lookalikes = [
            s.cause.obj
            for s in ranking
            if s.cause.kind == Cause.Kind.LOOKALIKE and (s.probability >= LOOKALIKE_SHOWN or not points_away)
        ]
        readings.append(
            {
                "problem": problem,
                "answers": [model.question_by_slug[q].answer(a).obj for q, answers in state.items() for a in answers],
                "words_url": reverse("troubleshooter:diagnosis_words", kwargs={"slug": problem.slug}),
                "text": text,
                "points_away": points_away,
                "lookalikes": lookalikes,
            }
        )
    return {"readings": readings, "points_away": any(r["points_away"] for r in readings)}
