"""An owner's own words on the first screen: the answers they set, what the site did not know,
and what is kept of them.

The words never travel in an address: the form is posted, and the next screen's address holds
only a random token for a `TypedWords` row, which is kept for a day. Before anything is stored,
e-mail addresses, phone numbers and registration numbers are cut out. The words no answer
knows are also counted for the editors (`UnknownWords`, grouped by their meaningful words, kept
for OWNER_WORDS_KEPT_DAYS after they were last typed), so a phrase can become an answer's
owners' words in a draft.
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from troubleshooter.diagnosis import (
    AnswerNode,
    Model,
    QuestionNode,
    State,
    canonical_state,
    given_answers,
    query_pairs,
    state_query,
)
from troubleshooter.matching import MAX_TEXT, contradicts, read_words, stem, words_of
from troubleshooter.models import TypedWords, UnknownWords

TYPED_KEPT = datetime.timedelta(days=1)
# Words about the car and the fault itself, and words that only join others: on their own they
# tell the diagnosis nothing, so they are never reported as unknown.
CONTEXT_WORDS = (
    "car nissan micra k12 boot tailgate trunk hatch door lock help please problem issue again still "
    "from after before then when just so very really also but with without about into out up down over there "
    "have has had got get do does did can could would will some any all one make makes made "
    # A "no" or a time of day alone tells the editors nothing: never reported as unknown on their own.
    "no not never yes ok okay now today tonight morning evening night yesterday day days week weeks month "
    "months year years time times ago "
    "for plus if how what which who same as by than because since until where why should may might must "
    "need needs theres thats im ive its"
)
REMOVED = "[…]"
PERSONAL_DATA = [
    re.compile(r"\S+@\S+"),  # e-mail addresses
    re.compile(r"\+?\d[\d ()./-]{6,}\d"),  # phone numbers: 8 or more digits and separators
    # Registration numbers: groups of letters and digits joined by hyphens ("AB-123-C",
    # "12-ABC-3"), the British "AB12 CDE", or 6 to 8 letters and digits in one word.
    re.compile(r"\b[A-Za-z0-9]{1,4}(?:-[A-Za-z0-9]{1,4}){1,2}\b"),
    re.compile(r"\b[A-Za-z]{2}\d{2} ?[A-Za-z]{3}\b"),
    re.compile(r"\b[A-Za-z0-9]{6,8}\b"),
]


def looks_like_a_registration(text: str) -> bool:
    """Letters and digits both, 5 to 8 of them: the model code "K12" and "10mm" are too short."""
    plain = re.sub(r"[ -]", "", text)
    return 5 <= len(plain) <= 8 and bool(re.search(r"\d", plain)) and bool(re.search(r"[A-Za-z]", plain))


def strip_personal_data(text: str) -> str:
    for pattern in PERSONAL_DATA[:2]:
        text = pattern.sub(REMOVED, text)
    for pattern in PERSONAL_DATA[2:]:
        text = pattern.sub(lambda m: REMOVED if looks_like_a_registration(m[0]) else m[0], text)
    return text


def clean(text: str) -> str:
    return " ".join(text.split())[:MAX_TEXT]


@dataclass
class Reading:
    state: State  # the ticks with what the words set added, where they don't contradict a tick
    typed: State  # what the words set that the owner had not ticked by hand (marked "from what you typed")
    unknown: str  # the words no answer knows, in the owner's spelling ("" if none)


def site_words(model: Model) -> set[str]:
    """The words the diagnosis itself uses, in its answers, owners' words and questions."""
    text = " ".join(f"{a.label} {a.keywords}" for q in model.questions for a in q.answers)
    return set(words_of(text + " " + " ".join(q.obj.prompt for q in model.questions if q.obj is not None)))


def unknown_words(problem, text: str, leftover: set[str], known: set[str] = frozenset()) -> str:
    """The owner's words that no answer's phrases used, leaving out words about the car and the
    fault itself: in their spelling and order, words that stood together kept together
    ("warm weather, tropical storms"). A word or two the site itself uses ("press the button") are
    not reported: no clue alone; three or more together ("unlocking button on key") are a phrase
    it could not read."""
    context = set(words_of(f"{CONTEXT_WORDS} {problem.title} {problem.short_title}"))
    runs: list[str] = []
    start = end = None  # where the run of unknown words being read starts and ends in the text
    for match in re.finditer(r"[\w’'`-]+|[^\w\s]", text):
        stems = words_of(match[0])
        if len(stems) == 1 and stems[0] in leftover and stems[0] not in context:
            start = match.start() if start is None else start
            end = match.end()
        elif stems or not match[0][0].isalnum():  # a known word or a mark ends a run; a small word does not
            if start is not None:
                runs.append(text[start:end])
            start = None
    if start is not None:
        runs.append(text[start:end])
    runs = [run for run in runs if len(stems := words_of(run)) >= 3 or not set(stems) <= known]
    return ", ".join(dict.fromkeys(runs))


def clashes(question: QuestionNode, answer: AnswerNode, other: AnswerNode) -> bool:
    """Whether a typed answer and one the owner gave can't both be true: another answer of a
    single-choice question, another sign of the same root, or one that contradicts it."""
    if (other.question, other.slug) == (answer.question, answer.slug):
        return False
    if other.question == answer.question and not question.is_checklist:
        return True
    return not other.no_evidence and (other.evidence_group == answer.evidence_group or contradicts(answer, other))


def read(model: Model, problem, ticked: State, text: str, earlier: set[tuple[str, str]] = frozenset()) -> Reading:
    """`earlier`: what words typed on an earlier screen set; a sign they ticked that the owner has
    since unticked stays unticked, whatever the new words say."""
    typed, leftover = read_words(model, text)
    state = {slug: list(answers) for slug, answers in ticked.items()}
    for slug, answers in typed.items():
        question = model.question_by_slug[slug]
        for answer_slug in answers:
            answer = question.answer(answer_slug)
            if (slug, answer_slug) in earlier and question.is_checklist and answer_slug not in ticked.get(slug, ()):
                continue
            if not any(clashes(question, answer, other) for other in given_answers(model, state)):
                state.setdefault(slug, [])
                if answer_slug not in state[slug]:
                    state[slug].append(answer_slug)
    # A sign the owner ticked and also described is theirs: not marked "from what you typed".
    typed = {slug: new for slug, answers in typed.items() if (new := [a for a in answers if a not in ticked.get(slug, ())])}
    return Reading(canonical_state(model, state), typed, unknown_words(problem, text, leftover, site_words(model)))


def unkept(problem, text: str, reading: Reading) -> TypedWords:
    """What the next screen shows of the words, stripped of personal data, not stored yet."""
    unknown = strip_personal_data(reading.unknown).replace(REMOVED, "").strip()
    return TypedWords(
        token="", problem=problem, text=strip_personal_data(text), matched=state_query(reading.typed), unknown=unknown
    )


def keep(problem, text: str, reading: Reading) -> TypedWords:
    """Store what the next screen shows (and the unknown words for editors), under a new token."""
    words = unkept(problem, text, reading)
    words.token = secrets.token_urlsafe(16)
    now = timezone.now()
    with transaction.atomic():
        TypedWords.objects.filter(created_at__lt=now - TYPED_KEPT).delete()
        words.save()
        if words.unknown:
            remember_unknown(problem, words.unknown, words.text, now)
    return words


def remember_unknown(problem, unknown: str, example: str, now) -> None:
    key = " ".join(sorted({stem(w) for w in words_of(unknown)}))[:300]
    kept_days = datetime.timedelta(days=settings.OWNER_WORDS_KEPT_DAYS)
    UnknownWords.objects.filter(last_seen__lt=now - kept_days).delete()
    latest = {"words": unknown[:300], "example": example, "last_seen": now}
    if not UnknownWords.objects.filter(problem=problem, key=key).update(times=F("times") + 1, **latest):
        try:
            with transaction.atomic():
                UnknownWords.objects.create(problem=problem, key=key, **latest)
        except IntegrityError:  # typed at the same moment elsewhere
            UnknownWords.objects.filter(problem=problem, key=key).update(times=F("times") + 1, **latest)


def kept(problem, token: str) -> TypedWords | None:
    """The words behind a next screen's token, while they are kept."""
    if not token or len(token) > 32:
        return None
    since = timezone.now() - TYPED_KEPT
    return TypedWords.objects.filter(token=token, problem=problem, created_at__gte=since).first()


def typed_pairs(words: TypedWords | None) -> set[tuple[str, str]]:
    return set(query_pairs(words.matched)) if words else set()
