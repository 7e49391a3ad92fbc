"""Real servers for tests that need more than one process: a throwaway PostgreSQL 15 cluster,
a Redis, the site prepared the way a deployment prepares it, and gunicorn app servers running
production settings on it. No test functions here; see tests/test_two_servers.py and
tests/test_outages.py.

    with postgres() as pg, redis() as cache:
        env = site_env(tmp_path, database_url=pg.database_url, redis_url=cache.url)
        prepare_site(env)
        with app_server(env) as url:
            Browser().get(url + "/health/")

Everything listens on 127.0.0.1 only, on free ports, and everything started is stopped and
removed at exit, also when a test fails.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from html import unescape
from http.cookies import SimpleCookie
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
PGBIN = Path("/usr/lib/postgresql/15/bin")
REDIS_SERVER = "/usr/bin/redis-server"
AS_ROOT = os.geteuid() == 0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, timeout: float, what: str, interval: float = 0.1):
    """Call `check` until it returns something true (returned), or raise after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}: not within {timeout} s")
        time.sleep(interval)


def run(command: list[str], *, what: str, **kwargs) -> str:
    """Run a command to its end; its output, or an error carrying that output."""
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{what} failed (exit {done.returncode}): {' '.join(command)}\n{done.stdout}")
    return done.stdout


# --- PostgreSQL ---------------------------------------------------------------------------


@dataclass
class Postgres:
    directory: Path
    port: int
    running: bool = False

    @property
    def database_url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def log(self) -> str:
        path = self.directory / "server.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def pg(self, tool: str, *args: str, what: str) -> str:
        command = [str(PGBIN / tool), *args]
        if AS_ROOT:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        return run(command, what=what, cwd=self.directory)

    def start(self) -> None:
        """Start (again) on the same port; returns once it accepts connections."""
        if self.running:
            return
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        try:
            self.pg("pg_ctl", "-D", str(self.directory / "data"), "-l", str(self.directory / "server.log"), "-w", "-t", "30",
                    "-o", options, "start", what="pg_ctl start")  # fmt: skip
        except RuntimeError as error:
            raise RuntimeError(f"{error}\n--- server.log ---\n{self.log}") from None
        self.running = True

    def stop(self) -> None:
        """Fast stop: open connections are cut, as when PostgreSQL restarts or fails over."""
        if not self.running:
            return
        self.pg("pg_ctl", "-D", str(self.directory / "data"), "-m", "fast", "-w", "-t", "30", "stop", what="pg_ctl stop")
        self.running = False

    def execute(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Run one statement over a fresh connection; its rows (if any)."""
        with psycopg.connect(self.database_url, autocommit=True, connect_timeout=5) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []


@contextlib.contextmanager
def postgres():
    """A throwaway PostgreSQL 15 cluster on a free loopback port (trust auth, user postgres)."""
    if not (PGBIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL 15 not found in {PGBIN} (Debian: apt-get install postgresql-15)")
    directory = Path(tempfile.mkdtemp(prefix="micra-pg."))
    server = Postgres(directory, free_port())
    try:
        if AS_ROOT:
            shutil.chown(directory, "postgres")
        server.pg("initdb", "-D", str(directory / "data"), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--no-sync",
                  what="initdb")  # fmt: skip
        server.start()
        yield server
    finally:
        try:
            if (directory / "data" / "postmaster.pid").exists():
                server.running = True
                try:
                    server.stop()
                except RuntimeError:  # not stopping in time: no waiting for clients or a checkpoint
                    server.pg("pg_ctl", "-D", str(directory / "data"), "-m", "immediate", "stop", what="pg_ctl stop")
        finally:
            shutil.rmtree(directory, ignore_errors=True)


# --- Redis --------------------------------------------------------------------------------


def redis_answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(64).startswith(b"+PONG")
    except OSError:
        return False


@dataclass
class Redis:
    directory: Path
    port: int
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def start(self) -> None:
        """Start (again, empty) on the same port; returns once it answers PING."""
        if self.running:
            return
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--dir", str(self.directory), "--daemonize", "no", "--logfile", str(self.directory / "redis.log")]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            wait_for(lambda: redis_answers(self.port) or self.process.poll() is not None, 10, "redis-server start")
        except TimeoutError:
            self.stop()
            raise
        if self.process.poll() is not None:
            log = (self.directory / "redis.log").read_text(errors="replace")
            raise RuntimeError(f"redis-server did not start:\n{log}")

    def stop(self) -> None:
        if self.process is None:
            return
        stop_process(self.process)
        self.process = None


@contextlib.contextmanager
def redis():
    """redis-server on a free loopback port, keeping nothing on disk."""
    if not Path(REDIS_SERVER).exists():
        raise RuntimeError(f"{REDIS_SERVER} not found (Debian: apt-get install redis-server)")
    directory = Path(tempfile.mkdtemp(prefix="micra-redis."))
    server = Redis(directory, free_port())
    try:
        server.start()
        yield server
    finally:
        try:
            server.stop()
        finally:
            shutil.rmtree(directory, ignore_errors=True)


def stop_process(process: subprocess.Popen, grace: float = 10, *, told: bool = False) -> None:
    """TERM (unless `told` already), then KILL if it has not ended after `grace` seconds."""
    if process.poll() is None:
        if not told:
            process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- The site -----------------------------------------------------------------------------


def site_env(tmp_path, *, database_url=None, sqlite_path=None, redis_url=None) -> dict:
    """Production settings (as bench/serve.sh has them) on the given database and cache."""
    if (database_url is None) == (sqlite_path is None):
        raise ValueError("site_env needs exactly one of database_url and sqlite_path")
    tmp_path = Path(tmp_path)
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "SQLITE_PATH")}
    env.pop("DJANGO_DEBUG", None)
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "STATIC_ROOT": str(tmp_path / "static"),
        "MEDIA_ROOT": str(tmp_path / "media"),
        "CACHE_DIR": str(tmp_path / "cache"),
        "SITE_URL": "http://127.0.0.1",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    else:
        env["SQLITE_PATH"] = str(sqlite_path)
    if redis_url is not None:
        env["REDIS_URL"] = redis_url
    return env


def manage(env: dict, *args: str) -> str:
    """`manage.py ARGS` with that environment; its output (an error with the output if it fails)."""
    return run([sys.executable, "manage.py", *args], what=f"manage.py {args[0]}", cwd=ROOT, env=env)


# Several management commands in one process: each new Python process with Django set up takes
# seconds on a busy 2-core machine. collectstatic is the production one (hashed names, manifest,
# gzip copies) but for the brotli copies: brotli at its highest quality takes most of a minute of
# CPU here, and whitenoise serves the gzip copy (or the file itself) where there is none.
COMMANDS = """
import json, sys
import django
django.setup()
import whitenoise.compress
whitenoise.compress.brotli_installed = False
from django.core.management import call_command
for args in json.loads(sys.argv[1]):
    print("$ manage.py", *args, flush=True)
    call_command(*args)
"""

_collected: Path | None = None  # this process's collectstatic output, shared by every site it prepares


def _remove_collected() -> None:
    if _collected is not None:
        shutil.rmtree(_collected.parent, ignore_errors=True)


def prepare_site(env: dict, *, then: list[list[str]] = ()) -> None:
    """What a deployment does before serving: `manage.py migrate --noinput`, `load_content`,
    `collectstatic --noinput` (and the commands in `then`, e.g. createsuperuser).

    All in one Python process. The static files depend on the code only: collected once per test
    process (without the brotli copies, see COMMANDS), then linked into each site's STATIC_ROOT."""
    global _collected
    commands = [["migrate", "--noinput", "--verbosity", "0"], ["load_content"], *then]
    run_env = dict(env)
    fresh = _collected is None
    if fresh:
        collected = Path(tempfile.mkdtemp(prefix="micra-static.")) / "static"
        commands.append(["collectstatic", "--noinput", "--verbosity", "0"])
        run_env["STATIC_ROOT"] = str(collected)
    try:
        run([sys.executable, "-c", COMMANDS, json.dumps(commands)], what="preparing the site", cwd=ROOT, env=run_env)
    except BaseException:
        if fresh:
            shutil.rmtree(collected.parent, ignore_errors=True)
        raise
    if fresh:
        _collected = collected
        atexit.register(_remove_collected)
    target = Path(env["STATIC_ROOT"])
    shutil.rmtree(target, ignore_errors=True)
    try:
        shutil.copytree(_collected, target, copy_function=os.link)
    except OSError:  # another file system
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(_collected, target)


class AppServer(str):
    """The base URL (a str), with the gunicorn behind it: its process and log."""

    process: subprocess.Popen
    log_path: Path

    @property
    def url(self) -> str:
        return str(self)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        return self.process.poll() is None

    def worker_pids(self) -> set[int]:
        """The master's children now: gunicorn replaces a worker that died or hung."""
        pids = set()
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            with contextlib.suppress(OSError):
                pids |= {int(pid) for pid in (task / "children").read_text().split()}
        return pids

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self}/health/", timeout=2)
            return True
        except urllib.error.HTTPError:  # an answer all the same (a 503 names what is away)
            return True
        except OSError:  # not listening yet, or its workers still booting
            return False


def start_gunicorn(env: dict, *, workers: int = 2, threads: int = 1) -> AppServer:
    gunicorn = ROOT / ".venv" / "bin" / "gunicorn"
    if not gunicorn.exists():
        gunicorn = Path(sys.executable).parent / "gunicorn"
    port = free_port()
    with tempfile.NamedTemporaryFile(prefix="micra-gunicorn.", suffix=".log", delete=False) as log_file:
        command = [str(gunicorn), "config.wsgi:application", "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
        command += ["--workers", str(workers), "--threads", str(threads), "--timeout", "30", "--graceful-timeout", "5"]
        # --preload as docs/deploy.md has it: the site is imported once and the workers forked from
        # it, so a server with N workers starts for the CPU of one (a few seconds each on 2 cores).
        command += ["--log-level", "warning", "--error-logfile", "-", "--preload"]
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
    server = AppServer(f"http://127.0.0.1:{port}")
    server.process, server.log_path = process, Path(log_file.name)
    return server


@contextlib.contextmanager
def app_servers(env: dict, count: int, *, workers: int = 2, threads: int = 1, timeout: float = 30):
    """`count` gunicorn servers on the same site, started side by side; yields their base URLs."""
    servers: list[AppServer] = []
    try:
        for _ in range(count):
            servers.append(start_gunicorn(env, workers=workers, threads=threads))
        for server in servers:
            try:
                wait_for(lambda s=server: not s.alive() or s.answers(), timeout, "gunicorn answering /health/", 0.2)
            except TimeoutError:
                raise RuntimeError(f"gunicorn did not answer within {timeout} s; its log:\n{server.log()}") from None
            if not server.alive():
                raise RuntimeError(f"gunicorn ended (exit {server.process.returncode}); its log:\n{server.log()}")
        yield servers
    finally:
        for server in servers:  # all told to stop at once (gunicorn stops its workers), then waited for
            if server.alive():
                server.process.send_signal(signal.SIGTERM)
        for server in servers:
            stop_process(server.process, told=True)
            server.log_path.unlink(missing_ok=True)


@contextlib.contextmanager
def app_server(env: dict, *, workers: int = 2, threads: int = 1):
    """gunicorn with the site on a free loopback port; yields the base URL (an AppServer: a str
    with `.process`, `.worker_pids()` and `.log()`). Stopped (TERM, then KILL) at exit."""
    with app_servers(env, 1, workers=workers, threads=threads) as (server,):
        yield server


def exceptions_logged(log: str) -> list[str]:
    """The exception line ("module.Error: message") of every traceback in a log."""
    lines = log.splitlines()
    found = []
    for number, line in enumerate(lines):
        if line.startswith("Traceback (most recent call last):"):
            rest = (later for later in lines[number + 1 :] if later.strip() and not later.startswith((" ", "\t")))
            found.append(next(rest, "?"))
    return found


# --- A browser --------------------------------------------------------------------------


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Response:
    status: int
    headers: dict
    text: str

    def header(self, name: str, default: str = "") -> str:
        return self.headers.get(name.lower(), default)


@dataclass
class Browser:
    """One browser's cookies, sent to every server of the site (cookies ignore the port).

    Production settings mark the session and CSRF cookies Secure; a real browser would not send
    them back over plain http, nor would urllib's cookie jar, so this keeps them itself: the
    servers here stand for ones behind a TLS proxy.
    """

    cookies: dict = field(default_factory=dict)

    def open(self, url: str, data: dict | None = None, headers: dict | None = None, timeout: float = 30) -> Response:
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        request = urllib.request.Request(url, data=body, headers=headers or {})
        if self.cookies:
            request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
        if data is not None:
            request.add_header("Referer", url)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            raw = opener.open(request, timeout=timeout)
        except urllib.error.HTTPError as error:
            raw = error
        with raw:
            response = Response(raw.status, {k.lower(): v for k, v in raw.headers.items()}, raw.read().decode(errors="replace"))
        for set_cookie in raw.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(set_cookie).items():
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return response

    def get(self, url: str, **kwargs) -> Response:
        return self.open(url, **kwargs)

    def post(self, url: str, data: dict, **kwargs) -> Response:
        return self.open(url, data=data, **kwargs)


HIDDEN_FIELD = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)"')


def hidden_fields(html: str) -> dict:
    """A form's hidden fields as served (CSRF token, one-time key, ...), as a browser would send them."""
    return {name: unescape(value) for name, value in HIDDEN_FIELD.findall(html)}


def goodwill_answers(**overrides) -> dict:
    """What an owner types into the goodwill form, valid throughout (tests change a field or two)."""
    return {
        "owner_name": "Anna de Vries",
        "owner_email": "anna@example.org",
        "owner_phone": "",
        "registration": "ab-123-c",
        "vin": "",
        "first_registration_year": "2007",
        "mileage_km": "123000",
        "service_history": "dealer",
        "diagnosis": "The microswitch or the rubber button over it has failed.",
        "notes": "",
        "consent": "on",
        "website": "",
    } | overrides


def goodwill_form(browser: Browser, base_url: str, *, name: str, email: str, registration: str) -> dict:
    """A goodwill form as served by that server (its CSRF token and one-time key), filled in validly."""
    page = browser.get(f"{base_url}/goodwill/")
    if page.status != 200:
        raise AssertionError(f"GET /goodwill/ on {base_url}: {page.status}\n{page.text[:2000]}")
    return hidden_fields(page.text) | goodwill_answers(owner_name=name, owner_email=email, registration=registration)
