"""The load_catalogue command: one transaction, idempotent, clear errors."""

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from initiatives.models import Initiative

FIXTURE_DIR = Path(settings.FIXTURE_DIRS[0])
APP_MODELS = list(
    apps.get_app_config("initiatives").get_models(include_auto_created=True)
)


def row_counts():
    return {model._meta.label: model._default_manager.count() for model in APP_MODELS}


def snapshot():
    """Every row of every table of the app, primary keys included."""
    return {
        model._meta.label: list(model._default_manager.order_by("pk").values())
        for model in APP_MODELS
    }


@pytest.fixture
def fixture_copy(tmp_path):
    """A private copy of the catalogue fixtures that a test may break."""
    for path in FIXTURE_DIR.glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    return tmp_path


@pytest.mark.django_db
def test_loading_fills_every_table_of_the_app():
    call_command("load_catalogue", verbosity=0)

    empty = [label for label, count in row_counts().items() if count == 0]
    assert empty == []


@pytest.mark.django_db
def test_loading_twice_leaves_every_row_count_unchanged():
    call_command("load_catalogue", verbosity=0)
    first = row_counts()

    call_command("load_catalogue", verbosity=0)

    assert row_counts() == first


@pytest.mark.django_db
def test_loading_again_updates_rows_in_place():
    call_command("load_catalogue", verbosity=0)
    first = snapshot()

    call_command("load_catalogue", verbosity=0)

    assert snapshot() == first


@pytest.mark.django_db
def test_loading_again_restores_a_changed_fixture_value_without_duplicating():
    call_command("load_catalogue", verbosity=0)
    Initiative.objects.filter(slug="together-for-stem").update(title="Renamed")

    call_command("load_catalogue", verbosity=0)

    assert Initiative.objects.filter(title="Together for STEM").count() == 1
    assert not Initiative.objects.filter(title="Renamed").exists()


@pytest.mark.django_db
def test_loading_keeps_rows_that_editors_added():
    call_command("load_catalogue", verbosity=0)
    initiative = Initiative.objects.get(slug="together-for-stem")
    initiative.objectives.create(text="An objective an editor added", order=99)

    call_command("load_catalogue", verbosity=0)

    assert initiative.objectives.filter(text="An objective an editor added").exists()


@pytest.mark.django_db
def test_summary_lists_counts_and_what_is_new():
    out = StringIO()
    call_command("load_catalogue", stdout=out)
    first = out.getvalue()

    out = StringIO()
    call_command("load_catalogue", stdout=out)
    second = out.getvalue()

    count = Initiative.objects.count()
    assert "Catalogue loaded." in first
    assert f"{count} initiatives ({count} new)" in first
    assert f"{count} initiatives" in second
    assert "new" not in second


@pytest.mark.django_db
def test_verbosity_zero_prints_nothing():
    out = StringIO()
    call_command("load_catalogue", verbosity=0, stdout=out)

    assert out.getvalue() == ""


@pytest.mark.django_db
def test_loading_leaves_the_initiative_manager_as_it_was():
    had_method = hasattr(Initiative.objects, "get_by_natural_key")

    call_command("load_catalogue", verbosity=0)

    assert hasattr(Initiative.objects, "get_by_natural_key") == had_method


@pytest.mark.django_db
def test_a_reference_to_an_unknown_organisation_is_a_clear_error(fixture_copy):
    path = fixture_copy / "initiatives.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    role = next(
        r for r in records if r["model"] == "initiatives.initiativeorganisation"
    )
    role["fields"]["organisation"] = ["no-such-organisation"]
    path.write_text(json.dumps(records), encoding="utf-8")

    with pytest.raises(CommandError, match="could not be loaded"):
        call_command("load_catalogue", fixture_dir=fixture_copy, verbosity=0)


@pytest.mark.django_db
def test_a_broken_fixture_changes_nothing(fixture_copy):
    path = fixture_copy / "initiatives.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    kpi = next(r for r in records if r["model"] == "initiatives.kpi")
    kpi["fields"]["year_start"] = "not a year"
    path.write_text(json.dumps(records), encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("load_catalogue", fixture_dir=fixture_copy, verbosity=0)

    assert set(row_counts().values()) == {0}


@pytest.mark.django_db
def test_invalid_json_is_a_clear_error(fixture_copy):
    (fixture_copy / "organisations.json").write_text("[{", encoding="utf-8")

    with pytest.raises(CommandError, match="organisations.json"):
        call_command("load_catalogue", fixture_dir=fixture_copy, verbosity=0)


@pytest.mark.django_db
def test_a_missing_fixture_file_is_named(fixture_copy):
    (fixture_copy / "vocabularies.json").unlink()

    with pytest.raises(CommandError, match="vocabularies.json"):
        call_command("load_catalogue", fixture_dir=fixture_copy, verbosity=0)


@pytest.mark.django_db
def test_every_loaded_object_passes_full_clean(catalogue):
    for model in apps.get_app_config("initiatives").get_models():
        for obj in model._default_manager.all():
            obj.full_clean()


def test_fixture_objects_have_no_primary_keys():
    for path in FIXTURE_DIR.glob("*.json"):
        records = json.loads(path.read_text(encoding="utf-8"))
        assert records, path.name
        assert all("pk" not in record for record in records), path.name
