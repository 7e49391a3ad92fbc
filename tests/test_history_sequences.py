"""History survives whatever an editor does: random sequences of edits, moves, deletes and
re-adds of a guide's steps, tools and parts, made through the admin's own form, then a revert
to every earlier revision, each compared with the whole guide as it was then.

Seeded, so a failure repeats; GUIDE_HISTORY_SEEDS=0-99 tries more sequences locally.
"""

import os
import random

import pytest
from django.urls import reverse
from reversion.models import Version

from guides.models import RepairGuide
from tests.adminforms import form_values

STEPS = 8  # admin saves per sequence


def seeds() -> list[int]:
    first, _, last = os.environ.get("GUIDE_HISTORY_SEEDS", "0-2").partition("-")
    return list(range(int(first), int(last or first) + 1))


def whole_guide(guide: RepairGuide) -> dict:
    """Everything an owner reads of the guide, in its order (ids left out: a revert may re-add)."""
    guide.refresh_from_db()
    return {
        "guide": (guide.title, guide.summary, guide.status),
        "steps": list(guide.steps.order_by("order").values_list("order", "title", "body", "warning", "tip")),
        "tools": list(guide.tools.order_by("order", "pk").values_list("name", "optional", "note")),
        "parts": list(guide.parts.order_by("order", "pk").values_list("name", "optional", "price_min_eur", "note")),
    }


def rows(data: dict, prefix: str) -> list[str]:
    """The form prefixes of the inline rows on the page (not the empty template row)."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    return [f"{prefix}-{n}" for n in range(total)]


def add_row(data: dict, prefix: str, guide: RepairGuide, **fields) -> None:
    n = int(data[f"{prefix}-TOTAL_FORMS"])
    data[f"{prefix}-TOTAL_FORMS"] = str(n + 1)
    data |= {f"{prefix}-{n}-guide": str(guide.pk), f"{prefix}-{n}-id": ""}
    data |= {f"{prefix}-{n}-{name}": value for name, value in fields.items()}


def one_edit(rng: random.Random, data: dict, guide: RepairGuide, n: int) -> None:
    """Change the form's values the way an editor might, one or two things per save."""
    steps = rows(data, "steps")
    choice = rng.choice(["edit step", "move step", "delete step", "add step", "summary", "tool", "part"])
    if choice == "edit step":
        row = rng.choice(steps)
        field = rng.choice(["title", "body", "tip"])
        data[f"{row}-{field}"] = f"{data[f'{row}-{field}']} (edit {n})".strip()
    elif choice == "move step":
        data[f"{rng.choice(steps)}-order"] = str(rng.randint(1, len(steps)))
    elif choice == "delete step" and len(steps) > 2:
        data[f"{rng.choice(steps)}-DELETE"] = "on"
    elif choice == "add step" or choice == "delete step":
        # Sometimes the same title as an existing one: a step removed and put back by hand.
        title = data[f"{rng.choice(steps)}-title"] if rng.random() < 0.3 else f"New step {n}"
        add_row(data, "steps", guide, order=str(rng.randint(1, len(steps) + 1)), title=title, body=f"Do thing {n}.")
    elif choice == "summary":
        data["summary"] = f"{data['summary']} Edit {n}."
    else:
        prefix = "tools" if choice == "tool" else "parts"
        existing = rows(data, prefix)
        if existing and rng.random() < 0.5:
            data[f"{rng.choice(existing)}-DELETE"] = "on"
        else:
            add_row(data, prefix, guide, name=f"Extra {prefix} {n}", note="", order=str(len(existing) + 1))


@pytest.mark.parametrize("seed", seeds())
def test_every_earlier_revision_of_a_guide_comes_back_whole(admin_client, content, seed):
    rng = random.Random(seed)
    guide = RepairGuide.objects.get(slug="replace-microswitch")
    url = reverse("admin:guides_repairguide_change", args=[guide.pk])
    snapshots = [whole_guide(guide)]
    for n in range(STEPS):
        data = form_values(admin_client.get(url).content.decode())
        one_edit(rng, data, guide, n)
        response = admin_client.post(url, data)
        assert response.status_code == 302, (n, response.content.decode()[:3000])
        snapshots.append(whole_guide(guide))

    # The first save kept the guide as loaded (the baseline), then one revision per save.
    revisions = list(Version.objects.get_for_object(guide).order_by("pk"))
    assert len(revisions) == STEPS + 1

    # Back to each earlier revision, in a random order, from wherever the last revert left it.
    targets = list(range(STEPS + 1))
    rng.shuffle(targets)
    for k in targets:
        revert_url = reverse("admin:guides_repairguide_revision", args=[guide.pk, revisions[k].pk])
        page = admin_client.get(revert_url, follow=True)
        assert page.redirect_chain == [], (k, page.content.decode()[:2000])
        response = admin_client.post(revert_url, form_values(page.content.decode()))
        assert response.status_code == 302, (k, response.content.decode()[:3000])
        assert whole_guide(guide) == snapshots[k], f"seed {seed}: revert to revision {k} of {STEPS}"
