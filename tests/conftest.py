import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

from guides.services.content_loader import load_content

PHONE = {"width": 390, "height": 844}

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make there are safe because nothing else runs in that thread.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Rate-limit counts live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def content(db):
    """The real Micra content, loaded the way `manage.py load_content` loads it."""
    return load_content(settings.CONTENT_FIXTURES_DIR)


@pytest.fixture
def live_content(transactional_db):
    return load_content(settings.CONTENT_FIXTURES_DIR)


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
