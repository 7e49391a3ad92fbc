"""One run: the servers up, every page answering before the load, the load with its fault, the
limiter phase, what is left to read before the servers stop; then the checks and the summary."""

from __future__ import annotations

import contextlib
import threading
import time

from bench.faults.checks import summarize
from bench.faults.injectors import inject_fault
from bench.faults.measures import cpu_seconds, stored
from bench.faults.owners import Owner, http_status
from bench.faults.schedule import GOODWILL_LIMIT_PER_EMAIL, PAGES, REQUEST_TIMEOUT, Outcome, Run
from bench.faults.site import Shared, Site, start_site


class Load:
    """The owners, each in a thread of their own, the probe and the fault's thread."""

    def __init__(self, run: Run, site: Site):
        self.run = run
        self.owners = [Owner(run, n) for n in range(run.connections)]
        self.prober = Owner(run, run.connections)
        self.threads = [threading.Thread(target=o.loop, name=f"owner-{o.number}", daemon=True) for o in self.owners]
        self.faulting = threading.Thread(
            target=inject_fault, args=(run, site.pg, site.cache, site.database.sqlite_path, self.prober, site.server), daemon=True
        )

    def start(self) -> None:
        for thread in self.threads:
            thread.start()
        if self.run.fault != "none":
            self.faulting.start()

    def stop_owners(self) -> None:
        self.run.stop.set()
        for thread in self.threads:
            if thread.is_alive():
                thread.join(timeout=REQUEST_TIMEOUT + 5)

    def end_fault(self) -> None:  # Ctrl-C or a failure: the fault undone (if it can be) before the servers stop
        self.run.aborted.set()
        if self.faulting.is_alive():
            self.faulting.join(timeout=60)


def run_one(run: Run, shared: Shared | None = None) -> dict:
    """Servers up, load (with the fault), checks; the summary."""
    clock = time.monotonic()
    label = f"{run.database}{' + redis' if run.redis else ''}, fault {run.fault}"
    print(f"## {label}: {run.connections} connections, {run.seconds:g} s", flush=True)
    with contextlib.ExitStack() as stack:
        site = start_site(run, shared, stack)
        setup_seconds = time.monotonic() - clock
        print(f"  servers up and the site prepared in {setup_seconds:.1f} s ({site.server})", flush=True)
        check_pages_answer(run, site)
        outcome = Outcome(
            clock=clock,
            setup_seconds=setup_seconds,
            stored_before=stored(site.database.url, site.database.sqlite_path),
            workers_before=site.server.worker_pids(),
        )
        run_load(run, site, outcome, stack)
        outcome.limiter, outcome.limiter_statuses = check_limiter(run)
        outcome.prober.close()
        outcome.limiter.close()  # no keep-alive connection left for gunicorn to wait on when it stops
        read_what_is_left(site, outcome)
    outcome.teardown_seconds = time.monotonic() - outcome.checks_done
    if run.fault_start is not None and run.fault_end is None:  # the fault could not be undone (a failure noted)
        run.fault_end = outcome.load_seconds
    return summarize(run, outcome)


def check_pages_answer(run: Run, site: Site) -> None:
    """Every page answers 200 before the load (a fast 404 would make a fine figure); warm."""
    run.t0 = time.monotonic()
    for path in PAGES + ["/goodwill/", "/health/"]:
        if (status := http_status(run, path)) != 200:
            raise RuntimeError(f"{path} answered {status} before the load\n{site.server.log()[-3000:]}")


def run_load(run: Run, site: Site, outcome: Outcome, stack: contextlib.ExitStack) -> None:
    """The owners for run.seconds (less if one crashed), the fault in the middle; then the owners
    stopped and the probe given its time to see the recovery."""
    load = Load(run, site)
    outcome.owners, outcome.prober = load.owners, load.prober
    stack.callback(load.end_fault)
    stack.callback(load.stop_owners)
    outcome.cpu_before = cpu_seconds(site.server, site.pg, site.cache, outcome.workers_before)
    run.t0 = outcome.load_start = time.monotonic()
    load.start()
    while run.now() < run.seconds and not run.crashed.is_set():
        time.sleep(0.1)
    outcome.load_seconds = run.now()
    outcome.cpu_after = cpu_seconds(site.server, site.pg, site.cache)
    load.stop_owners()
    if any(thread.is_alive() for thread in load.threads):
        run.note_failure(f"owners still waiting for an answer {REQUEST_TIMEOUT + 5} s after the end")
    if load.faulting.is_alive():  # still probing for the recovery, now without the load
        load.faulting.join(timeout=3 * run.recovery_limit + 2 * REQUEST_TIMEOUT)
    outcome.load_done = time.monotonic()


def check_limiter(run: Run) -> tuple[Owner, list[int]]:
    """The limiter: one address and email, GOODWILL_LIMIT_PER_EMAIL + 2 new requests; the first
    ones accepted, the last two refused with 429 and Retry-After."""
    limiter = Owner(run, run.connections + 1)
    email = f"limit-{run.run_id}@example.org"
    statuses = []
    for _ in range(GOODWILL_LIMIT_PER_EMAIL + 2):
        reply = limiter.goodwill(email=email)
        statuses.append(reply.status if reply else 0)
        if reply is not None and reply.status == 429 and not reply.headers.get("Retry-After", "").isdigit():
            run.note_failure("a 429 from the goodwill limiter without Retry-After")
    expected = [302] * GOODWILL_LIMIT_PER_EMAIL + [429] * 2
    if statuses != expected:
        run.note_failure(f"the goodwill limiter answered {statuses}, not {expected}")
    return limiter, statuses


def read_what_is_left(site: Site, outcome: Outcome) -> None:
    """Before the servers stop: what the database stored, gunicorn's log, workers and master."""
    outcome.stored_after = stored(site.database.url, site.database.sqlite_path)
    outcome.log = site.server.log()
    outcome.workers_after = site.server.worker_pids()
    outcome.alive = site.server.alive()
    outcome.checks_done = time.monotonic()
