"""The figures: answers tallied by status class with their latencies, a 500's traceback from
gunicorn's log, and the report printed at the end (the markdown tables for docs/PERFORMANCE.md,
the exceptions logged, the failures)."""

from __future__ import annotations

import collections
import os

from bench.faults.schedule import THREADS, WORKERS, Record


def percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def status_class(status: int) -> str:
    if status == 0:
        return "error"
    if status == 503:
        return "503"
    if status >= 500:
        return "5xx"
    return f"{status // 100}xx"


CLASSES = ["2xx", "3xx", "4xx", "503", "5xx", "error"]


def tally(records: list[Record]) -> dict:
    counts = collections.Counter(status_class(r.status) for r in records)
    latencies = [(r.end - r.start) * 1000 for r in records if r.status]
    p50, p99 = percentile(latencies, 0.5), percentile(latencies, 0.99)
    return (
        {"requests": len(records)}
        | {c: counts.get(c, 0) for c in CLASSES}
        | {
            "p50_ms": round(p50, 1) if p50 is not None else None,
            "p99_ms": round(p99, 1) if p99 is not None else None,
        }
    )


def internal_errors(log: str, limit: int = 3) -> list[str]:
    """The first few distinct 500s in gunicorn's log: Django's "Internal Server Error: /path" and its traceback."""
    lines = log.splitlines()
    blocks, seen = [], set()
    for number, line in enumerate(lines):
        if not line.startswith("Internal Server Error:"):
            continue
        block = [line]
        for later in lines[number + 1 : number + 200]:
            if later.startswith(("Internal Server Error:", "Service Unavailable:", "[")) and len(block) > 1:
                break
            block.append(later)
        last = next((b for b in reversed(block) if b.strip() and not b.startswith((" ", "\t"))), "")
        if last not in seen:
            seen.add(last)
            blocks.append("\n".join(block))
        if len(blocks) >= limit:
            break
    return blocks


def recovery_cell(summary: dict) -> str:
    """The recovery column: seconds (and the probe's), "none", or "–" without a fault."""
    if summary["fault"] == "none":
        return "–"
    if summary["recovery_seconds"] is None:
        return "none"
    return f"{summary['recovery_seconds']:g} (probe {summary['probe_ok_after_fault_seconds']:g})"


def markdown(summaries: list[dict]) -> str:
    head = (
        "| Database | Fault | Connections | Seconds | Requests | Req/s | 2xx | 3xx | 4xx | 503 | Other 5xx | No answer "
        "| p50 / p99 ms | Goodwill accepted / stored | Feedback accepted / stored | 503 in fault window | Recovery s "
        "| CPU % load / gunicorn / db+cache / other | Result |"
    )
    lines = [head, "|" + " --- |" * 2 + " ---: |" * 16 + " --- |"]
    for s in summaries:
        st, window, cpu = s["status"], s["fault_window"], s["cpu_percent"]
        lines.append(
            f"| {s['database']}{' + Redis' if s['redis'] else ''} | {s['fault']} | {s['connections']} | {s['seconds']:g} "
            f"| {s['requests']} | {s['requests_per_second']:.0f} | {st['2xx']} | {st['3xx']} | {st['4xx']} | {st['503']} "
            f"| {st['5xx']} | {st['error']} | {s['p50_ms']} / {s['p99_ms']} "
            f"| {s['goodwill']['accepted']} / {s['goodwill']['stored']} "
            f"| {s['feedback']['accepted']} / {s['feedback']['stored']} "
            f"| {'–' if window is None else window['503']} | {recovery_cell(s)} "
            f"| {cpu['load_generator']} / {cpu['gunicorn']} / {cpu['postgres_redis']} / {cpu['other_processes']} "
            f"| {'ok' if s['ok'] else 'FAILED'} |"
        )
    lines += ["", "| Run | Kind | Requests | 2xx | 3xx | 4xx | 503 | Other 5xx | No answer | p50 ms | p99 ms |"]
    lines.append("| --- | --- |" + " ---: |" * 9)
    for s in summaries:
        name = f"{s['database']}{' + Redis' if s['redis'] else ''}, {s['fault']}"
        for kind, t in s["per_kind"].items():
            lines.append(
                f"| {name} | {kind} | {t['requests']} | {t['2xx']} | {t['3xx']} | {t['4xx']} | {t['503']} | {t['5xx']} "
                f"| {t['error']} | {t['p50_ms']} | {t['p99_ms']} |"
            )
    return "\n".join(lines)


def print_report(summaries: list[dict], wall: float) -> None:
    """The runs' tables, the exceptions they logged and their failures, after the last run."""
    print()
    print(f"{len(summaries)} run(s) in {wall} s; {os.cpu_count()} cores; gunicorn {WORKERS} workers x {THREADS} threads")
    print()
    print(markdown(summaries))
    print()
    for s in summaries:
        logged = "; ".join(f"{count} x {line[:140]}" for line, count in list(s["exceptions_logged"].items())[:3])
        print(f"Logged exceptions ({s['database']}, {s['fault']}): {logged or 'none'}")
    for s in summaries:
        for failure in s["failures"]:
            print(f"FAILED ({s['database']}, {s['fault']}): {failure}")
