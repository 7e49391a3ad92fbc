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
