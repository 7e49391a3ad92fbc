"""No database error reaches an editor: every constraint of a model editors change in the admin
is also form validation. For each constraint, its admin form (or the grid) is posted with a
value that breaks it: the answer is the form again with an error in words, and nothing is saved.
A constraint added later without a case here fails the first test."""

import re

import pytest
from django.apps import apps
from django.urls import reverse

from guides.models import RepairGuide
from problems.models import Problem, Vehicle
from tests.adminforms import form_values
from troubleshooter.models import Answer, Cause, DiagnosisVersion, Question
from troubleshooter.services import copy_version

PROJECT_APPS = ("core", "problems", "guides", "troubleshooter", "goodwill", "search")

# Written by the site itself, never typed by an editor (or checked in its own test).
NOT_TYPED = {
    "ratecount_one_row_per_window": "rate limiting counts, written by the site",
    "searchentry_unique_object": "the search index, rebuilt by the site",
    "unknownwords_one_row_per_wording": "owners' words, written by the site (the admin shows them read-only)",
    "one_feedback_per_client_and_cause": "owners' feedback, read-only in the admin",
    "diagnosisversion_unique_number": "version numbers are given by the copy service, read-only in the admin",
    "diagnosisversion_one_published": "the status is read-only: only the publish service makes a version live",
    "goodwillrequest_needs_consent": "owners' requests: consent is given on the public form, not in the admin",
    "requeststep_one_per_number": "dealers' and owners' steps are numbered by the site (tests/test_dealers.py: two at once)",
    "dealerlinkopens_one_per_day": "counts, written by the site",
    "guidestep_unique_order": "typed numbers are renumbered 1..n, never an error (tests/test_admin_ordering.py)",
    "guidestep_order_from_one": "a typed 0 is renumbered on save too (RepairGuideAdmin.save_formset): the step goes first",
    "guidestep_picture_needs_description": "needs an upload (tests/test_pictures.py)",
    "question_picture_needs_description": "needs an upload (tests/test_pictures.py)",
}


def url(model, action, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{action}", args=args)


def key_for(data, prefix, suffix, nth=0):
    """The name of the nth inline row's field: "tools-1-name" for prefix "tools", suffix "name"."""
    keys = sorted(k for k in data if re.fullmatch(rf"{prefix}-\d+-{suffix}", k))
    return keys[nth]


def draft():
    return DiagnosisVersion.objects.filter(status="draft").first() or copy_version(
        DiagnosisVersion.objects.get(status="published")
    )


def change(model_class, obj, **values):
    return url(model_class, "change", obj.pk), values


def add(model_class, **values):
    return url(model_class, "add"), values


def guide():
    return RepairGuide.objects.get(slug="replace-microswitch")


def guide_inline(prefix, suffix_values, nth=0, other=None):
    """Change one inline row of the microswitch guide; `other` copies a field from row 1 to row 0."""

    def build(data):
        for suffix, value in suffix_values.items():
            data[key_for(data, prefix, suffix, nth)] = value
        if other:
            data[key_for(data, prefix, other, 0)] = data[key_for(data, prefix, other, 1)]
        return data

    return url(RepairGuide, "change", guide().pk), build


def cause(slug):
    return Cause.objects.get(version=draft(), slug=slug)


def question(slug):
    return Question.objects.get(version=draft(), slug=slug)


CASES = {
    "vehicle_years_in_order": lambda: change(Vehicle, Vehicle.objects.get(), year_from=2011, year_to=2003),
    "vehicle_unique_generation": lambda: add(
        Vehicle, make="Nissan", model="Micra", generation="K12", slug="another-k12", year_from=2003, year_to=2010
    ),
    "guide_time_range_in_order": lambda: change(RepairGuide, guide(), time_min_minutes=90, time_max_minutes=30),
    "guide_difficulty_scale": lambda: change(RepairGuide, guide(), difficulty=9),
    "guidetool_unique_name": lambda: guide_inline("tools", {}, other="name"),
    "guidepart_unique_name": lambda: guide_inline("parts", {}, other="name"),
    "guidepart_price_range_in_order": lambda: guide_inline("parts", {"price_min_eur": 50, "price_max_eur": 10}),
    "preventiontip_unique_title": lambda: copy_of("guides.PreventionTip", "title"),
    "ownerexperience_unique_order": lambda: copy_of("guides.OwnerExperience", "order"),
    "pullquote_unique_text": lambda: copy_of("guides.PullQuote", "text"),
    "costestimate_unique_route": lambda: copy_of("guides.CostEstimate", "route"),
    "costestimate_range_in_order": lambda: change(
        apps.get_model("guides.CostEstimate"), apps.get_model("guides.CostEstimate").objects.first(), min_eur=400, max_eur=100
    ),
    "diagnosisversion_one_draft": lambda: (draft(), add(DiagnosisVersion, problem=Problem.objects.get().pk, lead_threshold=80))[
        1
    ],
    "diagnosisversion_threshold_range": lambda: change(DiagnosisVersion, draft(), lead_threshold=40),
    "cause_unique_slug_per_version": lambda: change(Cause, cause("mechanism-seized"), slug="microswitch-failed"),
    "cause_base_rate_range": lambda: change(Cause, cause("mechanism-seized"), base_rate=0),
    "causeguide_unique_pair": lambda: inline_copy(Cause, cause("microswitch-failed"), "guide_links", "guide"),
    "question_unique_slug_per_version": lambda: change(Question, question("remote"), slug="button"),
    "answer_unique_slug_per_question": lambda: inline_copy(Question, question("remote"), "answers", "slug"),
    "answer_slug_not_reserved": lambda: change(
        Answer, Answer.objects.get(question=question("remote"), slug="doors-work"), slug="answered"
    ),
    "mark_unique_pair": lambda: inline_copy(
        Answer, Answer.objects.get(question=question("remote"), slug="doors-work"), "marks", "cause"
    ),
    "mark_effect_scale": lambda: inline_set(
        Answer, Answer.objects.get(question=question("remote"), slug="doors-work"), "marks", "effect", 7
    ),
    "legacyanswer_unique": lambda: copy_of("troubleshooter.LegacyAnswer", "answer", also=("question",)),
    "situation_unique_slug": lambda: copy_of("troubleshooter.Situation", "slug"),
    "goodwillrequest_mileage_sane": lambda: goodwill_request(mileage_km=3_000_000),
}


def new_version_beside_a_draft():
    draft()  # there is one
    return add(DiagnosisVersion, problem=Problem.objects.get().pk, lead_threshold=80)


def copy_of(label, field, also=()):
    """The second item of its kind given the first one's value for `field` (and `also`)."""
    model = apps.get_model(label)
    first, second = model.objects.all()[:2]
    values = {name: getattr(first, name) for name in (field, *also)}
    return change(model, second, **values)


def inline_copy(model, obj, prefix, field):
    def build(data):
        data[key_for(data, prefix, field, 1)] = data[key_for(data, prefix, field, 0)]
        return data

    return url(model, "change", obj.pk), build


def inline_set(model, obj, prefix, field, value):
    def build(data):
        data[key_for(data, prefix, field, 0)] = value
        return data

    return url(model, "change", obj.pk), build


def goodwill_request(**values):
    from goodwill.models import GoodwillRequest
    from tests.factories import make_goodwill_request

    return change(GoodwillRequest, make_goodwill_request(), **values)


def project_models():
    return [model for config in apps.get_app_configs() if config.name in PROJECT_APPS for model in config.get_models()]


def project_constraints():
    for model in project_models():
        for constraint in model._meta.constraints:
            yield constraint.name


def test_every_constraint_is_tried_through_its_form_or_says_why_not():
    names = set(project_constraints())
    assert names == set(CASES) | set(NOT_TYPED), {"untried": names - set(CASES) - set(NOT_TYPED)}


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_value_that_breaks_a_constraint_is_a_form_error_not_a_server_error(admin_client, content, name):
    target, values = CASES[name]()
    data = form_values(admin_client.get(target).content.decode())
    data = values(data) if callable(values) else data | {k: str(v) for k, v in values.items()}
    before = {m: list(m.objects.order_by("pk").values()) for m in project_models()}
    response = admin_client.post(target, data)
    html = response.content.decode()
    assert response.status_code == 200, (name, response.status_code)
    assert 'class="errorlist' in html or "errornote" in html, name
    assert before == {m: list(m.objects.order_by("pk").values()) for m in before}, name  # nothing saved
