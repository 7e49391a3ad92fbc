"""Load the content fixtures and the Carnews article into the database.

Each `fixtures/*.toml` file describes one problem and names the article text
it draws on. Every fixture and its article are read and parsed before the
database is touched. Their references (which paragraph, which cause) are
resolved while the rows are written, the models validate each row, and the
check that every sentence of the article is placed runs after the writes: all
of it inside one transaction, so a bad input rolls back and leaves the
database exactly as it was.

Existing rows are matched by their natural keys (slugs and the like) and left
alone, so running the loader twice changes nothing and never overwrites what
an editor changed; `update=True` puts the fixture version back.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction

from core import illustrations
from core.models import Publishable
from guides.models import (
    FAQ,
    CostEstimate,
    GuidePart,
    GuideStep,
    GuideTool,
    OwnerExperience,
    PreventionTip,
    PullQuote,
    RepairGuide,
)
from loader.carnews import Article, ContentError, parse_article, read_text
from pagecache.batch import one_change
from pagecache.cache import content_changed
from problems.models import Problem, SourceArticle, Vehicle
from search.index import rebuild_index as rebuild_search_index
from troubleshooter.models import Answer, Cause, CauseGuide, DiagnosisVersion, LegacyAnswer, Mark, Question, Situation
from troubleshooter.selectors import draft_version
from troubleshooter.services import VersionError, next_number, publish_version

# The editors' scale as the fixture writes it.
MARK_WORDS = {
    "rules-out": Mark.Effect.RULES_OUT,
    "against": Mark.Effect.AGAINST,
    "points": Mark.Effect.POINTS_TO,
    "strongly": Mark.Effect.POINTS_STRONGLY,
}
REFERENCE = re.compile(r"^article:(?P<section>[a-z0-9_-]+)/(?P<paragraph>\d+)(?:/(?P<first>\d+)(?:-(?P<last>\d+))?)?$")
PUBLISHED = Publishable.Status.PUBLISHED


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    kept: Counter = field(default_factory=Counter)

    def summary(self) -> str:
        parts = []
        for label, counter in (("created", self.created), ("updated", self.updated), ("kept", self.kept)):
            total = sum(counter.values())
            if total:
                detail = ", ".join(f"{n} {name}" for name, n in sorted(counter.items()))
                parts.append(f"{label} {total} ({detail})")
        return "; ".join(parts) or "nothing to do"


class FixtureText:
    """One fixture file and its article, with references resolved to article text."""

    def __init__(self, path: Path):
        self.path = path
        self.source = read_text(path)
        try:
            self.data = tomllib.loads(self.source)
        except tomllib.TOMLDecodeError as error:
            raise ContentError(path, getattr(error, "lineno", None), f"not valid TOML: {error.msg}") from None
        article_conf = self.require(self.data, "article", "the file")
        headings = self.require(article_conf, "sections", "[article]")
        self.article_path = (path.parent / self.require(article_conf, "file", "[article]")).resolve()
        self.article: Article = parse_article(self.article_path, {h: k for h, k in headings.items()})
        self.used: set[tuple[str, int, int]] = set()

    def line_of(self, needle: str) -> int | None:
        index = self.source.find(needle)
        return self.source.count("\n", 0, index) + 1 if index >= 0 else None

    def require(self, table: dict, key: str, where: str) -> Any:
        if key not in table:
            raise ContentError(self.path, None, f"{where} has no {key!r}")
        return table[key]

    def text(self, value: str | list[str]) -> str:
        """Resolve a text value: Markdown as written, or a reference into the article."""
        if isinstance(value, list):
            return "\n\n".join(self.text(item) for item in value)
        if not value.startswith("article:"):
            return value.strip()
        match = REFERENCE.match(value)
        if not match:
            raise ContentError(self.path, self.line_of(value), f"bad article reference {value!r}")
        key = match["section"]
        if key not in self.article.sections:
            raise ContentError(self.path, self.line_of(value), f"{value!r} names an unknown section {key!r}")
        section = self.article.sections[key]
        number = int(match["paragraph"])
        if not 1 <= number <= len(section.paragraphs):
            last_line = section.paragraphs[-1].line
            raise ContentError(
                self.article_path,
                last_line,
                f"section {section.heading or key!r} has {len(section.paragraphs)} paragraph(s) but "
                f"{self.path.name} line {self.line_of(value)} uses paragraph {number}: the article looks truncated",
            )
        paragraph = section.paragraphs[number - 1]
        sentences = paragraph.sentences
        first = int(match["first"] or 1)
        last = int(match["last"] or match["first"] or len(sentences))
        if not 1 <= first <= last <= len(sentences):
            raise ContentError(
                self.path,
                self.line_of(value),
                f"{value!r}: paragraph at {self.article_path.name} line {paragraph.line} has {len(sentences)} sentence(s)",
            )
        self.used.update((key, number, n) for n in range(first, last + 1))
        return " ".join(sentences[first - 1 : last])

    def check_every_sentence_used(self) -> None:
        """The site must show the whole article: a sentence no fixture places is an error."""
        for key, section in self.article.sections.items():
            for p_number, paragraph in enumerate(section.paragraphs, start=1):
                for s_number, sentence in enumerate(paragraph.sentences, start=1):
                    if (key, p_number, s_number) not in self.used:
                        raise ContentError(
                            self.article_path,
                            paragraph.line,
                            f"sentence {s_number} ({sentence[:60]!r}) is not placed on any page by {self.path.name}",
                        )


class ContentWriter:
    def __init__(self, fixture: FixtureText, update: bool, report: LoadReport):
        self.fixture = fixture
        self.update = update
        self.report = report

    def upsert(self, model, key: dict, values: dict, locator: str = "") -> tuple[models.Model, bool]:
        """Create the row if missing; overwrite it only when updating. Returns (row, written)."""
        name = model._meta.verbose_name_plural
        row = model.objects.filter(**key).first()
        if row is not None and not self.update:
            self.report.kept[name] += 1
            return row, False
        if row is None:
            row = model(**key)
            self.report.created[name] += 1
        else:
            self.report.updated[name] += 1
        for attr, value in values.items():
            setattr(row, attr, value)
        try:
            row.full_clean(validate_unique=False, validate_constraints=True)
            row.save()
        except (ValidationError, IntegrityError) as error:
            raise ContentError(
                self.fixture.path, self.fixture.line_of(locator) if locator else None, f"{name}: {error}"
            ) from None
        return row, True

    def write(self) -> None:
        data, text, fx = self.fixture.data, self.fixture.text, self.fixture
        vehicles = []
        for v in data.get("vehicles", []):
            fields = {k: v[k] for k in ("make", "model", "generation", "year_from", "year_to")}
            vehicle, _ = self.upsert(Vehicle, {"slug": v["slug"]}, fields, v["slug"])
            vehicles.append(vehicle)

        p = fx.require(data, "problem", "the file")
        problem, written = self.upsert(
            Problem,
            {"slug": p["slug"]},
            {
                "title": p["title"],
                "short_title": p["short_title"],
                "summary": text(p["summary"]),
                "symptoms_intro": text(p.get("symptoms_intro", "")),
                "affected_note": text(p.get("affected_note", "")),
                "goodwill_advice": text(p.get("goodwill_advice", "")),
                "costs_note": text(p.get("costs_note", "")),
                "goodwill_letter_note": text(p.get("goodwill_letter_note", "")),
                "status": PUBLISHED,
            },
            p["slug"],
        )
        if written:
            problem.vehicles.set(Vehicle.objects.filter(slug__in=p.get("vehicles", [])))

        a = data["article"]
        self.upsert(
            SourceArticle,
            {"problem": problem},
            {
                "title": a["title"],
                "publisher": a["publisher"],
                "url": a["url"],
                "attribution": text(a["attribution"]),
                "publisher_note": text(a.get("publisher_note", "")),
            },
            "[article]",
        )

        guides = {}
        for order, g in enumerate(data.get("guides", []), start=1):
            guides[g["slug"]] = self.write_guide(problem, order, g)

        if data.get("diagnosis"):
            self.write_diagnosis(problem, guides)

        for order, f in enumerate(data.get("faqs", []), start=1):
            self.upsert(
                FAQ,
                {"slug": f["slug"]},
                {"problem": problem, "question": f["question"], "answer": text(f["answer"]), "order": order, "status": PUBLISHED},
                f["slug"],
            )
        for order, tip in enumerate(data.get("prevention", []), start=1):
            self.upsert(
                PreventionTip,
                {"problem": problem, "title": tip["title"]},
                {"body": text(tip["body"]), "order": order},
                tip["title"],
            )
        for order, e in enumerate(data.get("experiences", []), start=1):
            self.upsert(OwnerExperience, {"problem": problem, "order": order}, {"body": text(e["body"])}, e["body"])
        order = 0
        for section in fx.article.sections.values():
            for quote in section.quotes:
                order += 1
                self.upsert(PullQuote, {"problem": problem, "text": quote.text}, {"order": order})
        for order, cost in enumerate(data.get("costs", []), start=1):
            self.upsert(
                CostEstimate,
                {"problem": problem, "route": cost["route"]},
                {"min_eur": cost["min_eur"], "max_eur": cost["max_eur"], "note": text(cost.get("note", "")), "order": order},
                f'route = "{cost["route"]}"',
            )

    def illustration(self, name: str) -> str:
        if name and name not in illustrations.available():
            raise ContentError(self.fixture.path, self.fixture.line_of(name), f"unknown drawing {name!r}")
        return name

    def lookup(self, rows: dict, slug: str, kind: str):
        if slug not in rows:
            raise ContentError(self.fixture.path, self.fixture.line_of(slug), f"unknown {kind} {slug!r}")
        return rows[slug]

    def write_guide(self, problem: Problem, order: int, g: dict) -> RepairGuide:
        text = self.fixture.text
        guide, written = self.upsert(
            RepairGuide,
            {"slug": g["slug"]},
            {
                "problem": problem,
                "title": g["title"],
                "purpose": g["purpose"],
                "summary": text(g["summary"]),
                "difficulty": g["difficulty"],
                "time_min_minutes": g["time_min_minutes"],
                "time_max_minutes": g["time_max_minutes"],
                "order": order,
                "status": PUBLISHED,
            },
            g["slug"],
        )
        steps = [
            {
                "title": s["title"],
                "body": text(s["body"]),
                "warning": text(s.get("warning", "")),
                "tip": text(s.get("tip", "")),
                "illustration": self.illustration(s.get("illustration", "")),
            }
            for s in g.get("steps", [])
        ]
        if not written:
            return guide
        guide.tools.all().delete()
        guide.parts.all().delete()
        guide.steps.all().delete()
        for n, tool in enumerate(g.get("tools", []), start=1):
            self.upsert(
                GuideTool,
                {"guide": guide, "name": tool["name"]},
                {"optional": tool.get("optional", False), "note": tool.get("note", ""), "order": n},
                tool["name"],
            )
        for n, part in enumerate(g.get("parts", []), start=1):
            values = {k: part.get(k) for k in ("price_min_eur", "price_max_eur")}
            values.update(optional=part.get("optional", False), note=part.get("note", ""), order=n)
            self.upsert(GuidePart, {"guide": guide, "name": part["name"]}, values, part["name"])
        for n, step in enumerate(steps, start=1):
            self.upsert(GuideStep, {"guide": guide, "order": n}, step, step["title"])
        return guide

    def write_diagnosis(self, problem: Problem, guides: dict) -> None:
        """The diagnosis as a new version, published once it passes the check; then owner situations.

        A problem that already has a published diagnosis keeps it (editors may have changed it),
        unless updating: then the fixture's model becomes a new version, checked like any other
        before it goes live.
        """

        d = self.fixture.data["diagnosis"]
        live = DiagnosisVersion.objects.filter(problem=problem, status=DiagnosisVersion.Status.PUBLISHED).first()
        name = DiagnosisVersion._meta.verbose_name_plural
        if live is not None and not self.update:
            self.report.kept[name] += 1
            self.resolve_texts(d)  # the article's sentences it places still count as placed
        else:
            if (draft := draft_version(problem)) is not None:
                raise ContentError(
                    self.fixture.path,
                    None,
                    f"the diagnosis of {problem.slug} has an editor's draft (version {draft.number}): "
                    "publish or delete it before loading over it",
                )
            version = DiagnosisVersion.objects.create(
                problem=problem,
                number=next_number(problem),
                note="Loaded from " + self.fixture.path.name,
                lead_threshold=d.get("lead_threshold", 80),
            )
            self.report.created[name] += 1
            self.write_version(version, d, guides)
            try:
                publish_version(version)
            except VersionError as error:
                raise ContentError(
                    self.fixture.path, None, "the diagnosis is not sound:\n  - " + "\n  - ".join(error.faults)
                ) from None
        self.write_legacy(problem, d.get("legacy"), guides)
        if d.get("situations"):
            self.write_situations(problem, self.fixture.path.parent / d["situations"])

    def resolve_texts(self, d: dict) -> None:
        for c in d.get("causes", []):
            for key in ("explanation", "next_step", "emergency_note", "source_note"):
                self.fixture.text(c.get(key, ""))
        for q in d.get("questions", []):
            self.fixture.text(q.get("help", ""))
            for a in q.get("answers", []):
                self.fixture.text(a.get("description", ""))
                self.fixture.text(a.get("advice", ""))

    def create(self, model, locator: str, **values) -> models.Model:
        """A row of a brand-new version: nothing to match, so no lookup; the database checks the constraints."""
        row = model(**values)
        try:
            row.full_clean(validate_unique=False, validate_constraints=False)
            row.save()
        except (ValidationError, IntegrityError) as error:
            raise ContentError(
                self.fixture.path, self.fixture.line_of(locator), f"{model._meta.verbose_name_plural}: {error}"
            ) from None
        self.report.created[model._meta.verbose_name_plural] += 1
        return row

    def write_version(self, version: DiagnosisVersion, d: dict, guides: dict) -> None:
        text = self.fixture.text
        causes, links = {}, []
        for order, c in enumerate(d.get("causes", []), start=1):
            causes[c["slug"]] = self.create(
                Cause,
                c["slug"],
                version=version,
                slug=c["slug"],
                kind=c.get("kind", Cause.Kind.FAULT),
                base_rate=c["base_rate"],
                name=c["name"],
                title=c["title"],
                explanation=text(c["explanation"]),
                next_step=text(c.get("next_step", "")),
                suggest_goodwill=c.get("suggest_goodwill", False),
                emergency_note=text(c.get("emergency_note", "")),
                source=c.get("source", Cause.Source.ARTICLE),
                source_note=text(c.get("source_note", "")),
                order=order,
            )
            links += [
                CauseGuide(cause=causes[c["slug"]], guide=self.lookup(guides, slug, "guide"), order=n)
                for n, slug in enumerate(c.get("guides", []), start=1)
            ]
        questions, marks = {}, []
        for order, q in enumerate(d.get("questions", []), start=1):
            question = questions[q["slug"]] = self.create(
                Question,
                q["slug"],
                version=version,
                slug=q["slug"],
                kind=q.get("kind", Question.Kind.SINGLE),
                effort=q.get("effort", Question.Effort.LOOK),
                prompt=q["prompt"],
                help=text(q.get("help", "")),
                how_to_guide=self.lookup(guides, q["how_to"], "guide") if q.get("how_to") else None,
                illustration=self.illustration(q.get("illustration", "")),
                asked_after=", ".join(q.get("asked_after", [])),
                order=order,
            )
            for n, a in enumerate(q.get("answers", []), start=1):
                answer = self.create(
                    Answer,
                    a["label"],
                    question=question,
                    slug=a["slug"],
                    label=a["label"],
                    order=n,
                    no_evidence=a.get("no_evidence", False),
                    group=a.get("group", ""),
                    description=text(a.get("description", "")),
                    keywords=a.get("keywords", ""),
                    skips=", ".join(a.get("skips", [])),
                    explained_by=", ".join(a.get("explained_by", [])),
                    same_as=", ".join(a.get("same_as", [])),
                    shelf=a.get("shelf", ""),
                    advice=text(a.get("advice", "")),
                )
                for cause_slug, word in a.get("marks", {}).items():
                    if word not in MARK_WORDS:
                        raise ContentError(
                            self.fixture.path,
                            self.fixture.line_of(a["label"]),
                            f"answer {a['slug']!r}: unknown mark {word!r} (use one of {', '.join(MARK_WORDS)})",
                        )
                    marks.append(Mark(answer=answer, cause=self.lookup(causes, cause_slug, "cause"), effect=MARK_WORDS[word]))
        try:
            CauseGuide.objects.bulk_create(links)
            Mark.objects.bulk_create(marks)
        except IntegrityError as error:
            raise ContentError(self.fixture.path, None, f"the diagnosis: {error}") from None
        self.report.created[CauseGuide._meta.verbose_name_plural] += len(links)
        self.report.created[Mark._meta.verbose_name_plural] += len(marks)
        if d.get("first_question"):
            version.first_question = self.lookup(questions, d["first_question"], "question")
            version.save(update_fields=["first_question"])

    def write_legacy(self, problem: Problem, legacy: dict | None, guides: dict) -> None:
        if not legacy:
            return
        for row in legacy.get("answers", []):
            question, _, answer = row["from"].partition("/")
            self.upsert(
                LegacyAnswer,
                {"problem": problem, "question": question, "answer": answer},
                {
                    "sets": row.get("sets", ""),
                    "next_question": row.get("next", ""),
                    "guide": self.lookup(guides, row["guide"], "guide") if row.get("guide") else None,
                    "is_start": question == legacy["start"],
                },
                row["from"],
            )

    def write_situations(self, problem: Problem, path: Path) -> None:
        """Owner situations: the test table editors run their changes against."""
        try:
            data = tomllib.loads(read_text(path))
        except tomllib.TOMLDecodeError as error:
            raise ContentError(path, getattr(error, "lineno", None), f"not valid TOML: {error.msg}") from None
        for s in data.get("situations", []):
            for key in ("slug", "words", "source", "expected", "kind"):
                if key not in s:
                    raise ContentError(path, None, f"situation {s.get('slug', '?')!r} has no {key!r}")
            self.upsert(
                Situation,
                {"problem": problem, "slug": s["slug"]},
                {
                    "words": s["words"],
                    "source_url": s["source"],
                    "answers": s.get("answers", ""),
                    "expected_cause": s["expected"],
                    "held_out": s.get("held_out", False),
                    "kind": s["kind"],
                    "note": s.get("note", ""),
                },
                s["slug"],
            )


def load_content(fixtures_dir: Path, *, update: bool = False) -> LoadReport:
    """Read every fixture, then write it and check it against its article in one transaction."""
    paths = sorted(Path(fixtures_dir).glob("*.toml"))
    if not paths:
        raise ContentError(fixtures_dir, None, "no content fixtures (*.toml) found")
    fixtures = [FixtureText(path) for path in paths]
    report = LoadReport()
    with transaction.atomic():
        # One search rebuild and one new page-cache version for the whole load, not one per row.
        with one_change():
            for fixture in fixtures:
                ContentWriter(fixture, update, report).write()
                fixture.check_every_sentence_used()
        rebuild_search_index()
        content_changed()
    return report
