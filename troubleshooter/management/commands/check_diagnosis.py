from django.core.management.base import BaseCommand, CommandError

from problems.models import Problem
from troubleshooter.models import DiagnosisVersion
from troubleshooter.services import check_version


class Command(BaseCommand):
    help = (
        "Check each problem's live diagnosis (and its draft): every cause can lead, every question separates "
        "causes, every cause says what to do, one catch-all, a sane stop threshold."
    )

    def add_arguments(self, parser):
        parser.add_argument("problems", nargs="*", metavar="SLUG", help="Only these problems (default: all).")

    def handle(self, *args, problems, **options):
        queryset = Problem.objects.all()
        if problems:
            queryset = queryset.filter(slug__in=problems)
            unknown = set(problems) - set(queryset.values_list("slug", flat=True))
            if unknown:
                raise CommandError(f"Unknown problem(s): {', '.join(sorted(unknown))}")
        failed = 0
        for problem in queryset:
            versions = DiagnosisVersion.objects.filter(
                problem=problem, status__in=[DiagnosisVersion.Status.PUBLISHED, DiagnosisVersion.Status.DRAFT]
            )
            if not versions:
                self.stderr.write(f"{problem.slug}: no published or draft diagnosis")
                failed += 1
            for version in versions:
                faults = check_version(version)
                label = f"{problem.slug} v{version.number} ({version.get_status_display().lower()})"
                if faults:
                    failed += 1
                    self.stderr.write(f"{label}: {len(faults)} fault(s)")
                    for fault in faults:
                        self.stderr.write(f"  - {fault}")
                else:
                    self.stdout.write(self.style.SUCCESS(f"{label}: the diagnosis is sound"))
        if failed:
            raise CommandError(f"{failed} diagnosis version(s) have faults")
