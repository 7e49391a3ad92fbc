"""Load with faults: owners browsing, walking the diagnosis, answering "Did this solve it?" and
sending goodwill requests on many connections at once, against servers this script starts on
127.0.0.1 and stops again; optionally with the database or the cache taken away for a few
seconds in the middle of the run.

    .venv/bin/python bench/faults.py --database sqlite                      # 64 connections, 60 s
    .venv/bin/python bench/faults.py --database postgres --redis
    .venv/bin/python bench/faults.py --database postgres --fault db --seconds 20
    .venv/bin/python bench/faults.py --database sqlite --fault lock --seconds 20
    .venv/bin/python bench/faults.py --database postgres --redis --fault redis --seconds 20
    .venv/bin/python bench/faults.py --quick                                # CI: the three faults, 6 s each
    (options: --connections N, --seconds S, --fault-seconds F, --recovery-limit R, --seed, --json PATH)

Each run starts its own servers (tests/servers.py): a throwaway PostgreSQL cluster or a SQLite
file in a temporary directory, Redis with --redis (or --fault redis), the site prepared as a
deployment prepares it (migrate, load_content, collectstatic) and gunicorn with production
settings (2 workers, 4 threads each). Everything listens on 127.0.0.1 only and is removed at
exit, also on Ctrl-C or failure. Runs are bounded: at most MAX_SECONDS of load on at most
MAX_CONNECTIONS connections, and an alarm ends a run that hangs. --quick runs the three faults
one after the other in one process (about 50 s on 2 busy cores, servers' start included),
sharing what takes longest to start: the collected static files and one PostgreSQL cluster,
each PostgreSQL run on a database of its own, the second a copy (CREATE DATABASE ... TEMPLATE)
of the first one as prepared, before its load.

The load: every connection is one owner (its own cookies, one keep-alive connection) looping
over a mix: public pages (home, overview, guides, FAQ, prevention, a search with a new query),
a diagnosis walk with random answers (new answer combinations: the cold path) that often ends
with "Did this solve it?" answered yes or no, and a goodwill request (the form fetched, sent
with a unique email; now and then sent twice, as a double tap). The rate limits are set high,
except the one per address and email (3 per window, never reached by the load's unique
emails): a short phase at the end shows it refusing with 429.

Faults, one per run, at about a third of the run, for --fault-seconds (4):
  db     PostgreSQL stopped (pg_ctl stop -m fast), then started again
  lock   another process holds BEGIN EXCLUSIVE on the SQLite file (SQLITE_BUSY_TIMEOUT=1)
  redis  Redis stopped, then started again (empty)

A run fails (exit status 1) on: any 500 (or other 5xx but 503), a 503 without the clear page
("The site can't answer for a moment", or the goodwill and feedback forms' own "We can't take
requests for a moment" / "could not be stored just now") or without Retry-After, a 503 outside
the fault (or in a run without one), a 4xx or a connection error in the load (the load sends
only valid requests), stored goodwill requests not exactly the accepted ones, stored feedback
not exactly the accepted answers, no recovery within --recovery-limit seconds of the fault's
end (the same gunicorn master serving again), the limiter phase not refusing as it should,
or no requests at all. A 500's traceback is printed from gunicorn's log.

Recovery: from the fault's end (PostgreSQL or Redis started again, the lock let go) to the
first write accepted again (a goodwill request or an answer, from the load or the probe; for
Redis, the first page served from the page cache again), and, as "probe", to when a probe from
outside the load had /health/ answer 200 from the same gunicorn master and then got a goodwill
request accepted (a page served, for Redis): the probe waits in line with the load's requests.

CPU (percent of one core, during the load): this script's owners, gunicorn (master and
workers), PostgreSQL and Redis, and everything else on the machine (high: the figures are not
to be trusted; the machine is shared).

Feedback is stored once per browser and cause (`services.record_feedback`: an owner answering
again changes their answer), so "stored" is compared with the distinct (browser, cause) pairs
that got an accepted answer, and each stored row's yes/no with that browser's last accepted one.

At the end: a markdown table (for docs/PERFORMANCE.md), per-kind latencies, and --json PATH.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import gzip
import hashlib
import html
import http.client
import ipaddress
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.servers import app_server, exceptions_logged, hidden_fields, postgres, prepare_site, redis, site_env  # noqa: E402

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

DIAGNOSIS_FORM = re.compile(r'<form method="get" action="([^"]*/diagnose/)"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(r'<input type="(hidden|checkbox|radio)" name="([\w-]+)" value="([^"]*)"')
ANSWER_LINK = re.compile(r'<a class="answer" href="([^"]+)"')
TRIED_YES = re.compile(r'data-tried-yes href="([^"#]+)')
FEEDBACK_FORM = re.compile(r'<form method="post" action="([^"]*/outcomes/([\w-]+)/feedback/)"[^>]*>(.*?)</form>', re.S)
LETTER = re.compile(r"^/goodwill/r/([^/]+)/$")


# --- The clients ----------------------------------------------------------------------------


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


class Owner:
    """One owner: one keep-alive connection, their own cookies, a loop over the mix."""

    def __init__(self, run: Run, number: int):
        self.run, self.number = run, number
        self.rng = random.Random(run.seed * 1000 + number)
        self.connection: http.client.HTTPConnection | None = None
        self.cookies: dict[str, str] = {}
        self.records: list[Record] = []
        self.goodwill_letters: set[str] = set()  # tokens of the letters this owner was sent to
        self.goodwill_accepted_posts = 0
        self.feedback: dict[tuple[str, str], str] = {}  # (browser id, cause) -> last accepted answer
        self.feedback_accepted_posts = 0
        self.sent = 0

    # HTTP

    def request(self, kind: str, method: str, path: str, form: dict | None = None) -> Reply | None:
        headers = {"Host": self.run.host_header, "Accept-Encoding": "gzip", "User-Agent": "micra-bench-faults"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = self.run.base_url + path
        start = time.monotonic()
        reply = None
        for attempt in (1, 2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.run.host, self.run.port, timeout=REQUEST_TIMEOUT)
            try:
                self.connection.request(method, path, body, headers)
                response = self.connection.getresponse()
                reply = Reply(response.status, response.headers, response.read())
                if response.will_close:
                    self.close()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError) as error:
                self.close()
                # gunicorn closed an idle keep-alive connection before the request reached it: once more on a new one.
                if attempt == 1 and reused:
                    continue
                self.run.note_error(f"{method} {path}: {error!r}")
                break
            except (OSError, http.client.HTTPException) as error:
                self.close()
                self.run.note_error(f"{method} {path}: {error!r}")
                break
        end = time.monotonic()
        self.sent += 1
        record = Record(kind, start - self.run.t0, end - self.run.t0, reply.status if reply else 0, path)
        if reply is not None:
            record.cache_hit = reply.headers.get("X-Page-Cache") == "hit"
            for set_cookie in reply.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(set_cookie).items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.cookies.pop(name, None)
                    else:
                        self.cookies[name] = morsel.value
            if reply.status == 503:
                record.unclear_503 = unclear_503(reply)
            elif reply.status >= 500:
                self.run.note_server_error(f"{method} {path} -> {reply.status} at {record.start:.1f} s")
        self.records.append(record)
        return reply

    def get(self, kind: str, path: str) -> Reply | None:
        return self.request(kind, "GET", path)

    def post(self, kind: str, path: str, form: dict) -> Reply | None:
        return self.request(kind, "POST", path, form)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    # What owners do

    def loop(self) -> None:
        try:
            while not self.run.stop.is_set():
                draw = self.rng.random()
                what = next(name for name, share in MIX if draw < share)
                getattr(self, what)()
        except Exception:  # a bug here, not in the site: end the run loudly
            self.run.note_failure(f"owner {self.number} crashed (a bug in this script):\n{traceback.format_exc()}")
            self.run.crashed.set()
        finally:
            self.close()

    def page(self) -> None:
        if self.rng.random() < 0.08:  # a new query: the view runs every time
            words = self.rng.sample(SEARCH_WORDS, 2)
            self.get("page", f"/search/?q={words[0]}+{words[1]}+{self.rng.randrange(10**6)}")
        else:
            self.get("page", self.rng.choice(PAGES))

    def walk(self) -> None:
        """The diagnosis from its first step, random answers, to an outcome; then, often, feedback."""
        path = f"{PROBLEM}diagnose/"
        for _step in range(12):
            if self.run.stop.is_set():
                return
            reply = self.get("diagnosis", path)
            if reply is not None and reply.status in (301, 302) and reply.location.startswith("/"):
                path = reply.location
                continue
            if reply is None or reply.status != 200:
                return
            page = reply.text
            if form := DIAGNOSIS_FORM.search(page):
                params, choices = [], {}
                for kind, name, value in INPUT.findall(form.group(2)):
                    value = html.unescape(value)
                    if kind == "hidden" or (kind == "checkbox" and self.rng.random() < 0.3):
                        params.append((name, value))
                    elif kind == "radio":
                        choices.setdefault(name, []).append(value)
                params += [(name, self.rng.choice(values)) for name, values in choices.items()]
                path = html.unescape(form.group(1)) + "?" + urlencode(params)
            elif answers := ANSWER_LINK.findall(page):
                path = html.unescape(self.rng.choice(answers))
            elif tried := TRIED_YES.search(page):
                if self.rng.random() < FEEDBACK_SHARE:
                    self.answer_feedback(html.unescape(tried.group(1)))
                return
            else:
                return

    def answer_feedback(self, tried_path: str) -> None:
        reply = self.get("diagnosis", tried_path)  # the outcome with "Did this solve it?"
        if reply is None or reply.status != 200:
            return
        form = FEEDBACK_FORM.search(reply.text)
        if form is None:
            self.run.note_failure(f"no feedback form on {tried_path}")
            return
        action, cause = html.unescape(form.group(1)), form.group(2)
        fields = hidden_fields(form.group(3))
        solved = self.rng.choice(["yes", "no"])
        reply = self.post("feedback", action, fields | {"solved": solved})
        if reply is not None and reply.status == 302 and "solved=" in reply.location:
            self.feedback_accepted_posts += 1
            self.feedback[(browser_id(self.cookies.get("owner", "")), cause)] = solved

    def goodwill(self, email: str | None = None) -> Reply | None:
        """Fetch the form, send it filled in (twice now and then); the (last) answer to the post."""
        form = self.get("goodwill form", "/goodwill/")
        if form is None or form.status != 200:
            return form
        n = self.rng.randrange(10**9)
        data = hidden_fields(form.text) | {
            "owner_name": f"Owner {self.number}",
            "owner_email": email or f"owner-{self.run.run_id}-{self.number}-{self.sent}-{n}@example.org",
            "owner_phone": "",
            "registration": f"AB-{n % 1000:03d}-C",
            "vin": "",
            "first_registration_year": str(2003 + n % 8),
            "mileage_km": str(50000 + n % 200000),
            "service_history": self.rng.choice(["dealer", "elsewhere", "mixed"]),
            "diagnosis": "The microswitch or the rubber button over it has failed.",
            "notes": "",
            "consent": "on",
            "website": "",
        }
        taps = 2 if email is None and self.rng.random() < DOUBLE_TAP_SHARE else 1
        first_letter = ""
        reply = None
        for _tap in range(taps):
            reply = self.post("goodwill post", "/goodwill/", data)
            if reply is None:
                continue
            letter = LETTER.match(reply.location) if reply.status == 302 else None
            if letter:
                self.goodwill_accepted_posts += 1
                self.goodwill_letters.add(letter.group(1))
                if first_letter and first_letter != letter.group(1):
                    self.run.note_failure(f"the same goodwill form sent twice got two letters: {first_letter}, {letter.group(1)}")
                first_letter = letter.group(1)
        if first_letter and email is None and self.rng.random() < 0.5:
            self.get("goodwill letter", f"/goodwill/r/{first_letter}/")
        return reply


def browser_id(signed: str) -> str:
    """The random id in the "owner" cookie (value:timestamp:signature), as the site stores it (hashed)."""
    return hashlib.sha256(signed.rsplit(":", 2)[0].encode()).hexdigest() if signed else ""


def unclear_503(reply: Reply) -> str:
    """What is missing from a 503 ("" when it is the clear page with Retry-After)."""
    problems = []
    try:
        text = html.unescape(reply.text)
    except (OSError, EOFError, ValueError):
        text = ""
    if not any(phrase in text for phrase in CLEAR_503):
        problems.append("no clear page")
    retry = reply.headers.get("Retry-After", "")
    if not (retry.isdigit() and int(retry) > 0):
        problems.append("no Retry-After")
    return ", ".join(problems)


# --- A run ----------------------------------------------------------------------------------


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


def require_loopback(url: str, what: str) -> None:
    host = urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except OSError as error:
        raise SystemExit(f"faults.py: refusing {what} {url}: {error}") from None
    if not addresses or not all(ipaddress.ip_address(a.split("%")[0]).is_loopback for a in addresses):
        raise SystemExit(f"faults.py: refusing {what} {url}: only loopback servers are load-tested")


def stored(database_url: str | None, sqlite_path: Path | None) -> tuple[set[str], dict[tuple[str, str], str]]:
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


def http_status(run: Run, path: str) -> int:
    connection = http.client.HTTPConnection(run.host, run.port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": run.host_header})
        response = connection.getresponse()
        response.read()
        return response.status
    except (OSError, http.client.HTTPException):
        return 0
    finally:
        connection.close()


def inject_fault(run: Run, pg, cache, sqlite_path: Path | None, prober: Owner, server) -> None:
    """At a third of the run: take the database or the cache away for fault_seconds, bring it
    back, then probe until the same gunicorn answers again (writes too). In a thread of its own."""
    try:
        if run.aborted.wait(max(0.0, run.t0 + run.seconds / 3 - time.monotonic())):
            return
        master = server.pid
        print(f"  {run.now():5.1f} s  fault {run.fault}: on for {run.fault_seconds:g} s", flush=True)
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
        run.fault_end = run.now()
        print(f"  {run.now():5.1f} s  fault {run.fault}: off; probing", flush=True)
        # Recovered: /health/ says the database and the cache answer, and a goodwill request (a
        # write) is accepted again; or, for the cache, a page is served. Probed until 3x the limit.
        while run.now() - run.fault_end < 3 * run.recovery_limit and not run.aborted.is_set():
            if server.alive() and server.pid == master and http_status(run, "/health/") == 200:
                if run.fault == "redis":
                    reply = prober.get("page", "/")
                    ok = reply is not None and reply.status == 200
                else:
                    reply = prober.goodwill()
                    ok = reply is not None and reply.status == 302 and LETTER.match(reply.location) is not None
                if ok:
                    run.recovered = run.now()
                    print(f"  {run.now():5.1f} s  probe: answering again {run.recovered - run.fault_end:.1f} s after", flush=True)
                    return
            time.sleep(0.25)
    except Exception:
        run.note_failure(f"the fault could not be made or undone:\n{traceback.format_exc()}")
        run.crashed.set()


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


@dataclass
class Shared:
    """What the runs of one --quick share, to start sooner: one PostgreSQL cluster (each run on
    a database of its own, the later ones copies of the first one prepared: CREATE DATABASE
    ... TEMPLATE) and the collected static files."""

    stack: contextlib.ExitStack
    directory: Path
    pg: object = None
    template: str = ""
    databases: int = 0


def run_one(run: Run, shared: Shared | None = None) -> dict:
    """Servers up, load (with the fault), checks; the summary."""
    clock = time.monotonic()
    label = f"{run.database}{' + redis' if run.redis else ''}, fault {run.fault}"
    print(f"## {label}: {run.connections} connections, {run.seconds:g} s", flush=True)
    with contextlib.ExitStack() as stack:
        tmp = Path(tempfile.mkdtemp(prefix="micra-faults."))
        stack.callback(shutil.rmtree, tmp, ignore_errors=True)
        pg = database_url = sqlite_path = None
        copied = False  # a copy of a prepared site's database: not prepared again
        if run.database == "sqlite":
            sqlite_path = tmp / "db.sqlite3"
        elif shared is None:
            pg = stack.enter_context(postgres())
            database_url = pg.database_url
        else:
            if shared.pg is None:
                shared.pg = shared.stack.enter_context(postgres())
            pg = shared.pg
            shared.databases += 1
            database_name = f"micra_run{shared.databases}"
            copied = bool(shared.template)
            pg.execute(f"CREATE DATABASE {database_name}" + (f" TEMPLATE {shared.template}" if copied else ""))
            database_url = pg.database_url.rsplit("/", 1)[0] + "/" + database_name
        cache = stack.enter_context(redis()) if run.redis else None
        env = site_env(tmp, database_url=database_url, sqlite_path=sqlite_path, redis_url=cache.url if cache else None)
        if shared is not None:
            env["STATIC_ROOT"] = str(shared.directory / "static")
        for variable in ("DATABASE_URL", "REDIS_URL"):
            if env.get(variable):
                require_loopback(env[variable], variable)
        env |= {
            # The load's emails are all different: only the site, not the limiter, refuses them.
            "GOODWILL_RATE_LIMIT": str(GOODWILL_LIMIT_PER_EMAIL),
            "GOODWILL_RATE_WINDOW_SECONDS": str(10**7),  # no window starts mid-run
            "GOODWILL_RATE_LIMIT_PER_ADDRESS": str(10**9),
            "FEEDBACK_RATE_LIMIT": str(10**9),
        }
        if run.fault == "lock":
            env["SQLITE_BUSY_TIMEOUT"] = "1"
        if not copied:
            prepare_site(env)
            if shared is not None and pg is not None:
                shared.template = "micra_prepared"  # before any load: as prepared
                pg.execute(f"CREATE DATABASE {shared.template} TEMPLATE {database_name}")
        server = stack.enter_context(app_server(env, workers=WORKERS, threads=THREADS))
        run.base_url = str(server)
        require_loopback(run.base_url, "server")
        setup_seconds = time.monotonic() - clock
        print(f"  servers up and the site prepared in {setup_seconds:.1f} s ({server})", flush=True)

        # Every page answers 200 before the load (a fast 404 would make a fine figure); warm.
        run.t0 = time.monotonic()
        for path in PAGES + ["/goodwill/", "/health/"]:
            if (status := http_status(run, path)) != 200:
                raise RuntimeError(f"{path} answered {status} before the load\n{server.log()[-3000:]}")
        before_goodwill, before_feedback = stored(database_url, sqlite_path)
        workers_before = server.worker_pids()

        owners = [Owner(run, n) for n in range(run.connections)]
        prober = Owner(run, run.connections)
        threads = [threading.Thread(target=o.loop, name=f"owner-{o.number}", daemon=True) for o in owners]

        faulting = threading.Thread(target=inject_fault, args=(run, pg, cache, sqlite_path, prober, server), daemon=True)

        def stop_owners():
            run.stop.set()
            for thread in threads:
                if thread.is_alive():
                    thread.join(timeout=REQUEST_TIMEOUT + 5)

        def end_fault():  # Ctrl-C or a failure: the fault undone (if it can be) before the servers stop
            run.aborted.set()
            if faulting.is_alive():
                faulting.join(timeout=60)

        stack.callback(end_fault)
        stack.callback(stop_owners)
        cpu_before = (
            time.process_time(),
            process_seconds([server.pid, *workers_before]),
            process_seconds(store_pids(pg, cache)),
            machine_busy_seconds(),
        )
        run.t0 = load_start = time.monotonic()
        for thread in threads:
            thread.start()
        if run.fault != "none":
            faulting.start()
        while run.now() < run.seconds and not run.crashed.is_set():
            time.sleep(0.1)
        load_seconds = run.now()
        cpu_after = (
            time.process_time(),
            process_seconds([server.pid, *server.worker_pids()]),
            process_seconds(store_pids(pg, cache)),
            machine_busy_seconds(),
        )
        stop_owners()
        if any(thread.is_alive() for thread in threads):
            run.note_failure(f"owners still waiting for an answer {REQUEST_TIMEOUT + 5} s after the end")
        if faulting.is_alive():  # still probing for the recovery, now without the load
            faulting.join(timeout=3 * run.recovery_limit + 2 * REQUEST_TIMEOUT)
        load_done = time.monotonic()

        # The limiter: one address and email, GOODWILL_LIMIT_PER_EMAIL + 2 new requests.
        limiter = Owner(run, run.connections + 1)
        email = f"limit-{run.run_id}@example.org"
        limiter_statuses = []
        for _ in range(GOODWILL_LIMIT_PER_EMAIL + 2):
            reply = limiter.goodwill(email=email)
            limiter_statuses.append(reply.status if reply else 0)
            if reply is not None and reply.status == 429 and not reply.headers.get("Retry-After", "").isdigit():
                run.note_failure("a 429 from the goodwill limiter without Retry-After")
        expected = [302] * GOODWILL_LIMIT_PER_EMAIL + [429] * 2
        if limiter_statuses != expected:
            run.note_failure(f"the goodwill limiter answered {limiter_statuses}, not {expected}")

        prober.close()
        limiter.close()  # no keep-alive connection left for gunicorn to wait on when it stops
        after_goodwill, after_feedback = stored(database_url, sqlite_path)
        log = server.log()
        workers_after = server.worker_pids()
        alive = server.alive()
        checks_done = time.monotonic()
    teardown_seconds = time.monotonic() - checks_done
    if run.fault_start is not None and run.fault_end is None:  # the fault could not be undone (a failure noted)
        run.fault_end = load_seconds

    # --- What happened ---------------------------------------------------------------------
    records = [r for o in owners + [prober] for r in o.records]
    kinds = sorted({r.kind for r in records}, key=KINDS.index)
    per_kind = {kind: tally([r for r in records if r.kind == kind]) for kind in kinds}
    total = tally(records)

    letters = set().union(*(o.goodwill_letters for o in owners + [prober, limiter]))
    goodwill_posts = sum(o.goodwill_accepted_posts for o in owners + [prober, limiter])
    new_goodwill = after_goodwill - before_goodwill
    feedback_accepted: dict[tuple[str, str], str] = {}
    for owner in owners:
        feedback_accepted |= owner.feedback
    feedback_posts = sum(o.feedback_accepted_posts for o in owners)
    new_feedback = {k: v for k, v in after_feedback.items() if k not in before_feedback}

    client_cpu, server_cpu, store_cpu, machine_cpu = (a - b for a, b in zip(cpu_after, cpu_before, strict=True))
    failures = list(run.failures)
    if not records:
        failures.append("no requests at all")
    if total["5xx"]:
        failures.append(f"{total['5xx']} responses 5xx other than 503: {run.server_errors[:5]}")
    unclear = [r for r in records if r.unclear_503]
    if unclear:
        examples = [f"{r.path} at {r.start:.1f} s: {r.unclear_503}" for r in unclear[:5]]
        failures.append(f"{len(unclear)} 503s without the clear page or Retry-After: {examples}")
    # 503s belong to the fault: from its start until the site answered again (plus 2 s for answers under way).
    window_end = (run.recovered if run.recovered is not None else float("inf")) + 2

    def during_fault(r: Record) -> bool:
        return run.fault_start is not None and r.end >= run.fault_start and r.start <= window_end

    in_window = [r for r in records if during_fault(r)]
    outside = [r for r in records if r.status == 503 and not during_fault(r)]
    if outside:
        examples = [f"{r.kind} {r.path} at {r.start:.1f} s" for r in outside[:5]]
        failures.append(f"{len(outside)} 503s outside the fault: {examples}")
    fours = [r for r in records if 400 <= r.status < 500]
    if fours:
        failures.append(f"{len(fours)} 4xx in the load: {[f'{r.status} {r.kind} {r.path}' for r in fours[:5]]}")
    if run.errors:
        failures.append(f"{len(run.errors)} requests without an answer: {run.errors[:5]}")
    if new_goodwill != letters:
        failures.append(
            f"goodwill: {len(letters)} accepted, {len(new_goodwill)} stored; stored but never accepted: "
            f"{len(new_goodwill - letters)}, accepted but not stored: {len(letters - new_goodwill)}"
        )
    if new_feedback != feedback_accepted:
        wrong = sum(1 for k in feedback_accepted.keys() & new_feedback.keys() if feedback_accepted[k] != new_feedback[k])
        failures.append(
            f"feedback: {len(feedback_accepted)} browser+cause answers accepted, {len(new_feedback)} stored; "
            f"stored but never accepted: {len(new_feedback.keys() - feedback_accepted.keys())}, "
            f"accepted but not stored: {len(feedback_accepted.keys() - new_feedback.keys())}, a different answer stored: {wrong}"
        )
    if not alive:
        failures.append("gunicorn's master ended")
    if workers_before - workers_after:
        restarts = [line for line in log.splitlines() if re.search(r"WORKER TIMEOUT|Worker \(pid:\d+\) (exited|was sent)", line)]
        failures.append(f"gunicorn replaced {len(workers_before - workers_after)} worker(s): {restarts[:5]}")
    recovery = first_write = None
    if run.fault != "none":
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
    window = tally(in_window) if run.fault_start is not None else None
    if total["5xx"]:
        for block in internal_errors(log):
            print(f"--- a 500 in gunicorn's log:\n{block}\n---", flush=True)
    logged = collections.Counter(exceptions_logged(log))

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
        "goodwill": {"accepted": len(letters), "accepted_posts": goodwill_posts, "stored": len(new_goodwill)},
        "feedback": {"accepted": len(feedback_accepted), "accepted_posts": feedback_posts, "stored": len(new_feedback)},
        "limiter": limiter_statuses,
        "fault_window": None
        if window is None
        else {
            "start_s": round(run.fault_start, 1),
            "end_s": round(run.fault_end, 1),
            "requests": window["requests"],
            "503": window["503"],
            "2xx": window["2xx"],
            "pages_200": sum(1 for r in in_window if r.kind == "page" and r.status == 200),
        },
        "recovery_seconds": recovery,
        "probe_ok_after_fault_seconds": None if run.recovered is None else round(run.recovered - run.fault_end, 1),
        "first_write_after_fault_seconds": first_write,
        "gunicorn": {"master_alive": alive, "workers_replaced": len(workers_before - workers_after)},
        "exceptions_logged": dict(logged.most_common(10)),
        # Percent of one core during the load: this script's owners, gunicorn, everything else on the machine.
        "cpu_percent": {
            "load_generator": round(100 * client_cpu / load_seconds),
            "gunicorn": round(100 * server_cpu / load_seconds),
            "postgres_redis": round(100 * store_cpu / load_seconds),
            "other_processes": round(100 * max(0.0, machine_cpu - client_cpu - server_cpu - store_cpu) / load_seconds),
        },
        "setup_seconds": round(setup_seconds, 1),
        # Where the wall time went: servers and site, the load (and the probe after it), the limiter and the counts, stopping.
        "phases_seconds": {
            "setup": round(setup_seconds, 1),
            "preflight": round(load_start - clock - setup_seconds, 1),
            "load": round(load_done - load_start, 1),
            "checks": round(checks_done - load_done, 1),
            "teardown": round(teardown_seconds, 1),
        },
        "wall_seconds": round(time.monotonic() - clock, 1),
        "failures": failures,
        "ok": not failures,
    }
    phases = ", ".join(f"{name} {seconds:g}" for name, seconds in summary["phases_seconds"].items())
    print(f"  done in {summary['wall_seconds']} s ({phases}): {'ok' if summary['ok'] else 'FAILED'}", flush=True)
    return summary


# --- Report ---------------------------------------------------------------------------------


def recovery(summary: dict) -> str:
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
            f"| {'–' if window is None else window['503']} | {recovery(s)} "
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


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.quick:
        plan = [("postgres", "db", False), ("sqlite", "lock", False), ("postgres", "redis", True)]
    else:
        plan = [(args.database, args.fault, args.redis or args.fault == "redis")]

    def interrupted(signum, _frame):
        raise Interrupted(signal.Signals(signum).name)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGALRM, interrupted)
    clock = time.monotonic()
    summaries = []
    try:
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
    except (KeyboardInterrupt, Interrupted) as stop:
        signal.alarm(0)
        print(f"faults.py: stopped ({str(stop) or 'Ctrl-C'}); servers stopped and removed", file=sys.stderr)
        return 130
    wall = round(time.monotonic() - clock, 1)
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
    ok = all(s["ok"] for s in summaries)
    if args.json:
        args.json.write_text(json.dumps({"runs": summaries, "wall_seconds": wall, "ok": ok}, indent=2) + "\n")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
