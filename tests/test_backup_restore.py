"""Backups that restore: the content, an editor's change and the owners' goodwill requests come back
row for row, and the site runs on the restored copy.

SQLite: `manage.py backup_sqlite` (SQLite's online backup), also while another connection writes.
PostgreSQL: a real `pg_dump --format=custom`, `pg_restore` into an empty database.
The operator's steps are in docs/deploy.md; the helpers below follow them.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from goodwill.models import GoodwillRequest
from guides.models import FAQ
from tests.factories import make_goodwill_request
from tests.test_history import change

ROOT = Path(__file__).resolve().parent.parent
EDITED_ANSWER = "Edited before the backup: spray contact cleaner on the microswitch, then test it."
# Read through the site's own code, in a fresh process, from the database its environment points at.
READ_SITE = """
import json
from django.core.management import call_command
from django.test import Client
call_command("check")
call_command("migrate", check=True, verbosity=0)  # exits 1 if the copy lacks a migration
from guides.models import FAQ
from goodwill.models import GoodwillRequest
faq = FAQ.objects.get(answer__startswith="Edited before the backup")
page = Client().get(f"/problems/{faq.problem.slug}/faq/")
requests = [[r.reference, r.owner_name, r.owner_email, r.created_at.isoformat()] for r in GoodwillRequest.objects.order_by("pk")]
print(json.dumps({"status": page.status_code, "shown": faq.answer[:40] in page.content.decode(), "requests": requests}))
"""


@pytest.fixture
def site_data(live_content, admin_client):
    """The real content, an editor's change made in the admin, and two owners' requests."""
    faq = FAQ.objects.published().first()
    change(admin_client, faq, answer=EDITED_ANSWER)
    make_goodwill_request(form_key="backup-1", owner_name="Anna Jansen")
    make_goodwill_request(form_key="backup-2", owner_name="Bram de Wit", owner_email="bram@example.org")
    return [[r.reference, r.owner_name, r.owner_email, r.created_at.isoformat()] for r in GoodwillRequest.objects.order_by("pk")]


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    command = [sys.executable, "manage.py", *args]
    result = subprocess.run(command, cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result


def read_site(env: dict) -> dict:
    """The goodwill requests and the edited FAQ's page, as the restored site serves them (after Django's checks)."""
    return json.loads(manage("shell", "-c", READ_SITE, env=env).stdout.strip().splitlines()[-1])


def assert_site_serves(env: dict, requests: list):
    site = read_site(env)
    assert site["requests"] == requests
    assert (site["status"], site["shown"]) == (200, True)


# SQLite


def sqlite_dump(path) -> dict:
    """Schema and every table's rows (sqlite_sequence too: new rows must not reuse old ids)."""
    db = sqlite3.connect(path)
    try:
        schema = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name").fetchall()
        tables = {}
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
            columns = len(db.execute(f'PRAGMA table_info("{name}")').fetchall())
            order = ", ".join(str(i) for i in range(1, columns + 1))
            tables[name] = db.execute(f'SELECT * FROM "{name}" ORDER BY {order}').fetchall()
        return {"schema": schema, "tables": tables}
    finally:
        db.close()


def restore_sqlite(backup: Path, sqlite_path: Path):
    """The operator's restore, with the app servers stopped: the file into place, no old -wal/-shm beside it."""
    shutil.copyfile(backup, sqlite_path)
    for suffix in ("-wal", "-shm"):
        Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)


class SessionWriter(threading.Thread):
    """Another connection writing all along: batches of sessions, each batch one transaction."""

    BATCH = 25

    def __init__(self, path: str):
        super().__init__(daemon=True)
        self.path, self.batches, self.stop = path, 0, threading.Event()
        self.written = threading.Condition()

    def run(self):
        db = sqlite3.connect(self.path, timeout=20, isolation_level=None)
        try:
            while not self.stop.is_set():
                db.execute("BEGIN IMMEDIATE")
                for i in range(self.BATCH):
                    key = f"writer-{self.batches:06d}-{i:03d}"
                    db.execute("INSERT INTO django_session VALUES (?, 'x', '2099-01-01 00:00:00')", [key])
                db.execute("COMMIT")
                with self.written:
                    self.batches += 1
                    self.written.notify_all()
                self.stop.wait(0.005)
        finally:
            db.close()

    def wait_for(self, batches: int):
        with self.written:
            assert self.written.wait_for(lambda: self.batches >= batches or not self.is_alive(), timeout=60)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="backup_sqlite is for SQLite; PostgreSQL below")
def test_a_sqlite_backup_is_the_whole_database_and_the_site_runs_on_it(site_data, tmp_path):
    database = connection.settings_dict["NAME"]
    assert len(site_data) == 2

    # From within the site's own process, nothing else writing: the copy is the database, row for row.
    quiet = tmp_path / "quiet.sqlite3"
    call_command("backup_sqlite", str(quiet))
    original, copy = sqlite_dump(database), sqlite_dump(quiet)
    assert copy["schema"] == original["schema"]
    assert copy["tables"].keys() == original["tables"].keys()
    for table, rows in original["tables"].items():
        assert copy["tables"][table] == rows, f"{table} differs in the backup"
    assert len(copy["tables"]["guides_goodwillrequest"]) == 2
    assert sum(map(len, original["tables"].values())) > 500  # the real content, not an empty database

    # As an operator runs it, from another process, while another connection keeps writing.
    busy = tmp_path / "busy.sqlite3"
    writer = SessionWriter(database)
    writer.start()
    try:
        writer.wait_for(1)
        printed = manage("backup_sqlite", str(busy), env={"SQLITE_PATH": database}).stdout
        writer.wait_for(writer.batches + 1)  # still writing after the copy was taken
    finally:
        writer.stop.set()
        writer.join(timeout=30)
    django_tables = [table for table in original["tables"] if not table.startswith("sqlite_")]
    assert f"Wrote {busy} (" in printed and f"{len(django_tables)} tables)" in printed
    after, copy = sqlite_dump(database), sqlite_dump(busy)
    assert copy["schema"] == after["schema"]
    for table, rows in after["tables"].items():
        if table != "django_session":
            assert copy["tables"][table] == original["tables"][table] == rows, f"{table} differs in the backup"

    # The sessions: one moment's snapshot of them, whole batches only (never half a transaction).
    def split(rows):
        return [r for r in rows if not r[0].startswith("writer-")], [r for r in rows if r[0].startswith("writer-")]

    (others, copied), (_, writes) = split(copy["tables"]["django_session"]), split(after["tables"]["django_session"])
    assert others == original["tables"]["django_session"]
    assert 0 < len(copied) < len(writes) and len(copied) % SessionWriter.BATCH == 0
    assert copied == writes[: len(copied)]

    # Refuses to overwrite a backup unless told to.
    with pytest.raises(CommandError, match="already exists"):
        call_command("backup_sqlite", str(busy))
    call_command("backup_sqlite", str(busy), "--force")

    # Restore: the file into place as SQLITE_PATH, and the site serves the requests and the edited FAQ.
    live = tmp_path / "live" / "db.sqlite3"
    live.parent.mkdir()
    restore_sqlite(quiet, live)
    assert_site_serves({"SQLITE_PATH": str(live)}, site_data)


# PostgreSQL


def pg_bin(name: str) -> str:
    """The newest installed client (pg_dump refuses servers newer than itself)."""
    found = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), key=lambda p: int(p.parts[-3]))
    assert found, f"{name} not found under /usr/lib/postgresql: install postgresql-client"
    return str(found[-1])


def pg_params(dbname: str) -> dict:
    db = connection.settings_dict
    params = {"dbname": dbname, "user": db["USER"], "password": db["PASSWORD"], "host": db["HOST"], "port": db["PORT"]}
    return {key: str(value) for key, value in params.items() if value}


def pg(tool: str, *args: str, dbname: str) -> None:
    params = pg_params(dbname)
    flags = {"host": "--host", "port": "--port", "user": "--username"}
    options = [f"{flag}={params[key]}" for key, flag in flags.items() if key in params]
    env = os.environ | ({"PGPASSWORD": params["password"]} if "password" in params else {})
    result = subprocess.run([pg_bin(tool), *options, *args], env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{tool}: {result.stderr}"


def pg_dump_rows(dbname: str) -> dict:
    """Every table's rows and every sequence's position."""
    import psycopg

    with psycopg.connect(**pg_params(dbname)) as db:
        names = [name for (name,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")]
        tables = {name: db.execute(f'SELECT * FROM "{name}" t ORDER BY t::text').fetchall() for name in names}
        sequences = db.execute(
            "SELECT sequencename, last_value FROM pg_sequences WHERE schemaname = 'public' ORDER BY 1"
        ).fetchall()
    return {"tables": tables, "sequences": sequences}


def database_url(dbname: str) -> str:
    p = pg_params(dbname)
    auth = quote(p.get("user", ""), safe="") + (f":{quote(p['password'], safe='')}" if "password" in p else "")
    return f"postgres://{auth}@{p.get('host', 'localhost')}:{p.get('port', 5432)}/{dbname}"


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump is for PostgreSQL; SQLite above")
def test_a_pg_dump_restores_into_an_empty_database_row_for_row(site_data, tmp_path):
    with pytest.raises(CommandError, match="pg_dump"):
        call_command("backup_sqlite", str(tmp_path / "micra.sqlite3"))
    name = connection.settings_dict["NAME"]
    restored = f"{name}_restored"
    dump = tmp_path / "micra.dump"
    pg("pg_dump", "--format=custom", f"--file={dump}", name, dbname=name)
    pg("dropdb", "--if-exists", restored, dbname=name)
    pg("createdb", "--template=template0", restored, dbname=name)
    try:
        pg("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump), dbname=name)
        original, copy = pg_dump_rows(name), pg_dump_rows(restored)
        assert copy["tables"].keys() == original["tables"].keys()
        for table, rows in original["tables"].items():
            assert copy["tables"][table] == rows, f"{table} differs in the restored database"
        assert copy["sequences"] == original["sequences"]
        assert len(copy["tables"]["guides_goodwillrequest"]) == 2
        assert sum(map(len, original["tables"].values())) > 500  # the real content, not an empty database
        assert_site_serves({"DATABASE_URL": database_url(restored), "DB_CONN_MAX_AGE": "0"}, site_data)
    finally:
        pg("dropdb", "--if-exists", restored, dbname=name)
