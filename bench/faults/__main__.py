"""The command: `python -m bench.faults` from the repository's root (see bench/faults/__init__.py)."""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

import bench.faults
from bench.faults.report import print_report
from bench.faults.runner import run_one
from bench.faults.schedule import MAX_CONNECTIONS, MAX_SECONDS, REQUEST_TIMEOUT, Run
from bench.faults.site import Shared


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.faults",
        description=bench.faults.__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--database", choices=["sqlite", "postgres"])
    parser.add_argument("--redis", action="store_true", help="the cache in Redis (implied by --fault redis)")
    parser.add_argument("--fault", choices=["none", "db", "lock", "redis"], default="none")
    parser.add_argument("--seconds", type=float, help=f"load duration (60; at most {MAX_SECONDS})")
    parser.add_argument("--connections", type=int, default=64, help=f"concurrent owners (at most {MAX_CONNECTIONS})")
    parser.add_argument("--fault-seconds", type=float, help="how long the fault lasts (4; --quick 2.5)")
    parser.add_argument("--recovery-limit", type=float, default=10, help="seconds after the fault to answer again (10)")
    parser.add_argument("--quick", action="store_true", help="CI: the three faults (db, lock, redis), 6 s each, in one process")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write the summary here")
    args = parser.parse_args(argv)
    if args.quick and (args.database or args.fault != "none"):
        parser.error("--quick runs its own set of faults: no --database or --fault with it")
    if not args.quick and not args.database:
        parser.error("--database is required (or --quick)")
    # CI's short runs: the same checks, with a fault of 2.5 s in 6 s of load (the load saturates
    # both cores, so every second of it is a second the rest of CI waits).
    if args.seconds is None:
        args.seconds = 6 if args.quick else 60
    if args.fault_seconds is None:
        args.fault_seconds = 2.5 if args.quick else 4
    if not 1 <= args.seconds <= MAX_SECONDS:
        parser.error(f"--seconds: 1 to {MAX_SECONDS}")
    if not 1 <= args.connections <= MAX_CONNECTIONS:
        parser.error(f"--connections: 1 to {MAX_CONNECTIONS}")
    if not 0.5 <= args.fault_seconds <= 60:
        parser.error("--fault-seconds: 0.5 to 60")
    if args.fault == "db" and args.database != "postgres":
        parser.error("--fault db stops PostgreSQL: use --database postgres")
    if args.fault == "lock" and args.database != "sqlite":
        parser.error("--fault lock locks the SQLite file: use --database sqlite")
    if (args.quick or args.fault != "none") and args.fault_seconds >= args.seconds / 2:
        parser.error("--fault-seconds must be less than half of --seconds")
    return args


class Interrupted(BaseException):
    pass


def plan_of(args: argparse.Namespace) -> list[tuple[str, str, bool]]:
    """The runs: (database, fault, with Redis) each."""
    if args.quick:
        return [("postgres", "db", False), ("sqlite", "lock", False), ("postgres", "redis", True)]
    return [(args.database, args.fault, args.redis or args.fault == "redis")]


def run_plan(args: argparse.Namespace, plan: list[tuple[str, str, bool]]) -> list[dict]:
    """The runs one after the other, each ended by an alarm if it hangs; their summaries."""
    summaries = []
    with contextlib.ExitStack() as stack:
        shared = None
        if len(plan) > 1:
            shared = Shared(stack, Path(tempfile.mkdtemp(prefix="micra-faults-shared.")))
            stack.callback(shutil.rmtree, shared.directory, ignore_errors=True)
        for database, fault, with_redis in plan:
            # A hung run is ended: the load, the fault and its recovery, and the servers' start.
            signal.alarm(int(args.seconds + 3 * args.recovery_limit + 2 * REQUEST_TIMEOUT + 300))
            run = Run(database, fault, with_redis, args.seconds, args.connections, args.fault_seconds, args.recovery_limit)
            run.seed = args.seed
            summaries.append(run_one(run, shared))
            signal.alarm(0)
    return summaries


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    plan = plan_of(args)

    def interrupted(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGALRM, interrupted)
    clock = time.monotonic()
    try:
        summaries = run_plan(args, plan)
    except (KeyboardInterrupt, Interrupted) as stop:
        signal.alarm(0)
        print(f"bench.faults: stopped ({str(stop) or 'Ctrl-C'}); servers stopped and removed", file=sys.stderr)
        return 130
    wall = round(time.monotonic() - clock, 1)
    print_report(summaries, wall)
    ok = all(s["ok"] for s in summaries)
    if args.json:
        args.json.write_text(json.dumps({"runs": summaries, "wall_seconds": wall, "ok": ok}, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
