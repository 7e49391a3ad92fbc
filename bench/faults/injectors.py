"""The faults: PostgreSQL or Redis stopped and started again, or the SQLite file locked by another
process, at a third of the run for fault_seconds; then the probe until the same gunicorn answers
again."""

from __future__ import annotations

import contextlib
import subprocess
import sys
import time
import traceback
from pathlib import Path

from bench.faults.owners import LETTER, Owner, http_status
from bench.faults.schedule import Run

LOCKER = """
import sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()  # until the benchmark closes our stdin
db.rollback()
"""


@contextlib.contextmanager
def sqlite_locked(path: Path):
    """Another process holding the SQLite file's write lock (as a long migration or a backup would)."""
    locker = subprocess.Popen([sys.executable, "-c", LOCKER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        line = locker.stdout.readline()
        if line.strip() != "locked":
            raise RuntimeError(f"the locking process did not get the lock (exit {locker.poll()})")
        yield
    finally:
        with contextlib.suppress(OSError):
            locker.stdin.close()
        try:
            locker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            locker.kill()
            locker.wait()


def inject_fault(run: Run, pg, cache, sqlite_path: Path | None, prober: Owner, server) -> None:
    """At a third of the run: take the database or the cache away for fault_seconds, bring it
    back, then probe until the same gunicorn answers again (writes too). In a thread of its own."""
    try:
        if run.aborted.wait(max(0.0, run.t0 + run.seconds / 3 - time.monotonic())):
            return
        master = server.pid
        print(f"  {run.now():5.1f} s  fault {run.fault}: on for {run.fault_seconds:g} s", flush=True)
        hold_fault(run, pg, cache, sqlite_path)
        run.fault_end = run.now()
        print(f"  {run.now():5.1f} s  fault {run.fault}: off; probing", flush=True)
        probe_until_recovered(run, prober, server, master)
    except Exception:
        run.note_failure(f"the fault could not be made or undone:\n{traceback.format_exc()}")
        run.crashed.set()


def hold_fault(run: Run, pg, cache, sqlite_path: Path | None) -> None:
    """The SQLite file locked, or PostgreSQL or Redis stopped, for fault_seconds (less if the run
    is aborted); what was stopped is started again."""
    if run.fault == "lock":
        with sqlite_locked(sqlite_path):
            run.fault_start = run.now()
            run.aborted.wait(run.fault_seconds)
    else:
        away = pg if run.fault == "db" else cache
        run.fault_start = run.now()
        away.stop()
        try:
            run.aborted.wait(run.fault_seconds)
        finally:
            away.start()


def probe_until_recovered(run: Run, prober: Owner, server, master: int) -> None:
    """Recovered: /health/ says the database and the cache answer, and a goodwill request (a
    write) is accepted again; or, for the cache, a page is served. Probed until 3x the limit."""
    while run.now() - run.fault_end < 3 * run.recovery_limit and not run.aborted.is_set():
        if server.alive() and server.pid == master and http_status(run, "/health/") == 200 and probe_answered(run, prober):
            run.recovered = run.now()
            print(f"  {run.now():5.1f} s  probe: answering again {run.recovered - run.fault_end:.1f} s after", flush=True)
            return
        time.sleep(0.25)


def probe_answered(run: Run, prober: Owner) -> bool:
    """The probe's request: a page served (the Redis fault), or a goodwill request accepted."""
    if run.fault == "redis":
        reply = prober.get("page", "/")
        return reply is not None and reply.status == 200
    reply = prober.goodwill()
    return reply is not None and reply.status == 302 and LETTER.match(reply.location) is not None
