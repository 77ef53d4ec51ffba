"""`make backup` / `make restore`: the whole catalogue, its history and its
users survive a backup restored into an empty database, row for row."""

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import reversion
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.base import CommandError

from initiatives.management.commands.restore_catalogue import backed_up_models
from initiatives.models import Initiative
from tests.admin_forms import editorial_group

PROJECT = Path(__file__).resolve().parent.parent


def natural(value, model):
    """Content types and permissions get new ids in a new database: compare
    them by what they are."""
    if model is ContentType and value is not None:
        ct = ContentType.objects.get_for_id(value)
        return (ct.app_label, ct.model)
    if model is Permission and value is not None:
        permission = Permission.objects.select_related("content_type").get(pk=value)
        return (permission.content_type.app_label, permission.codename)
    return value


def snapshot():
    """Every row of every backed-up table, as comparable values.

    Rows of many-to-many tables are the pairs they link: their own ids are not
    part of the data (a restore numbers them anew)."""
    tables = {}
    for model in backed_up_models():
        fields = model._meta.concrete_fields
        if model._meta.auto_created:
            fields = [field for field in fields if not field.primary_key]
        rows = []
        for row in model._default_manager.order_by("pk").values_list(
            *[field.attname for field in fields]
        ):
            rows.append(
                tuple(
                    natural(value, field.related_model) if field.is_relation else value
                    for field, value in zip(fields, row, strict=True)
                )
            )
        tables[model._meta.db_table] = sorted(rows, key=repr)
    return tables


@pytest.fixture
def edited_catalogue(catalogue, django_user_model):
    """The shipped catalogue, edited by an editor: users, groups, history."""
    chief = django_user_model.objects.create_superuser(
        "chief", "chief@example.org", "a-long-test-password"
    )
    editor = django_user_model.objects.create_user(
        "editor", "editor@example.org", "another-long-password", is_staff=True
    )
    # Through the migration's function: a transactional (browser) test run
    # before this one flushed the groups migration 0003 created.
    editor.groups.add(editorial_group("Editor"))
    agenda = Initiative.objects.get(slug="stem-agenda-2030")
    with reversion.create_revision():
        reversion.set_user(chief)
        reversion.set_comment("Summary rewritten")
        agenda.summary = "Flanders' STEM agenda — edited «with» unicode ✓"
        agenda.save()
    LogEntry.objects.log_actions(
        user_id=chief.pk, queryset=[agenda], action_flag=CHANGE, change_message="x"
    )
    return agenda


@pytest.mark.django_db(transaction=True)
def test_restore_into_an_empty_database_gives_back_every_row(
    edited_catalogue, tmp_path
):
    before = snapshot()
    assert before["initiatives_initiative"] and before["auth_user"]
    assert before["django_admin_log"] and before["auth_group_permissions"]
    # The initiatives' history (django-reversion): revisions with their versions.
    assert before["reversion_revision"] and before["reversion_version"]
    call_command("backup_catalogue", directory=tmp_path, verbosity=0)
    (backup,) = tmp_path.glob("stemportal-*.json.gz")

    # An empty database: every table emptied, content types and permissions
    # rebuilt as migrate does, a group made as our migration makes it.
    call_command("flush", interactive=False, verbosity=0)
    Group.objects.create(name="Editor")
    assert not Initiative.objects.exists()

    call_command("restore_catalogue", str(backup), verbosity=0)

    after = snapshot()
    assert after.keys() == before.keys()
    for table, rows in before.items():
        assert after[table] == rows, table


@pytest.mark.django_db
def test_restore_refuses_a_database_with_content(edited_catalogue, tmp_path):
    backup = tmp_path / "catalogue.json.gz"
    call_command("backup_catalogue", output=backup, verbosity=0)
    Initiative.objects.filter(slug="stem-agenda-2030").update(title="Changed")

    with pytest.raises(CommandError, match=r"not empty \(40 initiatives, .*--force"):
        call_command("restore_catalogue", str(backup))

    assert Initiative.objects.get(slug="stem-agenda-2030").title == "Changed"
    call_command("restore_catalogue", str(backup), force=True, verbosity=0)
    assert Initiative.objects.get(slug="stem-agenda-2030").title == "STEM agenda 2030"


@pytest.mark.django_db
def test_a_failed_restore_changes_nothing(edited_catalogue, tmp_path):
    backup = tmp_path / "broken.json.gz"
    call_command("backup_catalogue", output=backup, verbosity=0)
    objects = json.loads(gzip.decompress(backup.read_bytes()))
    # At the end, a second initiative with an existing slug: the database
    # refuses it after everything else has been loaded.
    initiative = next(o for o in objects if o["model"] == "initiatives.initiative")
    objects.append({**initiative, "pk": 10**6})
    backup.write_bytes(gzip.compress(json.dumps(objects).encode()))

    with pytest.raises(Exception):  # noqa: B017 - whichever error the database raises
        call_command("restore_catalogue", str(backup), force=True, verbosity=0)

    assert Initiative.objects.count() == 40  # the shipped catalogue, untouched
    assert Initiative.objects.get(slug="stem-agenda-2030").summary.endswith("✓")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.json.gz", None, "no such file"),
        ("notes.txt", b"hello", "not a backup"),
        ("garbage.json.gz", b"not gzip", "not a readable backup"),
        ("list.json.gz", gzip.compress(b'{"a": 1}'), "not a backup written by"),
    ],
)
@pytest.mark.django_db
def test_bad_backup_files_are_refused_clearly(tmp_path, name, content, message):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    with pytest.raises(CommandError, match=message):
        call_command("restore_catalogue", str(path))


@pytest.mark.django_db
def test_backup_never_overwrites_and_names_must_be_json_gz(tmp_path):
    call_command("backup_catalogue", output=tmp_path / "a.json.gz", verbosity=0)
    with pytest.raises(CommandError, match="exists already"):
        call_command("backup_catalogue", output=tmp_path / "a.json.gz")
    with pytest.raises(CommandError, match="must end in .json.gz"):
        call_command("backup_catalogue", output=tmp_path / "a.zip")
    assert [path.name for path in tmp_path.iterdir()] == ["a.json.gz"]


def manage(database_url, *args):
    env = {**os.environ, "DATABASE_URL": database_url}
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return result


@pytest.mark.django_db
def test_restore_into_a_freshly_migrated_database_file(edited_catalogue, tmp_path):
    """The real path: a new SQLite file, migrated, restored with the command,
    then backed up again gives the same objects."""
    backup = tmp_path / "original.json.gz"
    call_command("backup_catalogue", output=backup, verbosity=0)
    url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"

    manage(url, "migrate", "--noinput", "-v0")
    restored = manage(url, "restore_catalogue", str(backup))
    manage(url, "backup_catalogue", "--output", str(tmp_path / "again.json.gz"))

    assert "40 initiatives" in restored.stdout

    def objects(path):
        items = json.loads(gzip.decompress(path.read_bytes()))
        return sorted(json.dumps(item, sort_keys=True) for item in items)

    assert objects(tmp_path / "again.json.gz") == objects(backup)


@pytest.mark.django_db
def test_a_restored_catalogue_is_searchable_even_from_a_backup_without_vectors(
    edited_catalogue, tmp_path, client
):
    """A backup made on SQLite holds no search vectors: PostgreSQL rebuilds them."""
    backup = tmp_path / "catalogue.json.gz"
    call_command("backup_catalogue", output=backup, verbosity=0)
    objects = json.loads(gzip.decompress(backup.read_bytes()))
    for item in objects:
        if item["model"] == "initiatives.initiative":
            item["fields"]["search_vector"] = None
    backup.write_bytes(gzip.compress(json.dumps(objects).encode()))

    call_command("restore_catalogue", str(backup), force=True, verbosity=0)

    response = client.get("/initiatives/", {"q": "agenda 2030"})
    assert "STEM agenda 2030" in response.text
    slugs = [i.slug for i in response.context["page_obj"].object_list]
    assert "stem-agenda-2030" in slugs
