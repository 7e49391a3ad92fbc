"""Render editor-written Markdown safely."""

import json

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


@register.simple_tag
def jsonld(*items) -> str:
    """Print schema.org data as JSON-LD: a data block, never run as a script (so the CSP allows
    it), escaped like Django's json_script so editors' text can't close the tag."""
    from django.core.serializers.json import DjangoJSONEncoder
    from django.utils.html import format_html

    blocks = []
    for item in items:
        if item:
            text = json.dumps(item, cls=DjangoJSONEncoder, ensure_ascii=False).translate(JSON_ESCAPES)
            blocks.append(format_html('<script type="application/ld+json">{}</script>', mark_safe(text)))
    return mark_safe("\n".join(blocks))


JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.filter
def plain(text: str, length: int = 160) -> str:
    """Markdown as one line of plain text, cut at a word: for meta descriptions."""
    from django.utils.text import Truncator

    from guides.selectors import strip_markdown

    return Truncator(strip_markdown(text)).chars(length)
