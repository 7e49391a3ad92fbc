"""The diagnosis as a graph: load it, walk an answer path, check it is sound.

The state of a diagnosis is only the list of answer slugs in the URL
(`?a=doors-work,no-click`). Walking it starts at the problem's first question
and follows each answer to the next question or to an outcome. The whole graph
of a problem is loaded in a fixed number of queries, so a long path costs no
more than a short one. Nothing here names a question, answer or outcome: the
graph is data.
"""

from __future__ import annotations

import re
from collections import deque
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from troubleshooter.models import Answer, Outcome, Problem, Question
from troubleshooter.selectors import outcome_guides_prefetch

PATH_SEPARATOR = ","
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
MAX_PATH_LENGTH = 50  # far longer than any sound graph; stops silly input early


@dataclass
class Graph:
    problem: Problem
    questions: dict[int, Question]
    outcomes: dict[int, Outcome]
    answers: dict[int, list[Answer]] = field(default_factory=dict)

    @property
    def start(self) -> Question | None:
        return self.questions.get(self.problem.start_question_id)

    def answers_of(self, question: Question) -> list[Answer]:
        return self.answers.get(question.pk, [])

    def target(self, answer: Answer) -> Question | Outcome | None:
        if answer.next_question_id is not None:
            return self.questions.get(answer.next_question_id)
        if answer.outcome_id is not None:
            return self.outcomes.get(answer.outcome_id)
        return None

    def remaining_questions(self, question: Question, _seen: frozenset = frozenset()) -> int:
        """The most questions still to answer from here, this one included."""
        if question.pk in _seen:  # a cycle: the integrity check reports it
            return 0
        deeper = [
            self.remaining_questions(target, _seen | {question.pk})
            for answer in self.answers_of(question)
            if isinstance(target := self.target(answer), Question)
        ]
        return 1 + max(deeper, default=0)

    def path_to(self, answer: Answer) -> list[str] | None:
        """The shortest answer path from the start that ends with `answer`."""
        if self.start is None:
            return None
        queue = deque([(self.start, [])])
        seen = {self.start.pk}
        while queue:
            question, path = queue.popleft()
            if question.pk == answer.question_id:
                return [*path, answer.slug]
            for candidate in self.answers_of(question):
                target = self.target(candidate)
                if isinstance(target, Question) and target.pk not in seen:
                    seen.add(target.pk)
                    queue.append((target, [*path, candidate.slug]))
        return None


def load_graph(problem: Problem) -> Graph:
    """Every question, answer and published outcome of a problem, in a fixed number of queries."""
    questions = {q.pk: q for q in Question.objects.filter(problem=problem)}
    published_outcomes = (
        Outcome.objects.published()
        .filter(problem=problem)
        .select_related("cause", "next_if_unsolved")
        .prefetch_related(outcome_guides_prefetch())
    )
    outcomes = {o.pk: o for o in published_outcomes}
    answers: dict[int, list[Answer]] = {}
    for answer in Answer.objects.filter(question__problem=problem).order_by("order", "pk"):
        answers.setdefault(answer.question_id, []).append(answer)
    return Graph(problem=problem, questions=questions, outcomes=outcomes, answers=answers)


@dataclass
class Step:
    number: int
    question: Question
    answer: Answer
    path_before: list[str]


@dataclass
class Walk:
    """Where an answer path leads: the steps taken, then a question or an outcome."""

    steps: list[Step]
    question: Question | None = None
    outcome: Outcome | None = None
    remaining: int = 0

    @property
    def path(self) -> list[str]:
        return [step.answer.slug for step in self.steps]

    @property
    def answered(self) -> int:
        return len(self.steps)

    @property
    def total(self) -> int:
        return self.answered + self.remaining


class InvalidPath(Exception):
    """An answer path that does not fit the graph (tampered, stale or mistyped)."""

    def __init__(self, reason: str, valid_prefix: list[str] | None = None):
        super().__init__(reason)
        self.reason = reason
        self.valid_prefix = valid_prefix or []


def parse_path(raw: str | None) -> list[str]:
    if not raw:
        return []
    parts = raw.split(PATH_SEPARATOR)
    if len(parts) > MAX_PATH_LENGTH:
        raise InvalidPath(_("This link has far more answers than the diagnosis has questions."))
    for index, part in enumerate(parts):
        if not SLUG.match(part):
            raise InvalidPath(_("This link contains something that is not an answer."), parts[:index] if index else [])
    return parts


def walk(graph: Graph, path: list[str]) -> Walk:
    question = graph.start
    if question is None:
        raise InvalidPath(_("The diagnosis for this problem is not ready yet."))
    steps: list[Step] = []
    for index, slug in enumerate(path):
        if question is None:
            raise InvalidPath(_("This link goes on after the diagnosis has ended."), path[:index])
        answer = next((a for a in graph.answers_of(question) if a.slug == slug), None)
        if answer is None:
            raise InvalidPath(_("One of the answers in this link is not on offer (any more)."), path[:index])
        target = graph.target(answer)
        if target is None:
            raise InvalidPath(_("This part of the diagnosis is being updated."), path[:index])
        steps.append(Step(number=index + 1, question=question, answer=answer, path_before=path[:index]))
        if isinstance(target, Outcome):
            if index != len(path) - 1:
                raise InvalidPath(_("This link goes on after the diagnosis has ended."), path[: index + 1])
            return Walk(steps=steps, outcome=target)
        question = target
    return Walk(steps=steps, question=question, remaining=graph.remaining_questions(question))


def join_path(path: list[str]) -> str:
    return PATH_SEPARATOR.join(path)


# --- Integrity -----------------------------------------------------------------------------


def check_graph(graph: Graph) -> list[str]:
    """Every fault of a problem's diagnosis, each naming the question, answer or outcome."""
    faults: list[str] = []
    name = graph.problem.title
    start = graph.start
    if start is None:
        return [_("%(problem)s: no first question is set") % {"problem": name}]

    all_outcomes = {o.pk: o for o in Outcome.objects.filter(problem=graph.problem)}
    for question in graph.questions.values():
        answers = graph.answers_of(question)
        if len(answers) < 2:
            faults.append(_("Question “%(q)s” offers fewer than two answers (dead end)") % {"q": question.prompt})
        for answer in answers:
            if answer.next_question_id is None and answer.outcome_id is None:
                faults.append(
                    _("Answer “%(a)s” of question “%(q)s” leads nowhere (dead end)") % {"a": answer.label, "q": question.prompt}
                )
            elif answer.next_question_id is not None and answer.next_question_id not in graph.questions:
                faults.append(
                    _("Answer “%(a)s” of question “%(q)s” leads to a question of another problem")
                    % {"a": answer.label, "q": question.prompt}
                )
            elif answer.outcome_id is not None and answer.outcome_id not in graph.outcomes:
                outcome = all_outcomes.get(answer.outcome_id)
                what = _("a draft outcome “%(o)s”") % {"o": outcome.title} if outcome else _("an outcome of another problem")
                faults.append(
                    _("Answer “%(a)s” of question “%(q)s” leads to %(what)s (dead end)")
                    % {"a": answer.label, "q": question.prompt, "what": what}
                )

    # Cycles and reachability, by depth-first search from the first question.
    reached_questions: set[int] = set()
    reached_outcomes: set[int] = set()
    on_stack: list[Question] = []

    def visit(question: Question) -> None:
        if question in on_stack:
            loop = on_stack[on_stack.index(question) :] + [question]
            faults.append(_("Cycle: %(loop)s") % {"loop": " → ".join(f"“{q.prompt}”" for q in loop)})
            return
        if question.pk in reached_questions:
            return
        reached_questions.add(question.pk)
        on_stack.append(question)
        for answer in graph.answers_of(question):
            target = graph.target(answer)
            if isinstance(target, Question):
                visit(target)
            elif isinstance(target, Outcome):
                reached_outcomes.add(target.pk)
        on_stack.pop()

    visit(start)
    for question in graph.questions.values():
        if question.pk not in reached_questions:
            faults.append(_("Question “%(q)s” cannot be reached from the first question") % {"q": question.prompt})
    for outcome in graph.outcomes.values():
        if outcome.pk not in reached_outcomes:
            faults.append(_("Outcome “%(o)s” cannot be reached from the first question") % {"o": outcome.title})
        if not outcome.published_guides and not outcome.next_step.strip():
            faults.append(_("Outcome “%(o)s” names no guide and no next step") % {"o": outcome.title})
        if outcome.next_if_unsolved_id == outcome.pk:
            faults.append(_("Outcome “%(o)s” names itself as the next most likely cause") % {"o": outcome.title})
    return faults


def check_problem(problem: Problem) -> list[str]:
    return check_graph(load_graph(problem))
