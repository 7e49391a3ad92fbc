"""What a run measures besides the answers: the CPU time of this process, gunicorn, PostgreSQL,
Redis and the whole machine (from /proc), and what the database stored."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from pathlib import Path

from bench.faults.schedule import CpuSeconds, Stored


def stored(database_url: str | None, sqlite_path: Path | None) -> Stored:
    """The goodwill letters' tokens and the feedback rows {(browser, cause): "yes"/"no"} in the database."""
    goodwill_sql = "SELECT token FROM guides_goodwillrequest"
    feedback_sql = (
        "SELECT f.client, c.slug, f.solved FROM troubleshooter_feedback f JOIN troubleshooter_cause c ON c.id = f.cause_id"
    )
    if database_url is not None:
        import psycopg

        with psycopg.connect(database_url, autocommit=True, connect_timeout=10) as db:
            tokens = db.execute(goodwill_sql).fetchall()
            feedback = db.execute(feedback_sql).fetchall()
    else:
        with contextlib.closing(sqlite3.connect(sqlite_path, timeout=30)) as db:
            tokens = db.execute(goodwill_sql).fetchall()
            feedback = db.execute(feedback_sql).fetchall()
    return {token for (token,) in tokens}, {(client, slug): "yes" if solved else "no" for client, slug, solved in feedback}


HZ = os.sysconf("SC_CLK_TCK")


def process_seconds(pids) -> float:
    """CPU time (user + system) of these processes, in seconds."""
    ticks = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])  # utime, stime
    return ticks / HZ


def family(pid: int | None) -> set[int]:
    """A process and its descendants now."""
    found, todo = set(), [pid] if pid else []
    while todo:
        current = todo.pop()
        found.add(current)
        with contextlib.suppress(OSError):
            for task in Path(f"/proc/{current}/task").iterdir():
                with contextlib.suppress(OSError):
                    todo += [int(child) for child in (task / "children").read_text().split()]
    return found


def store_pids(pg, cache) -> set[int]:
    """PostgreSQL's processes (its postmaster and backends) and Redis's."""
    pids = set()
    if pg is not None:
        with contextlib.suppress(OSError, ValueError, IndexError):
            pids |= family(int((pg.directory / "data" / "postmaster.pid").read_text().split()[0]))
    if cache is not None and cache.process is not None:
        pids.add(cache.process.pid)
    return pids


def machine_busy_seconds() -> float:
    """Busy CPU time of the whole machine (all but idle and iowait), in seconds."""
    with contextlib.suppress(OSError):
        values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
        return (sum(values[:8]) - values[3] - values[4]) / HZ
    return 0.0


def cpu_seconds(server, pg, cache, workers: set[int] | None = None) -> CpuSeconds:
    """CPU seconds so far: this process (the owners), gunicorn (its master and these workers, or
    its workers now), PostgreSQL and Redis, the whole machine."""
    owners = time.process_time()
    if workers is None:
        workers = server.worker_pids()
    return owners, process_seconds([server.pid, *workers]), process_seconds(store_pids(pg, cache)), machine_busy_seconds()
