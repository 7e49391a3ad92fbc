"""Structured data (schema.org JSON-LD) for search engines: what a page is, in their vocabulary.

Plain dicts built from the content; the templates print them with the `jsonld` tag.
"""

from __future__ import annotations

from django.conf import settings

from core import illustrations
from core.markdown import strip_markdown


def absolute(path: str) -> str:
    """The address under the configured SITE_URL, never the request's Host (pages are cached)."""
    return settings.SITE_URL.rstrip("/") + path


def breadcrumbs(trail: list[tuple[str, str]]) -> dict:
    """[(name, path)] from the home page down to this page."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": absolute(path)}
            for n, (name, path) in enumerate(trail, start=1)
        ],
    }


def based_on(problem) -> dict | None:
    """The article the content comes from, credited."""
    article = getattr(problem, "source_article", None)
    if article is None:
        return None
    return {
        "@type": "Article",
        "name": article.title,
        "url": article.url,
        "publisher": {"@type": "Organization", "name": article.publisher},
    }


def step_image(step) -> str | None:
    """The step's picture: the editor's own photo, else the site's drawing, else none."""
    if step.picture:
        return absolute(step.picture.url)
    if step.illustration:
        return absolute(illustrations.url(step.illustration))
    return None


def how_to_step(url: str, step) -> dict:
    data = {
        "@type": "HowToStep",
        "position": step.order,
        "name": step.title,
        "text": strip_markdown(step.body),
        "url": f"{url}#step-{step.order}",
    }
    if (image := step_image(step)) is not None:
        data["image"] = image
    return data


def how_to(guide) -> dict:
    url = absolute(guide.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": guide.title,
        "description": strip_markdown(guide.summary),
        "url": url,
        "totalTime": f"PT{guide.time_max_minutes}M",
        "tool": [{"@type": "HowToTool", "name": tool.name} for tool in guide.tools.all()],
        "supply": [{"@type": "HowToSupply", "name": part.name} for part in guide.parts.all()],
        "step": [how_to_step(url, step) for step in guide.steps.all()],
    }
    if (prices := guide.parts_price_range()) is not None:
        data["estimatedCost"] = {"@type": "MonetaryAmount", "currency": "EUR", "minValue": prices[0], "maxValue": prices[1]}
    if (source := based_on(guide.problem)) is not None:
        data["isBasedOn"] = source
    return data


def faq_page(problem, faqs) -> dict:
    data = {
        "@context": "https://schema.org",
        "@type": "FAQPage",
        "mainEntity": [
            {"@type": "Question", "name": faq.question, "acceptedAnswer": {"@type": "Answer", "text": strip_markdown(faq.answer)}}
            for faq in faqs
        ],
    }
    if (source := based_on(problem)) is not None:
        data["isBasedOn"] = source
    return data
