"""Run the owner situations against a diagnosis version: does each owner end on what fixed their car?

Each situation is walked as that owner would: they answer what they know and "not sure"
to the rest. Used by `manage.py run_situations`, by the tests, and (later) by the admin
before a draft goes live.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

from troubleshooter.diagnosis import InvalidState, Model, owner_walk, parse_state, query_pairs
from troubleshooter.models import DiagnosisVersion, Situation
from troubleshooter.selectors import diagnosis_model


@dataclass
class SituationRun:
    situation: Situation
    ended_on: str | None
    likelihood: str
    screens: int
    error: str = ""

    @property
    def correct(self) -> bool:
        return self.ended_on == self.situation.expected_cause


@dataclass
class SituationReport:
    runs: list[SituationRun]

    def part(self, held_out: bool) -> list[SituationRun]:
        return [r for r in self.runs if r.situation.held_out == held_out]

    @staticmethod
    def accuracy(runs: list[SituationRun]) -> tuple[int, int]:
        return sum(r.correct for r in runs), len(runs)

    @property
    def median_screens(self) -> float:
        return statistics.median(r.screens for r in self.runs) if self.runs else 0


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
        runs.append(SituationRun(situation, result.leader.cause.slug, result.leader.likelihood_word, screens))
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
    return run_situations(diagnosis_model(version), Situation.objects.filter(problem=version.problem))


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
