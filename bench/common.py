"""What the browser benchmarks share: the pages, the base URL, the browser.

The scripts are run as `.venv/bin/python bench/<script>.py` (so this module is
importable by its plain name) against a server that bench/serve.sh started; the
base URL comes from --base-url or the BENCH_URL variable serve.sh exports.
"""

import argparse
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

# (label, path): the real pages a phone visitor goes through.
PAGES = [
    ("Home", "/"),
    ("Overview", "/problems/micra-k12-boot-lock/"),
    ("Guide: replace microswitch", "/guides/replace-microswitch/"),
    ("Guide: open it now (emergency)", "/guides/open-boot-from-inside/"),
    ("Guide: step by step", "/guides/replace-microswitch/?step=3"),
    ("Diagnosis: first step", "/problems/micra-k12-boot-lock/diagnose/"),
    (
        "Diagnosis: outcome",
        "/problems/micra-k12-boot-lock/diagnose/?signs=answered&signs=worse-in-wet-weather&remote=doors-work&button=no-click",
    ),
    ("FAQ", "/problems/micra-k12-boot-lock/faq/"),
    ("Search: rain", "/search/?q=rain"),
]

# The phone of the browser tests (tests/conftest.py: 390x844, 2x, touch) except
# is_mobile: with mobile emulation on, this Chromium reports no 'layout-shift'
# entries at all, so CLS would read 0 whatever the page did (page_weight.py
# checks its observer on a page that shifts). The pages have
# <meta name="viewport" content="width=device-width">, so they lay out at 390
# CSS pixels either way.
PHONE_CONTEXT = {
    "viewport": {"width": 390, "height": 844},
    "is_mobile": False,
    "has_touch": True,
    "device_scale_factor": 2,
}

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}


def chromium_path() -> str:
    candidates = [os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    sys.exit("Chromium not found: install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH")


def add_base_url_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--base-url",
        default=os.environ.get("BENCH_URL"),
        help="where the site runs (default: $BENCH_URL, which bench/serve.sh sets)",
    )


def checked_base_url(url: str | None) -> str:
    if not url:
        sys.exit("No server: pass --base-url or run me through bench/serve.sh (it sets BENCH_URL)")
    host = urlsplit(url).hostname
    if host not in LOOPBACK_HOSTS:
        sys.exit(f"Refusing to measure {url}: these benchmarks only run against a loopback server")
    return url.rstrip("/")


@contextmanager
def chromium():
    """A headless Debian Chromium driven by Playwright; nothing is downloaded."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def markdown_table(headers: list[str], rows: list[list[object]], align: str | None = None) -> str:
    """A markdown table; `align` is one letter per column, l or r (default: first left, rest right)."""
    align = align or "l" + "r" * (len(headers) - 1)
    rule = ["---:" if a == "r" else "---" for a in align]
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join(rule) + " |"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)
