"""`manage.py load_content`: idempotent, respectful of editors, and all-or-nothing on bad input."""

import re
import shutil
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import CommandError, call_command

from guides.models import FAQ, GuideStep, RepairGuide
from problems.models import Problem
from troubleshooter.models import DiagnosisVersion

ARTICLE_NAME = "nissan-micra-boot-lock.txt"


# Every app the loader writes to, or that holds what owners sent about the content.
APPS = ("core", "problems", "guides", "troubleshooter", "goodwill", "search")


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for app in APPS for model in apps.get_app_config(app).get_models()} | {
        f"{model._meta.label}.{m2m.name}": m2m.remote_field.through.objects.count()
        for app in APPS
        for model in apps.get_app_config(app).get_models()
        for m2m in model._meta.many_to_many
        if m2m.remote_field.through._meta.auto_created
    }


@pytest.fixture
def fixtures_copy(tmp_path) -> Path:
    """A private copy of fixtures/ that a test may break."""
    target = tmp_path / "fixtures"
    shutil.copytree(settings.CONTENT_FIXTURES_DIR, target)
    return target


def article_in(fixtures_dir: Path) -> Path:
    return fixtures_dir / "carnews" / ARTICLE_NAME


def test_load_fills_an_empty_database_with_published_content(empty_database):
    call_command("load_content")
    problem = Problem.objects.get()
    assert problem.is_published
    live = problem.diagnosis_versions.get(status="published")
    assert live.causes.filter(kind="fault").count() == 3
    assert live.causes.filter(kind="catch_all").count() == 1
    assert problem.situations.count() >= 20
    assert problem.faqs.count() == 5
    assert problem.pull_quotes.count() == 3
    assert problem.cost_estimates.count() == 3
    assert RepairGuide.objects.filter(problem=problem).count() == 4
    assert problem.source_article.publisher == "Carnews"
    # Quoted from the article text, not copied into the fixtures.
    assert FAQ.objects.get(order=4).answer.startswith("The average costs at a garage")


def test_running_twice_leaves_every_row_count_unchanged(empty_database):
    call_command("load_content")
    first = row_counts()
    call_command("load_content")
    assert row_counts() == first
    empty = [table for table, count in first.items() if not count]
    # Owners' data and dealers are not content.
    owners_data = [
        "core.RateCount",
        "goodwill.Dealer",
        "goodwill.DealerLinkOpens",
        "goodwill.DealerMember",
        "goodwill.GoodwillRequest",
        "goodwill.RequestStep",
        "troubleshooter.Feedback",
        "troubleshooter.TypedWords",
        "troubleshooter.UnknownWords",
        "troubleshooter.WalkEvent",
    ]
    assert sorted(empty) == owners_data, f"empty tables after loading: {empty}"


def test_rerun_keeps_editor_changes_and_update_restores_the_fixture_version(empty_database, capsys):
    call_command("load_content")
    step = GuideStep.objects.get(guide__slug="replace-microswitch", order=1)
    step.title = "Edited by an editor"
    step.save()
    faq = FAQ.objects.order_by("order").first()
    faq.question = "An editor's question?"
    faq.save()

    call_command("load_content")
    step.refresh_from_db()
    faq.refresh_from_db()
    assert step.title == "Edited by an editor"
    assert faq.question == "An editor's question?"

    counts = row_counts()
    call_command("load_content", "--update")
    # The diagnosis comes back as a new version, checked and published; the old one is kept (retired).
    diagnosis_tables = {f"troubleshooter.{m}" for m in ("DiagnosisVersion", "Cause", "CauseGuide", "Question", "Answer", "Mark")}
    after = row_counts()
    assert {t: n for t, n in after.items() if t not in diagnosis_tables} == {
        t: n for t, n in counts.items() if t not in diagnosis_tables
    }
    assert all(after[t] == 2 * counts[t] for t in diagnosis_tables)
    assert list(DiagnosisVersion.objects.values_list("number", "status")) == [(2, "published"), (1, "retired")]
    faq.refresh_from_db()
    assert faq.question != "An editor's question?"
    assert GuideStep.objects.get(guide__slug="replace-microswitch", order=1).title != "Edited by an editor"


def break_article(fixtures_dir: Path, mutate) -> Path:
    path = article_in(fixtures_dir)
    path.write_bytes(mutate(path.read_bytes()))
    return path


def truncate_mid_sentence(data: bytes) -> bytes:
    return data[: data.index(b"Keep the boot lip") + 20]


def drop_last_faq_answer(data: bytes) -> bytes:
    lines = data.rstrip(b"\n").split(b"\n")
    return b"\n".join(lines[:-1]) + b"\n"


def add_unknown_heading(data: bytes) -> bytes:
    return data.replace(b"What owners think of it\n", b"What owners think of it\nA heading nobody expected\n")


def invalid_utf8(data: bytes) -> bytes:
    return data.replace("Micra’s boot lock is a known".encode(), b"Micra\xff boot lock is a known")


BAD_ARTICLES = [
    pytest.param(lambda data: b"", "the article text is empty", None, id="empty"),
    pytest.param(lambda data: b"\n  \n", "the article text is empty", None, id="blank"),
    pytest.param(truncate_mid_sentence, "stops mid-sentence", 47, id="truncated-mid-sentence"),
    pytest.param(
        lambda data: data[: data.index(b"Frequently asked questions")],
        "missing section(s) 'Frequently asked questions'",
        41,
        id="truncated-sections",
    ),
    pytest.param(drop_last_faq_answer, "has 4 paragraph(s)", 46, id="truncated-faq"),
    pytest.param(add_unknown_heading, "unknown section heading 'A heading nobody expected'", 31, id="unknown-section"),
    pytest.param(invalid_utf8, "not UTF-8", 27, id="not-utf8"),
]


# Bad input is refused alike on an empty database and over the loaded content.
EMPTY_OR_LOADED = pytest.mark.parametrize("database", ["empty_database", "content"], ids=["empty-db", "loaded-db"])


def refused_update(fixtures_dir: Path) -> str:
    """`load_content --update` from `fixtures_dir`: refused, with nothing changed; its message."""
    before = row_counts()
    with pytest.raises(CommandError) as error:
        call_command("load_content", "--fixtures", str(fixtures_dir), "--update")
    text = str(error.value)
    assert "Nothing was changed" in text
    assert row_counts() == before
    return text


@pytest.mark.django_db
@EMPTY_OR_LOADED
@pytest.mark.parametrize(("mutate", "message", "line"), BAD_ARTICLES)
def test_bad_article_stops_with_file_and_line_and_changes_nothing(request, fixtures_copy, mutate, message, line, database):
    request.getfixturevalue(database)
    path = break_article(fixtures_copy, mutate)
    text = refused_update(fixtures_copy)
    assert message in text
    location = f"{path}:{line}" if line else str(path)
    assert f"{location}:" in text


# Values the database would store but the models' own validation refuses: the loader must run it.
MODEL_RULES = [
    pytest.param('purpose = "repair"', 'purpose = "fix-it"', "repair guides", id="guide-purpose-not-a-choice"),
    pytest.param('slug = "starts"\neffort = 2', 'slug = "starts"\neffort = 7', "questions", id="question-effort-not-a-choice"),
]


@pytest.mark.django_db
@EMPTY_OR_LOADED
@pytest.mark.parametrize(("old", "new", "kind"), MODEL_RULES)
def test_a_value_the_models_refuse_stops_with_file_and_line_and_changes_nothing(
    request, fixtures_copy_with, database, old, new, kind
):
    request.getfixturevalue(database)
    text = refused_update(fixtures_copy_with(old, new))
    assert re.search(rf"micra-k12-boot-lock\.toml:\d+: {kind}: .*is not a valid choice", text), text


def test_missing_article_file_names_the_file(empty_database, fixtures_copy):
    article_in(fixtures_copy).unlink()
    with pytest.raises(CommandError, match=rf"{ARTICLE_NAME}: file not found"):
        call_command("load_content", "--fixtures", str(fixtures_copy))
    assert Problem.objects.count() == 0


@pytest.mark.django_db
def test_missing_fixtures_folder_is_reported(tmp_path):
    with pytest.raises(CommandError, match="no content fixtures"):
        call_command("load_content", "--fixtures", str(tmp_path / "nowhere"))


def test_a_fixture_fault_late_in_the_file_rolls_back_everything_written_before_it(empty_database, fixtures_copy):
    fixture = fixtures_copy / "micra-k12-boot-lock.toml"
    text = fixture.read_text()
    # The dealer cost range is written last; make it impossible (from > up to).
    fixture.write_text(text.replace("min_eur = 225\nmax_eur = 300", "min_eur = 900\nmax_eur = 300"))
    with pytest.raises(CommandError, match="cost estimates") as error:
        call_command("load_content", "--fixtures", str(fixtures_copy))
    assert "micra-k12-boot-lock.toml" in str(error.value)
    assert all(count == 0 for count in row_counts().values())


@pytest.mark.django_db
def test_a_reference_to_a_missing_sentence_names_the_fixture_line(fixtures_copy):
    fixture = fixtures_copy / "micra-k12-boot-lock.toml"
    fixture.write_text(fixture.read_text().replace('"article:signs/1/3"', '"article:signs/1/9"'))
    with pytest.raises(CommandError) as error:
        call_command("load_content", "--fixtures", str(fixtures_copy))
    lines = fixture.read_text().splitlines()
    line = next(n for n, text in enumerate(lines, start=1) if "article:signs/1/9" in text)
    assert f"micra-k12-boot-lock.toml:{line}:" in str(error.value)
    assert "has 4 sentence(s)" in str(error.value)


@pytest.mark.django_db
def test_an_article_sentence_that_no_page_shows_is_an_error(fixtures_copy):
    break_article(
        fixtures_copy,
        lambda data: data.replace(
            b"Eventually the system fails completely.", b"Eventually the system fails completely. A new sentence."
        ),
    )
    with pytest.raises(CommandError, match=r"\('A new sentence\.'\) is not placed on any page"):
        call_command("load_content", "--fixtures", str(fixtures_copy))
