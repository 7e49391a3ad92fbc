"""Which answers an owner's own words describe: "clicks but won't open" → "a click, but it stays shut".

Pure (no database): it reads the editors' "owners' words" on each answer of a diagnosis model.
A phrase matches when every word of it is in the owner's text (after a light stemming, so
"flashing" matches "flash" and "locks" matches "lock"). An answer counts the owner's words its
phrases cover, so the answer that explains more of the text wins, and
within one evidence group (e.g. "no click" against "a click, but...") only the best answer is
kept, so one sentence never sets two answers that contradict each other.
"""

from __future__ import annotations

import re
from functools import lru_cache

from troubleshooter.diagnosis import POINTS_STRONGLY, RULES_OUT, AnswerNode, Model, State, canonical_state

# Words that carry no meaning in a phrase. "no", "not" and "nothing" stay: they do.
STOPWORDS = frozenset("a an the my i it its is are was be to of and or in on at with me this that".split())
# Owners say "not" many ways; all are one word here, so "doors don't unlock" in an answer's
# phrases matches "doors won't unlock" typed by an owner. ("no" stays itself: "no click" is a
# sign of its own; it still negates what follows it.)
NOT = "not"
NEGATIONS = frozenset("not never cannot cant dont doesnt didnt wont wouldnt isnt arent wasnt werent havent hasnt aint".split())
NEGATING = frozenset({NOT, "no"})
# A "not" this many words before a word negates it: "won't unlock", "doesn't even work".
NEGATION_REACH = 2
SUFFIXES = ("ing", "ed", "es", "s")
MAX_TEXT = 500


def stem(word: str) -> str:
    for suffix in SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            # "popping" → "popp" → "pop", as "pops" → "pop".
            if len(word) > 3 and word[-1] == word[-2] and word[-1] not in "lsz":
                word = word[:-1]
            return word
    return word


def words_of(text: str) -> list[str]:
    # "won't" → "wont", "can’t" → "cant": owners type both apostrophes, or none.
    text = re.sub(r"[’'`]", "", text.lower()[:MAX_TEXT])
    return [NOT if w in NEGATIONS else stem(w) for w in re.findall(r"\w+", text) if w not in STOPWORDS]


# A "not" reaches no further than its clause: "no click, and the key light flashes".
CLAUSE_BREAK = re.compile(r"[,.;:!?()]|\b(?:but|and|though|although|while)\b", re.IGNORECASE)


def affirmed_words(text: str) -> set[str]:
    """The words the owner says without a "not" just before them in the same clause (at least once)."""
    affirmed = set()
    for clause in CLAUSE_BREAK.split(text[:MAX_TEXT]):
        words = words_of(clause)
        affirmed |= {word for i, word in enumerate(words) if NEGATING.isdisjoint(words[max(0, i - NEGATION_REACH) : i])}
    return affirmed


@lru_cache(maxsize=4096)
def phrases_of(keywords: str) -> tuple[tuple[tuple[str, ...], str], ...]:
    """Each phrase's meaningful words, and the phrase as written (lower case, one space apart).
    Worked out once per process for each answer's words: every search reads them all."""
    return tuple((tuple(words), plain(phrase)) for phrase in keywords.split(",") if (words := words_of(phrase)))


@lru_cache(maxsize=256)
def plain(text: str) -> str:
    return " ".join(re.findall(r"\w+", re.sub(r"[’'`]", "", text.lower()[:MAX_TEXT])))


@lru_cache(maxsize=64)  # read once per answer an owner's text is matched against
def clauses_of(text: str) -> tuple[frozenset[str], ...]:
    return tuple(frozenset(words_of(clause)) for clause in CLAUSE_BREAK.split(text[:MAX_TEXT]))


def matched_phrases(
    answer: AnswerNode, owner_words: set[str], affirmed: set[str] | None = None, text: str | None = None
) -> list[tuple[str, ...]]:
    """The answer's phrases the owner's words contain. A phrase without "not" needs its words
    said without one: "doors won't unlock" is not "doors unlock". Given the owner's `text`, the
    words of a phrase must stand in one clause ("the hatch won't unlock, the doors unlock fine"
    is not "doors won't unlock"), and a phrase that is one word once its small words are left out
    ("on and off") must stand as written ("took the cover off" is not it)."""
    affirmed = owner_words if affirmed is None else affirmed
    clauses = clauses_of(text) if text is not None else [owner_words]
    written = f" {plain(text)} " if text is not None else None
    return [
        words
        for words, phrase in phrases_of(answer.keywords)
        if set(words) <= owner_words
        and (not NEGATING.isdisjoint(words) or set(words) <= affirmed)
        # (A phrase that itself spans clauses, "clicks but won't open", is matched in the whole text.)
        and (CLAUSE_BREAK.search(phrase) or any(set(words) <= clause for clause in clauses))
        and (written is None or len(words) > 1 or len(phrase.split()) == 1 or f" {phrase} " in written)
    ]


def contradicts(first: AnswerNode, second: AnswerNode) -> bool:
    """One points strongly to a cause the other rules out: no single sentence means both."""
    return any(
        (first.marks.get(cause) == POINTS_STRONGLY and second.marks.get(cause) == RULES_OUT)
        or (first.marks.get(cause) == RULES_OUT and second.marks.get(cause) == POINTS_STRONGLY)
        for cause in set(first.marks) | set(second.marks)
    )


def matched_answers(model: Model, text: str) -> State:
    """The answers the text describes, as a state (a checklist's matches pre-ticked, not "answered")."""
    return read_words(model, text)[0]


def read_words(model: Model, text: str) -> tuple[State, set[str]]:
    """The answers the text describes, and the (stemmed) words no answer's phrases used."""
    words, affirmed = set(words_of(text)), affirmed_words(text)
    chosen: list[AnswerNode] = []
    taken: set[str] = set()
    # Greedy, best match first: the owner's words a match used can't be used again by another
    # answer ("battery goes flat" after "locks by itself" is part of that sign, not a second one).
    while words:
        candidates = [
            (len({w for p in phrases for w in p}), -question.order, -index, answer, phrases)
            for question in model.questions
            for index, answer in enumerate(question.evidence_answers)
            if (phrases := matched_phrases(answer, words, affirmed, text)) and answer not in chosen
        ]
        if not candidates:
            break
        *_, answer, phrases = max(candidates, key=lambda c: c[:3])
        words -= {w for phrase in phrases for w in phrase}
        keys = {f"group:{answer.evidence_group}"}
        if not model.question_by_slug[answer.question].is_checklist:
            keys.add(f"question:{answer.question}")
        # Another answer of the same evidence group or single-choice question, or one that
        # contradicts what was already matched, is left out.
        if keys & taken or any(contradicts(answer, other) for other in chosen):
            continue
        taken |= keys
        chosen.append(answer)
    state: dict[str, list[str]] = {}
    for answer in chosen:
        state.setdefault(answer.question, []).append(answer.slug)
    return canonical_state(model, state), words
