"""Small factories for test data (fixtures/ holds content, not test data)."""

from itertools import count

from core.models import Publishable
from guides.models import GuideStep, RepairGuide
from problems.models import Problem

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


def make_version(problem: Problem | None = None, *, status: str = "published", **fields):
    """A small sound diagnosis: two faults and a catch-all, a checklist and a test.

    The switch leads on a rain sign; the latch on a click; the catch-all when the test contradicts both.
    """
    from troubleshooter.models import Answer, Cause, CauseGuide, DiagnosisVersion, Mark, Question

    problem = problem or make_problem()
    version = DiagnosisVersion.objects.create(
        problem=problem, number=DiagnosisVersion.objects.filter(problem=problem).count() + 1, status=status, **fields
    )
    guide = make_guide(problem)
    switch = Cause.objects.create(
        version=version, slug="switch", name="Switch", title="The switch", base_rate=60, explanation="Why.", order=1
    )
    CauseGuide.objects.create(cause=switch, guide=guide)
    latch = Cause.objects.create(
        version=version,
        slug="latch",
        name="Latch",
        title="The latch",
        base_rate=30,
        explanation="Why.",
        next_step="Oil it.",
        order=2,
    )
    Cause.objects.create(
        version=version,
        slug="else",
        name="Something else",
        title="Something else",
        base_rate=10,
        kind=Cause.Kind.CATCH_ALL,
        explanation="Why.",
        next_step="Ask a garage.",
        order=3,
    )
    signs = Question.objects.create(version=version, slug="signs", kind=Question.Kind.CHECKLIST, prompt="Tick", order=1)
    rain = Answer.objects.create(question=signs, slug="rain", label="Worse in rain", group="water", order=1)
    click = Answer.objects.create(question=signs, slug="click", label="A click", order=2)
    test = Question.objects.create(version=version, slug="test", effort=Question.Effort.TEST, prompt="Test?", order=2)
    clicks = Answer.objects.create(question=test, slug="clicks", label="Clicks", order=1)
    nothing = Answer.objects.create(question=test, slug="nothing", label="Nothing", order=2)
    Answer.objects.create(question=test, slug="not-sure", label="Not sure", no_evidence=True, order=3)
    Mark.objects.create(answer=rain, cause=switch, effect=Mark.Effect.POINTS_STRONGLY)
    Mark.objects.create(answer=click, cause=latch, effect=Mark.Effect.POINTS_STRONGLY)
    Mark.objects.create(answer=click, cause=switch, effect=Mark.Effect.AGAINST)
    Mark.objects.create(answer=clicks, cause=switch, effect=Mark.Effect.POINTS_STRONGLY)
    Mark.objects.create(answer=nothing, cause=switch, effect=Mark.Effect.RULES_OUT)
    Mark.objects.create(answer=nothing, cause=latch, effect=Mark.Effect.RULES_OUT)
    return version


def goodwill_fields(**overrides) -> dict:
    """A goodwill request's fields as the service stores them (no form in between)."""
    from goodwill.models import GoodwillRequest

    return {
        "problem": Problem.objects.get(),
        "owner_name": "Anna Jansen",
        "owner_email": "anna@example.org",
        "registration": "AB-123-C",
        "first_registration_year": 2006,
        "mileage_km": 120000,
        "service_history": GoodwillRequest.ServiceHistory.choices[0][0],
        "diagnosis": "The microswitch has failed.",
        "consent": True,
    } | overrides


def make_goodwill_request(form_key: str = "test-form", **overrides):
    from goodwill.services import create_request

    goodwill_request, _created = create_request(form_key=form_key, **goodwill_fields(**overrides))
    return goodwill_request
