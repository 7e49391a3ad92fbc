"""The integrity check on stored versions: the Micra model is sound; faults are named in plain words; loading refuses them."""

import pytest
from django.core.management import CommandError, call_command

from guides.models import RepairGuide
from loader.carnews import ContentError
from loader.content_loader import load_content
from tests.factories import make_version
from troubleshooter.models import Answer, Cause, CauseGuide, DiagnosisVersion, Mark, Question
from troubleshooter.services import check_version


def test_the_micra_diagnosis_passes(content, capsys):
    call_command("check_diagnosis")
    assert "micra-k12-boot-lock v1 (published): the diagnosis is sound" in capsys.readouterr().out


def test_a_sound_version_has_no_faults(empty_database):
    assert check_version(make_version()) == []


def test_a_cause_no_answer_points_to_is_named(empty_database):
    version = make_version()
    Mark.objects.filter(cause__slug="latch", effect__gt=0).delete()
    assert check_version(version) == ["Cause “Latch” has no answer that points to it"]


def test_a_cause_with_no_witness_is_named(empty_database):
    version = make_version()
    Mark.objects.filter(cause__slug="latch").update(effect=1)  # only a weak sign left
    Cause.objects.filter(slug="latch").update(base_rate=1)
    fault = "Cause “Latch” is never the verdict: no answers to the questions put it first (it has no witness)"
    assert fault in check_version(version)


def test_a_question_that_separates_nothing_is_named(empty_database):
    version = make_version()
    Mark.objects.filter(answer__question__slug="test").delete()
    assert "Question “Test?” separates no causes: none of its answers marks a cause" in check_version(version)


def test_a_cause_with_no_next_step_is_named(empty_database):
    version = make_version()
    Cause.objects.filter(slug="latch").update(next_step="")
    assert check_version(version) == ["Cause “Latch” names no guide and no next step"]


def test_a_cause_sending_owners_to_a_draft_guide_is_named(empty_database):
    version = make_version()
    RepairGuide.objects.update(status=RepairGuide.Status.DRAFT)
    guide = CauseGuide.objects.get().guide
    assert f"Cause “Switch” sends owners to the draft guide “{guide.title}”" in check_version(version)


def test_a_question_without_not_sure_is_named(empty_database):
    version = make_version()
    Answer.objects.filter(slug="not-sure").delete()
    assert "Question “Test?” offers no “not sure” answer" in check_version(version)


def test_two_catch_alls_are_named(empty_database):
    version = make_version()
    Cause.objects.filter(slug="latch").update(kind=Cause.Kind.CATCH_ALL)
    assert any("exactly one “something else” cause" in fault for fault in check_version(version))


def test_a_question_slug_the_address_needs_is_named(empty_database):
    version = make_version()
    Question.objects.filter(slug="test").update(slug="ask")
    assert "Question “Test?” uses the reserved address name “ask”" in check_version(version)


def test_check_diagnosis_fails_loudly_on_a_faulty_version(empty_database, capsys):
    version = make_version()
    Cause.objects.filter(version=version, slug="latch").update(next_step="")
    with pytest.raises(CommandError, match="1 diagnosis version"):
        call_command("check_diagnosis")
    assert "Cause “Latch” names no guide and no next step" in capsys.readouterr().err


def test_load_content_refuses_a_model_that_fails_the_check(empty_database, fixtures_copy_with):
    # The catch-all's next step and guides removed: the check names it and nothing is stored.
    broken = fixtures_copy_with(
        'guides = ["open-boot-from-inside", "string-pull-stop-gap"]\nsuggest_goodwill = true\nsource = "site"',
        'suggest_goodwill = true\nsource = "site"',
    )
    text = (next(broken.glob("*.toml"))).read_text()
    text = text.replace(
        'next_step = "Ask your Nissan dealer for a goodwill repair, or take it to an independent garage '
        '(usually the lower end of €150 to €300). Until then, open the boot from inside or use the string stop-gap."\n',
        "",
    )
    (next(broken.glob("*.toml"))).write_text(text)
    with pytest.raises(ContentError, match="Cause “Something else” names no guide and no next step"):
        load_content(broken)
    assert DiagnosisVersion.objects.count() == 0


def test_load_content_refuses_an_unknown_mark_word(empty_database, fixtures_copy_with):
    broken = fixtures_copy_with(
        'microswitch-failed = "strongly", other-release = "rules-out" }',
        'microswitch-failed = "very", other-release = "rules-out" }',
    )
    with pytest.raises(ContentError, match="unknown mark 'very'"):
        load_content(broken)


def test_the_check_names_a_how_to_shared_by_questions_that_ask_different_things(content):
    from guides.models import RepairGuide
    from troubleshooter.models import DiagnosisVersion, Question
    from troubleshooter.services import check_version, copy_version

    draft = copy_version(DiagnosisVersion.objects.get(status="published"), note="shared how-to")
    assert not [f for f in check_version(draft) if "the same how-to" in f]  # the live content: none shared
    bridge = Question.objects.get(version=draft, slug="bridge")
    Question.objects.filter(version=draft, slug="wires").update(how_to_guide=bridge.how_to_guide)
    guide = RepairGuide.objects.get(pk=bridge.how_to_guide_id)
    fault = f"show the same how-to “{guide.title}”"
    assert any(fault in f and "Bridge the two wires" in f and "Look at the wires" in f for f in check_version(draft))


def test_the_check_names_answers_of_two_questions_that_share_owners_words_without_a_link(content):
    from troubleshooter.models import Answer, DiagnosisVersion
    from troubleshooter.services import check_version, copy_version

    draft = copy_version(DiagnosisVersion.objects.get(status="published"), note="overlap")
    assert not [f for f in check_version(draft) if "share the owners' words" in f]
    Answer.objects.filter(question__version=draft, question__slug="button", slug="click-stays-shut").update(
        keywords="hear a click", same_as=""
    )
    faults = check_version(draft)
    assert any("share the owners' words “hear a click” but are not linked as the same fact" in f for f in faults)
    # Linked as the same fact: no fault.
    Answer.objects.filter(question__version=draft, question__slug="button", slug="click-stays-shut").update(
        same_as="signs/click-stays-shut"
    )
    assert not [f for f in check_version(draft) if "share the owners' words" in f]
