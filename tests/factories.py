"""Small factories for test data (fixtures/ holds content, not test data)."""

from itertools import count

from guides.models import GuideStep, RepairGuide
from troubleshooter.models import Problem, Publishable

_numbers = count(1)
PUBLISHED = Publishable.Status.PUBLISHED


def make_problem(**fields) -> Problem:
    n = next(_numbers)
    defaults = {
        "slug": f"problem-{n}",
        "title": f"Problem {n}",
        "short_title": f"P{n}",
        "summary": "A summary.",
        "status": PUBLISHED,
    }
    return Problem.objects.create(**{**defaults, **fields})


def make_guide(problem: Problem | None = None, steps: int = 1, **fields) -> RepairGuide:
    n = next(_numbers)
    defaults = {
        "problem": problem or make_problem(),
        "slug": f"guide-{n}",
        "title": f"Guide {n}",
        "purpose": RepairGuide.Purpose.REPAIR,
        "summary": "Guide summary.",
        "difficulty": 2,
        "time_min_minutes": 10,
        "time_max_minutes": 20,
        "status": PUBLISHED,
    }
    guide = RepairGuide.objects.create(**{**defaults, **fields})
    for order in range(1, steps + 1):
        GuideStep.objects.create(guide=guide, order=order, title=f"Step {order}", body=f"Do thing {order}.")
    return guide


def make_outcome(problem: Problem, *, guide: RepairGuide | None = None, **fields):
    from troubleshooter.models import Outcome, OutcomeGuide

    n = next(_numbers)
    defaults = {
        "problem": problem,
        "slug": f"outcome-{n}",
        "title": f"Outcome {n}",
        "explanation": "Why.",
        "next_step": "" if guide else "Do this next.",
        "status": PUBLISHED,
    }
    outcome = Outcome.objects.create(**{**defaults, **fields})
    if guide:
        OutcomeGuide.objects.create(outcome=outcome, guide=guide)
    return outcome


def make_question(problem: Problem, *, start: bool = False, **fields):
    from troubleshooter.models import Question

    n = next(_numbers)
    question = Question.objects.create(**{"problem": problem, "slug": f"question-{n}", "prompt": f"Question {n}?", **fields})
    if start:
        problem.start_question = question
        problem.save(update_fields=["start_question"])
    return question


def make_answer(question, *, to=None, **fields):
    """An answer leading to `to`: a Question, an Outcome, or None (leads nowhere)."""
    from troubleshooter.models import Answer, Outcome, Question

    n = next(_numbers)
    target = {
        "next_question": to if isinstance(to, Question) else None,
        "outcome": to if isinstance(to, Outcome) else None,
    }
    return Answer.objects.create(**{"question": question, "slug": f"answer-{n}", "label": f"Answer {n}", **target, **fields})


def make_sound_graph():
    """start -> (yes: outcome A, no: second question -> (x: outcome B, y: outcome A))."""
    problem = make_problem()
    first = make_question(problem, start=True)
    second = make_question(problem)
    outcome_a = make_outcome(problem)
    outcome_b = make_outcome(problem, guide=make_guide(problem))
    make_answer(first, to=outcome_a, slug="yes")
    make_answer(first, to=second, slug="no")
    make_answer(second, to=outcome_b, slug="x")
    make_answer(second, to=outcome_a, slug="y")
    return problem, first, second, outcome_a, outcome_b
