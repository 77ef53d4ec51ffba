"""History: every change is recorded, shown as a diff, and can be undone."""

import re

import pytest
import reversion
from reversion.models import Version

from initiatives import history
from initiatives.models import KPI, Initiative, InitiativeOrganisation, Objective
from tests.admin_forms import admin_url, editorial_group, errors, form_values, formset
from tests.factories import InitiativeFactory, KPIFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

ROW_PREFIXES = [
    "organisation_roles",
    "objectives",
    "kpis",
    "fundings",
    "milestones",
    "relations_from",
]


@pytest.fixture
def publisher(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="paula", password="a-long-test-password", is_staff=True
    )
    user.groups.add(editorial_group("Publisher"))
    client.force_login(user)
    return client


def _new_initiative(client):
    """Add a draft with one KPI through the admin, as an editor would."""
    data = {
        "title": "Girls in STEM days",
        "slug": "girls-in-stem-days",
        "kind": Initiative.Kind.PROGRAMME,
        "status": Initiative.Status.ONGOING,
        "year_start": "2019",
        "publication_state": Initiative.PublicationState.DRAFT,
    }
    for prefix in ROW_PREFIXES:
        data.update(formset(prefix, []))
    data.update(
        formset(
            "kpis",
            [{"order": "1", "kind": KPI.Kind.REACH, "indicator": "Girls reached"}],
        )
    )
    response = client.post(admin_url(Initiative, "add"), data)
    assert response.status_code == 302, errors(response)
    return Initiative.objects.get(slug="girls-in-stem-days")


def _edit(client, initiative, **changes):
    url = admin_url(Initiative, "change", initiative.pk)
    data = form_values(client.get(url).text)
    data.update(changes)
    response = client.post(url, data)
    assert response.status_code == 302, errors(response)


def test_every_admin_save_is_recorded_with_who_and_a_comment(publisher):
    initiative = _new_initiative(publisher)
    _edit(publisher, initiative, title="Girls in STEM week")

    versions = list(history.versions_of(initiative.pk))
    assert len(versions) == 2
    assert {v.revision.user.username for v in versions} == {"paula"}
    assert "Title" in versions[1].revision.get_comment()
    # The KPI row is stored in the same revision as its initiative.
    stored = {v.object_repr for v in versions[0].revision.version_set.all()}
    assert stored == {"Girls reached", "Girls in STEM days"}


def test_history_page_lists_versions_with_what_changed_and_revert_links(publisher):
    initiative = _new_initiative(publisher)
    _edit(publisher, initiative, title="Girls in STEM week")

    response = publisher.get(admin_url(Initiative, "history", initiative.pk))

    assert response.status_code == 200
    text = response.text
    assert text.count("What changed</a>") == 2
    # The newest is the current one: only the older one can be reverted to.
    assert text.count("Revert to this version</a>") == 1
    assert "paula" in text


def test_changes_page_shows_fields_and_inline_rows_before_and_after(publisher):
    initiative = _new_initiative(publisher)
    url = admin_url(Initiative, "change", initiative.pk)
    data = form_values(publisher.get(url).text)
    data.update(
        {
            "title": "Girls in STEM week",
            "kpis-0-indicator": "Girls and young women reached",
            "objectives-TOTAL_FORMS": "1",
            "objectives-0-text": "Double the number of girls in STEM clubs",
            "objectives-0-order": "1",
        }
    )
    assert publisher.post(url, data).status_code == 302
    latest = history.versions_of(initiative.pk).last()

    response = publisher.get(admin_url(Initiative, "changes", initiative.pk, latest.pk))

    assert response.status_code == 200
    changes = {c.what: (c.before, c.after) for c in response.context["changes"]}
    assert changes["title"] == ("Girls in STEM days", "Girls in STEM week")
    assert changes["KPI “Girls and young women reached”: what is measured"] == (
        "Girls reached",
        "Girls and young women reached",
    )
    assert changes["objective added"] == (
        "—",
        "Double the number of girls in STEM clubs",
    )
    assert "Girls in STEM week" in response.text
    assert "<del>Girls reached</del>" in response.text


def test_revert_restores_fields_and_inline_rows(publisher):
    initiative = _new_initiative(publisher)
    first = history.versions_of(initiative.pk).first()
    kpi = initiative.kpis.get()
    # Later: new title, the KPI removed, an objective added.
    url = admin_url(Initiative, "change", initiative.pk)
    data = form_values(publisher.get(url).text)
    data.update(
        {
            "title": "Renamed",
            "kpis-0-DELETE": "on",
            "objectives-TOTAL_FORMS": "1",
            "objectives-0-text": "An objective added later",
            "objectives-0-order": "1",
        }
    )
    assert publisher.post(url, data).status_code == 302
    assert not initiative.kpis.exists()

    revert_url = admin_url(Initiative, "revision", initiative.pk, first.pk)
    page = publisher.get(revert_url)
    assert page.status_code == 200
    assert "Girls in STEM days" in page.text
    # Looking at an old version changes nothing.
    initiative.refresh_from_db()
    assert initiative.title == "Renamed"

    response = publisher.post(revert_url, form_values(page.text))

    assert response.status_code == 302, errors(response)
    initiative.refresh_from_db()
    assert initiative.title == "Girls in STEM days"
    assert list(initiative.kpis.values_list("pk", "indicator")) == [
        (kpi.pk, "Girls reached")
    ]
    assert not initiative.objectives.exists()
    # The revert is itself a version, and the lock number keeps counting up.
    assert history.versions_of(initiative.pk).count() == 3
    assert "Reverted" in history.versions_of(initiative.pk).last().revision.comment
    assert initiative.version == 3


def test_revert_leaves_other_initiatives_of_the_same_revision_alone(publisher):
    # An import saves several initiatives in one revision.
    with reversion.create_revision():
        first = InitiativeFactory(title="First imported")
        second = InitiativeFactory(title="Second imported")
        ObjectiveFactory(initiative=second, text="Kept")
    Initiative.objects.filter(pk=first.pk).update(title="First, edited")
    Initiative.objects.filter(pk=second.pk).update(title="Second, edited")
    version = history.versions_of(first.pk).get()

    history.revert_initiative(version)

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.title == "First imported"
    assert second.title == "Second, edited"
    assert second.objectives.get().text == "Kept"


def test_deleted_initiative_is_recovered_with_its_rows(publisher):
    initiative = InitiativeFactory(title="Deleted by mistake")
    KPIFactory(initiative=initiative, indicator="Schools reached")
    pk = initiative.pk

    response = publisher.post(
        admin_url(Initiative, "delete", pk), {"post": "yes"}, follow=True
    )
    assert response.status_code == 200
    assert not Initiative.objects.filter(pk=pk).exists()
    assert not KPI.objects.filter(initiative_id=pk).exists()

    recover_list = publisher.get(admin_url(Initiative, "recoverlist"))
    assert "Deleted by mistake" in recover_list.text
    deleted = Version.objects.get_deleted(Initiative).get()
    recover_url = admin_url(Initiative, "recover", deleted.pk)
    page = publisher.get(recover_url)
    response = publisher.post(recover_url, form_values(page.text))

    assert response.status_code == 302, errors(response)
    recovered = Initiative.objects.get(pk=pk)
    assert recovered.title == "Deleted by mistake"
    assert list(recovered.kpis.values_list("indicator", flat=True)) == [
        "Schools reached"
    ]


def test_changelist_links_to_recovering_deleted_initiatives(publisher):
    response = publisher.get(admin_url(Initiative, "changelist"))
    assert admin_url(Initiative, "recoverlist") in response.text
    assert admin_url(Initiative, "import") in response.text


def test_editors_cannot_recover_deleted_initiatives(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="eddie", password="a-long-test-password", is_staff=True
    )
    user.groups.add(editorial_group("Editor"))
    client.force_login(user)

    assert client.get(admin_url(Initiative, "recoverlist")).status_code == 403
    assert (
        admin_url(Initiative, "recoverlist")
        not in client.get(admin_url(Initiative, "changelist")).text
    )


def test_publishing_from_the_list_records_one_version_per_initiative(publisher):
    drafts = InitiativeFactory.create_batch(
        2, publication_state=Initiative.PublicationState.DRAFT
    )
    publisher.post(
        admin_url(Initiative, "changelist"),
        {"action": "publish", "_selected_action": [str(d.pk) for d in drafts]},
    )

    for draft in drafts:
        version = history.versions_of(draft.pk).get()
        assert version.field_dict["publication_state"] == "published"
        assert (
            version.revision.version_set.filter(
                content_type=version.content_type
            ).count()
            == 1
        )
        draft.refresh_from_db()
        assert draft.version == 2


def test_loading_the_catalogue_records_a_version_of_each_initiative(catalogue):
    initiatives = Initiative.objects.count()
    assert initiatives
    assert Version.objects.get_for_model(Initiative).count() == initiatives
    assert Version.objects.get_for_model(Objective).count() == Objective.objects.count()


def test_history_revert_and_recover_pages_have_no_inline_code(publisher):
    """They run under a Content-Security-Policy without 'unsafe-inline'."""
    initiative = _new_initiative(publisher)
    _edit(publisher, initiative, title="Girls in STEM week")
    first, latest = history.versions_of(initiative.pk)
    deleted = InitiativeFactory(title="Gone")
    publisher.post(admin_url(Initiative, "delete", deleted.pk), {"post": "yes"})
    gone = Version.objects.get_deleted(Initiative).get()
    pages = [
        admin_url(Initiative, "history", initiative.pk),
        admin_url(Initiative, "changes", initiative.pk, latest.pk),
        admin_url(Initiative, "revision", initiative.pk, first.pk),
        admin_url(Initiative, "recoverlist"),
        admin_url(Initiative, "recover", gone.pk),
        admin_url(Initiative, "data_quality"),
    ]
    for url in pages:
        response = publisher.get(url)
        assert response.status_code == 200, url
        html = response.text
        for tag, body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", html, re.S):
            assert 'src="' in tag and not body.strip(), (url, tag)
        assert not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url


def test_rows_changed_from_their_own_list_are_in_the_initiatives_history(
    publisher,
):
    initiative = InitiativeFactory(title="Maths circles")
    kpi = KPIFactory(initiative=initiative, indicator="Circles", value=10)
    url = admin_url(KPI, "change", kpi.pk)

    response = publisher.post(
        url, {**form_values(publisher.get(url).text), "value": "12"}
    )

    assert response.status_code == 302, errors(response)
    version = history.versions_of(initiative.pk).get()
    assert "KPI “Circles” from the KPIs list" in version.revision.comment
    assert Version.objects.get_for_object(kpi).get().field_dict["value"] == 12
    initiative.refresh_from_db()
    assert initiative.version == 2  # forms opened before are now stale

    publisher.post(admin_url(KPI, "delete", kpi.pk), {"post": "yes"})
    latest = history.versions_of(initiative.pk).last()
    assert history.snapshot(latest).rows[KPI] == {}


def test_roles_changed_on_the_organisation_page_are_in_the_initiatives_history(
    publisher,
):
    from initiatives.models import Organisation
    from tests.factories import OrganisationFactory

    initiative = InitiativeFactory(title="Maths circles")
    organisation = OrganisationFactory(name="Maths society")
    url = admin_url(Organisation, "change", organisation.pk)
    data = form_values(publisher.get(url).text)
    data.update(
        {
            "initiative_roles-TOTAL_FORMS": "1",
            "initiative_roles-0-initiative": str(initiative.pk),
            "initiative_roles-0-role": "partner",
        }
    )

    response = publisher.post(url, data)

    assert response.status_code == 302, errors(response)
    version = history.versions_of(initiative.pk).get()
    assert "Maths society" in version.revision.comment
    assert [
        name
        for name, _data in history.snapshot(version)
        .rows[InitiativeOrganisation]
        .values()
    ] == [str(initiative.organisation_roles.get())]
