from django.core.management.base import BaseCommand, CommandError

from troubleshooter.diagnosis import check_problem
from troubleshooter.models import Problem


class Command(BaseCommand):
    help = "Check every problem's diagnosis: answers lead somewhere, no cycles, all reachable, outcomes say what to do."

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
            faults = check_problem(problem)
            if faults:
                failed += 1
                self.stderr.write(f"{problem.slug}: {len(faults)} fault(s)")
                for fault in faults:
                    self.stderr.write(f"  - {fault}")
            else:
                self.stdout.write(self.style.SUCCESS(f"{problem.slug}: the diagnosis is sound"))
        if failed:
            raise CommandError(f"{failed} problem(s) have a faulty diagnosis")
