"""Render editor-written Markdown safely."""

import markdown as markdown_lib
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {"p", "br", "strong", "em", "ul", "ol", "li", "a", "code", "blockquote", "h3", "h4"}


@register.filter(name="markdown")
def render_markdown(text: str) -> str:
    """Markdown to HTML, then sanitised: editors' text never injects script or style."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return mark_safe(
        nh3.clean(html, tags=ALLOWED_TAGS, attributes={"a": {"href", "title"}}, url_schemes={"http", "https", "mailto"})
    )


@register.filter
def euro_range(low, high) -> str:
    if low is None or high is None:
        return ""
    return f"€{low}" if low == high else f"€{low}–€{high}"
