import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from loader.content_loader import load_content

PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there are safe because nothing else runs in that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# Property tests: the tests' client and content fixtures are the same for every example.
# "dev" (the default) tries many random examples, a new draw each run; "ci" (.ci/run) a fixed,
# shorter set, the same every run, so a red CI run fails the same way again on your machine with
# HYPOTHESIS_PROFILE=ci.
_HYPOTHESIS = {"deadline": None, "suppress_health_check": [HealthCheck.function_scoped_fixture]}
hypothesis_settings.register_profile("dev", max_examples=200, **_HYPOTHESIS)
hypothesis_settings.register_profile("ci", max_examples=40, derandomize=True, database=None, **_HYPOTHESIS)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


@pytest.fixture(autouse=True)
def fresh_cache():
    """The page cache, its content version and the kept page fragments live in the caches: each
    test starts with none."""
    from django.core.cache import caches

    for alias in caches:
        caches[alias].clear()


# The apps whose tables the loader fills or that hang on the content: the content itself, its
# search index, what owners sent about it (goodwill requests keep a problem from being deleted).
CONTENT_AND_ITS_OWN = ("problems", "guides", "troubleshooter", "search", "goodwill", "core")


def content_models() -> list:
    """Every model of those apps, many-to-many tables included."""
    from django.apps import apps

    return [
        model
        for app_label in CONTENT_AND_ITS_OWN
        for model in apps.get_app_config(app_label).get_models(include_auto_created=True)
    ]


def content_tables() -> list[str]:
    return sorted({model._meta.db_table for model in content_models()})


# The rows `load_content` wrote at the start of the run, table by table: (table, columns, rows).
LOADED: list[tuple[str, list[str], list[tuple]]] = []


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The real Micra content is loaded once per run, the way `manage.py load_content` loads it.

    Each `db` test runs in a transaction that rolls back, so what it changes is gone for the
    next. Tests that commit (`transactional_db`, the live server) leave an emptied database
    behind them; pytest-django runs them after all the `db` tests, and `live_content` puts the
    loaded rows back for each of them.
    """
    from django.db import connection

    with django_db_blocker.unblock():
        load_content(settings.CONTENT_FIXTURES_DIR)
        with connection.cursor() as cursor:
            for table in content_tables():
                cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
                LOADED.append((table, [column[0] for column in cursor.description], cursor.fetchall()))


def ensure_content() -> None:
    """The loaded content, put back row for row if a test that committed emptied the database.

    The same rows as `load_content` wrote, in a tenth of the time. Foreign keys are checked when
    the transaction commits, so the order of the tables does not matter; the search index of
    SQLite follows its table by triggers. The ids are the loaded ones, and the sequences are set
    past them, so new rows never collide with them.
    """
    from django.core.management.color import no_style
    from django.db import connection, transaction

    from pagecache.cache import content_changed
    from problems.models import Problem

    if Problem.objects.exists():
        return
    if not LOADED:  # the database was set up without this conftest's django_db_setup
        load_content(settings.CONTENT_FIXTURES_DIR)
        return
    quote = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for table, columns, rows in LOADED:
            if rows:
                names, values = ", ".join(map(quote, columns)), ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({values})", rows)
        # Past the restored ids, as loaddata does: a test that made the tables anew (the migration
        # test) started PostgreSQL's sequences again at 1. (SQLite follows the ids by itself.)
        for statement in connection.ops.sequence_reset_sql(no_style(), content_models()):
            cursor.execute(statement)
        content_changed()


@pytest.fixture
def content(db):
    """The real Micra content; what the test changes rolls back with its transaction."""
    ensure_content()


@pytest.fixture
def live_content(transactional_db):
    """The content, committed, for tests whose servers or threads need to see it."""
    ensure_content()


@pytest.fixture
def empty_database(db):
    """No content at all, for tests that build their own with the factories.

    Every content table is emptied inside the test's transaction, so the rollback brings the
    content back. Foreign keys are checked at commit on SQLite and PostgreSQL alike (Django
    makes them deferrable), and this transaction never commits, so the order does not matter.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        for table in content_tables():
            cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")


@pytest.fixture
def fixtures_copy_with(tmp_path):
    """A copy of fixtures/ with one piece of the content fixture replaced."""

    def make(old: str, new: str) -> Path:
        target = tmp_path / "fixtures"
        shutil.copytree(settings.CONTENT_FIXTURES_DIR, target)
        fixture = next(target.glob("*.toml"))
        text = fixture.read_text()
        assert old in text, f"{old!r} not in {fixture.name}"
        fixture.write_text(text.replace(old, new))
        return target

    return make


def chromium_path() -> str | None:
    candidates = [os.environ.get("CHROMIUM_PATH"), shutil.which("chromium"), "/usr/bin/chromium"]
    return next((c for c in candidates if c and Path(c).exists()), None)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    path = chromium_path()
    if path is None:
        pytest.skip("Chromium not found (install Debian's chromium or set CHROMIUM_PATH): browser tests skipped")
    return {
        **browser_type_launch_args,
        "executable_path": path,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture
def console_errors(page):
    """Script errors and refused resources (CSP violations, missing files) while a test runs.

    A 400 for a form with mistakes is intended, so failed documents are not counted.
    """
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if "Refused to" in message.text else None)
    page.on(
        "response",
        lambda response: (
            errors.append(f"{response.status} {response.url}")
            if response.status >= 400 and response.request.resource_type != "document"
            else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": PHONE, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def uses_database(item) -> bool:
    return item.get_closest_marker("django_db") is not None or bool(
        {"db", "transactional_db", "live_server"} & set(item.fixturenames)
    )


def pytest_collection_modifyitems(config, items):
    """On PostgreSQL, only the tests that use the database: the rest (the ranking, the matcher,
    settings and static files) do the same on any database, and run on SQLite."""
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        return
    elsewhere = [item for item in items if not uses_database(item)]
    if elsewhere:
        config.hook.pytest_deselected(items=elsewhere)
        items[:] = [item for item in items if uses_database(item)]


def pytest_runtest_setup(item):
    """The "servers" tests start their own PostgreSQL 15 and Redis. On a machine without them a
    new user's `./dev test` says so and skips them, as the browser tests do without Chromium;
    in CI (`CI` set, where .ci/run installs both) a missing server is a failure, not a skip."""
    if item.get_closest_marker("servers") is None or os.environ.get("CI"):
        return
    from tests.servers import PGBIN, REDIS_SERVER

    programs = {"postgresql-15": PGBIN / "initdb", "redis-server": Path(REDIS_SERVER)}
    missing = " ".join(name for name, path in programs.items() if not path.exists())
    if missing:
        pytest.skip(f"not installed: {missing} (Debian: apt-get install {missing}); multi-server tests skipped")


@pytest.fixture(params=["javascript", "no-javascript"])
def owner(request, browser, live_server, live_content, console_errors):
    """An owner's phone, with JavaScript on, then off: every step must work both ways."""
    context = browser.new_context(
        viewport=PHONE, is_mobile=True, has_touch=True, java_script_enabled=request.param == "javascript"
    )
    page = context.new_page()
    page.on("pageerror", lambda error: console_errors.append(str(error)))
    page.javascript = request.param == "javascript"
    yield page
    context.close()
    assert console_errors == []
