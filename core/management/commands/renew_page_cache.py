from django.core.management.base import BaseCommand

from pagecache.cache import new_version


class Command(BaseCommand):
    help = (
        "Make every app server stop serving its cached pages at once (a new content version). "
        "Run it after a change the site could not see: a database restored from a backup, or rows changed by hand in SQL."
    )

    def handle(self, *args, **options):
        new_version()
        self.stdout.write("Cached pages renewed: every app server renders them again from the database.")
