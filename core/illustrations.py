"""The site's own drawings (labelled SVG, in templates/illustrations/), which editors attach to a
guide step or a diagnosis question by name.

A drawing of one fault's parts lives in a folder named after that problem's slug, and only that
problem's forms offer it; a drawing at the top of the folder is offered to every problem. Names
are unique across the folders (a drawing's address is its name).

They are templates, not image files, so their labels are translated with the page and they
follow the page's colours (dark mode) under the Content Security Policy. The set is whatever
files are in the folder: adding a drawing needs no code change.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

FOLDER = "illustrations"


@cache
def files() -> dict[str, str]:
    """Each drawing's name and its template, from the folder and its per-problem folders."""
    folder = Path(settings.BASE_DIR) / "templates" / FOLDER
    found: dict[str, str] = {}
    for path in sorted(folder.glob("*.svg")) + sorted(folder.glob("*/*.svg")):
        if path.stem in found:
            raise ImproperlyConfigured(f"Two drawings are called {path.stem!r}: {found[path.stem]} and {path}")
        found[path.stem] = path.relative_to(folder.parent).as_posix()
    return found


def available() -> tuple[str, ...]:
    return tuple(sorted(files()))


def choices(problem_slug: str | None = None) -> list[tuple[str, str]]:
    """The drawings to offer on a form: those of `problem_slug` and the shared ones (all if None)."""
    offered = [
        name for name, path in files().items() if problem_slug is None or path.count("/") == 1 or f"/{problem_slug}/" in path
    ]
    return [("", "—")] + [(name, name.replace("-", " ")) for name in sorted(offered)]


def template_name(name: str) -> str:
    return files().get(name, f"{FOLDER}/{name}.svg")


def url(name: str) -> str:
    return reverse("guides:illustration", kwargs={"name": name})


@cache
def standalone_style() -> str:
    """The drawings' rules from the site's stylesheet, in the light theme's colours.

    A drawing opened on its own (a search engine's image, a shared link) has no page around it
    to give it colours, so it carries them; taking the `.ill-*` rules from site.css keeps one
    place where the drawings' look is written.
    """
    css = Path(finders.find("css/site.css")).read_text(encoding="utf-8")
    rules = "\n".join(re.findall(r"^\.ill-[^{]*\{[^}]*\}", css, flags=re.MULTILINE))
    return "svg { color: #111; background: #fff; font-family: sans-serif; --part: #f3f3ee; --hot: #c77700; }\n" + rules


def render_standalone(name: str) -> str:
    """A drawing as an SVG file of its own: its template with the style put inside."""
    svg = render_to_string(template_name(name))
    opening = svg.index(">", svg.index("<svg")) + 1
    return f"{svg[:opening]}<style>{standalone_style()}</style>{svg[opening:]}"


def validate_illustration(name: str) -> None:
    if name and name not in available():
        raise ValidationError(_("There is no drawing called “%(name)s”.") % {"name": name})


class IllustrationChoiceMixin:
    """Admin: the "drawing" field is a list of the drawings there are, not free text: those of the
    problem being edited (`illustrations_for`) and the shared ones."""

    def illustrations_for(self, request) -> str | None:
        """The slug of the problem the form belongs to (None: offer every drawing)."""
        return None

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "illustration":
            from django import forms

            return forms.ChoiceField(
                choices=choices(self.illustrations_for(request)),
                required=False,
                label=db_field.verbose_name.capitalize(),
                help_text=db_field.help_text,
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
