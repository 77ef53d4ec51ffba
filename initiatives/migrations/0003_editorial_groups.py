"""The two editorial groups: Editor and Publisher.

Editors add and change initiatives (and the organisations and regions they
need) but cannot publish, archive or delete. Publishers can do all of that too.
Running the migration again brings the groups' permissions back to this list.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITED_MODELS = [
    "initiative",
    "initiativeorganisation",
    "initiativerelation",
    "objective",
    "kpi",
    "funding",
    "milestone",
    "organisation",
    "region",
]
VIEWED_MODELS = [
    "country",
    "language",
    "educationlevel",
    "targetgroup",
    "thematiccategory",
    "europeanpriority",
]


def editor_codenames():
    codenames = [f"view_{model}" for model in EDITED_MODELS + VIEWED_MODELS]
    codenames += [f"add_{model}" for model in EDITED_MODELS]
    codenames += [f"change_{model}" for model in EDITED_MODELS]
    return codenames


def publisher_codenames():
    return (
        editor_codenames()
        + [f"delete_{model}" for model in EDITED_MODELS]
        + ["publish_initiative"]
    )


def create_groups(apps, schema_editor):
    app_config = apps.get_app_config("initiatives")
    app_config.models_module = True  # create_permissions skips apps without it
    create_permissions(app_config, verbosity=0, apps=apps)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in (
        ("Editor", editor_codenames()),
        ("Publisher", publisher_codenames()),
    ):
        permissions = Permission.objects.filter(
            content_type__app_label="initiatives", codename__in=codenames
        )
        assert permissions.count() == len(codenames), name
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(
        name__in=["Editor", "Publisher"]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("initiatives", "0002_editorial_workflow"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, remove_groups)]
