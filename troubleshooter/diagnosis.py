"""The diagnosis as evidence: rank a problem's causes by what the owner answered.

This is decision-theoretic troubleshooting in the small (Heckerman, Breese and
Rommelse, "Decision-theoretic troubleshooting", CACM 38(3), 1995): every cause
starts from its base rate; each answer multiplies each cause by a fixed
likelihood ratio from the editors' scale; the next question is the one that is
expected to move the ranking most for the effort it costs the owner; the walk
ends when one cause clearly leads or nothing left could change the leader.

Everything here is a pure function of a `Model` (plain data, built from one
`DiagnosisVersion` by `troubleshooter.selectors.diagnosis_model`) and the
answers, so it is tested without the database or HTTP. Nothing here names a
question, answer or cause: the model is data.

The state of a diagnosis is only the answers, as question=answer pairs in the
URL (a checklist gives one pair per ticked sign, plus `question=answered` once
its form was sent), in one canonical order: the questions' order, then the
answers' order.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import parse_qsl, urlencode

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# The editors' scale and the fixed likelihood ratio of each mark. "No sign" is no mark
# (ratio 1). "Rules it out" is soft: an owner can be mistaken, so never zero.
RULES_OUT, AGAINST, NO_SIGN, POINTS_TO, POINTS_STRONGLY = -2, -1, 0, 1, 2
LIKELIHOOD_RATIO = {RULES_OUT: 1 / 50, AGAINST: 1 / 4, NO_SIGN: 1.0, POINTS_TO: 4.0, POINTS_STRONGLY: 12.0}
# Worked out once: the ranking is run some twenty times per page (every answer the next question could get).
LOG_RATIO = {effect: math.log(ratio) for effect, ratio in LIKELIHOOD_RATIO.items()}
STRENGTH = {effect: abs(log) for effect, log in LOG_RATIO.items()}

# Likelihood words, from fixed bands of the figure alone, so a higher figure never gets a weaker
# word, on one page or across pages. Honesty about thin evidence is the verdict's, not the word's:
# without an answer that points to the leader there is no verdict (Result.verdict), and the
# base rates are shown as how common each cause is, with no word at all.
VERY_LIKELY, LIKELY, POSSIBLE, UNLIKELY = "very_likely", "likely", "possible", "unlikely"
VERY_LIKELY_FROM, LIKELY_FROM, POSSIBLE_FROM = 0.80, 0.50, 0.10
# A verdict needs the leader at least this many times as likely as the next cause.
VERDICT_MARGIN = 2.0
LIKELIHOOD_WORDS = {
    VERY_LIKELY: gettext_lazy("very likely"),
    LIKELY: gettext_lazy("likely"),
    POSSIBLE: gettext_lazy("possible"),
    UNLIKELY: gettext_lazy("unlikely"),
}

# How likely an owner beside the car can answer a question of each effort, and what
# asking it costs them (look or listen; a simple check; a test behind the trim).
ANSWERABLE = {1: 0.95, 2: 0.85, 3: 0.4}
# ...and once they said they can do that effort now (an access question answered "yes").
ANSWERABLE_WITH_ACCESS = 0.9
COST = {1: 1.0, 2: 1.5, 3: 3.0}
# For a checklist: how often an owner ticks a sign when the cause has "no sign" for it.
TICK_RATE = 0.12
# An owner who could not do one question of an effort probably can't do others like it now.
AFTER_UNSURE = 0.5
# Below this expected value for its effort, a question isn't worth the owner's time: stop asking.
MIN_QUESTION_VALUE = 0.02

CHECKLIST_ANSWERED = "answered"
# Query parameters the diagnosis itself uses besides the answers; no question may take these slugs.
ASK_PARAM = "ask"
# The token of what the owner typed in their own words (never the words: troubleshooter.owner_words).
WORDS_PARAM = "w"
# Causes the owner fixed without success ("No, it didn't solve it"): part of the state, so the
# walk from there re-ranks without them and never ends on one again.
NOT_IT = "not-it"
RESERVED_PARAMS = frozenset({"a", ASK_PARAM, WORDS_PARAM, NOT_IT, "tried", "solved", "from", "q"})
MAX_PARAMS = 60  # far more than any model has answers: stops silly input early


@dataclass(frozen=True)
class CauseNode:
    slug: str
    name: str
    kind: str
    base_rate: int
    order: int = 0
    obj: object = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class AnswerNode:
    slug: str
    label: str
    question: str
    no_evidence: bool = False
    group: str = ""
    marks: Mapping[str, int] = field(default_factory=dict)
    # Owners' words for this answer, comma-separated phrases ("won't unlock, car dead"): search matches them.
    keywords: str = ""
    # Questions an owner who gives this answer can't do now ("I can't get into the car": no "press the button").
    skips: tuple[str, ...] = ()
    # Answers of the same question that explain this one: given with one of them, it is a
    # consequence (a battery run flat by a lock that cycled itself), not evidence of a rival cause.
    explained_by: tuple[str, ...] = ()
    # Answers of other questions that state the same fact ("question/answer"): given one, the
    # other's question is answered too, and never asked ("no click" ticked, then "press the button").
    same_as: tuple[str, ...] = ()
    obj: object = field(default=None, compare=False, repr=False)

    @property
    def evidence_group(self) -> str:
        # An answer without a group is a group of its own.
        return self.group or f"{self.question}/{self.slug}"


@dataclass(frozen=True)
class QuestionNode:
    slug: str
    kind: str  # "single" (one answer), "checklist" (any signs that apply) or "access" (can the owner do these now?)
    effort: int
    answers: tuple[AnswerNode, ...]
    order: int = 0
    # A follow-up ("has it thawed?") is asked only after one of these answers ("signs/frost").
    asked_after: tuple[str, ...] = ()
    obj: object = field(default=None, compare=False, repr=False)

    def follows_up(self, state: State) -> bool:
        """Whether the owner gave an answer this question follows up (always, for a question that isn't a follow-up)."""
        if not self.asked_after:
            return True
        return any(answer in state.get(question, ()) for question, _, answer in (a.partition("/") for a in self.asked_after))

    @property
    def is_checklist(self) -> bool:
        return self.kind == "checklist"

    @property
    def is_access(self) -> bool:
        """Asks whether the owner can do the questions of its effort (and above) now, e.g. get behind the trim."""
        return self.kind == "access"

    def answer(self, slug: str) -> AnswerNode | None:
        return self.answer_by_slug.get(slug)

    @cached_property
    def answer_by_slug(self) -> dict[str, AnswerNode]:
        return {a.slug: a for a in self.answers}

    @property
    def evidence_answers(self) -> list[AnswerNode]:
        return [a for a in self.answers if not a.no_evidence]

    @property
    def unsure_answer(self) -> AnswerNode | None:
        return next((a for a in self.answers if a.no_evidence), None)


@dataclass
class Model:
    causes: list[CauseNode]
    questions: list[QuestionNode]
    threshold: float = 0.8
    first_question: str | None = None

    def __post_init__(self):
        self.causes = sorted(self.causes, key=lambda c: c.order)
        self.questions = sorted(self.questions, key=lambda q: q.order)
        self.question_by_slug = {q.slug: q for q in self.questions}
        self.cause_by_slug = {c.slug: c for c in self.causes}
        self.log_base_rate = {c.slug: math.log(max(c.base_rate, 1)) for c in self.causes}
        # Each answer's marks that move a cause of this model: what the ranking reads.
        self.moving_marks = {
            (q.slug, a.slug): [
                (cause, effect) for cause, effect in a.marks.items() if effect != NO_SIGN and cause in self.cause_by_slug
            ]
            for q in self.questions
            for a in q.answers
        }


# --- State: the answers, as in the URL ------------------------------------------------------

State = dict[str, tuple[str, ...]]


class InvalidState(Exception):
    """Answers that do not fit the model (tampered, stale or mistyped)."""

    def __init__(self, reason: str, usable: State | None = None):
        super().__init__(reason)
        self.reason = reason
        self.usable = usable or {}


def parse_state(model: Model, pairs: Iterable[tuple[str, str]]) -> State:
    """The answers in a query string. Parameters that are not questions (utm_*, fbclid...) are ignored.

    Raises InvalidState, carrying the answers that did fit, for an answer a question does not offer.
    """
    pairs = list(pairs)
    if len(pairs) > MAX_PARAMS:
        raise InvalidState(_("This link has far more answers than the diagnosis has questions."))
    found: dict[str, list[str]] = {}
    problems: list[str] = []
    for key, value in pairs:
        if key == NOT_IT:
            if value in model.cause_by_slug:
                found.setdefault(key, []).append(value)
            else:
                problems.append(key)
            continue
        question = model.question_by_slug.get(key)
        if question is None:
            continue
        if question.is_checklist and value == CHECKLIST_ANSWERED:
            found.setdefault(key, [])
            if value not in found[key]:
                found[key].append(value)
        elif question.answer(value) is None:
            problems.append(key)
        elif value not in found.setdefault(key, []):
            found[key].append(value)
    for key, values in found.items():
        if key != NOT_IT and not model.question_by_slug[key].is_checklist and len(values) > 1:
            problems.append(key)
    usable = canonical_state(model, {k: tuple(v) for k, v in found.items() if k not in problems})
    if problems:
        raise InvalidState(_("One of the answers in this link is not on offer (any more)."), usable)
    return usable


def query_pairs(query: str) -> list[tuple[str, str]]:
    """question=answer pairs from a query string (as stored with feedback, situations and old links)."""
    return parse_qsl(query, keep_blank_values=False)


def canonical_state(model: Model, state: Mapping[str, Iterable[str]]) -> State:
    """The same answers in the one canonical order: questions in order, then answers in order."""
    result: State = {}
    for question in model.questions:
        if question.slug not in state:
            continue
        given = set(state[question.slug])
        ordered = [CHECKLIST_ANSWERED] if question.is_checklist and CHECKLIST_ANSWERED in given else []
        ordered += [a.slug for a in question.answers if a.slug in given]
        if ordered:
            result[question.slug] = tuple(ordered)
    if tried := [c.slug for c in model.causes if c.slug in set(state.get(NOT_IT, ()))]:
        result[NOT_IT] = tuple(tried)
    return result


def state_pairs(state: State) -> list[tuple[str, str]]:
    return [(question, answer) for question, answers in state.items() for answer in answers]


def state_query(state: State, **extra: str) -> str:
    """The canonical query string of a state (without the leading '?')."""
    return urlencode(state_pairs(state) + [(k, v) for k, v in extra.items() if v])


def with_answer(state: State, question: QuestionNode, answers: Iterable[str]) -> State:
    new = dict(state)
    new[question.slug] = tuple(answers)
    return new


def without(state: State, question_slug: str) -> State:
    return {k: v for k, v in state.items() if k != question_slug}


def is_answered(question: QuestionNode, state: State) -> bool:
    """A single-choice question is answered by any answer; a checklist once its form was sent."""
    given = state.get(question.slug)
    if given is None:
        return False
    return CHECKLIST_ANSWERED in given if question.is_checklist else bool(given)


def said_already(model: Model, state: State, question: QuestionNode) -> bool:
    """Whether an answer the owner gave states the same fact as one of this question's answers."""
    given = [a for a in given_answers(model, state) if a.question != question.slug]
    given_refs = {f"{a.question}/{a.slug}" for a in given}
    linked_to = {ref for a in given for ref in a.same_as}
    return any(given_refs & set(answer.same_as) or f"{question.slug}/{answer.slug}" in linked_to for answer in question.answers)


def is_consequence(answer: AnswerNode, state: State) -> bool:
    """Given with an answer that explains it (an answer of its own question, or "question/answer"):
    it tells nothing of its own about the causes."""
    for ref in answer.explained_by:
        question, _sep, slug = ref.rpartition("/")
        if slug in state.get(question or answer.question, ()):
            return True
    return False


def given_answers(model: Model, state: State) -> list[AnswerNode]:
    return [
        answer
        for question in model.questions
        if question.slug in state
        for slug in state[question.slug]
        if (answer := question.answer(slug)) is not None
    ]


# --- Ranking ---------------------------------------------------------------------------------


@dataclass
class Evidence:
    answer: AnswerNode
    effect: int


@dataclass
class CauseScore:
    cause: CauseNode
    probability: float
    evidence: list[Evidence]

    @property
    def supporting_groups(self) -> int:
        return len({e.answer.evidence_group for e in self.evidence if e.effect > 0})

    @property
    def ruled_out_by(self) -> list[AnswerNode]:
        return [e.answer for e in self.evidence if e.effect == RULES_OUT]

    @property
    def open_quick_fix(self) -> bool:
        """A quick fix (a thaw, a new battery in the key) an answer points to strongly, and none speaks against.
        ("No click" points to a frozen button too, but only frost or a thaw singles it out.)"""
        return (
            self.cause.kind == "quick_fix"
            and any(e.effect == POINTS_STRONGLY for e in self.evidence)
            and not any(e.effect < 0 for e in self.evidence)
        )

    @property
    def band(self) -> str:
        if self.probability >= VERY_LIKELY_FROM:
            return VERY_LIKELY
        if self.probability >= LIKELY_FROM:
            return LIKELY
        if self.probability >= POSSIBLE_FROM:
            return POSSIBLE
        return UNLIKELY

    @property
    def likelihood_word(self) -> str:
        return str(LIKELIHOOD_WORDS[self.band])

    @property
    def percent(self) -> int:
        return round(self.probability * 100)


def rank(model: Model, state: State) -> list[CauseScore]:
    """Every cause with its likelihood after the answers, most likely first.

    Within an evidence group only the strongest mark per cause counts, so signs
    with one root (rain, "works sometimes", a torn rubber) are not counted twice.
    """
    strongest = _strongest_marks(model, state)
    probabilities = _probabilities(model, state, strongest)
    evidence: dict[str, list[Evidence]] = {c.slug: [] for c in model.causes}
    for (_group, cause_slug), (answer, effect) in strongest.items():
        evidence[cause_slug].append(Evidence(answer, effect))
    scores = [CauseScore(c, probabilities[c.slug], evidence[c.slug]) for c in model.causes]
    # Ties keep the editors' order (stable sort).
    return sorted(scores, key=lambda s: -round(s.probability, 9))


def _strongest_marks(model: Model, state: State) -> dict[tuple[str, str], tuple[AnswerNode, int]]:
    """{(evidence group, cause): (the answer, its mark)}: the strongest mark per group and cause."""
    strongest: dict[tuple[str, str], tuple[AnswerNode, int]] = {}
    for answer in given_answers(model, state):
        if answer.no_evidence or is_consequence(answer, state):
            continue
        group = answer.evidence_group
        for cause_slug, effect in model.moving_marks[answer.question, answer.slug]:
            held = strongest.get((group, cause_slug))
            if held is None or STRENGTH[effect] > STRENGTH[held[1]]:
                strongest[group, cause_slug] = (answer, effect)
    return strongest


def _probabilities(model: Model, state: State, strongest: dict) -> dict[str, float]:
    effects: dict[str, list[int]] = {c.slug: [] for c in model.causes}
    for (_group, cause_slug), (_answer, effect) in strongest.items():
        effects[cause_slug].append(effect)
    log_scores = {slug: model.log_base_rate[slug] + sum(LOG_RATIO[e] for e in items) for slug, items in effects.items()}
    top = max(log_scores.values(), default=0.0)
    weights = {slug: math.exp(score - top) for slug, score in log_scores.items()}
    # Fixed without success: out of the running (unless the owner tried every cause there is).
    tried = set(state.get(NOT_IT, ()))
    if tried and not tried >= set(weights):
        weights = {slug: 0.0 if slug in tried else weight for slug, weight in weights.items()}
    total = sum(weights.values()) or 1.0
    return {slug: weight / total for slug, weight in weights.items()}


def _distribution(model: Model, state: State) -> dict[str, float]:
    """`rank`'s figures by cause, without its evidence and order: the next question weighs every
    answer it could get, some twenty rankings per page."""
    return _probabilities(model, state, _strongest_marks(model, state))


def _leader(model: Model, state: State) -> str:
    """The slug of `rank`'s first cause (ties keep the editors' order, as there)."""
    probabilities = _distribution(model, state)
    return max(model.causes, key=lambda c: round(probabilities[c.slug], 9)).slug


def _total_variation(p: dict[str, float], q: dict[str, float]) -> float:
    return 0.5 * sum(abs(p[k] - q[k]) for k in p)


def _answer_probabilities(question: QuestionNode, prior: dict[str, float]) -> list[tuple[AnswerNode, float]]:
    """P(answer) for a single-choice question, from P(answer | cause) proportional to the marks' ratios."""
    answers = question.evidence_answers
    if not answers:
        return []
    result = []
    per_cause_total = {cause: sum(LIKELIHOOD_RATIO[a.marks.get(cause, NO_SIGN)] for a in answers) for cause in prior}
    for answer in answers:
        p = sum(prior[cause] * LIKELIHOOD_RATIO[answer.marks.get(cause, NO_SIGN)] / per_cause_total[cause] for cause in prior)
        result.append((answer, p))
    return result


def _tick_probability(answer: AnswerNode, prior: dict[str, float]) -> float:
    return sum(p * min(0.9, TICK_RATE * LIKELIHOOD_RATIO[answer.marks.get(c, NO_SIGN)]) for c, p in prior.items())


def expected_shift(model: Model, state: State, question: QuestionNode) -> float:
    """How much answering this question is expected to move the ranking (total variation)."""
    now = _distribution(model, state)
    if question.is_checklist:
        return min(
            1.0,
            sum(
                _tick_probability(a, now) * _total_variation(_distribution(model, with_answer(state, question, [a.slug])), now)
                for a in question.evidence_answers
            ),
        )
    return sum(
        p * _total_variation(_distribution(model, with_answer(state, question, [a.slug])), now)
        for a, p in _answer_probabilities(question, now)
    )


def _possible_answers(question: QuestionNode, model: Model) -> list[tuple[str, ...]]:
    """The answers worth trying when asking "could this question change anything?"."""
    if not question.is_checklist:
        return [(a.slug,) for a in question.evidence_answers]
    options = [(a.slug,) for a in question.evidence_answers]
    for cause in model.causes:  # all the signs that point to one cause, ticked together
        ticks = tuple(a.slug for a in question.evidence_answers if a.marks.get(cause.slug, 0) > 0)
        if len(ticks) > 1:
            options.append(ticks)
    return options


def can_change_leader(model: Model, state: State, question: QuestionNode, leader: str) -> bool:
    for answers in _possible_answers(question, model):
        if _leader(model, with_answer(state, question, answers)) != leader:
            return True
    return False


def slug_list(text: str) -> tuple[str, ...]:
    """ "button, behind-trim" -> ("button", "behind-trim")."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def skipped(model: Model, state: State) -> set[str]:
    """Questions the owner's answers make impossible now: not asked."""
    return {slug for answer in given_answers(model, state) for slug in answer.skips}


def access_granted(model: Model, state: State) -> dict[int, bool]:
    """Per effort an access question unlocks: True (the owner can), False (not now); missing: not asked."""
    granted: dict[int, bool] = {}
    impossible = skipped(model, state)
    for question in model.questions:
        if question.is_access and question.slug in impossible and question.slug not in state:
            granted[question.effort] = False  # as good as "not now"
        elif question.is_access and question.slug in state:
            answer = question.answer(state[question.slug][0]) if state[question.slug] else None
            if answer is not None:
                granted[question.effort] = not answer.no_evidence
    return granted


def gate_of(model: Model, question: QuestionNode) -> QuestionNode | None:
    """The access question that must be answered "yes" before this one is asked, if any."""
    gates = [q for q in model.questions if q.is_access and q.effort <= question.effort and q is not question]
    return max(gates, key=lambda q: q.effort) if gates and not question.is_access else None


def open_questions(model: Model, state: State) -> list[QuestionNode]:
    """Questions not answered yet, leaving out those the owner said they can't do now."""
    granted = access_granted(model, state)
    impossible = skipped(model, state)
    result = []
    for question in model.questions:
        if is_answered(question, state) or not question.answers or question.is_access or question.slug in impossible:
            continue
        if not question.is_checklist and said_already(model, state, question):
            continue
        if not question.follows_up(state):
            continue
        gate = gate_of(model, question)
        if gate is not None and granted.get(gate.effort) is False:
            continue
        result.append(question)
    return result


def choose_question(model: Model, state: State, candidates: list[QuestionNode]) -> QuestionNode | None:
    """The question that best separates the causes still in play, for the effort it asks.

    None when even the best one is not worth asking.
    """
    if not candidates:
        return None
    scored = [(question_value(model, state, q), -q.order, q) for q in candidates]
    value, _order, best = max(scored, key=lambda item: item[:2])
    if value < MIN_QUESTION_VALUE:
        return None
    # A question behind a gate ("can you get behind the trim now?") asks the gate first.
    gate = gate_of(model, best)
    if gate is not None and gate.effort not in access_granted(model, state):
        return gate
    return best


def question_value(model: Model, state: State, question: QuestionNode) -> float:
    """Expected shift of the ranking, times the chance the owner can answer, per unit of effort."""
    answerable = ANSWERABLE.get(question.effort, 0.5)
    gate = gate_of(model, question)
    if gate is not None and access_granted(model, state).get(gate.effort):
        answerable = ANSWERABLE_WITH_ACCESS
    unsure_before = [
        q.effort
        for q in model.questions
        if q.slug in state
        and not q.is_checklist
        and not q.is_access
        and all(q.answer(s) is None or q.answer(s).no_evidence for s in state[q.slug])
    ]
    if any(effort <= question.effort for effort in unsure_before):
        answerable *= AFTER_UNSURE
    return expected_shift(model, state, question) * answerable / COST.get(question.effort, 1.0)


@dataclass
class Result:
    """Where a set of answers stands: the ranking, and the next question or the end."""

    state: State
    ranking: list[CauseScore]
    question: QuestionNode | None
    finished: bool
    answered: list[tuple[QuestionNode, list[AnswerNode]]]

    @property
    def leader(self) -> CauseScore:
        return self.ranking[0]

    @property
    def runner_up(self) -> CauseScore | None:
        return self.ranking[1] if len(self.ranking) > 1 else None

    @property
    def questions_answered(self) -> int:
        return len(self.answered)

    @property
    def from_answers(self) -> bool:
        """Whether any answer moved the ranking (else it is the base rates alone)."""
        return any(score.evidence for score in self.ranking)

    @property
    def verdict(self) -> bool:
        """Whether the answers point to the leader: an answer that points to it, and at least
        "likely". Else the outcome says the answers don't point to one cause yet."""
        leader = self.leader
        # "Something else" has no sign of its own: it is reached by answers that speak against the rest.
        pointed_to = leader.supporting_groups >= 1 or (leader.cause.kind == "catch_all" and self.from_answers)
        runner_up = self.runner_up
        # A near tie is no verdict, however high the leader: 51% beside 41% is "we can't tell yet".
        # ("Something else" is reached by elimination and sends the owner to a garage: no margin needed.)
        clear = (
            runner_up is None or leader.cause.kind == "catch_all" or leader.probability >= VERDICT_MARGIN * runner_up.probability
        )
        return pointed_to and clear and leader.probability >= LIKELY_FROM and not self.quick_fixes_first

    @property
    def quick_fixes_first(self) -> list[CauseScore]:
        """Quick fixes to try before any repair: pointed to, not spoken against, and not the leader.
        While one is open there is no verdict for a repair, however common: an owner told "likely the
        switch" who buys the part for a lock that a thaw or a key battery would fix is worse off."""
        return [score for score in self.ranking[1:] if score.open_quick_fix]


def evaluate(model: Model, state: State, ask: str | None = None) -> Result:
    """Rank the causes after these answers; then pick the next question, or end.

    The walk ends when the leader reaches the editors' threshold, or when no question
    left could change who leads. `ask` puts a question back first (to change an answer).
    """
    ranking = rank(model, state)
    answered = [(q, [a for s in state[q.slug] if (a := q.answer(s)) is not None]) for q in model.questions if q.slug in state]
    candidates = open_questions(model, state)
    # A question asked for by name (to change an answer, or "I've checked: answer it") is asked,
    # even one a gate or an earlier "not now" had closed: the owner says they can answer it now.
    if ask and (asked := model.question_by_slug.get(ask)) is not None and not is_answered(asked, state):
        return Result(state, ranking, asked, False, answered)
    # A checklist the owner began from a sign link is finished before anything else.
    started = [q for q in candidates if q.slug in state]
    if started:
        return Result(state, ranking, started[0], False, answered)
    leader = ranking[0]
    if model.first_question and not state:  # the editors' pinned first question
        pinned = model.question_by_slug.get(model.first_question)
        if pinned in candidates:
            return Result(state, ranking, pinned, False, answered)
    if leader.probability >= model.threshold:
        return Result(state, ranking, None, True, answered)
    useful = [q for q in candidates if can_change_leader(model, state, q, leader.cause.slug)]
    question = choose_question(model, state, useful)
    return Result(state, ranking, question, question is None, answered)


def distinguishing_question(model: Model, state: State, first: str, second: str) -> QuestionNode | None:
    """The unasked question whose answers best tell two causes apart (a test is fine: this is advice).

    Questions already answered are left out: a "not sure" there means the owner can't do it now.
    """

    def log_odds(p: dict[str, float]) -> float:
        return math.log(p[first]) - math.log(p[second])

    now = log_odds(_distribution(model, state))
    best, best_gap = None, 1e-9
    closed = {q.slug for q in model.questions} - {q.slug for q in open_questions(model, state)}
    for question in model.questions:
        # Not one the owner answered ("not sure" there means they can't do it now), nor one behind
        # a gate they said they can't get through now.
        if question.slug in state or question.slug in closed or question.is_checklist or question.is_access:
            continue
        if said_already(model, state, question):
            continue  # the owner said it in other words: never asked again
        for answer in question.evidence_answers:
            # Through the ranking, so the group rule applies: a sign the owner already gave in
            # other words (the checklist's "no click", then the button's "no click") moves nothing.
            gap = abs(log_odds(_distribution(model, with_answer(state, question, [answer.slug]))) - now)
            if gap > best_gap:
                best, best_gap = question, gap
    return best


NO_VERDICT_CAUSES = 3


def advice_still_applies(answer: AnswerNode, result: Result) -> bool:
    """An answer's advice is stale once the owner ruled out every cause it points to strongly
    (frost says "let it thaw first"; "still shut though it has warmed up" rules out the ice)."""
    strongly = [slug for slug, effect in answer.marks.items() if effect == POINTS_STRONGLY]
    ruled_out = {score.cause.slug for score in result.ranking if score.ruled_out_by}
    return not strongly or not set(strongly) <= ruled_out


def causes_without_verdict(result: Result) -> list[CauseScore]:
    """What an outcome without a verdict names: the most likely causes, "something else" aside."""
    named = [score for score in result.ranking if score.cause.kind != "catch_all"][:NO_VERDICT_CAUSES]
    # A quick fix the answers point to is always named, however rare: it is the first thing to try.
    return named + [score for score in result.quick_fixes_first if score not in named]


@dataclass
class Check:
    """A question that tells some of the leading causes apart, and what each answer would mean."""

    question: QuestionNode
    meanings: list[tuple[AnswerNode, list[CauseNode], list[CauseNode]]]  # (answer, points to, speaks against)

    @property
    def separates(self) -> int:
        return len({c.slug for _a, toward, against in self.meanings for c in toward + against})


def quickest_checks(model: Model, state: State, causes: list[CauseNode], limit: int = 3) -> list[Check]:
    """The checks that would tell `causes` apart, cheapest first (then the one that tells most
    of them apart): questions not answered with a sign yet, their answers' meaning for them."""
    wanted = {c.slug for c in causes}
    checks = []
    for question in model.questions:
        if question.is_checklist or question.is_access:
            continue
        given = [question.answer(s) for s in state.get(question.slug, ())]
        if any(a is not None and not a.no_evidence for a in given) or said_already(model, state, question):
            continue  # already answered with a sign, here or in other words
        if not question.follows_up(state):
            continue
        meanings = []
        for answer in question.evidence_answers:
            toward = [c for c in causes if answer.marks.get(c.slug, 0) > 0]
            against = [c for c in causes if answer.marks.get(c.slug, 0) < 0]
            if toward or against:
                meanings.append((answer, toward, against))
        check = Check(question, meanings)
        if check.separates >= 2 and len(wanted) >= 2:
            checks.append(check)
    checks.sort(key=lambda c: (c.question.effort, -c.separates, c.question.order))
    return checks[:limit]


# --- Owners' walks: what an owner who knows only their situation would see ------------------


def owner_walk(model: Model, known: State, limit: int | None = None) -> tuple[Result, int]:
    """Walk as an owner who answers what they know and "not sure" to the rest.

    Returns the final result and the screens seen after the home page: each question, then the outcome.
    """
    state: State = {}
    limit = limit or len(model.questions) + 1
    for _step in range(limit):
        result = evaluate(model, state)
        if result.finished:
            return result, result.questions_answered + 1
        question = result.question
        if question.is_access:
            can = any(q.slug in known for q in model.questions if gate_of(model, q) is question)
            choice = next((a for a in question.answers if a.no_evidence != can), question.answers[0])
            state = with_answer(state, question, [choice.slug])
        elif question.is_checklist:
            state = with_answer(state, question, [CHECKLIST_ANSWERED, *known.get(question.slug, ())])
        elif question.slug in known:
            state = with_answer(state, question, known[question.slug][:1])
        else:
            # "Not sure"; a question without one is a fault the check reports: take its first answer.
            state = with_answer(state, question, [(question.unsure_answer or question.answers[0]).slug])
        state = canonical_state(model, state)
    result = evaluate(model, state)
    return result, result.questions_answered + 1


# --- Integrity ---------------------------------------------------------------------------------

WITNESS_BUDGET = 4000  # walks tried per cause before giving up


def find_witness(model: Model, cause: str, max_questions: int | None = None) -> State | None:
    """Answers of at most `max_questions` questions, as the walk asks them, that end with `cause` leading."""
    max_questions = max_questions or len(model.questions)
    budget = [WITNESS_BUDGET]

    def options(state: State, question: QuestionNode) -> list[tuple[str, ...]]:
        """Answers to try, those that lift the cause most first (a best-first search)."""
        if question.is_access:
            choices = [(a.slug,) for a in sorted(question.answers, key=lambda a: a.no_evidence)]
            return choices
        if question.is_checklist:
            signs = [a.slug for a in question.evidence_answers]
            toward = tuple(a.slug for a in question.evidence_answers if a.marks.get(cause, 0) > 0)
            choices = {(), toward, *((s,) for s in signs), *itertools.combinations(signs, 2)}
            choices = [tuple([CHECKLIST_ANSWERED, *c]) for c in choices]
        else:
            choices = [(a.slug,) for a in question.answers]

        def lift(answers: tuple[str, ...]) -> float:
            ranking = rank(model, with_answer(state, question, answers))
            return -next(s.probability for s in ranking if s.cause.slug == cause)

        return sorted(choices, key=lift)

    def search(state: State, depth: int) -> State | None:
        budget[0] -= 1
        if budget[0] < 0:
            return None
        result = evaluate(model, state)
        if result.finished or depth >= max_questions:
            # A witness ends on the cause as a verdict: an owner is told it, not only shown it first.
            return state if result.leader.cause.slug == cause and result.verdict else None
        for answers in options(state, result.question):
            found = search(canonical_state(model, with_answer(state, result.question, answers)), depth + 1)
            if found is not None:
                return found
        return None

    return search({}, 0)


def unlinked_overlaps(model: Model) -> list[str]:
    """Answers of different questions whose owners' words share a phrase but that are not linked
    as the same fact: an owner's words would set both, and a question would ask again."""
    phrases: dict[str, list[AnswerNode]] = {}
    for question in model.questions:
        for answer in question.evidence_answers:
            for phrase in {" ".join(p.lower().split()) for p in answer.keywords.split(",") if p.strip()}:
                phrases.setdefault(phrase, []).append(answer)
    faults = []
    for phrase, answers in sorted(phrases.items()):
        for i, first in enumerate(answers):
            for second in answers[i + 1 :]:
                linked = f"{second.question}/{second.slug}" in first.same_as or f"{first.question}/{first.slug}" in second.same_as
                if first.question != second.question and not linked:
                    faults.append(
                        _("Answers “%(a)s” and “%(b)s” share the owners' words “%(p)s” but are not linked as the same fact")
                        % {"a": first.label, "b": second.label, "p": phrase}
                    )
    return faults


def question_name(question: QuestionNode) -> str:
    """How editors know a question: its wording when the model came from the database."""
    return getattr(question.obj, "prompt", None) or question.slug


def answer_of_another_question(model: Model, question: QuestionNode, ref: str) -> AnswerNode | None:
    """The answer a "question/answer" address names, if it is an answer of another question."""
    q_slug, _sep, a_slug = ref.partition("/")
    other = model.question_by_slug.get(q_slug)
    return other.answer(a_slug) if other is not None and other is not question else None


def check_model(model: Model) -> list[str]:
    """Faults of a diagnosis model, each naming the item, in plain words."""
    faults: list[str] = []
    if not model.causes:
        return [_("The diagnosis has no causes")]
    if not model.questions:
        return [_("The diagnosis has no questions")]
    catch_alls = [c for c in model.causes if c.kind == "catch_all"]
    if len(catch_alls) != 1:
        faults.append(
            _("The diagnosis needs exactly one “something else” cause (catch-all); it has %(n)d") % {"n": len(catch_alls)}
        )
    if not 0.5 < model.threshold < 1:
        faults.append(_("The stop threshold must lie between 51%% and 99%%"))
    for question in model.questions:
        if question.slug in RESERVED_PARAMS:
            faults.append(
                _("Question “%(q)s” uses the reserved address name “%(s)s”") % {"q": question_name(question), "s": question.slug}
            )
        evidence = question.evidence_answers
        if question.is_access:
            if not evidence or question.unsure_answer is None:
                faults.append(
                    _("Access question “%(q)s” needs a “yes, I can” answer and a “not now” answer (adds no evidence)")
                    % {"q": question_name(question)}
                )
            continue
        if question.is_checklist and not evidence:
            faults.append(_("Checklist “%(q)s” has no signs to tick") % {"q": question_name(question)})
        if not question.is_checklist:
            if len(question.answers) < 2:
                faults.append(_("Question “%(q)s” offers fewer than two answers") % {"q": question_name(question)})
            if question.unsure_answer is None:
                faults.append(_("Question “%(q)s” offers no “not sure” answer") % {"q": question_name(question)})
        for ref in question.asked_after:
            if answer_of_another_question(model, question, ref) is None:
                faults.append(
                    _("Question “%(q)s” is asked only after “%(s)s”, which is not an answer of another question")
                    % {"q": question_name(question), "s": ref}
                )
        separates = any(len({a.marks.get(c.slug, 0) for c in model.causes}) > 1 for a in evidence)
        if not separates:
            faults.append(
                _("Question “%(q)s” separates no causes: none of its answers marks a cause") % {"q": question_name(question)}
            )
        for answer in question.answers:
            for ref in answer.same_as:
                if answer_of_another_question(model, question, ref) is None:
                    faults.append(
                        _("Answer “%(a)s” of “%(q)s” is the same as “%(s)s”, which is not an answer of another question")
                        % {"a": answer.slug, "q": question_name(question), "s": ref}
                    )
            for ref in answer.explained_by:
                q_slug, _sep, slug = ref.rpartition("/")
                explaining = model.question_by_slug.get(q_slug or question.slug)
                if explaining is None or explaining.answer(slug) is None or (explaining is question and slug == answer.slug):
                    faults.append(
                        _("Answer “%(a)s” of “%(q)s” is a consequence of “%(s)s”, which is not another answer of this version")
                        % {"a": answer.slug, "q": question_name(question), "s": ref}
                    )
            for slug in answer.skips:
                if slug not in model.question_by_slug or slug == question.slug:
                    faults.append(
                        _("Answer “%(a)s” of “%(q)s” skips “%(s)s”, which is not another question of this version")
                        % {"a": answer.slug, "q": question_name(question), "s": slug}
                    )
            for cause_slug in answer.marks:
                if cause_slug not in model.cause_by_slug:
                    faults.append(
                        _("Answer “%(a)s” of “%(q)s” marks a cause of another version")
                        % {"a": answer.slug, "q": question_name(question)}
                    )
    faults += unlinked_overlaps(model)
    if model.first_question and model.first_question not in model.question_by_slug:
        faults.append(_("The first question is not part of this version"))
    for cause in model.causes:
        if cause.kind != "catch_all" and not any(
            answer.marks.get(cause.slug, 0) > 0 for question in model.questions for answer in question.answers
        ):
            # It may still lead by elimination, but no owner's answer says "this one".
            faults.append(_("Cause “%(c)s” has no answer that points to it") % {"c": cause.name})
    if faults:
        return faults
    for cause in model.causes:
        # "Something else" is reached by elimination, when the answers speak against the rest; a
        # small fault whose questions never do that still has an honest end (no verdict), and an
        # editor should not have to invent an answer to satisfy the check.
        if cause.kind != "catch_all" and find_witness(model, cause.slug) is None:
            faults.append(
                _("Cause “%(c)s” is never the verdict: no answers to the questions put it first (it has no witness)")
                % {"c": cause.name}
            )
    return faults
