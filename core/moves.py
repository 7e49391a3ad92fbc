"""For the migrations that moved models between apps (state only: the tables keep their names).

A moved model's content type is renamed, not made anew, so its permissions (and the staff
groups holding them), the admin's log and django-reversion's history stay attached; the stored
versions' own copies of the model's label are rewritten, so old history still opens and reverts.
Kept stable: migrations import it.
"""

import json


def move_models(old_app: str, new_app: str, model_names: list[str]):
    """A RunPython pair (forwards, backwards) moving `model_names` from `old_app` to `new_app`."""

    def forwards(apps, schema_editor):
        relabel(apps, old_app, new_app, model_names)

    def backwards(apps, schema_editor):
        relabel(apps, new_app, old_app, model_names)

    return forwards, backwards


def relabel(apps, old_app: str, new_app: str, model_names: list[str]) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Version = apps.get_model("reversion", "Version")
    for name in model_names:
        old = ContentType.objects.filter(app_label=old_app, model=name).first()
        if old is None:
            continue  # a new database: the content type is made after migrate, in its new app
        new = ContentType.objects.filter(app_label=new_app, model=name).first()
        if new is not None:
            # Made by an earlier run (a migrate that stopped half-way): keep the old one, which
            # holds the permissions and history.
            new.delete()
        old.app_label = new_app
        old.save(update_fields=["app_label"])
        for version in Version.objects.filter(content_type=old):
            data = json.loads(version.serialized_data)
            for item in data:
                if item.get("model") == f"{old_app}.{name}":
                    item["model"] = f"{new_app}.{name}"
            version.serialized_data = json.dumps(data)
            version.save(update_fields=["serialized_data"])
