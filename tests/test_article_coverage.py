"""Every sentence of the Carnews article is shown on a public page, found by following links from home."""

import re
from pathlib import Path

from django.conf import settings

from tests.pagetext import crawl, normalise

ARTICLE = Path(settings.CONTENT_FIXTURES_DIR) / "carnews" / "nissan-micra-boot-lock.txt"


def article_sentences() -> list[str]:
    """Split the text file itself into sentences, independently of the importer."""
    sentences = []
    for line in ARTICLE.read_text(encoding="utf-8").splitlines():
        line = line.strip().strip("‘’").strip()
        if not line or not line.endswith((".", "?", "!")):
            continue  # blank lines and headings
        sentences += [s for s in re.split(r"(?<=[.?!])\s+(?=[A-Z€‘(])", line) if s]
    return sentences


def test_the_article_has_many_sentences():
    # Guards the splitter above: a silent change to it must not make the coverage test vacuous.
    assert len(article_sentences()) > 100


def test_every_article_sentence_is_on_a_public_page(client, content):
    pages = crawl(client)
    site_text = "\n".join(pages.values())
    missing = [s for s in article_sentences() if normalise(s) not in site_text]
    assert not missing, f"{len(missing)} sentence(s) not on any page, e.g. {missing[:3]}"
    assert len(pages) >= 8  # home, overview, four guides, FAQ, prevention, source


def test_a_sentence_disappears_when_its_page_is_unpublished(client, content):
    """The coverage check can fail: drafting a guide removes its sentences from the site."""
    from guides.models import RepairGuide

    RepairGuide.objects.filter(slug="replace-microswitch").update(status=RepairGuide.Status.DRAFT)
    site_text = "\n".join(crawl(client).values())
    assert "Start by removing two 10 mm nuts that hold the lock mechanism in place." not in site_text
