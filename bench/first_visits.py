"""Diagnosis states nobody asked for before: thousands of distinct, valid, canonical addresses of
the live diagnosis, for bench/load.sh's "first visits" row (each asked once, so the page cache
never answers them).

    .venv/bin/python bench/first_visits.py --count 20000 --out states.txt [--check BASE_URL]

Made from the live model as owners walk it: from the first screen, answer the question the site
asks next (a random answer; a random set of signs on a checklist; "not sure" now and then), and
keep every address on the way (each a question page or an outcome), until `count` distinct ones.
With --check, a sample is fetched and must answer 200 (wrk counts any other status as an error
too). Runs with the settings the server uses (DJANGO_SETTINGS_MODULE, SQLITE_PATH/DATABASE_URL).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")


def walk_states(models: list, count: int, seed: int = 1) -> list[str]:
    """`count` distinct canonical addresses, from (diagnosis path, live model) pairs, as owners
    walk them. Also what tests/test_first_visits.py samples its states with."""
    from troubleshooter.diagnosis import CHECKLIST_ANSWERED, canonical_state, evaluate, state_query, with_answer

    rng = random.Random(seed)
    found: dict[str, None] = {}
    stale = 0
    while len(found) < count and stale < 20 * count:
        path, model = rng.choice(models)
        state: dict = {}
        for _step in range(len(model.questions) + 1):
            result = evaluate(model, state)
            if result.finished or result.question is None:
                break
            question = result.question
            if question.is_checklist:
                picked = [a.slug for a in question.evidence_answers if rng.random() < 0.25]
                answers = [CHECKLIST_ANSWERED, *picked]
            elif rng.random() < 0.2 and question.unsure_answer is not None:
                answers = [question.unsure_answer.slug]
            else:
                answers = [rng.choice(question.answers).slug]
            state = canonical_state(model, with_answer(state, question, answers))
            address = f"{path}?{state_query(state)}"
            if address in found:
                stale += 1
            else:
                found[address] = None
            if len(found) >= count:
                break
    return list(found)


def live_models() -> list:
    """(diagnosis path, live model) of each published problem with a live diagnosis."""
    from django.urls import reverse

    from problems.models import Problem
    from troubleshooter.selectors import diagnosis_model, published_version

    problems = [p for p in Problem.objects.published() if published_version(p) is not None]
    return [
        (reverse("troubleshooter:diagnosis", kwargs={"slug": p.slug}), diagnosis_model(published_version(p))) for p in problems
    ]


def states(count: int, seed: int = 1) -> list[str]:
    import django

    django.setup()
    return walk_states(live_models(), count, seed)


def check(base: str, paths: list[str], sample: int = 50, seed: int = 2) -> None:
    for path in random.Random(seed).sample(paths, min(sample, len(paths))):
        with urllib.request.urlopen(base.rstrip("/") + path, timeout=10) as response:
            if response.status != 200 or response.url != base.rstrip("/") + path:
                sys.exit(f"first_visits: {path} answered {response.status} at {response.url} (not a canonical state?)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20000)
    parser.add_argument("--out", required=True)
    parser.add_argument("--check", default="", help="base URL: fetch a sample, each must answer 200 at its own address")
    args = parser.parse_args()
    paths = states(args.count)
    if len(paths) < args.count:
        print(f"first_visits: only {len(paths)} distinct states found", file=sys.stderr)
    Path(args.out).write_text("\n".join(paths) + "\n")
    if args.check:
        check(args.check, paths)
    print(f"{len(paths)} distinct diagnosis states in {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
