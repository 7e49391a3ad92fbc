"""Old links from the question tree this diagnosis replaced (`?a=find-cause,doors-work,...`).

Each old answer is data (`LegacyAnswer`, loaded from the content fixture): what it sets
now, and which old question came next. Walking an old path through them gives the same
answers in today's form.
"""

from __future__ import annotations

from problems.models import Problem
from troubleshooter.diagnosis import InvalidState, Model, parse_state, query_pairs, state_query
from troubleshooter.models import LegacyAnswer

MAX_OLD_ANSWERS = 20


def translate_legacy_path(problem: Problem, model: Model, raw: str) -> str | None:
    """Today's query for an old answer path, or a guide's path; None when the path never existed."""
    rows = {(r.question, r.answer): r for r in LegacyAnswer.objects.filter(problem=problem).select_related("guide")}
    start = next((r.question for r in rows.values() if r.is_start), None)
    parts = [p for p in raw.split(",") if p][:MAX_OLD_ANSWERS]
    if start is None:
        return None
    question, pairs = start, []
    for part in parts:
        row = rows.get((question, part))
        if row is None:
            return None
        if row.guide is not None:
            return row.guide.get_absolute_url()
        pairs += query_pairs(row.sets)
        question = row.next_question
        if not question:
            break
    try:
        return state_query(parse_state(model, pairs))
    except InvalidState as error:
        return state_query(error.usable)
