"""What happened in a run, judged: the answers (no 5xx but the clear 503s in the fault's window,
no 4xx, every request answered), stored = accepted, gunicorn's master and workers, the
recovery; and the run's summary (the figures for the report and --json)."""

from __future__ import annotations

import collections
import re
import time
from dataclasses import dataclass

from bench.faults.report import CLASSES, internal_errors, tally
from bench.faults.schedule import KINDS, WRITES, Outcome, Record, Run
from tests.servers import exceptions_logged


@dataclass
class Accepted:
    """What the site accepted (its answers said so), and what it stored that it had not before."""

    letters: set[str]  # the goodwill letters' tokens
    goodwill_posts: int
    feedback: dict[tuple[str, str], str]  # (browser, cause) -> the last accepted answer
    feedback_posts: int
    new_goodwill: set[str]
    new_feedback: dict[tuple[str, str], str]

    @classmethod
    def of(cls, outcome: Outcome) -> Accepted:
        everyone = outcome.owners + [outcome.prober, outcome.limiter]
        feedback: dict[tuple[str, str], str] = {}
        for owner in outcome.owners:
            feedback |= owner.feedback
        (before_goodwill, before_feedback), (after_goodwill, after_feedback) = outcome.stored_before, outcome.stored_after
        return cls(
            letters=set().union(*(o.goodwill_letters for o in everyone)),
            goodwill_posts=sum(o.goodwill_accepted_posts for o in everyone),
            feedback=feedback,
            feedback_posts=sum(o.feedback_accepted_posts for o in outcome.owners),
            new_goodwill=after_goodwill - before_goodwill,
            new_feedback={k: v for k, v in after_feedback.items() if k not in before_feedback},
        )


def during_fault(run: Run, record: Record) -> bool:
    """503s belong to the fault: from its start until the site answered again (plus 2 s for answers under way)."""
    window_end = (run.recovered if run.recovered is not None else float("inf")) + 2
    return run.fault_start is not None and record.end >= run.fault_start and record.start <= window_end


def answer_failures(run: Run, records: list[Record], total: dict) -> list[str]:
    """No requests, 5xx but 503, unclear 503s, 503s outside the fault, 4xx, requests without an answer."""
    failures = []
    if not records:
        failures.append("no requests at all")
    if total["5xx"]:
        failures.append(f"{total['5xx']} responses 5xx other than 503: {run.server_errors[:5]}")
    unclear = [r for r in records if r.unclear_503]
    if unclear:
        examples = [f"{r.path} at {r.start:.1f} s: {r.unclear_503}" for r in unclear[:5]]
        failures.append(f"{len(unclear)} 503s without the clear page or Retry-After: {examples}")
    outside = [r for r in records if r.status == 503 and not during_fault(run, r)]
    if outside:
        examples = [f"{r.kind} {r.path} at {r.start:.1f} s" for r in outside[:5]]
        failures.append(f"{len(outside)} 503s outside the fault: {examples}")
    fours = [r for r in records if 400 <= r.status < 500]
    if fours:
        failures.append(f"{len(fours)} 4xx in the load: {[f'{r.status} {r.kind} {r.path}' for r in fours[:5]]}")
    if run.errors:
        failures.append(f"{len(run.errors)} requests without an answer: {run.errors[:5]}")
    return failures


def stored_failures(accepted: Accepted) -> list[str]:
    """Stored goodwill requests not exactly the accepted ones; stored feedback not the accepted answers."""
    failures = []
    letters, new_goodwill = accepted.letters, accepted.new_goodwill
    if new_goodwill != letters:
        failures.append(
            f"goodwill: {len(letters)} accepted, {len(new_goodwill)} stored; stored but never accepted: "
            f"{len(new_goodwill - letters)}, accepted but not stored: {len(letters - new_goodwill)}"
        )
    feedback_accepted, new_feedback = accepted.feedback, accepted.new_feedback
    if new_feedback != feedback_accepted:
        wrong = sum(1 for k in feedback_accepted.keys() & new_feedback.keys() if feedback_accepted[k] != new_feedback[k])
        failures.append(
            f"feedback: {len(feedback_accepted)} browser+cause answers accepted, {len(new_feedback)} stored; "
            f"stored but never accepted: {len(new_feedback.keys() - feedback_accepted.keys())}, "
            f"accepted but not stored: {len(feedback_accepted.keys() - new_feedback.keys())}, a different answer stored: {wrong}"
        )
    return failures


def gunicorn_failures(outcome: Outcome) -> list[str]:
    """gunicorn's master ended, or a worker replaced (died or hung)."""
    failures = []
    if not outcome.alive:
        failures.append("gunicorn's master ended")
    replaced = outcome.workers_before - outcome.workers_after
    if replaced:
        restarts = [
            line for line in outcome.log.splitlines() if re.search(r"WORKER TIMEOUT|Worker \(pid:\d+\) (exited|was sent)", line)
        ]
        failures.append(f"gunicorn replaced {len(replaced)} worker(s): {restarts[:5]}")
    return failures


def judge_recovery(run: Run, records: list[Record], in_window: list[Record]) -> tuple[float | None, float | None, list[str]]:
    """The recovery (seconds from the fault's end), the load's first accepted write after it, and
    the failures: no recovery, or too late; for Redis, no page served while it was away."""
    recovery = first_write = None
    failures = []
    if run.fault == "none":
        return recovery, first_write, failures
    # The load's own first accepted write after the fault (the probe's waits for /health/ first).
    writes = [r.end for r in records if r.kind in WRITES and r.status == 302 and r.end > run.fault_end]
    first_write = round(min(writes) - run.fault_end, 1) if writes else None
    if run.recovered is None:
        failures.append(f"no recovery within {3 * run.recovery_limit:g} s of the fault's end")
    else:
        probed = round(run.recovered - run.fault_end, 1)
        if probed > run.recovery_limit:
            failures.append(f"recovered {probed} s after the fault, more than {run.recovery_limit:g} s")
        # Database faults: the first accepted write, the load's or the probe's. Redis: the
        # first page served from the page cache again, or the probe's.
        if run.fault == "redis":
            hits = [r.end - run.fault_end for r in records if r.cache_hit and r.start > run.fault_end]
            recovery = min(probed, round(min(hits), 1)) if hits else probed
        else:
            recovery = probed if first_write is None else min(first_write, probed)
    if run.fault == "redis":
        served = [r for r in in_window if r.kind == "page" and r.status == 200 and r.start <= run.fault_end]
        if not served:
            failures.append("no page served 200 while Redis was away")
    return recovery, first_write, failures


def fault_window_figures(run: Run, in_window: list[Record]) -> dict | None:
    """The answers in the fault's window (None without a fault)."""
    if run.fault_start is None:
        return None
    window = tally(in_window)
    return {
        "start_s": round(run.fault_start, 1),
        "end_s": round(run.fault_end, 1),
        "requests": window["requests"],
        "503": window["503"],
        "2xx": window["2xx"],
        "pages_200": sum(1 for r in in_window if r.kind == "page" and r.status == 200),
    }


def cpu_percent(outcome: Outcome) -> dict:
    """Percent of one core during the load: this script's owners, gunicorn, everything else on the machine."""
    client_cpu, server_cpu, store_cpu, machine_cpu = (a - b for a, b in zip(outcome.cpu_after, outcome.cpu_before, strict=True))
    load_seconds = outcome.load_seconds
    return {
        "load_generator": round(100 * client_cpu / load_seconds),
        "gunicorn": round(100 * server_cpu / load_seconds),
        "postgres_redis": round(100 * store_cpu / load_seconds),
        "other_processes": round(100 * max(0.0, machine_cpu - client_cpu - server_cpu - store_cpu) / load_seconds),
    }


def phases_seconds(outcome: Outcome) -> dict:
    """Where the wall time went: servers and site, the load (and the probe after it), the limiter and the counts, stopping."""
    return {
        "setup": round(outcome.setup_seconds, 1),
        "preflight": round(outcome.load_start - outcome.clock - outcome.setup_seconds, 1),
        "load": round(outcome.load_done - outcome.load_start, 1),
        "checks": round(outcome.checks_done - outcome.load_done, 1),
        "teardown": round(outcome.teardown_seconds, 1),
    }


def summarize(run: Run, outcome: Outcome) -> dict:
    """The run's failures and figures (printed, and written by --json); a 500's traceback printed."""
    records = [r for o in outcome.owners + [outcome.prober] for r in o.records]
    kinds = sorted({r.kind for r in records}, key=KINDS.index)
    per_kind = {kind: tally([r for r in records if r.kind == kind]) for kind in kinds}
    total = tally(records)
    accepted = Accepted.of(outcome)
    in_window = [r for r in records if during_fault(run, r)]
    recovery, first_write, recovery_failures = judge_recovery(run, records, in_window)
    failures = list(run.failures) + answer_failures(run, records, total) + stored_failures(accepted)
    failures += gunicorn_failures(outcome) + recovery_failures
    if total["5xx"]:
        for block in internal_errors(outcome.log):
            print(f"--- a 500 in gunicorn's log:\n{block}\n---", flush=True)
    load_seconds = outcome.load_seconds
    summary = {
        "database": run.database,
        "redis": run.redis,
        "fault": run.fault,
        "connections": run.connections,
        "seconds": round(load_seconds, 1),
        "requests": total["requests"],
        "requests_per_second": round(total["requests"] / load_seconds, 1) if load_seconds else 0,
        "status": {c: total[c] for c in CLASSES},
        "p50_ms": total["p50_ms"],
        "p99_ms": total["p99_ms"],
        "per_kind": per_kind,
        "goodwill": {
            "accepted": len(accepted.letters),
            "accepted_posts": accepted.goodwill_posts,
            "stored": len(accepted.new_goodwill),
        },
        "feedback": {
            "accepted": len(accepted.feedback),
            "accepted_posts": accepted.feedback_posts,
            "stored": len(accepted.new_feedback),
        },
        "limiter": outcome.limiter_statuses,
        "fault_window": fault_window_figures(run, in_window),
        "recovery_seconds": recovery,
        "probe_ok_after_fault_seconds": None if run.recovered is None else round(run.recovered - run.fault_end, 1),
        "first_write_after_fault_seconds": first_write,
        "gunicorn": {"master_alive": outcome.alive, "workers_replaced": len(outcome.workers_before - outcome.workers_after)},
        "exceptions_logged": dict(collections.Counter(exceptions_logged(outcome.log)).most_common(10)),
        "cpu_percent": cpu_percent(outcome),
        "setup_seconds": round(outcome.setup_seconds, 1),
        "phases_seconds": phases_seconds(outcome),
        "wall_seconds": round(time.monotonic() - outcome.clock, 1),
        "failures": failures,
        "ok": not failures,
    }
    phases = ", ".join(f"{name} {seconds:g}" for name, seconds in summary["phases_seconds"].items())
    print(f"  done in {summary['wall_seconds']} s ({phases}): {'ok' if summary['ok'] else 'FAILED'}", flush=True)
    return summary
