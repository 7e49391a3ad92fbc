from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from goodwill.services import erase_personal_data


class Command(BaseCommand):
    help = "Erase owners' personal data from goodwill requests older than the retention period."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.GOODWILL_RETENTION_DAYS,
            help="Erase requests older than this many days (default: GOODWILL_RETENTION_DAYS, %(default)s).",
        )

    def handle(self, *args, days: int, **options):
        if days < 0:
            raise CommandError("--days must be 0 or more")
        erased = erase_personal_data(timedelta(days=days))
        self.stdout.write(self.style.SUCCESS(f"Erased personal data from {erased} goodwill request(s) older than {days} days."))
