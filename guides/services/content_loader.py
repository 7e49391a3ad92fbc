"""Load the content fixtures and the Carnews article into the database.

Each `fixtures/*.toml` file describes one problem and names the article text
it draws on. Everything is read, parsed and checked before the database is
touched; the writes then happen in one transaction, so a bad input leaves the
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

from guides.carnews import Article, ContentError, parse_article, read_text
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
    SourceArticle,
)
from troubleshooter.diagnosis import check_problem
from troubleshooter.models import (
    Answer,
    Cause,
    CauseSymptom,
    Outcome,
    OutcomeGuide,
    Problem,
    Publishable,
    Question,
    Symptom,
    Vehicle,
)
from troubleshooter.search import rebuild_index as rebuild_search_index

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


@dataclass
class Record:
    """One row to write: its model, natural key, field values and children."""

    model: type[models.Model]
    key: dict[str, Any]
    values: dict[str, Any]
    fixture_line: int | None = None


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

        symptoms = {}
        for order, s in enumerate(data.get("symptoms", []), start=1):
            symptoms[s["slug"]], _ = self.upsert(
                Symptom,
                {"slug": s["slug"]},
                {
                    "problem": problem,
                    "name": s["name"],
                    "description": text(s["description"]),
                    "keywords": s.get("keywords", ""),
                    "order": order,
                    "status": PUBLISHED,
                },
                s["slug"],
            )

        causes = {}
        for order, c in enumerate(data.get("causes", []), start=1):
            cause, written = self.upsert(
                Cause,
                {"slug": c["slug"]},
                {
                    "problem": problem,
                    "name": c["name"],
                    "explanation": text(c["explanation"]),
                    "order": order,
                    "status": PUBLISHED,
                },
                c["slug"],
            )
            causes[c["slug"]] = cause
            if written:
                cause.symptom_links.all().delete()
                for link in c.get("symptoms", []):
                    symptom = self.lookup(symptoms, link["symptom"], "symptom")
                    self.upsert(
                        CauseSymptom, {"cause": cause, "symptom": symptom}, {"strength": link["strength"]}, link["symptom"]
                    )

        guides = {}
        for order, g in enumerate(data.get("guides", []), start=1):
            guides[g["slug"]] = self.write_guide(problem, causes, order, g)

        if data.get("questions"):
            self.write_diagnosis(problem, causes, guides, symptoms)

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

    def lookup(self, rows: dict, slug: str, kind: str):
        if slug not in rows:
            raise ContentError(self.fixture.path, self.fixture.line_of(slug), f"unknown {kind} {slug!r}")
        return rows[slug]

    def write_guide(self, problem: Problem, causes: dict, order: int, g: dict) -> None:
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
            {"title": s["title"], "body": text(s["body"]), "warning": text(s.get("warning", "")), "tip": text(s.get("tip", ""))}
            for s in g.get("steps", [])
        ]
        if not written:
            return guide
        guide.causes.set([self.lookup(causes, slug, "cause") for slug in g.get("causes", [])])
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

    def write_diagnosis(self, problem: Problem, causes: dict, guides: dict, symptoms: dict) -> None:
        """Outcomes, then questions, then the answers that join them; then check the graph."""
        data, text = self.fixture.data, self.fixture.text
        written_before = sum(self.report.created.values()) + sum(self.report.updated.values())
        outcomes, written_outcomes = {}, []
        for o in data.get("outcomes", []):
            outcome, written = self.upsert(
                Outcome,
                {"slug": o["slug"]},
                {
                    "problem": problem,
                    "title": o["title"],
                    "cause": self.lookup(causes, o["cause"], "cause") if o.get("cause") else None,
                    "explanation": text(o["explanation"]),
                    "next_step": text(o.get("next_step", "")),
                    "suggest_goodwill": o.get("suggest_goodwill", False),
                    "emergency_note": text(o.get("emergency_note", "")),
                    "status": PUBLISHED,
                },
                o["slug"],
            )
            outcomes[o["slug"]] = outcome
            if written:
                written_outcomes.append((outcome, o))
        for outcome, o in written_outcomes:
            outcome.guide_links.all().delete()
            for order, slug in enumerate(o.get("guides", []), start=1):
                self.upsert(
                    OutcomeGuide, {"outcome": outcome, "guide": self.lookup(guides, slug, "guide")}, {"order": order}, slug
                )
            if o.get("next_if_unsolved"):
                outcome.next_if_unsolved = self.lookup(outcomes, o["next_if_unsolved"], "outcome")
                outcome.save(update_fields=["next_if_unsolved"])

        questions, written_questions = {}, []
        for q in data["questions"]:
            question, written = self.upsert(
                Question,
                {"slug": q["slug"]},
                {"problem": problem, "prompt": q["prompt"], "help": text(q.get("help", ""))},
                q["slug"],
            )
            questions[q["slug"]] = question
            if written:
                written_questions.append((question, q))
        for question, q in written_questions:
            question.answers.all().delete()
            for order, a in enumerate(q.get("answers", []), start=1):
                target = {"next_question": None, "outcome": None}
                if "next" in a:
                    target["next_question"] = self.lookup(questions, a["next"], "question")
                if "outcome" in a:
                    target["outcome"] = self.lookup(outcomes, a["outcome"], "outcome")
                self.upsert(
                    Answer, {"question": question, "slug": a["slug"]}, {"label": a["label"], "order": order, **target}, a["label"]
                )

        first = questions[data["questions"][0]["slug"]]
        if problem.start_question_id is None or self.update:
            problem.start_question = first
            problem.save(update_fields=["start_question"])
        for s in data.get("symptoms", []):
            symptom = symptoms[s["slug"]]
            if "starts_diagnosis" in s and (symptom.implies_answer_id is None or self.update):
                question_slug, _, answer_slug = s["starts_diagnosis"].partition("/")
                question = self.lookup(questions, question_slug, "question")
                answer = question.answers.filter(slug=answer_slug).first()
                if answer is None:
                    raise ContentError(
                        self.fixture.path,
                        self.fixture.line_of(s["starts_diagnosis"]),
                        f"unknown answer {s['starts_diagnosis']!r}",
                    )
                symptom.implies_answer = answer
                symptom.save(update_fields=["implies_answer"])

        written_now = sum(self.report.created.values()) + sum(self.report.updated.values())
        # Check what this run wrote; a graph an editor is reworking is left to the admin.
        faults = check_problem(problem) if written_now > written_before else []
        if faults:
            raise ContentError(self.fixture.path, None, "the diagnosis is not sound:\n  - " + "\n  - ".join(faults))


def load_content(fixtures_dir: Path, *, update: bool = False) -> LoadReport:
    """Read every fixture, check it against its article, then write it all in one transaction."""
    paths = sorted(Path(fixtures_dir).glob("*.toml"))
    if not paths:
        raise ContentError(fixtures_dir, None, "no content fixtures (*.toml) found")
    fixtures = [FixtureText(path) for path in paths]
    report = LoadReport()
    with transaction.atomic():
        for fixture in fixtures:
            ContentWriter(fixture, update, report).write()
            fixture.check_every_sentence_used()
        rebuild_search_index()
    return report
