"""Models moved between apps keep their rows, permissions, staff groups and history.

A database at the migrations before the move (problems and vehicles in troubleshooter, dealers,
goodwill requests and source articles in guides, the search index and the rate counts in
troubleshooter) with a row of each, an editor and a dealer liaison in their groups, and
django-reversion history of a dealer, is migrated forward with django-test-migrations.
"""

import json

import pytest
import reversion
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.db import connection
from reversion.models import Version

from goodwill.models import Dealer
from problems.models import Problem

BEFORE = [
    ("troubleshooter", "0015_rate_counts"),
    ("guides", "0006_pictures"),
    ("reversion", "0002_add_index_on_version_for_content_type_and_db"),
    ("auth", "0012_alter_user_first_name_max_length"),
]
AFTER = [
    ("core", "0001_initial"),
    ("problems", "0001_initial"),
    ("search", "0001_initial"),
    ("goodwill", "0001_initial"),
    ("guides", "0007_models_moved_out"),
    ("troubleshooter", "0016_models_moved_out"),
]
# (app before, app after, model): every model the move took to another app.
MOVED = [
    ("troubleshooter", "problems", "vehicle"),
    ("troubleshooter", "problems", "problem"),
    ("guides", "problems", "sourcearticle"),
    ("guides", "goodwill", "dealer"),
    ("guides", "goodwill", "goodwillrequest"),
    ("troubleshooter", "search", "searchentry"),
    ("troubleshooter", "core", "ratecount"),
]


def content_types_and_permissions(apps) -> dict[str, object]:
    """What `migrate` makes after each run (muted here): content types and their permissions."""
    content_type_model = apps.get_model("contenttypes", "ContentType")
    permission_model = apps.get_model("auth", "Permission")
    made = {}
    for old_app, _new_app, model in MOVED:
        content_type = content_type_model.objects.create(app_label=old_app, model=model)
        made[model] = content_type
        for action in ("add", "change", "delete", "view"):
            permission_model.objects.create(content_type=content_type, codename=f"{action}_{model}", name=f"Can {action} {model}")
    return made


def old_database(apps) -> dict:
    content_types = content_types_and_permissions(apps)
    permission = apps.get_model("auth", "Permission")
    group_model, user_model = apps.get_model("auth", "Group"), apps.get_model("auth", "User")
    editors, _made = group_model.objects.get_or_create(name="Editors")  # made by a migration
    editors.permissions.set(permission.objects.filter(content_type__model__in=["problem", "vehicle", "sourcearticle"]))
    liaison, _made = group_model.objects.get_or_create(name="Dealer liaison")
    liaison.permissions.set(permission.objects.filter(content_type__model__in=["dealer", "goodwillrequest"]))
    user_model.objects.create(username="editor", is_staff=True).groups.add(editors)
    user_model.objects.create(username="liaison", is_staff=True).groups.add(liaison)

    vehicle = apps.get_model("troubleshooter", "Vehicle").objects.create(
        make="Nissan", model="Micra", generation="K12", year_from=2003, year_to=2010, slug="micra-k12"
    )
    problem = apps.get_model("troubleshooter", "Problem").objects.create(
        slug="boot", title="Boot lock", short_title="Boot", summary="s", status="published"
    )
    problem.vehicles.add(vehicle)
    apps.get_model("guides", "SourceArticle").objects.create(
        problem=problem, title="Article", publisher="Carnews", url="https://example.org/", attribution="a"
    )
    dealer = apps.get_model("guides", "Dealer").objects.create(
        name="Garage Old Name", code="garage", town="Delft", country="NL", email="garage@example.org"
    )
    apps.get_model("guides", "GoodwillRequest").objects.create(
        token="t" * 40, reference="GW-1", submission_key="k" * 40, problem=problem, dealer=dealer,
        owner_name="Ann", owner_email="ann@example.org", registration="AB-12-CD", first_registration_year=2005,
        mileage_km=90000, service_history="dealer", diagnosis="The switch", consent=True,
    )  # fmt: skip
    apps.get_model("troubleshooter", "SearchEntry").objects.create(
        problem=problem, kind="faq", object_id=1, title="T", body="B", url="/x/"
    )
    apps.get_model("troubleshooter", "RateCount").objects.create(key="goodwill:1.2.3.4", window=7, count=2)

    # Two revisions of the dealer, as the admin keeps them: its name before and after a change.
    revision_model, version_model = apps.get_model("reversion", "Revision"), apps.get_model("reversion", "Version")
    for name in ("Garage Old Name", "Garage New Name"):
        dealer.name = name
        dealer.save()
        revision = revision_model.objects.create(date_created="2026-01-01T00:00:00Z", comment=f"Named {name}")
        version_model.objects.create(
            revision=revision, object_id=str(dealer.pk), content_type=content_types["dealer"], db="default",
            format="json", serialized_data=serializers.serialize("json", [dealer]), object_repr=name,
        )  # fmt: skip
    return {"content_types": {model: ct.pk for model, ct in content_types.items()}, "dealer": dealer.pk}


def drop_the_search_index_table() -> None:
    """The migrator drops the models' tables before migrating from scratch; SQLite's full-text
    table, which a migration made in SQL, is not a model's, so it goes here."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS troubleshooter_searchentry_fts")


@pytest.mark.django_db(transaction=True)
def test_moved_models_keep_rows_permissions_groups_and_history_that_still_reverts(migrator):
    drop_the_search_index_table()
    migrator.apply_initial_migration(BEFORE)
    # The migrator applies every migration up to the last target, so a new app's first one may be
    # among them: unapply those, for a database exactly as it was before the move.
    before = old_database(migrator.apply_tested_migration(BEFORE + [(app, None) for app, _name in AFTER[:4]]).apps)
    assert json.loads(Version.objects.get(object_repr="Garage Old Name").serialized_data)[0]["model"] == "guides.dealer"

    after = migrator.apply_tested_migration(AFTER).apps

    # Every row is there, under its new app.
    for _old_app, new_app, model in MOVED:
        assert after.get_model(new_app, model).objects.count() == 1, model
    problem = after.get_model("problems", "Problem").objects.get()
    assert [v.slug for v in problem.vehicles.all()] == ["micra-k12"]
    assert after.get_model("goodwill", "GoodwillRequest").objects.get().dealer.code == "garage"
    assert after.get_model("problems", "SourceArticle").objects.get().problem == problem

    # The same content types, renamed: permissions and history stay attached to them.
    for old_app, new_app, model in MOVED:
        content_type = ContentType.objects.get(pk=before["content_types"][model])
        assert (content_type.app_label, content_type.model) == (new_app, model)
        assert not ContentType.objects.filter(app_label=old_app, model=model).exists()
    ContentType.objects.clear_cache()
    users = get_user_model().objects
    liaison, editor = users.get(username="liaison"), users.get(username="editor")
    assert liaison.has_perm("goodwill.change_dealer") and liaison.has_perm("goodwill.view_goodwillrequest")
    assert editor.has_perm("problems.change_problem") and editor.has_perm("problems.change_sourcearticle")
    assert not editor.has_perm("goodwill.view_goodwillrequest")

    # Old history opens and reverts: the dealer's first name comes back.
    dealer = Dealer.objects.get(pk=before["dealer"])
    versions = Version.objects.get_for_object(dealer)
    assert [v.object_repr for v in versions] == ["Garage New Name", "Garage Old Name"]
    assert versions[1].field_dict["name"] == "Garage Old Name"
    with reversion.create_revision():
        versions[1].revision.revert()
    dealer.refresh_from_db()
    assert dealer.name == "Garage Old Name"
    assert Problem.objects.get().slug == "boot"
