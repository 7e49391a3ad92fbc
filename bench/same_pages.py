"""Render a sample of diagnosis states as owners reach them (bench/same_pages.sh runs this in two
checkouts and compares). Run from the checkout to render, with its settings in the environment:

    python /path/to/bench/same_pages.py COUNT OUT.json

Each state is asked once as a whole page and once as an htmx step: each a first visit (the states
are distinct, so the page cache never answers), with whatever the process keeps (the live model,
the kept fragments) reused from state to state, as in production. The CSRF token and whitespace
between tags are left out.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

# The checkout being rendered, never the one this file lives in.
sys.path.insert(0, os.getcwd())

import django  # noqa: E402

django.setup()

from django.core.cache import caches  # noqa: E402
from django.test import Client  # noqa: E402

import troubleshooter.diagnosis  # noqa: E402, F401  (the checkout's own, before the walk below imports it)
import troubleshooter.selectors  # noqa: E402, F401

spec = importlib.util.spec_from_file_location("first_visits", Path(__file__).with_name("first_visits.py"))
first_visits = importlib.util.module_from_spec(spec)
spec.loader.exec_module(first_visits)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
BETWEEN_TAGS = re.compile(r">\s+<")


def normal(html: str) -> str:
    return BETWEEN_TAGS.sub("><", CSRF.sub("", html)).strip()


def main() -> None:
    count, out = int(sys.argv[1]), sys.argv[2]
    pages = {}
    for alias in caches:
        caches[alias].clear()
    for url in first_visits.walk_states(first_visits.live_models(), count, seed=4):
        for kind, headers in (("page", {}), ("htmx", {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "diagnosis"})):
            response = Client().get(url, **headers)
            assert response.status_code == 200 and response.get("X-Page-Cache") != "hit", (url, response.status_code)
            pages[f"{kind} {url}"] = normal(response.content.decode())
    Path(out).write_text(json.dumps(pages))


if __name__ == "__main__":
    main()
