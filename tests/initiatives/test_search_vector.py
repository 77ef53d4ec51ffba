"""The stored search vector follows every write path (PostgreSQL).

After each kind of write, the stored `search_vector` must equal the document
computed from the current rows (`search_document`), and the search must find
the new words. On SQLite there is no stored vector: the search reads the
texts, so only the no-op is checked there.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from initiatives.importers.service import import_document
from initiatives.models import Initiative, InitiativeOrganisation, Objective
from initiatives.search import refresh_search_vectors, search_document
from tests.factories import (
    InitiativeFactory,
    InitiativeOrganisationFactory,
    ObjectiveFactory,
    OrganisationFactory,
)
from tests.initiatives.test_admin import (
    _errors,
    _form_values,
    _formset,
    _initiative_post,
    admin_url,
)

pytestmark = pytest.mark.django_db
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a stored vector is PostgreSQL's"
)
DOCUMENTS = Path(__file__).parent / "documents"


def stale_vectors():
    """Titles of initiatives whose stored vector differs from a recomputation."""
    rows = Initiative.objects.annotate(document=search_document()).values_list(
        "title", "search_vector", "document"
    )
    return [title for title, stored, document in rows if stored != document]


def found(text):
    return {i.title for i in Initiative.objects.search(text)}


@on_postgresql
def test_a_new_initiative_is_found_by_its_own_texts():
    InitiativeFactory(title="Robotics league", summary="Pupils build machines.")

    assert stale_vectors() == []
    assert found("machines") == {"Robotics league"}


@on_postgresql
def test_an_edited_title_is_found_and_the_old_one_is_not():
    initiative = InitiativeFactory(title="Robotics league")
    initiative.title = "Coding club"
    initiative.save()

    assert stale_vectors() == []
    assert found("coding") == {"Coding club"}
    assert found("robotics") == set()


@on_postgresql
def test_objectives_added_changed_and_removed_are_followed():
    initiative = InitiativeFactory(title="Robotics league")
    objective = ObjectiveFactory(initiative=initiative, text="Reach rural schools")
    assert found("rural") == {"Robotics league"}

    objective.text = "Reach island schools"
    objective.save()
    assert found("island") == {"Robotics league"}
    assert found("rural") == set()

    objective.delete()
    assert found("island") == set()
    assert stale_vectors() == []


@on_postgresql
def test_organisation_roles_and_renames_are_followed():
    initiative = InitiativeFactory(title="Robotics league")
    organisation = OrganisationFactory(name="Vario Foundation", acronym="VF")
    role = InitiativeOrganisationFactory(
        initiative=initiative, organisation=organisation
    )
    assert found("vario") == {"Robotics league"}

    organisation.name = "Tessera Foundation"
    organisation.save()
    assert found("tessera") == {"Robotics league"}
    assert found("vario") == set()

    role.delete()
    assert found("tessera") == set()
    assert stale_vectors() == []


@on_postgresql
def test_an_initiative_created_in_the_admin_with_inlines_is_found(staff_client):
    csr = OrganisationFactory(name="CSR Europe", slug="csr-europe")
    data = _initiative_post(title="Together for STEM", slug="together-for-stem")
    data.update(
        _formset(
            "organisation_roles",
            [{"organisation": str(csr.pk), "role": InitiativeOrganisation.Role.LEAD}],
        )
    )
    data.update(
        _formset("objectives", [{"text": "Close the gender gap", "order": "1"}])
    )

    response = staff_client.post(admin_url(Initiative, "add"), data)

    assert response.status_code == 302, _errors(response)
    assert stale_vectors() == []
    assert found("gender") == found("csr") == {"Together for STEM"}


@on_postgresql
def test_an_inline_edited_in_the_admin_is_found(staff_client):
    initiative = InitiativeFactory(title="STEM agenda")
    ObjectiveFactory(initiative=initiative, text="More graduates")
    url = admin_url(Initiative, "change", initiative.pk)
    data = _form_values(staff_client.get(url).text)
    data["objectives-0-text"] = "More apprentices in VET"

    response = staff_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    assert found("apprentices") == {"STEM agenda"}
    assert stale_vectors() == []


@on_postgresql
def test_imported_drafts_are_found(catalogue):
    import_document(
        (DOCUMENTS / "cedefop_full.txt").read_bytes(), url="https://example.org/1"
    )

    assert "Young STEM talent programme" in found("talent")
    assert stale_vectors() == []


@on_postgresql
def test_load_catalogue_computes_every_vector(catalogue):
    assert Initiative.objects.filter(search_vector__isnull=True).count() == 0
    assert stale_vectors() == []
    assert "Together for STEM" in found("together")


@on_postgresql
def test_bulk_writes_are_caught_up_by_an_explicit_refresh():
    initiative = InitiativeFactory(title="Robotics league")
    Objective.objects.bulk_create([Objective(initiative=initiative, text="Drones")])
    assert found("drones") == set()  # bulk_create sends no signals

    refresh_search_vectors([initiative.pk])

    assert found("drones") == {"Robotics league"}


def test_without_postgresql_nothing_is_stored_and_search_reads_the_texts():
    if connection.vendor == "postgresql":
        pytest.skip("SQLite behaviour")
    InitiativeFactory(title="Robotics league")
    refresh_search_vectors()

    assert list(Initiative.objects.values_list("search_vector", flat=True)) == [None]
    assert found("robotics") == {"Robotics league"}


def test_load_catalogue_twice_keeps_the_search_working(catalogue):
    call_command("load_catalogue", verbosity=0)

    assert "Together for STEM" in found("together")
