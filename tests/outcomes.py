"""What an outcome page must never say: text that contradicts the cause it names.

Shared by the contradiction tests over every outcome and the random walks.
"""

import re

from tests.pagetext import read_page
from troubleshooter.diagnosis import Model, State, is_consequence

SENTENCE = re.compile(r"(?<=[.!?])\s+")


def outcome_region(html: str) -> str:
    """The outcome section, without what quotes the owner's own answers back ("Why we think so",
    and the box of answers against it)."""
    start = html.index('<section class="outcome"')
    region = html[start : html.index("</section>", start)]
    region = re.sub(r'<ul class="reasons[^"]*">.*?</ul>', "", region, flags=re.S)
    return re.sub(r'<div class="callout warning ruled-out">.*?</div>', "", region, flags=re.S)


def reasons_given(html: str) -> list[str]:
    """The answers "Why we think so" names, as the page prints them ("label: effect")."""
    lists = re.findall(r'<ul class="reasons[^"]*">(.*?)</ul>', html, flags=re.S)
    return [read_page(item)[0] for block in lists for item in re.findall(r"<li>(.*?)</li>", block, flags=re.S)]


def contradictions(model: Model, cause: str, html: str, state: State | None = None) -> list[str]:
    """Sign texts, labels and advice on the page that speak against `cause`, and tests asked again."""
    text = read_page(outcome_region(html))[0]
    found = []

    def texts_of(answer) -> str:
        return " ".join(read_page(f"{answer.obj.description} {answer.obj.advice}")[0].split())

    # What the page may say anyway: the texts of the answers the owner gave that don't speak against
    # the cause (a sentence they share with another answer is theirs too).
    allowed = " ".join(
        texts_of(a)
        for q in model.questions
        for a in q.evidence_answers
        if a.slug in (state or {}).get(q.slug, ()) and a.marks.get(cause, 0) >= 0
    )
    for question in model.questions:
        for answer in question.evidence_answers:
            if answer.marks.get(cause, 0) >= 0 or (state is not None and is_consequence(answer, state)):
                continue  # a consequence of another answer (a battery the lock ran flat) is no rival sign
            pieces = [answer.label, *(s for s in SENTENCE.split(texts_of(answer)) if len(s) > 25)]
            found += [
                f"{answer.question}={answer.slug}: {piece!r}"
                for piece in pieces
                if piece and piece in text and piece not in allowed
            ]
    # "The test that tells them apart" never asks what the owner already answered.
    region = outcome_region(html)
    found += [f"asks {slug} again" for slug in state or {} if f"ask={slug}&" in region or f'ask={slug}"' in region]
    return found
