"""The clients: an owner on one keep-alive connection with their own cookies, looping over the
load's mix (pages, diagnosis walks with "Did this solve it?", goodwill requests), and the
checks on each answer (a 503's clear page and Retry-After, a 5xx noted)."""

from __future__ import annotations

import hashlib
import html
import http.client
import random
import re
import time
import traceback
from http.cookies import SimpleCookie
from urllib.parse import urlencode

from bench.faults.schedule import (
    CLEAR_503,
    DOUBLE_TAP_SHARE,
    FEEDBACK_SHARE,
    MIX,
    PAGES,
    PROBLEM,
    REQUEST_TIMEOUT,
    SEARCH_WORDS,
    Record,
    Reply,
    Run,
)
from tests.servers import hidden_fields

DIAGNOSIS_FORM = re.compile(r'<form method="get" action="([^"]*/diagnose/)"[^>]*>(.*?)</form>', re.S)
INPUT = re.compile(r'<input type="(hidden|checkbox|radio)" name="([\w-]+)" value="([^"]*)"')
ANSWER_LINK = re.compile(r'<a class="answer" href="([^"]+)"')
TRIED_YES = re.compile(r'data-tried-yes href="([^"#]+)')
FEEDBACK_FORM = re.compile(r'<form method="post" action="([^"]*/outcomes/([\w-]+)/feedback/)"[^>]*>(.*?)</form>', re.S)
LETTER = re.compile(r"^/goodwill/r/([^/]+)/$")


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


def http_status(run: Run, path: str) -> int:
    """A GET from outside the load, on a connection of its own: the status (0: no answer)."""
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
