"""Parse the Carnews article text into sections, paragraphs, sentences and pull quotes.

The article is plain text: one paragraph per line, headings as short lines
without closing punctuation, pull quotes as lines wrapped in ‘ ’. The parser is
pure (no database) so the importer and the tests can both use it; every fault
is reported with the file and line it was found on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

INTRO_KEY = "intro"
# A sentence ends at . ! or ? followed by a space and a capital (or an
# opening quote/bracket/number). "e.g. silicone" stays one sentence.
SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+(?=[A-Z‘“(€0-9])")
SENTENCE_END = (".", "!", "?", ".’", "?’", "!’")
PULL_QUOTE = re.compile(r"^‘\s*(?P<text>.+?)\s*’$")
MAX_HEADING_LENGTH = 100


class ContentError(Exception):
    """Bad content input, located by file and line."""

    def __init__(self, path: Path | str, line: int | None, message: str):
        self.path = str(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line else self.path
        super().__init__(f"{where}: {message}")


def split_sentences(paragraph: str) -> list[str]:
    return [s.strip() for s in SENTENCE_BREAK.split(paragraph.strip()) if s.strip()]


@dataclass
class Paragraph:
    line: int
    text: str

    @property
    def sentences(self) -> list[str]:
        return split_sentences(self.text)


@dataclass
class PullQuote:
    line: int
    text: str


@dataclass
class Section:
    key: str
    heading: str
    line: int
    paragraphs: list[Paragraph] = field(default_factory=list)
    quotes: list[PullQuote] = field(default_factory=list)


@dataclass
class Article:
    path: Path
    sections: dict[str, Section]

    def section(self, key: str) -> Section:
        return self.sections[key]


def read_text(path: Path) -> str:
    """Read UTF-8 text, naming the line of the first byte that is not UTF-8."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ContentError(path, None, "file not found") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise ContentError(path, line, f"not UTF-8 text (byte 0x{raw[error.start]:02x})") from None


def parse_article(path: Path, headings: dict[str, str], text: str | None = None) -> Article:
    """Split the article into known sections.

    `headings` maps each heading the text must contain to a section key; the
    lines before the first heading form the "intro" section. A heading the
    fixtures do not know, a heading missing from the text, or a text that stops
    mid-sentence all raise ContentError.
    """
    if text is None:
        text = read_text(path)
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise ContentError(path, None, "the article text is empty")

    last_line_no = max(no for no, line in enumerate(lines, start=1) if line.strip())
    current = Section(key=INTRO_KEY, heading="", line=1)
    sections: dict[str, Section] = {INTRO_KEY: current}

    for line_no, raw_line in enumerate(lines, start=1):
        line = raw_line.strip()
        if not line:
            continue
        quote = PULL_QUOTE.match(line)
        if quote:
            current.quotes.append(PullQuote(line_no, quote.group("text")))
        elif line.endswith(SENTENCE_END):
            current.paragraphs.append(Paragraph(line_no, line))
        elif line_no == last_line_no or len(line) > MAX_HEADING_LENGTH:
            raise ContentError(path, line_no, "the text stops mid-sentence: the article looks truncated")
        elif line in headings:
            key = headings[line]
            if key in sections:
                raise ContentError(path, line_no, f"section heading {line!r} appears twice")
            current = Section(key=key, heading=line, line=line_no)
            sections[key] = current
        else:
            raise ContentError(path, line_no, f"unknown section heading {line!r} (not in the content fixtures)")

    missing = [heading for heading, key in headings.items() if key not in sections]
    if missing:
        raise ContentError(
            path,
            last_line_no,
            "the article looks truncated: missing section(s) " + ", ".join(repr(h) for h in missing),
        )
    for section in sections.values():
        if not section.paragraphs:
            raise ContentError(path, section.line, f"section {section.heading or section.key!r} has no text")
    return Article(path=path, sections=sections)
