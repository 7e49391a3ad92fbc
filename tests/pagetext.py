"""Read pages the way an owner does: visible text and the links to follow."""

import re
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlparse

SKIPPED_TAGS = {"script", "style", "head", "title"}


class PageReader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in SKIPPED_TAGS:
            self._skip_depth += 1
        if tag == "a":
            href = dict(attrs).get("href")
            if href:
                self.links.append(href)
        self.parts.append(" ")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self._skip_depth:
            self._skip_depth -= 1
        self.parts.append(" ")

    def handle_data(self, data):
        if not self._skip_depth:
            self.parts.append(data)


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def read_page(html: str) -> tuple[str, list[str]]:
    reader = PageReader()
    reader.feed(html)
    return normalise("".join(reader.parts)), reader.links


def text_of(response) -> str:
    """The visible text of a response (Django's test client's or the servers tests' client's)."""
    return read_page(response.text)[0]


def crawl(
    client, start: str = "/", skip_prefixes: tuple[str, ...] = ("/admin/", "/static/"), max_query_pairs: int = 1
) -> dict[str, str]:
    """Follow every same-site link from `start`; return {path: visible text}. Fails on any non-200.

    The diagnosis links every combination of answers, so links carrying more than
    `max_query_pairs` query parameters are not followed (the walk tests cover those).
    """
    pages: dict[str, str] = {}
    queue = [start]
    while queue:
        path = queue.pop()
        if path in pages:
            continue
        response = client.get(path, follow=True)
        assert response.status_code == 200, f"{path} answered {response.status_code}"
        text, links = read_page(response.content.decode())
        pages[path] = text
        for href in links:
            url = urlparse(urldefrag(href).url)
            if url.scheme or url.netloc or not url.path.startswith("/") or url.path.startswith(skip_prefixes):
                continue
            if url.query and url.query.count("&") + 1 > max_query_pairs:
                continue
            target = url.path + (f"?{url.query}" if url.query else "")
            if target not in pages:
                queue.append(target)
    return pages
