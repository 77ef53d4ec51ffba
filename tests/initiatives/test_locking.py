"""No lost updates: the second of two concurrent saves is refused, not applied."""

import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test import Client

from initiatives import history
from initiatives.models import Initiative
from tests.admin_forms import admin_url, editorial_group, errors, form_values
from tests.factories import InitiativeFactory, KPIFactory

pytestmark = pytest.mark.django_db

REFUSED = "Your changes were not saved."


def _client(django_user_model, username, group="Publisher"):
    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", is_staff=True
    )
    user.groups.add(editorial_group(group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def alice(django_user_model):
    return _client(django_user_model, "alice")


@pytest.fixture
def bob(django_user_model):
    return _client(django_user_model, "bob")


@pytest.fixture
def initiative(alice):
    """A draft with a KPI, saved once through the admin (so it has a version)."""
    initiative = InitiativeFactory(
        title="Code clubs",
        summary="After-school coding clubs.",
        publication_state=Initiative.PublicationState.DRAFT,
    )
    KPIFactory(initiative=initiative, indicator="Clubs opened", value=40)
    _save(alice, _open(alice, initiative))
    initiative.refresh_from_db()
    return initiative


def _open(client, initiative):
    """The change form's values, as the browser holds them after opening it."""
    url = admin_url(Initiative, "change", initiative.pk)
    response = client.get(url)
    assert response.status_code == 200
    return url, form_values(response.text)


def _save(client, opened, **changes):
    url, data = opened
    return client.post(url, {**data, **changes})


def test_second_save_is_refused_and_shows_what_changed_meanwhile(
    alice, bob, initiative
):
    alices_form = _open(alice, initiative)
    bobs_form = _open(bob, initiative)
    version = initiative.version

    first = _save(alice, alices_form, title="Code clubs for girls")
    second = _save(bob, bobs_form, summary="Coding clubs in libraries.")

    assert first.status_code == 302, errors(first)
    assert second.status_code == 200
    assert REFUSED in second.text
    assert "alice saved this initiative" in second.text
    conflict = {
        row["change"].what: (row["change"].before, row["change"].after, row["yours"])
        for row in second.context["adminform"].form.edit_conflict
    }
    # Alice's title against the one in Bob's form.
    assert conflict == {"title": ("Code clubs", "Code clubs for girls", "Code clubs")}
    assert 'id="edit-conflict"' in second.text
    # Bob's change was not written; Alice's stands.
    initiative.refresh_from_db()
    assert initiative.title == "Code clubs for girls"
    assert initiative.summary == "After-school coding clubs."
    assert initiative.version == version + 1
    assert history.versions_of(initiative.pk).count() == 2


def test_after_seeing_the_conflict_a_deliberate_save_goes_through(
    alice, bob, initiative
):
    bobs_form = _open(bob, initiative)
    _save(alice, _open(alice, initiative), title="Code clubs for girls")
    refused = _save(bob, bobs_form, summary="Coding clubs in libraries.")
    assert refused.status_code == 200

    # Bob resubmits the form as it came back (it now carries the new version).
    again = bob.post(
        bobs_form[0],
        {**form_values(refused.text), "summary": "Coding clubs in libraries."},
    )

    assert again.status_code == 302, errors(again)
    initiative.refresh_from_db()
    assert initiative.summary == "Coding clubs in libraries."
    # Bob's form still had the old title: he chose to replace Alice's.
    assert initiative.title == "Code clubs"


def test_a_change_to_an_inline_row_only_also_makes_other_forms_stale(
    alice, bob, initiative
):
    alices_form = _open(alice, initiative)
    bobs_form = _open(bob, initiative)

    first = _save(alice, alices_form, **{"kpis-0-value": "55"})
    second = _save(bob, bobs_form, title="Code clubs everywhere")

    assert first.status_code == 302, errors(first)
    assert second.status_code == 200
    assert REFUSED in second.text
    conflict = [
        (row["change"].what, row["change"].before, row["change"].after)
        for row in second.context["adminform"].form.edit_conflict
    ]
    assert conflict == [("KPI “Clubs opened”: value", "40.00", "55.00")]
    initiative.refresh_from_db()
    assert initiative.title == "Code clubs"
    assert initiative.kpis.get().value == 55


def test_a_stale_change_to_an_inline_row_only_is_refused(alice, bob, initiative):
    alices_form = _open(alice, initiative)
    bobs_form = _open(bob, initiative)

    _save(alice, alices_form, title="Code clubs for girls")
    second = _save(bob, bobs_form, **{"kpis-0-value": "70"})

    assert second.status_code == 200
    assert REFUSED in second.text
    assert initiative.kpis.get().value == 40


def test_saving_twice_from_the_same_fresh_form_each_time_works(alice, initiative):
    for title in ["First title", "Second title"]:
        response = _save(alice, _open(alice, initiative), title=title)
        assert response.status_code == 302, errors(response)
    initiative.refresh_from_db()
    assert initiative.title == "Second title"


def test_a_revert_makes_open_forms_stale_and_keeps_counting_up(alice, bob, initiative):
    _save(alice, _open(alice, initiative), title="Code clubs for girls")
    first = history.versions_of(initiative.pk).first()
    bobs_form = _open(bob, initiative)
    version = Initiative.objects.get(pk=initiative.pk).version

    revert_url = admin_url(Initiative, "revision", initiative.pk, first.pk)
    reverted = alice.post(revert_url, form_values(alice.get(revert_url).text))
    second = _save(bob, bobs_form, summary="Too late.")

    assert reverted.status_code == 302, errors(reverted)
    initiative.refresh_from_db()
    assert initiative.title == "Code clubs"
    assert initiative.version == version + 1
    assert second.status_code == 200
    assert REFUSED in second.text


def test_a_publication_action_makes_open_forms_stale(alice, bob, initiative):
    bobs_form = _open(bob, initiative)
    alice.post(
        admin_url(Initiative, "changelist"),
        {"action": "publish", "_selected_action": [str(initiative.pk)]},
    )

    response = _save(bob, bobs_form, summary="Too late.")

    assert response.status_code == 200
    assert REFUSED in response.text
    conflict = [
        (row["change"].what, row["change"].after)
        for row in response.context["adminform"].form.edit_conflict
    ]
    assert ("publication state", "Published") in conflict


def test_without_recorded_history_the_conflict_shows_theirs_and_yours(alice, bob):
    # Saved before history was kept (e.g. data older than the history).
    initiative = InitiativeFactory(
        title="Code clubs", publication_state=Initiative.PublicationState.DRAFT
    )
    bobs_form = _open(bob, initiative)
    _save(alice, _open(alice, initiative), title="Code clubs for girls")

    response = _save(bob, bobs_form, summary="Coding clubs in libraries.")

    assert response.status_code == 200
    assert REFUSED in response.text
    conflict = {
        row["change"].what: (row["change"].before, row["change"].after, row["yours"])
        for row in response.context["adminform"].form.edit_conflict
    }
    assert conflict == {
        "title": (None, "Code clubs for girls", "Code clubs"),
        "summary": (
            None,
            "A short plain-language summary.",
            "Coding clubs in libraries.",
        ),
    }
    assert "(not recorded)" in response.text


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="row locks (SELECT ... FOR UPDATE) are PostgreSQL's; SQLite locks "
    "the whole database on write",
)
@pytest.mark.django_db(transaction=True)
def test_a_save_waits_for_a_save_in_progress_and_is_then_refused(
    django_user_model,
):
    """The version check and the write cannot interleave with another save.

    Another save holds the row (as the admin does between its check and its
    write); Bob's save of the same version must wait for it, then see the new
    number and be refused. Without the row lock it would read the old number,
    pass, and overwrite.
    """
    bob = _client(django_user_model, "bob")
    initiative = InitiativeFactory(
        title="Code clubs", publication_state=Initiative.PublicationState.DRAFT
    )
    bobs_form = _open(bob, initiative)
    holding = threading.Event()

    def save_in_progress():
        try:
            with transaction.atomic():
                row = Initiative.objects.select_for_update().get(pk=initiative.pk)
                holding.set()
                time.sleep(1)
                Initiative.objects.filter(pk=row.pk).update(
                    title="Alice's title", version=row.version + 1
                )
        finally:
            connections.close_all()

    other = threading.Thread(target=save_in_progress)
    other.start()
    assert holding.wait(10)
    response = _save(bob, bobs_form, title="Bob's title")
    other.join()

    assert response.status_code == 200
    assert REFUSED in response.text
    initiative.refresh_from_db()
    assert initiative.title == "Alice's title"
