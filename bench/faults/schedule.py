"""The load and its fault: the bounds, what the owners ask for and how often, one run's settings
and timeline (Run), and the records: each answer (Reply, Record) and what a run measured (Outcome)."""

from __future__ import annotations

import gzip
import http.client
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from bench.faults.owners import Owner

MAX_SECONDS = 600
MAX_CONNECTIONS = 128
WORKERS, THREADS = 2, 4
REQUEST_TIMEOUT = 40  # s; more than SQLite's default busy timeout (20 s): a slow answer is not a lost one
GOODWILL_LIMIT_PER_EMAIL = 3  # per address and email; the load's emails are unique, the limiter phase's is not

PROBLEM = "/problems/micra-k12-boot-lock/"
PAGES = [
    "/",
    PROBLEM,
    "/guides/replace-microswitch/",
    "/guides/open-boot-from-inside/",
    "/guides/string-pull-stop-gap/",
    "/guides/test-switch-and-mechanism/",
    "/guides/replace-microswitch/?step=3",
    f"{PROBLEM}faq/",
    f"{PROBLEM}prevention/",
    f"{PROBLEM}outcomes/microswitch-failed/",
    f"{PROBLEM}diagnose/?signs=answered&signs=no-click",
    f"{PROBLEM}diagnose/?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click",
]
SEARCH_WORDS = ["rain", "click", "remote", "wet", "button", "stuck", "boot", "lock", "switch", "cold"]
# What each loop of an owner does (cumulative shares): a page, a walk, a goodwill request.
MIX = [("page", 0.45), ("walk", 0.82), ("goodwill", 1.0)]
FEEDBACK_SHARE = 0.6  # walks that end with "Did this solve it?" answered
DOUBLE_TAP_SHARE = 0.1  # goodwill requests sent twice

KINDS = ["page", "diagnosis", "feedback", "goodwill form", "goodwill post", "goodwill letter"]
WRITES = ("feedback", "goodwill post")
# The clear 503s: the site's own page, the goodwill form's and the feedback answer's.
CLEAR_503 = ("The site can't answer for a moment", "We can't take requests for a moment", "could not be stored just now")


@dataclass
class Reply:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def location(self) -> str:
        return self.headers.get("Location", "")

    @property
    def text(self) -> str:
        body = self.body
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        return body.decode(errors="replace")


@dataclass
class Record:
    kind: str
    start: float  # seconds since the load began
    end: float
    status: int  # 0: no answer (connection error, timeout)
    path: str
    unclear_503: str = ""  # what is wrong with a 503 (no clear page, no Retry-After)
    cache_hit: bool = False  # served from the page cache


@dataclass
class Run:
    database: str
    fault: str
    redis: bool
    seconds: float
    connections: int
    fault_seconds: float
    recovery_limit: float
    seed: int = 1
    base_url: str = ""
    run_id: str = field(default_factory=lambda: secrets.token_hex(4))
    t0: float = 0.0
    stop: threading.Event = field(default_factory=threading.Event)
    aborted: threading.Event = field(default_factory=threading.Event)  # Ctrl-C or a failure: the fault ends now
    crashed: threading.Event = field(default_factory=threading.Event)
    failures: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    # Seconds since the load began: the fault, and when the site answered again.
    fault_start: float | None = None
    fault_end: float | None = None
    recovered: float | None = None

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname

    @property
    def port(self) -> int:
        return urlsplit(self.base_url).port

    @property
    def host_header(self) -> str:
        return urlsplit(self.base_url).netloc

    def now(self) -> float:
        return time.monotonic() - self.t0

    def note_failure(self, text: str) -> None:
        with self.lock:
            self.failures.append(text)

    def note_error(self, text: str) -> None:
        with self.lock:
            self.errors.append(text)

    def note_server_error(self, text: str) -> None:
        with self.lock:
            self.server_errors.append(text)


# CPU seconds: this process (the owners), gunicorn (master and workers), PostgreSQL and Redis, the whole machine.
CpuSeconds = tuple[float, float, float, float]
# What the database holds: the goodwill letters' tokens and the feedback {(browser, cause): "yes"/"no"}.
Stored = tuple[set[str], dict[tuple[str, str], str]]


@dataclass
class Outcome:
    """What one run measured, filled in as it goes (the times are time.monotonic()'s, the
    durations seconds): the checks and the summary are made from it after the servers stopped."""

    clock: float  # the run's start
    setup_seconds: float  # servers up and the site prepared
    stored_before: Stored
    workers_before: set[int]
    owners: list[Owner] = field(default_factory=list)
    prober: Owner | None = None
    limiter: Owner | None = None
    limiter_statuses: list[int] = field(default_factory=list)
    cpu_before: CpuSeconds = (0.0, 0.0, 0.0, 0.0)
    cpu_after: CpuSeconds = (0.0, 0.0, 0.0, 0.0)
    load_start: float = 0.0
    load_seconds: float = 0.0
    load_done: float = 0.0  # the owners stopped, the probe done
    stored_after: Stored = (set(), {})
    workers_after: set[int] = field(default_factory=set)
    alive: bool = False  # gunicorn's master, at the end
    log: str = ""  # gunicorn's
    checks_done: float = 0.0
    teardown_seconds: float = 0.0
