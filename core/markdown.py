"""Editors' Markdown as safe HTML, and as plain text."""

from functools import lru_cache
from html import unescape

import markdown as markdown_lib
import nh3
from django.db import models
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "blockquote", "h3", "h4"}


def is_markdown(db_field) -> bool:
    """A model field editors write in Markdown (its help text says so)."""
    return isinstance(db_field, models.TextField) and "Markdown" in str(db_field.help_text)


# A pure function of the text: each text (a cause's explanation, a question's help) is rendered
# once per process, not on every page that shows it (the diagnosis' first visits above all).
@lru_cache(maxsize=4096)
def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised: editors' text never injects script or style."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(
        nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto"})
    )


def strip_markdown(text: str) -> str:
    """Markdown as one line of plain text (for meta descriptions, structured data, letters)."""
    return " ".join(unescape(strip_tags(render_markdown(text))).split())
