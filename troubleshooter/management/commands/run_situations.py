from django.core.management.base import BaseCommand, CommandError

from problems.models import Problem
from troubleshooter.models import DiagnosisVersion
from troubleshooter.situations import SituationReport, version_report


class Command(BaseCommand):
    help = "Walk every owner situation through a problem's diagnosis; print where each ends, the accuracy and screens."

    def add_arguments(self, parser):
        parser.add_argument("problem", nargs="?", metavar="SLUG", help="The problem (default: every published one).")
        parser.add_argument("--draft", action="store_true", help="Run against the draft version instead of the live one.")
        parser.add_argument("-q", "--quiet", action="store_true", help="Only the totals.")

    def handle(self, *args, problem=None, draft=False, quiet=False, **options):
        problems = Problem.objects.filter(slug=problem) if problem else Problem.objects.published()
        if problem and not problems:
            raise CommandError(f"Unknown problem {problem!r}")
        status = DiagnosisVersion.Status.DRAFT if draft else DiagnosisVersion.Status.PUBLISHED
        for p in problems:
            version = DiagnosisVersion.objects.filter(problem=p, status=status).first()
            if version is None:
                raise CommandError(f"{p.slug} has no {status} diagnosis version")
            report = version_report(version)
            self.print_report(p, version, report, quiet)

    def print_report(self, problem, version, report: SituationReport, quiet: bool):
        out = self.stdout.write
        out(f"{problem.slug} v{version.number} ({version.status}): {len(report.runs)} owner situations")
        if not quiet:
            for run in report.runs:
                mark = "ok  " if run.correct else "MISS"
                split = "held-out" if run.situation.held_out else "tuning  "
                ended = run.error or f"{run.ended_on} ({run.likelihood}), {run.screens} screens"
                if not run.error and not run.verdict:  # the honest page: what it names with a check
                    ended += f"; no verdict, named {', '.join(run.named) or 'nothing with a check'} ({run.scored})"
                out(f"  {mark} {split} {run.situation.slug}: expected {run.situation.expected_cause}, ended on {ended}")
        for label, held_out in (("tuning", False), ("held out", True)):
            right, total = report.accuracy(report.part(held_out))
            share = f"{100 * right / total:.0f}%" if total else "-"
            out(f"  {label}: {right}/{total} end on what fixed the car ({share})")
        confirmed = report.confirmed
        if confirmed:
            right, total = report.accuracy(confirmed)
            out(f"  owners' confirmations on the site (approved; apart: owners confirm what they were told): {right}/{total}")
        held = report.part(held_out=True)
        scores = "; ".join(f"{kind} {n}" for kind, n in report.scores(held).items())
        out(f"  held out, scored for honesty: {scores}; confident and wrong {report.confident_wrong(held)}/{len(held)}")
        bands = "; ".join(f"{band.replace('_', ' ')} {right}/{n} right" for band, n, right in report.calibration(held))
        out(f"  held out, per likelihood word of the cause ended on: {bands}")
        out(f"  held out, Brier score of the final figures (0 best, 2 worst): {report.brier(held):.2f}")
        out(f"  median screens from home to the outcome: {report.median_screens:g}")
