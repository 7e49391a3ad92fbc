"""Run the owner situations against a diagnosis version: does each owner end on what fixed their car?

Each situation is walked as that owner would: they answer what they know and "not sure"
to the rest. Used by `manage.py run_situations`, by the tests, and (later) by the admin
before a draft goes live.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from troubleshooter.diagnosis import (
    InvalidState,
    Model,
    causes_without_verdict,
    owner_walk,
    parse_state,
    query_pairs,
    quickest_checks,
)
from troubleshooter.models import OWNER_CONFIRMED, DiagnosisVersion, Situation
from troubleshooter.selectors import diagnosis_model


@dataclass
class SituationRun:
    situation: Situation
    ended_on: str | None
    likelihood: str
    screens: int
    error: str = ""
    verdict: bool = False  # the outcome named one cause (else "your answers don't point to one cause yet")
    named: tuple[str, ...] = ()  # without a verdict: the causes shown with the checks that tell them apart
    probabilities: dict[str, float] | None = None  # every cause's, at the end
    band: str = ""

    @property
    def correct(self) -> bool:
        return self.ended_on == self.situation.expected_cause

    @property
    def scored(self) -> str:
        """RIGHT (the verdict is what fixed it), NAMED (no verdict, but it is named with a check that
        tells it apart), or WRONG."""
        if self.verdict:
            return RIGHT if self.correct else WRONG
        return NAMED if self.situation.expected_cause in self.named else WRONG

    @property
    def brier(self) -> float:
        """Squared error of the final figures against what fixed the car (0 best, 2 worst)."""
        expected = self.situation.expected_cause
        return sum((p - (slug == expected)) ** 2 for slug, p in (self.probabilities or {}).items())


RIGHT, NAMED, WRONG = "right verdict", "no verdict, but the right cause named with its check", "wrong"


@dataclass
class SituationReport:
    runs: list[SituationRun]

    def part(self, held_out: bool) -> list[SituationRun]:
        """The researched rows, tuning or held out (owners' confirmations on the site apart)."""
        return [r for r in self.runs if r.situation.held_out == held_out and r.situation.kind != OWNER_CONFIRMED]

    @property
    def confirmed(self) -> list[SituationRun]:
        """Owners' "Yes, it solved it" that an editor approved: they mostly confirm what the site said."""
        return [r for r in self.runs if r.situation.kind == OWNER_CONFIRMED]

    @staticmethod
    def accuracy(runs: list[SituationRun]) -> tuple[int, int]:
        return sum(r.correct for r in runs), len(runs)

    @property
    def median_screens(self) -> float:
        return statistics.median(r.screens for r in self.runs) if self.runs else 0

    @staticmethod
    def scores(runs: list[SituationRun]) -> dict[str, int]:
        return {kind: sum(r.scored == kind for r in runs) for kind in (RIGHT, NAMED, WRONG)}

    @staticmethod
    def confident_wrong(runs: list[SituationRun]) -> int:
        """Told a wrong cause as the verdict ("likely" or stronger)."""
        return sum(r.verdict and not r.correct for r in runs)

    @staticmethod
    def calibration(runs: list[SituationRun]) -> list[tuple[str, int, int]]:
        """Per likelihood band of the cause a walk ended on: (band, walks, right)."""
        bands = [band for band in ("very_likely", "likely", "possible", "unlikely") if any(r.band == band for r in runs)]
        return [(band, sum(r.band == band for r in runs), sum(r.band == band and r.correct for r in runs)) for band in bands]

    @staticmethod
    def brier(runs: list[SituationRun]) -> float:
        scored = [r for r in runs if r.probabilities]
        return sum(r.brier for r in scored) / len(scored) if scored else 0.0


def situation_answers(model: Model, situation: Situation) -> dict:
    return parse_state(model, query_pairs(situation.answers))


def run_situations(model: Model, situations) -> SituationReport:
    runs = []
    for situation in situations:
        try:
            known = situation_answers(model, situation)
        except InvalidState as error:
            runs.append(SituationRun(situation, None, "", 0, error=f"{error.reason} ({situation.answers})"))
            continue
        result, screens = owner_walk(model, known)
        leader = result.leader
        shown = [score.cause for score in causes_without_verdict(result)]
        told_apart = {
            c.slug for check in quickest_checks(model, result.state, shown) for _a, t, g in check.meanings for c in t + g
        }
        runs.append(
            SituationRun(
                situation,
                leader.cause.slug,
                leader.likelihood_word,
                screens,
                verdict=result.verdict,
                named=tuple(c.slug for c in shown if c.slug in told_apart),
                probabilities={s.cause.slug: s.probability for s in result.ranking},
                band=leader.band,
            )
        )
    return SituationReport(runs)


@dataclass
class SituationChange:
    situation: Situation
    live: str | None
    draft: str | None

    @property
    def better(self) -> bool:
        return self.draft == self.situation.expected_cause


def version_report(version: DiagnosisVersion) -> SituationReport:
    """Every situation of the version's problem, walked on that version."""
    return run_situations(diagnosis_model(version), Situation.objects.filter(problem=version.problem, approved=True))


def compare_with_live(version: DiagnosisVersion) -> tuple[SituationReport, list[SituationChange]]:
    """The situations on `version`, and those that end elsewhere than on the live version."""
    report = version_report(version)
    live = DiagnosisVersion.objects.filter(problem=version.problem, status=DiagnosisVersion.Status.PUBLISHED).first()
    if live is None or live.pk == version.pk:
        return report, []
    live_ends = {run.situation.pk: run.ended_on for run in version_report(live).runs}
    changes = [
        SituationChange(run.situation, live_ends.get(run.situation.pk), run.ended_on)
        for run in report.runs
        if live_ends.get(run.situation.pk) != run.ended_on
    ]
    return report, changes
