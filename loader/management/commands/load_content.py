from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from loader.carnews import ContentError
from loader.content_loader import load_content


class Command(BaseCommand):
    help = (
        "Fill the database from the content fixtures and the Carnews article they name. "
        "Safe to run again: existing rows are kept as editors left them unless --update is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fixtures",
            type=Path,
            default=settings.CONTENT_FIXTURES_DIR,
            help="Folder holding the *.toml content fixtures (default: %(default)s).",
        )
        parser.add_argument(
            "--update",
            action="store_true",
            help="Overwrite rows that already exist with the fixture version (editors' changes are lost).",
        )

    def handle(self, *args, fixtures: Path, update: bool, **options):
        try:
            report = load_content(fixtures, update=update)
        except ContentError as error:
            raise CommandError(f"{error}\nNothing was changed in the database.") from None
        self.stdout.write(self.style.SUCCESS(f"Content loaded: {report.summary()}"))
