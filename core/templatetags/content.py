"""Template filters for editors' content: Markdown, prices, structured data, plain text."""

import json

from django import template
from django.utils.safestring import mark_safe

from core.markdown import render_markdown, strip_markdown

register = template.Library()

register.filter("markdown", render_markdown)


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

    return Truncator(strip_markdown(text)).chars(length)
