"""Reads for the troubleshooter pages: what the owner may see, fetched in few queries."""

from __future__ import annotations

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from guides.models import RepairGuide
from guides.selectors import with_sections
from pagecache.cache import per_content_version
from problems.models import Problem
from troubleshooter.diagnosis import AnswerNode, CauseNode, Model, QuestionNode, slug_list
from troubleshooter.models import Answer, Cause, CauseGuide, DiagnosisVersion, Mark, Question


def cause_guides_prefetch(published_only: bool = True) -> Prefetch:
    """A cause's guides in the editor's order, with their parts (for the cost)."""
    links = CauseGuide.objects.select_related("guide").prefetch_related("guide__parts").order_by("order", "pk")
    if published_only:
        links = links.filter(guide__status=RepairGuide.Status.PUBLISHED)
    return Prefetch("guide_links", queryset=links, to_attr="published_guide_links")


@per_content_version
def published_problems() -> list[Problem]:
    """Published problems, each with `emergency_guides` (the "open it now" guide first). Kept per
    process while the content stays the same: callers only read them."""
    emergency = RepairGuide.objects.published().filter(purpose=RepairGuide.Purpose.EMERGENCY).order_by("order")
    return list(
        with_sections(Problem.objects.published())
        .select_related("source_article")  # the footer's source link
        .prefetch_related("vehicles", Prefetch("guides", queryset=emergency, to_attr="emergency_guides"))
        .order_by("title")
    )


@per_content_version
def live_diagnoses() -> list[tuple[Problem, Model]]:
    """Each published problem that has a live diagnosis, with that diagnosis (what the search box
    reads owners' words against). Kept per process while the content stays the same."""
    return [(problem, published_model(problem)) for problem in published_problems() if published_version(problem) is not None]


@per_content_version
def published_problem(slug: str) -> Problem:
    """A published problem, with what its diagnosis pages show of it (footer sections, source,
    costs), or 404. Kept per process while the content stays the same: callers only read it."""
    queryset = with_sections(Problem.objects.published()).select_related("source_article").prefetch_related("cost_estimates")
    return get_object_or_404(queryset, slug=slug)


def published_version(problem: Problem) -> DiagnosisVersion | None:
    return DiagnosisVersion.objects.filter(problem=problem, status=DiagnosisVersion.Status.PUBLISHED).first()


def draft_version(problem: Problem) -> DiagnosisVersion | None:
    return DiagnosisVersion.objects.filter(problem=problem, status=DiagnosisVersion.Status.DRAFT).first()


def diagnosis_model(version: DiagnosisVersion, *, published_guides_only: bool = True) -> Model:
    """A version's causes, questions, answers and marks as plain data, in a fixed number of queries."""
    causes = list(
        Cause.objects.filter(version=version)
        .select_related("version__problem")
        .prefetch_related(cause_guides_prefetch(published_guides_only))
    )
    # The how-to guide's tools and steps too: a live model is kept and serves every question page.
    questions = list(
        Question.objects.filter(version=version)
        .select_related("how_to_guide")
        .prefetch_related("how_to_guide__tools", "how_to_guide__steps")
    )
    answers = list(Answer.objects.filter(question__version=version).order_by("order", "pk"))
    slug_of_cause = {c.pk: c.slug for c in causes}
    marks: dict[int, dict[str, int]] = {}
    for answer_id, cause_id, effect in Mark.objects.filter(answer__question__version=version).values_list(
        "answer_id", "cause_id", "effect"
    ):
        # A mark on a cause of another version is ignored here; the check reports it.
        marks.setdefault(answer_id, {})[slug_of_cause.get(cause_id, f"#{cause_id}")] = effect
    question_slug = {q.pk: q.slug for q in questions}
    answers_by_question: dict[int, list[AnswerNode]] = {}
    for a in answers:
        answers_by_question.setdefault(a.question_id, []).append(
            AnswerNode(
                slug=a.slug,
                label=a.label,
                question=question_slug[a.question_id],
                no_evidence=a.no_evidence,
                group=a.group,
                marks=marks.get(a.pk, {}),
                keywords=a.keywords,
                skips=slug_list(a.skips),
                explained_by=slug_list(a.explained_by),
                same_as=slug_list(a.same_as),
                obj=a,
            )
        )
    first = question_slug.get(version.first_question_id) if version.first_question_id else None
    return Model(
        causes=[CauseNode(c.slug, c.name, c.kind, c.base_rate, c.order, obj=c) for c in causes],
        questions=[
            QuestionNode(
                q.slug,
                q.kind,
                q.effort,
                tuple(answers_by_question.get(q.pk, [])),
                q.order,
                asked_after=slug_list(q.asked_after),
                obj=q,
            )
            for q in questions
        ],
        threshold=version.lead_threshold / 100,
        first_question=first,
    )


@per_content_version
def published_model(problem: Problem) -> Model:
    """The live diagnosis of a published problem, or 404 when it has none yet. Built once per
    process while the content stays the same (a publish renews the content version): nothing in a
    model is changed by a request (its nodes are frozen; their ORM objects are only read)."""
    version = published_version(problem)
    if version is None:
        raise Http404("This problem has no published diagnosis")
    return diagnosis_model(version)


def problem_overview(slug: str) -> tuple[Problem, Model | None]:
    """A published problem with everything its overview page shows, and its live diagnosis."""
    queryset = with_sections(Problem.objects.published()).prefetch_related(
        "vehicles",
        Prefetch("guides", queryset=RepairGuide.objects.published(), to_attr="published_guides"),
        "cost_estimates",
        "owner_experiences",
        "pull_quotes",
    )
    problem = get_object_or_404(queryset.select_related("source_article"), slug=slug)
    version = published_version(problem)
    return problem, diagnosis_model(version) if version else None


@per_content_version
def emergency_guide(problem: Problem) -> RepairGuide | None:
    return (
        RepairGuide.objects.published().filter(problem=problem, purpose=RepairGuide.Purpose.EMERGENCY).order_by("order").first()
    )


def published_cause(problem: Problem, slug: str, version: DiagnosisVersion | None = None) -> Cause:
    """A cause of the live version (or of `version`, a draft staff are previewing)."""
    where = {"version": version} if version else {"version__status": DiagnosisVersion.Status.PUBLISHED}
    queryset = (
        Cause.objects.filter(version__problem=problem, **where)
        .select_related("version__problem")
        .prefetch_related(cause_guides_prefetch())
    )
    return get_object_or_404(queryset, slug=slug)
