"""Copy the SQLite database to one file while the site keeps running (SQLite's online backup).

Restore: stop the app servers, copy the file into place as SQLITE_PATH, delete any
SQLITE_PATH-wal and SQLITE_PATH-shm beside it, start the app servers.
"""

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Write a copy of the SQLite database (content and owners' requests) to PATH, while the site keeps running."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="The file to write, e.g. backups/micra-2025-01-31.sqlite3")
        parser.add_argument("--force", action="store_true", help="Replace PATH if it already exists.")

    def handle(self, *args, path, force, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("The database is not SQLite: back it up with pg_dump instead (see docs/deploy.md).")
        source, target = Path(database["NAME"]), Path(path)
        if not source.is_file():
            raise CommandError(f"There is no database at {source}: check SQLITE_PATH.")
        if target.exists() and not force:
            raise CommandError(f"{target} already exists: choose another name, or add --force to replace it.")
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        timeout = database.get("OPTIONS", {}).get("timeout", 20)
        with closing(sqlite3.connect(source, timeout=timeout)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)  # in one step: one moment's snapshot, and the site's writers are not held up (WAL)
            dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
            tables = dst.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            table_count = tables.fetchone()[0]
        os.replace(partial, target)  # only a finished copy ever has the name
        self.stdout.write(f"Wrote {target} ({target.stat().st_size / 1e6:.1f} MB, {table_count} tables).")
