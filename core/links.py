"""Links inside editors' Markdown to this site's own pages: found, checked, and traced.

The rooms above core know which pages their items make: they answer the `site_pages` signal
(connected in their AppConfig.ready) with {path: (what it is, in plain words; published?)}.
A link to a path no room claims is broken when the path is an item's address (a slug that
names nothing); a page of its own (the home page, search) needs no item.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import get_close_matches
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.dispatch import Signal
from django.urls import Resolver404, resolve
from django.utils.translation import gettext as _

from core.markdown import is_markdown, render_markdown
from core.roles import CONTENT_APPS

# sender: None. Each receiver returns {path: (title, published)} for the pages its room serves.
site_pages = Signal()


class _Hrefs(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a" and (href := dict(attrs).get("href")):
            self.hrefs.append(href)


def internal_paths(text: str) -> list[str]:
    """The paths of this site that a Markdown text links to, as written (query and #part left off)."""
    parser = _Hrefs()
    parser.feed(render_markdown(text))
    site = settings.SITE_URL.rstrip("/")
    paths = []
    for href in parser.hrefs:
        if href.startswith(site + "/"):
            href = href[len(site) :]
        if href.startswith("/") and not href.startswith("//"):
            paths.append(urlsplit(href).path)
    return list(dict.fromkeys(paths))


def known_pages() -> dict[str, tuple[str, bool]]:
    pages: dict[str, tuple[str, bool]] = {}
    for _receiver, answer in site_pages.send(sender=None):
        pages.update(answer)
    return pages


@dataclass(frozen=True)
class LinkProblem:
    path: str
    broken: bool  # no such page (else: a page owners can't see yet)
    nearest: str = ""
    title: str = ""

    def words(self) -> str:
        if self.broken:
            if self.nearest:
                return _("The link to “%(p)s” goes to a page that does not exist. Did you mean “%(n)s”?") % {
                    "p": self.path,
                    "n": self.nearest,
                }
            return _("The link to “%(p)s” goes to a page that does not exist.") % {"p": self.path}
        return _("The link to “%(p)s” goes to “%(t)s”, which owners can't see yet (it is not published).") % {
            "p": self.path,
            "t": self.title,
        }


def check_paths(paths, pages: dict[str, tuple[str, bool]] | None = None) -> list[LinkProblem]:
    paths = list(paths)
    if not paths:
        return []
    pages = known_pages() if pages is None else pages
    problems = []
    for path in paths:
        if path in pages:
            title, published = pages[path]
            if not published:
                problems.append(LinkProblem(path, broken=False, title=title))
            continue
        try:
            match = resolve(path)
        except Resolver404:
            match = None
        # A page of its own (home, search) needs no item; an item's address that names none is broken.
        if match is None or match.kwargs:
            nearest = get_close_matches(path, list(pages), n=1, cutoff=0.6)
            problems.append(LinkProblem(path, broken=True, nearest=nearest[0] if nearest else ""))
    return problems


def markdown_fields(model) -> list[str]:
    return [field.name for field in model._meta.get_fields() if is_markdown(field)]


def content_models():
    return [model for label in CONTENT_APPS for model in apps.get_app_config(label).get_models() if markdown_fields(model)]


def describe(obj) -> str:
    return f"{obj._meta.verbose_name} “{obj}”"


def texts_linking_to(path: str) -> list[str]:
    """Every item whose Markdown links to `path`, in plain words (for unpublish and delete)."""
    found = []
    for model in content_models():
        for name in markdown_fields(model):
            for obj in model.objects.filter(**{f"{name}__contains": path}):
                if path in internal_paths(getattr(obj, name)) and describe(obj) not in found:
                    found.append(describe(obj))
    return found


def is_public(obj) -> bool:
    """Whether owners can read `obj`'s text: its own status, or that of what it belongs to (a
    step's guide, a cause's version, an answer's question)."""
    if hasattr(obj, "is_published"):
        return obj.is_published
    for parent in ("guide", "question", "version", "problem"):
        if (owner := getattr(obj, parent, None)) is not None:
            return is_public(owner)
    return getattr(obj, "status", "published") == "published"


def broken_links() -> list[tuple[str, LinkProblem]]:
    """Every link in the content's Markdown to a page that does not exist, and every link in text
    owners can read to a page they can't see yet (for "at a glance": both send owners to "page
    not found")."""
    pages, found = known_pages(), []
    for model in content_models():
        for name in markdown_fields(model):
            for obj in model.objects.exclude(**{name: ""}).filter(**{f"{name}__contains": "]("}):
                for problem in check_paths(internal_paths(getattr(obj, name)), pages):
                    if problem.broken or is_public(obj):
                        found.append((describe(obj), problem))
    return found


def validate_internal_links(text: str) -> None:
    """A form error for each link to a page of this site that does not exist (drafts are a warning)."""
    broken = [problem.words() for problem in check_paths(internal_paths(text)) if problem.broken]
    if broken:
        raise ValidationError(broken)


def unpublished_link_warnings(*texts: str) -> list[str]:
    """Links in these texts to pages owners can't see yet: a warning, not an error (an editor may
    prepare a guide and its FAQ together)."""
    paths = dict.fromkeys(path for text in texts for path in internal_paths(text))
    return [problem.words() for problem in check_paths(paths) if not problem.broken]


def markdown_texts(obj) -> list[str]:
    return [getattr(obj, name) or "" for name in markdown_fields(type(obj))]


def page_path(obj) -> str:
    """The address of an item's own page (not a place on a shared page), or ""."""
    url = obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else ""
    return "" if not url or "#" in url else urlsplit(url).path
