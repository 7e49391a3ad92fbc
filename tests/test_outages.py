"""Outages against real servers: PostgreSQL stopped under a running gunicorn, Redis stopped, and
SQLite held locked by another process past the busy timeout. Owners get a 503 page that says to
try again (with Retry-After), never a 500; what can still be served is; nothing is half-stored;
and once the database or cache is back, the same gunicorn processes serve again by themselves.
(The in-process SQLite version of this is tests/test_database_away.py.)"""

import json
import secrets
import sqlite3
import time

import pytest

from tests.pagetext import text_of
from tests.servers import Browser, app_server, exceptions_logged, goodwill_form, postgres, prepare_site, redis, site_env

pytestmark = pytest.mark.servers

PROBLEM = "micra-k12-boot-lock"
GUIDE = "/guides/replace-microswitch/"
PREVENTION = f"/problems/{PROBLEM}/prevention/"
PROBLEM_PAGE = f"/problems/{PROBLEM}/"
FAQ_PAGE = f"/problems/{PROBLEM}/faq/"
RATE_LIMIT = 3
RATE_WINDOW = 10**7  # fixed windows start at multiples of this: none starts mid-test
SITE_AWAY = "The site can't answer for a moment"
REQUESTS_AWAY = "We can't take requests for a moment"

# What the logs may show while a database or cache is away: the outage itself, logged.
OUTAGE_ERRORS = (
    "psycopg.OperationalError",
    "django.db.utils.OperationalError",
    "django.db.utils.InterfaceError",
    "psycopg.InterfaceError",
    "redis.exceptions.ConnectionError",
    "ConnectionRefusedError",
    "sqlite3.OperationalError: database is locked",
)


def unexpected_errors(log: str) -> list[str]:
    return [line for line in exceptions_logged(log) if not line.startswith(OUTAGE_ERRORS)]


def poll(fetch, until, timeout: float = 10) -> list:
    """Fetch until `until(response)`; every response seen (the last one satisfies `until`)."""
    seen = []
    deadline = time.monotonic() + timeout
    while True:
        seen.append(fetch())
        if until(seen[-1]) or time.monotonic() > deadline:
            return seen
        time.sleep(0.2)


def stored_requests(pg, email: str) -> int:
    return pg.execute("SELECT count(*) FROM guides_goodwillrequest WHERE owner_email = %s", (email,))[0][0]


@pytest.fixture(scope="module")
def pg():
    with postgres() as server:
        yield server


@pytest.fixture(scope="module")
def cache():
    with redis() as server:
        yield server


@pytest.fixture(scope="module")
def pg_site(pg, cache, tmp_path_factory):
    """gunicorn (2 workers) on PostgreSQL with persistent connections (the production default), and Redis."""
    env = site_env(tmp_path_factory.mktemp("outages-pg"), database_url=pg.database_url, redis_url=cache.url)
    env |= {"DB_CONN_MAX_AGE": "60", "GOODWILL_RATE_LIMIT": str(RATE_LIMIT), "GOODWILL_RATE_WINDOW_SECONDS": str(RATE_WINDOW)}
    prepare_site(env)
    with app_server(env, workers=2) as server:
        yield server


@pytest.fixture
def pg_restarted(pg):
    """Whatever a test does, PostgreSQL runs again after it."""
    yield
    pg.start()


@pytest.fixture
def cache_restarted(cache):
    yield
    cache.start()


def test_postgresql_stopped_pages_are_503_then_the_same_gunicorn_recovers(pg, pg_site, pg_restarted):
    server = pg_site
    owner = Browser()
    email = f"pg-{secrets.token_hex(4)}@example.org"
    assert owner.get(server + GUIDE).status == 200
    assert owner.get(server + GUIDE).header("X-Page-Cache") == "hit"
    for _request in range(4):  # each worker most likely holds a persistent connection now
        assert owner.get(server + "/health/").status == 200
    form = goodwill_form(owner, server, name="Bram Storing", email=email, registration="PG-001-X")
    processes = (server.pid, server.worker_pids())
    log_before = len(server.log())

    pg.stop()
    try:
        for _request in range(3):  # a page never served before: each worker, a 503 each time
            away = owner.get(server + PREVENTION)
            assert away.status == 503, (away.status, text_of(away)[:500])
            assert int(away.header("Retry-After")) > 0
            assert "no-store" in away.header("Cache-Control")
            assert SITE_AWAY in text_of(away)
        cached = owner.get(server + GUIDE)
        assert cached.status == 200 and cached.header("X-Page-Cache") == "hit"  # served from Redis
        health = owner.get(server + "/health/")
        assert health.status == 503
        assert json.loads(health.text) == {"database": "failing", "cache": "ok"}
        refused = owner.post(server + "/goodwill/", form)
        assert refused.status == 503, (refused.status, text_of(refused)[:500])
        assert int(refused.header("Retry-After")) > 0
    finally:
        pg.start()

    # The same gunicorn, without a restart: within a few seconds the page is served...
    seen = poll(lambda: owner.get(server + PREVENTION), lambda r: r.status == 200)
    assert seen[-1].status == 200, [r.status for r in seen]
    assert {r.status for r in seen} <= {200, 503}, [r.status for r in seen]
    assert owner.get(server + "/health/").status == 200
    # ...nothing was stored by the refused request, and the same form now goes through, once.
    assert stored_requests(pg, email) == 0
    sent = owner.post(server + "/goodwill/", form)
    assert sent.status == 302, (sent.status, text_of(sent)[:500])
    assert stored_requests(pg, email) == 1
    assert (server.pid, server.worker_pids()) == processes and server.alive()
    assert unexpected_errors(server.log()[log_before:]) == []


def test_redis_stopped_pages_are_served_and_the_rate_limit_still_holds(cache, pg, pg_site, cache_restarted):
    server = pg_site
    owner = Browser()
    email = f"redis-{secrets.token_hex(4)}@example.org"
    owner.get(server + PROBLEM_PAGE)
    assert owner.get(server + PROBLEM_PAGE).header("X-Page-Cache") == "hit"
    log_before = len(server.log())

    cache.stop()
    try:
        # A page cached before, one never served, and a diagnosis state (its live model is kept
        # per content version, which can't be read now: it is built anew).
        for url in (PROBLEM_PAGE, PROBLEM_PAGE, FAQ_PAGE, PROBLEM_PAGE + "diagnose/?signs=answered&signs=no-click"):
            page = owner.get(server + url)
            assert page.status == 200, (url, page.status, text_of(page)[:500])
            assert page.header("X-Page-Cache") == ""  # the page cache stepped aside
        health = owner.get(server + "/health/")
        assert health.status == 503
        assert json.loads(health.text) == {"database": "ok", "cache": "failing"}
        # The rate limit counts in the database: it holds without Redis.
        statuses = []
        for number in range(1, RATE_LIMIT + 2):
            form = goodwill_form(owner, server, name="Cas Zondercache", email=email, registration=f"RD-{number:03d}-X")
            sent = owner.post(server + "/goodwill/", form)
            statuses.append(sent.status)
        assert statuses == [302] * RATE_LIMIT + [429], statuses
        assert 0 < int(sent.header("Retry-After")) <= RATE_WINDOW
        assert "Too many requests from here" in text_of(sent)
        assert stored_requests(pg, email) == RATE_LIMIT
    finally:
        cache.start()

    seen = poll(lambda: owner.get(server + PROBLEM_PAGE), lambda r: r.header("X-Page-Cache") == "hit")
    assert seen[-1].status == 200 and seen[-1].header("X-Page-Cache") == "hit", [r.headers for r in seen]
    health = owner.get(server + "/health/")
    assert health.status == 200 and json.loads(health.text) == {"database": "ok", "cache": "ok"}
    assert unexpected_errors(server.log()[log_before:]) == []


@pytest.fixture(scope="module")
def sqlite_site(tmp_path_factory):
    """gunicorn on SQLite (file cache, no Redis) that waits 1 s for a lock before giving up."""
    tmp = tmp_path_factory.mktemp("outages-sqlite")
    env = site_env(tmp, sqlite_path=tmp / "db.sqlite3") | {"SQLITE_BUSY_TIMEOUT": "1"}
    prepare_site(env)
    with app_server(env, workers=1) as server:
        yield server, tmp / "db.sqlite3"


def test_sqlite_locked_by_another_process_refuses_the_write_keeps_the_form_and_recovers(sqlite_site):
    server, database = sqlite_site
    owner = Browser()
    email = f"locked-{secrets.token_hex(4)}@example.org"
    owner.get(server + GUIDE)
    assert owner.get(server + GUIDE).header("X-Page-Cache") == "hit"
    form = goodwill_form(owner, server, name="Cora Vergrendeld", email=email, registration="SQ-001-X")
    log_before = len(server.log())

    # Another process's writer holds the database (a long migration, a backup) for ~3 s.
    other = sqlite3.connect(database, isolation_level=None, timeout=1)
    other.execute("BEGIN EXCLUSIVE")
    held_since = time.monotonic()
    try:
        refused = owner.post(server + "/goodwill/", form)
        cached = owner.get(server + GUIDE)
        fresh = owner.get(server + PREVENTION)  # never served before: read through WAL
        time.sleep(max(0.0, 3 - (time.monotonic() - held_since)))
    finally:
        other.rollback()
        other.close()

    assert refused.status == 503, (refused.status, text_of(refused)[:500])
    assert int(refused.header("Retry-After")) > 0
    assert REQUESTS_AWAY in text_of(refused)
    assert "Too many requests" not in text_of(refused)
    assert 'value="Cora Vergrendeld"' in refused.text  # what the owner typed is still there
    assert cached.status == 200 and cached.header("X-Page-Cache") == "hit"
    assert fresh.status == 200, (fresh.status, text_of(fresh)[:500])

    sent = owner.post(server + "/goodwill/", form)
    assert sent.status == 302, (sent.status, text_of(sent)[:500])
    with sqlite3.connect(database) as check:
        assert check.execute("SELECT count(*) FROM guides_goodwillrequest WHERE owner_email = ?", (email,)).fetchone() == (1,)
    assert unexpected_errors(server.log()[log_before:]) == []


def test_a_content_version_made_while_redis_is_away_is_stored_once_it_is_back(cache, cache_restarted, settings):
    """The other app servers never saw the change: the version is stored as soon as Redis answers
    (Redis starts empty here, so any version in it is the one the renewal stored)."""
    from django.core.cache import caches

    from pagecache import cache as pagecache

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": cache.url}}
    assert pagecache.using_redis()
    cache.stop()
    pagecache.new_version()  # refused now: logged, and tried again in the background
    assert pagecache.renewal.thread.is_alive()
    time.sleep(1)
    cache.start()
    deadline = time.monotonic() + 15
    while caches["default"].get(pagecache.VERSION_KEY) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert caches["default"].get(pagecache.VERSION_KEY) is not None
    pagecache.renewal.thread.join(timeout=5)
    assert not pagecache.renewal.thread.is_alive()
