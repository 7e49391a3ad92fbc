"""Reads for the editors' pages about one problem: how owners use its diagnosis ("at a glance")
and which set-up steps a new fault still needs."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import links
from core.history import NEXT_PARAM
from guides.models import RepairGuide
from problems.models import Problem
from troubleshooter.models import Cause, DiagnosisVersion, Question, WalkEvent
from troubleshooter.selectors import draft_version, published_version
from troubleshooter.services import check_version, flush_walks
from troubleshooter.situations import version_report


@dataclass
class CauseRow:
    cause: Cause
    ended: int
    tried: int
    solved: int


@dataclass
class SituationRow:
    words: str
    source_url: str
    held_out: bool
    expected: str
    live: str | None
    draft: str | None
    names: dict[str, str] = field(default_factory=dict, repr=False)

    def name(self, slug: str | None) -> str:
        return self.names.get(slug, slug or "—")

    @property
    def expected_name(self) -> str:
        return self.name(self.expected)

    @property
    def live_name(self) -> str:
        return self.name(self.live)

    @property
    def draft_name(self) -> str:
        return self.name(self.draft)


@dataclass
class Glance:
    problem: Problem
    live: DiagnosisVersion | None
    draft: DiagnosisVersion | None
    started: int = 0
    causes: list[CauseRow] = field(default_factory=list)
    unsure: list[tuple[Question, int]] = field(default_factory=list)
    situations: list[SituationRow] = field(default_factory=list)
    accuracy: dict[str, tuple[int, int]] = field(default_factory=dict)
    # Links in the content's text to pages that don't exist: (the item, what is wrong).
    broken_links: list[tuple[str, str]] = field(default_factory=list)


def glance(problem: Problem) -> Glance:
    """What owners did with the live diagnosis, and the owner situations on live and draft."""

    flush_walks()  # this process's gathered walks (other workers write theirs within seconds)
    live, draft = published_version(problem), draft_version(problem)
    result = Glance(problem, live, draft)
    result.broken_links = [(item, problem.words()) for item, problem in links.broken_links()]
    if live is not None:
        events = WalkEvent.objects.filter(version=live)
        result.started = events.filter(kind=WalkEvent.Kind.STARTED).count()
        ended = Counter()
        unsure = Counter()
        for cause_slug, unsure_slugs in events.filter(kind=WalkEvent.Kind.ENDED).values_list("cause", "unsure").iterator():
            ended[cause_slug] += 1
            unsure.update(unsure_slugs.split())
        causes = Cause.objects.filter(version=live).annotate(
            tried=Count("feedback"), solved=Count("feedback", filter=Q(feedback__solved=True))
        )
        result.causes = [CauseRow(c, ended[c.slug], c.tried, c.solved) for c in causes.order_by("order", "pk")]
        questions = {q.slug: q for q in Question.objects.filter(version=live, slug__in=list(unsure))}
        result.unsure = [(questions[slug], n) for slug, n in unsure.most_common() if slug in questions]
    reports = {name: version_report(version) for name, version in (("live", live), ("draft", draft)) if version}
    ends = {name: {run.situation.pk: run.ended_on for run in report.runs} for name, report in reports.items()}
    for name, report in reports.items():
        # The researched rows: owners' confirmations are reported apart (run_situations).
        result.accuracy[name] = report.accuracy(report.part(held_out=False) + report.part(held_out=True))
    # Editors know causes by name; the situations store the slug.
    names = dict(Cause.objects.filter(version__in=[v for v in (live, draft) if v]).values_list("slug", "name"))
    if reports:
        report = next(iter(reports.values()))
        runs = report.part(held_out=False) + report.part(held_out=True)
        result.situations = [
            SituationRow(
                run.situation.words,
                run.situation.source_url,
                run.situation.held_out,
                run.situation.expected_cause,
                ends.get("live", {}).get(run.situation.pk),
                ends.get("draft", {}).get(run.situation.pk),
                names,
            )
            for run in runs
        ]
    return result


@dataclass
class SetupStep:
    title: str
    done: bool
    detail: str
    url: str
    link_text: str


def add_url(model, back: str = "", **prefill) -> str:
    """The admin's add form for `model`, with fields filled in from the address; after the save
    the editor comes `back` (the set-up steps), not to the list (HistoryAdmin.response_add)."""
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_add")
    query = {**prefill, **({NEXT_PARAM: back} if back else {})}
    return f"{url}?{urlencode(query)}" if query else url


def setup_steps(problem: Problem) -> list[SetupStep]:
    """A new fault's set-up in a working order, each step with what is there and where to go next."""
    back = reverse("admin:problems_problem_change", args=[problem.pk])
    live, draft = published_version(problem), draft_version(problem)
    version = draft or live
    guides = RepairGuide.objects.filter(problem=problem)
    steps = [
        SetupStep(
            _("Which cars"),
            problem.vehicles.exists(),
            ", ".join(str(v) for v in problem.vehicles.all()) or _("none chosen yet"),
            reverse("admin:problems_problem_change", args=[problem.pk]),
            _("Choose them on this form"),
        ),
        SetupStep(
            _("Repair guides"),
            guides.exists(),
            ngettext("%(n)d guide, %(p)d published", "%(n)d guides, %(p)d published", guides.count())
            % {"n": guides.count(), "p": guides.filter(status="published").count()},
            add_url(RepairGuide, back=back, problem=problem.pk),
            _("Add a guide"),
        ),
    ]
    if version is None:
        number = DiagnosisVersion.objects.filter(problem=problem).count() + 1
        steps.append(
            SetupStep(
                _("A diagnosis (draft)"),
                False,
                _("none yet"),
                add_url(DiagnosisVersion, back=back, problem=problem.pk, number=number),
                _("Start one"),
            )
        )
        return steps
    causes = Cause.objects.filter(version=version)
    questions = Question.objects.filter(version=version)
    # Opened from here, a plain save of the version or the grid comes back here.
    version_url = reverse("admin:troubleshooter_diagnosisversion_change", args=[version.pk]) + "?" + urlencode({NEXT_PARAM: back})
    grid_url = reverse("admin:troubleshooter_diagnosisversion_grid", args=[version.pk]) + "?" + urlencode({NEXT_PARAM: back})
    faults = check_version(version)
    steps += [
        SetupStep(_("A diagnosis (draft)"), True, str(version), version_url, _("Open it")),
        SetupStep(
            _("Causes, with one “something else”"),
            causes.count() >= 2 and causes.filter(kind=Cause.Kind.CATCH_ALL).exists(),
            ngettext("%(n)d cause", "%(n)d causes", causes.count()) % {"n": causes.count()},
            version_url,
            _("Add causes on the diagnosis's page"),
        ),
        SetupStep(
            _("Questions and their answers"),
            questions.exists(),
            ngettext("%(n)d question", "%(n)d questions", questions.count()) % {"n": questions.count()},
            add_url(Question, back=back, version=version.pk),
            _("Add a question"),
        ),
        SetupStep(
            _("What each answer says about each cause"),
            questions.exists()
            and not causes.exclude(kind=Cause.Kind.CATCH_ALL).exclude(marks__effect__gt=0).exists()
            and not questions.exclude(answers__marks__isnull=False).exists(),
            _("the causes x answers grid"),
            grid_url,
            _("Open the grid"),
        ),
        SetupStep(
            _("The check passes"),
            not faults,
            "; ".join(faults) if faults else _("no faults"),
            version_url,
            _("Fix what it names"),
        ),
        SetupStep(
            _("The diagnosis is live"),
            live is not None,
            str(live) if live else _("a new fault's draft goes live when you publish the problem"),
            reverse("admin:troubleshooter_diagnosisversion_changelist") + f"?problem__id__exact={problem.pk}",
            _("Versions"),
        ),
        SetupStep(
            _("The problem is on the site"),
            problem.is_published,
            _("published") if problem.is_published else _("a draft: set its status to published"),
            reverse("admin:problems_problem_change", args=[problem.pk]),
            _("Publish it on this form"),
        ),
    ]
    return steps
