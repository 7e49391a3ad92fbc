"""The site's own drawings (labelled SVG, in templates/illustrations/), which editors attach to a
guide step or a diagnosis question by name.

They are templates, not image files, so their labels are translated with the page and they
follow the page's colours (dark mode) under the Content Security Policy. The set is whatever
files are in the folder: adding a drawing needs no code change.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

FOLDER = "illustrations"


@cache
def available() -> tuple[str, ...]:
    folder = Path(settings.BASE_DIR) / "templates" / FOLDER
    return tuple(sorted(path.stem for path in folder.glob("*.svg")))


def choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(name, name.replace("-", " ")) for name in available()]


def template_name(name: str) -> str:
    return f"{FOLDER}/{name}.svg"


def validate_illustration(name: str) -> None:
    if name and name not in available():
        raise ValidationError(_("There is no drawing called “%(name)s”.") % {"name": name})


class IllustrationChoiceMixin:
    """Admin: the "drawing" field is a list of the drawings there are, not free text."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "illustration":
            from django import forms

            return forms.ChoiceField(
                choices=choices(), required=False, label=db_field.verbose_name.capitalize(), help_text=db_field.help_text
            )
        return super().formfield_for_dbfield(db_field, request, **kwargs)
