"""The two staff groups. Their permissions are set after every migrate (troubleshooter.roles),
since permissions for new models only exist once a migrate has finished."""

from django.db import migrations

GROUPS = ("Editors", "Dealer liaison")


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("troubleshooter", "0010_answer_advice"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
