"""Walks through a problem's diagnosis, read straight from the database (independently of the app's walker)."""

from troubleshooter.models import Answer, Problem, Question


def walks_to_outcomes(problem: Problem) -> dict[str, list[Answer]]:
    """For each outcome slug, the first answer path (depth first, in answer order) that reaches it."""
    found: dict[str, list[Answer]] = {}

    def visit(question: Question, path: list[Answer]):
        for answer in question.answers.order_by("order").select_related("outcome", "next_question"):
            if answer.outcome_id:
                found.setdefault(answer.outcome.slug, [*path, answer])
            elif answer.next_question_id:
                visit(answer.next_question, [*path, answer])

    visit(problem.start_question, [])
    return found
