"""Writes for the troubleshooter: diagnosis versions (copy, check, publish) and owners' feedback."""

from __future__ import annotations

import atexit
import logging
import threading
import time
from contextlib import nullcontext

import reversion
from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from core.revisions import keep_baseline
from guides.models import RepairGuide
from problems.models import Problem
from troubleshooter.diagnosis import check_model
from troubleshooter.models import (
    OWNER_CONFIRMED,
    Answer,
    Cause,
    CauseGuide,
    DiagnosisVersion,
    Feedback,
    Mark,
    Question,
    Situation,
    UnknownWords,
    WalkEvent,
)
from troubleshooter.selectors import diagnosis_model, draft_version
from troubleshooter.situations import compare_with_live

logger = logging.getLogger(__name__)


class VersionError(Exception):
    """A version that may not go live, with its faults in plain words."""

    def __init__(self, faults: list[str]):
        super().__init__("; ".join(faults))
        self.faults = faults


class PublishNeedsConfirmation(VersionError):
    """A sound draft that takes something away from owners: published only with an editor's reason."""


def publish_risks(version: DiagnosisVersion) -> list[str]:
    """What publishing this draft takes away from owners, compared with the live version, in plain
    words: an outcome that is gone or no longer says what to do, a guide no outcome links any
    more, an owner situation that ends right on the live version and wrong here. (A cause no
    answer points to is already a fault of the check.) Adding and improving is no risk."""
    live = DiagnosisVersion.objects.filter(problem=version.problem, status=DiagnosisVersion.Status.PUBLISHED).first()
    if live is None or live.pk == version.pk:
        return []
    live_model, draft_model = diagnosis_model(live), diagnosis_model(version, published_guides_only=False)
    risks = []
    for node in live_model.causes:
        title = node.obj.title
        draft = draft_model.cause_by_slug.get(node.slug)
        if draft is None:
            risks.append(_("The outcome “%(c)s” is gone: owners whose answers lead there now would not reach it.") % {"c": title})
            continue
        if node.obj.next_step.strip() and not draft.obj.next_step.strip():
            risks.append(_("“%(c)s” no longer says what to do now (its “what to do now” is empty).") % {"c": title})
    linked = {link.guide_id: link.guide for link in CauseGuide.objects.filter(cause__version=version)}
    for link in CauseGuide.objects.filter(cause__version=live).select_related("guide"):
        if link.guide_id not in linked:
            linked[link.guide_id] = link.guide  # named once
            risks.append(_("The guide “%(g)s” would no longer be linked from any outcome.") % {"g": link.guide.title})
    titles = {node.slug: node.obj.title for node in (*live_model.causes, *draft_model.causes)}
    _report, changes = compare_with_live(version)
    for change in changes:
        if change.live == change.situation.expected_cause:
            risks.append(
                _("The owner situation “%(s)s” ends on what fixed it now (“%(live)s”) and would end on “%(draft)s”.")
                % {
                    "s": change.situation.words,
                    "live": titles.get(change.live, change.live),
                    "draft": titles.get(change.draft, change.draft),
                }
            )
    return risks


def check_version(version: DiagnosisVersion) -> list[str]:
    """Everything that would make this version fail owners, each fault naming the item."""
    model = diagnosis_model(version, published_guides_only=False)
    faults = check_model(model)
    for node in model.causes:
        cause = node.obj
        guides = cause.published_guide_links
        if not cause.next_step.strip() and not guides:
            faults.append(_("Cause “%(c)s” names no guide and no next step") % {"c": cause.name})
        for link in guides:
            if link.guide.status != RepairGuide.Status.PUBLISHED:
                faults.append(
                    _("Cause “%(c)s” sends owners to the draft guide “%(g)s”") % {"c": cause.name, "g": link.guide.title}
                )
            if link.guide.problem_id != version.problem_id:
                faults.append(
                    _("Cause “%(c)s” links the guide “%(g)s” of another problem") % {"c": cause.name, "g": link.guide.title}
                )
    sharing: dict[int, list] = {}
    for node in model.questions:
        guide = node.obj.how_to_guide
        if guide is not None and guide.status != RepairGuide.Status.PUBLISHED:
            faults.append(_("Question “%(q)s” shows the how-to of the draft guide “%(g)s”") % {"q": node.slug, "g": guide.title})
        if guide is not None:
            sharing.setdefault(guide.pk, []).append(node.obj)
    # "How do I check this?" is about its own question: two questions that ask different things
    # showing one guide send an owner through a test that isn't the one asked.
    for questions in sharing.values():
        if len(questions) > 1:
            faults.append(
                _("Questions %(qs)s show the same how-to “%(g)s”: give each its own, or explain it in the question's help")
                % {"qs": ", ".join(f"“{q.prompt}”" for q in questions), "g": questions[0].how_to_guide.title}
            )
    return faults


def next_number(problem: Problem) -> int:
    return (DiagnosisVersion.objects.filter(problem=problem).aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def start_diagnosis(problem: Problem) -> DiagnosisVersion:
    """A new problem's first draft diagnosis, with the one "something else" cause every diagnosis
    needs already in it (worded for any fault; the editor may change it), so a new fault starts
    at its own causes and questions."""
    draft = DiagnosisVersion.objects.create(problem=problem, number=next_number(problem), status=DiagnosisVersion.Status.DRAFT)
    Cause.objects.create(
        version=draft,
        slug="something-else",
        kind=Cause.Kind.CATCH_ALL,
        name=_("Something else"),
        base_rate=5,
        title=_("Something else: let a garage find the fault"),
        explanation=_("Your answers don't fit any of the usual causes well. A garage or the dealer can test it."),
        next_step=_("Take the car to a garage or the dealer, and tell them what you noticed."),
        source=Cause.Source.SITE,
    )
    return draft


def causes_added(version: DiagnosisVersion, new: list[Cause], guides: dict[Cause, RepairGuide | None]) -> None:
    """After causes were saved on their version's page: new ones go to the end of the list (the
    catch-all stays last), and a guide chosen for a cause becomes one it sends owners to."""
    if new:
        others = Cause.objects.filter(version=version).exclude(pk__in=[c.pk for c in new])
        last = others.exclude(kind=Cause.Kind.CATCH_ALL).aggregate(n=Max("order"))["n"] or 0
        for number, cause in enumerate(new, start=last + 1):
            cause.order = number
            cause.save(update_fields=["order"])
        # "Something else" stays last.
        others.filter(kind=Cause.Kind.CATCH_ALL, order__lte=last + len(new)).update(order=last + len(new) + 1)
    for cause, guide in guides.items():
        if guide is not None:
            order = (cause.guide_links.aggregate(n=Max("order"))["n"] or 0) + 1
            CauseGuide.objects.get_or_create(cause=cause, guide=guide, defaults={"order": order})


def add_not_sure(question: Question) -> Answer | None:
    """A pick-one question always lets the owner say they don't know (the check asks for it):
    the editor need not write that answer, it is added at the end when missing."""
    if question.kind != Question.Kind.SINGLE or question.answers.filter(no_evidence=True).exists():
        return None
    if not question.answers.exists():
        return None  # nothing to choose from yet: the check says so
    slug = "not-sure" if not question.answers.filter(slug="not-sure").exists() else f"not-sure-{question.answers.count()}"
    order = (question.answers.aggregate(n=Max("order"))["n"] or 0) + 1
    return Answer.objects.create(question=question, slug=slug, label=_("Not sure"), no_evidence=True, order=order)


@transaction.atomic
def copy_version(version: DiagnosisVersion, note: str = "") -> DiagnosisVersion:
    """A new draft with everything of `version`: causes, guide links, questions, answers and marks."""
    existing = draft_version(version.problem)
    if existing is not None:
        raise VersionError([_("There is already a draft (version %(n)d): edit or delete it first") % {"n": existing.number}])
    draft = DiagnosisVersion.objects.create(
        problem=version.problem,
        number=next_number(version.problem),
        status=DiagnosisVersion.Status.DRAFT,
        note=note,
        lead_threshold=version.lead_threshold,
    )
    cause_map: dict[int, Cause] = {}
    for cause in Cause.objects.filter(version=version).prefetch_related("guide_links"):
        links = list(cause.guide_links.all())
        old_pk = cause.pk
        cause.pk = None
        cause._prefetched_objects_cache = {}  # the copy starts with none of the original's links
        cause.version = draft
        cause.save()
        cause_map[old_pk] = cause
        CauseGuide.objects.bulk_create(CauseGuide(cause=cause, guide_id=link.guide_id, order=link.order) for link in links)
    question_map: dict[int, Question] = {}
    for question in Question.objects.filter(version=version).prefetch_related("answers__marks"):
        answers = list(question.answers.all())
        old_pk = question.pk
        question.pk = None
        question._prefetched_objects_cache = {}
        question.version = draft
        question.save()
        question_map[old_pk] = question
        for answer in answers:
            marks = list(answer.marks.all())
            answer.pk = None
            answer._prefetched_objects_cache = {}
            answer.question = question
            answer.save()
            Mark.objects.bulk_create(
                Mark(answer=answer, cause=cause_map[m.cause_id], effect=m.effect) for m in marks if m.cause_id in cause_map
            )
    if version.first_question_id in question_map:
        draft.first_question = question_map[version.first_question_id]
        draft.save(update_fields=["first_question"])
    return draft


@transaction.atomic
def publish_version(version: DiagnosisVersion, reason: str = "", user=None) -> DiagnosisVersion:
    """Make a draft the live diagnosis in one step, or refuse with its faults (nothing changes then).

    A sound draft that takes something away from owners (`publish_risks`) is refused with
    PublishNeedsConfirmation unless the editor gives a reason; the reason and what was taken
    away are kept in the version's history."""
    version = DiagnosisVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != DiagnosisVersion.Status.DRAFT:
        raise VersionError([_("Only a draft can be published; version %(n)d is not a draft") % {"n": version.number}])
    faults = check_version(version)
    if faults:
        raise VersionError(faults)
    risks = publish_risks(version)
    if risks and not reason.strip():
        raise PublishNeedsConfirmation(risks)
    DiagnosisVersion.objects.filter(problem=version.problem, status=DiagnosisVersion.Status.PUBLISHED).update(
        status=DiagnosisVersion.Status.RETIRED
    )
    version.status = DiagnosisVersion.Status.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at"])  # the save also renews the page cache
    if risks:
        with reversion.create_revision():
            if user is not None:
                reversion.set_user(user)
            reversion.set_comment(
                _("Published, taking away: %(risks)s Reason: %(reason)s") % {"risks": " ".join(risks), "reason": reason.strip()}
            )
            reversion.add_to_revision(version)
    return version


def record_feedback(cause: Cause, solved: bool, answers: str = "", client: str = "") -> Feedback:
    """Store an owner's answer; the same browser answering again for the same cause changes its answer.
    "Yes, it solved it" after answering the questions becomes a candidate owner situation."""
    if not client:
        feedback = Feedback.objects.create(cause=cause, solved=solved, answers=answers[:1000])
    else:
        feedback, _created = Feedback.objects.update_or_create(
            cause=cause, client=client, defaults={"solved": solved, "answers": answers[:1000]}
        )
    confirmed_situation(feedback)
    return feedback


def confirmed_situation(feedback: Feedback) -> None:
    """An owner's confirmation as a candidate situation, for an editor to approve (or gone, if
    they took it back before it was approved)."""
    problem = feedback.cause.version.problem
    slug = f"confirmed-{feedback.pk}"
    if not (feedback.solved and feedback.answers):
        Situation.objects.filter(problem=problem, slug=slug, approved=False).delete()
        return
    Situation.objects.update_or_create(
        problem=problem,
        slug=slug,
        defaults={
            "kind": OWNER_CONFIRMED,
            "words": _("An owner confirmed on this site that this solved it."),
            "answers": feedback.answers[:500],
            "expected_cause": feedback.cause.slug,
            "approved": False,
            "held_out": False,
        },
    )


# Walks are counted on the busiest pages, from the page cache too: one INSERT per page would
# make SQLite's single writer the limit for every owner. Each process gathers its events (plain
# tuples: cheap to note) and writes them as one batch every WALK_BATCH_SIZE events or
# WALK_BATCH_SECONDS, off the owner's request (a thread of its own), and at exit.
_walks: list[tuple] = []
_walks_lock = threading.Lock()
_walks_since = [time.monotonic()]


def count_walk(version_id: int, kind: str, cause: str = "", unsure: list[str] | tuple = ()) -> None:
    """Note one started walk or one outcome reached, for the editors' "at a glance" page."""
    with _walks_lock:
        _walks.append((version_id, str(kind), cause[:80], " ".join(unsure)[:500]))
        due = len(_walks) >= settings.WALK_BATCH_SIZE or time.monotonic() - _walks_since[0] >= settings.WALK_BATCH_SECONDS
    if not due:
        return
    if settings.WALK_WRITE_IN_BACKGROUND:
        threading.Thread(target=flush_walks_in_background, daemon=True).start()
    else:
        flush_walks()  # tests: in the request's own transaction


def flush_walks() -> int:
    """Write this process's gathered walk events; how many."""
    with _walks_lock:
        events = list(_walks)
        _walks.clear()
        _walks_since[0] = time.monotonic()
    if events:
        # One prepared INSERT run for every row: a tenth of the cost of building model instances.
        table = WalkEvent._meta.db_table
        day = timezone.localdate()
        sql = f"INSERT INTO {table} (version_id, day, kind, cause, unsure) VALUES (%s, %s, %s, %s, %s)"
        rows = [(version_id, day, kind, cause, unsure) for version_id, kind, cause, unsure in events]
        # Many rows: one transaction, so one commit; one row is one statement, atomic by itself.
        with transaction.atomic() if len(rows) > 1 else nullcontext(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # COPY: a fraction of the server's and this thread's time for a thousand INSERTs,
                # which held the GIL long enough to show in the pages' p99.
                with cursor.copy(f"COPY {table} (version_id, day, kind, cause, unsure) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(sql, rows)
    return len(events)


def flush_walks_in_background() -> None:
    try:
        flush_walks()
    except Exception:  # a busy or absent database: some counts for the editors, never the site
        logger.exception("Could not write walk events")
    finally:
        connection.close()  # this thread's own connection


def flush_walks_at_exit() -> None:
    try:
        flush_walks()
    except Exception:  # the database may be gone already at shutdown: a few counts, not the site
        logger.exception("Could not write %d walk events at exit", len(_walks))


atexit.register(flush_walks_at_exit)


def problem_publish_faults(problem: Problem, with_draft: bool = False) -> list[str]:
    """Why a problem may not go on the site yet: it needs a live diagnosis that passes the check,
    or, `with_draft` (publish_problem), a draft that does and goes live with it."""
    live = DiagnosisVersion.objects.filter(problem=problem, status=DiagnosisVersion.Status.PUBLISHED).first()
    version = live or (draft_version(problem) if with_draft else None)
    if version is None:
        return [_("“%(p)s” has no live diagnosis yet: publish a diagnosis version first") % {"p": problem.title}]
    return [_("“%(p)s”: %(fault)s") % {"p": problem.title, "fault": fault} for fault in check_version(version)]


@transaction.atomic
def publish_problem(problem: Problem, user=None) -> DiagnosisVersion | None:
    """Put a problem on the site; a new fault's draft diagnosis goes live with it when nothing is
    live yet (one step for the editor). Returns the diagnosis that went live with it, if any."""
    if faults := problem_publish_faults(problem, with_draft=True):
        raise VersionError(faults)
    went_live = None
    if not DiagnosisVersion.objects.filter(problem=problem, status=DiagnosisVersion.Status.PUBLISHED).exists():
        went_live = publish_version(draft_version(problem), user=user)
    problem.status = Problem.Status.PUBLISHED
    problem.save()
    return went_live


def guide_live_uses(guide: RepairGuide) -> list[str]:
    """Where the live diagnosis sends owners to `guide`, in plain words (it must stay published)."""
    live = DiagnosisVersion.Status.PUBLISHED
    causes = guide.cause_links.filter(cause__version__status=live).select_related("cause")
    questions = Question.objects.filter(how_to_guide=guide, version__status=live)
    return [_("The live diagnosis sends owners to it from “%(c)s”") % {"c": link.cause.name} for link in causes] + [
        _("The live question “%(q)s” shows it under “How do I check this?”") % {"q": q.prompt} for q in questions
    ]


def unpublish_faults(item) -> list[str]:
    """Why an item may not be taken off the site: a guide the live diagnosis uses."""
    if isinstance(item, RepairGuide) and (uses := guide_live_uses(item)):
        return [_("“%(g)s” stays published: %(uses)s") % {"g": item.title, "uses": "; ".join(uses)}]
    return []


# Receivers of core.publishing's signals (connected in TroubleshooterConfig.ready).


def problem_publish_refusals(sender, item, published, **kwargs) -> list[str]:
    return problem_publish_faults(item) if published else []


def guide_unpublish_refusals(sender, item, published, **kwargs) -> list[str]:
    return [] if published else unpublish_faults(item)


def guide_in_use(sender, item, **kwargs) -> list[str]:
    return guide_live_uses(item)


@transaction.atomic
def save_grid(version: DiagnosisVersion, rates: dict[int, int], marks: dict[tuple[int, int], int | None], user=None) -> int:
    """Apply the grid's "how common" numbers and marks to a draft in one step, as one revision in
    the history. Returns how many things changed; refuses anything but a draft."""
    version = DiagnosisVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != DiagnosisVersion.Status.DRAFT:
        raise VersionError([_("Version %(n)d is not a draft: make a draft copy to change it") % {"n": version.number}])
    causes = {cause.pk: cause for cause in Cause.objects.filter(version=version)}
    existing = {(m.answer_id, m.cause_id): m for m in Mark.objects.filter(cause__version=version)}
    touched = {pk for pk, rate in rates.items() if pk in causes and causes[pk].base_rate != rate}
    touched |= {
        cause_id
        for (answer_id, cause_id), effect in marks.items()
        if cause_id in causes and getattr(existing.get((answer_id, cause_id)), "effect", None) != effect
    }
    keep_baseline([causes[pk] for pk in touched], user)  # so this first change can be undone
    answer_ids = set(Question.objects.filter(version=version).values_list("answers__pk", flat=True))
    changed_causes, changed = set(), 0
    with reversion.create_revision():
        if user is not None:
            reversion.set_user(user)
        reversion.set_comment(_("Changed in the causes x answers grid"))
        for pk, rate in rates.items():
            cause = causes.get(pk)
            if cause is not None and cause.base_rate != rate:
                cause.base_rate = rate
                cause.save(update_fields=["base_rate"])
                changed_causes.add(pk)
                changed += 1
        for (answer_id, cause_id), effect in marks.items():
            if cause_id not in causes or answer_id not in answer_ids:
                continue  # the grid was opened before an item was deleted: skip what is gone
            mark = existing.get((answer_id, cause_id))
            if effect is None and mark is not None:
                mark.delete()
            elif effect is not None and mark is None:
                Mark.objects.create(answer_id=answer_id, cause_id=cause_id, effect=effect)
            elif effect is not None and mark.effect != effect:
                mark.effect = effect
                mark.save(update_fields=["effect"])
            else:
                continue
            changed += 1
            changed_causes.add(cause_id)
        # Each changed cause's revision holds its marks (it follows them), so its history shows the change.
        for pk in changed_causes:
            reversion.add_to_revision(causes[pk])
    return changed


KEYWORDS_MAX = 300  # Answer.keywords' length


@transaction.atomic
def add_owners_words(unknown: UnknownWords, answer: Answer, user=None) -> bool:
    """Words owners typed that the site did not know become phrases of a draft answer's owners'
    words (each run of words they stood in, its own phrase), as one change in the history; the
    editors' row for them goes. False if every phrase was there already (nothing changed)."""
    if answer.question.version.status != DiagnosisVersion.Status.DRAFT:
        raise VersionError([_("Only a draft's answers can change: make a draft copy of the live version first")])
    phrases = [phrase.strip() for phrase in answer.keywords.split(",") if phrase.strip()]
    known = {phrase.lower() for phrase in phrases}
    new = [words for run in unknown.words.split(",") if (words := " ".join(run.split())) and words.lower() not in known]
    keywords = ", ".join(phrases + new)
    if len(keywords) > KEYWORDS_MAX:
        raise VersionError([_("“%(a)s” has no room for more owners' words: shorten its list first") % {"a": answer.label}])
    if new:
        keep_baseline([answer], user)
        with reversion.create_revision():
            if user is not None:
                reversion.set_user(user)
            reversion.set_comment(_("Owners' words added: “%(w)s”") % {"w": ", ".join(new)})
            answer.keywords = keywords
            answer.save(update_fields=["keywords"])
    unknown.delete()
    return bool(new)
