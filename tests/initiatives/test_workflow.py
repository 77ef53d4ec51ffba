"""Editorial workflow: draft, published, archived; who may do what.

The groups are the real ones created by migration 0003 (Editor, Publisher).
"""

import json

import pytest
from django.test import Client
from django.urls import reverse

from initiatives.models import KPI, Initiative
from tests.admin_forms import admin_url, editorial_group, errors, form_values, formset
from tests.factories import (
    CountryFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    InitiativeRelationFactory,
    KPIFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

DRAFT = Initiative.PublicationState.DRAFT
PUBLISHED = Initiative.PublicationState.PUBLISHED
ARCHIVED = Initiative.PublicationState.ARCHIVED


def _member_of(django_user_model, group, username):
    user = django_user_model.objects.create_user(
        username=username, password="a-long-test-password", is_staff=True
    )
    user.groups.add(editorial_group(group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(django_user_model):
    return _member_of(django_user_model, "Editor", "eddie")


@pytest.fixture
def publisher(django_user_model):
    return _member_of(django_user_model, "Publisher", "paula")


# --- The public site ----------------------------------------------------------


@pytest.fixture
def belgium():
    return CountryFactory(code="BE", name="Belgium", slug="belgium")


@pytest.fixture
def states(belgium):
    """One initiative in each state, all in Belgium with the same organisation."""
    organisation = OrganisationFactory(name="Shared org", slug="shared-org")
    made = {}
    for state in (DRAFT, PUBLISHED, ARCHIVED):
        initiative = InitiativeFactory(
            title=f"The {state} one",
            slug=f"the-{state}-one",
            publication_state=state,
            countries=[belgium],
        )
        InitiativeOrganisationFactory(initiative=initiative, organisation=organisation)
        made[state] = initiative
    return made


PUBLIC_LISTS = [
    reverse("initiatives:home"),
    reverse("initiatives:initiative-list"),
    reverse("initiatives:initiative-list") + "?country=be",
    reverse("initiatives:country-detail", args=["be"]),
    reverse("initiatives:organisation-detail", args=["shared-org"]),
    reverse("initiatives:initiative-feed"),
    reverse("initiatives:initiative-feed-atom"),
    reverse("initiatives:country-feed", args=["be"]),
    reverse("initiatives:initiative-export-csv"),
    reverse("initiatives:initiative-export-json"),
    reverse("api:initiative-list"),
    reverse("api:organisation-detail", args=["shared-org"]),
    "/sitemap.xml",
]


@pytest.mark.parametrize("url", PUBLIC_LISTS)
def test_lists_feeds_exports_api_and_sitemap_show_published_only(client, states, url):
    response = client.get(url)
    body = b"".join(response) if response.streaming else response.content
    body = body.decode()

    assert response.status_code == 200, url
    assert "the-published-one" in body or "The published one" in body, url
    assert "the-draft-one" not in body and "The draft one" not in body, url
    assert "the-archived-one" not in body and "The archived one" not in body, url


def test_counts_leave_out_drafts_and_archived_initiatives(client, states):
    home = client.get(reverse("initiatives:home")).context
    countries = client.get(reverse("initiatives:country-list")).context["countries"]
    organisations = client.get(reverse("initiatives:organisation-list")).context
    api = json.loads(client.get(reverse("api:initiative-list")).content)

    assert home["total_initiatives"] == 1
    assert {c.code: c.initiative_count for c in countries} == {"BE": 1}
    assert api["count"] == 1
    assert [o.initiative_count for o in organisations["organisations"]] == [1]


def test_archived_initiative_keeps_its_page_with_a_notice(client, states):
    response = client.get(states[ARCHIVED].get_absolute_url())

    assert response.status_code == 200
    text = response.content.decode()
    assert '<p class="banner banner--archived" role="status">' in text
    assert "This initiative is no longer listed in the catalogue." in text
    assert '<meta name="robots" content="noindex">' in text
    assert "Draft — not public" not in text


def test_published_page_has_no_notice_and_may_be_indexed(client, states):
    text = client.get(states[PUBLISHED].get_absolute_url()).content.decode()

    assert "banner--archived" not in text
    assert "noindex" not in text


def test_drafts_are_not_found_and_archived_are_not_in_the_api(client, states):
    assert client.get(states[DRAFT].get_absolute_url()).status_code == 404
    for state in (DRAFT, ARCHIVED):
        url = reverse("api:initiative-detail", args=[states[state].slug])
        assert client.get(url).status_code == 404


def test_relations_to_archived_initiatives_are_shown_as_archived(client, states):
    InitiativeRelationFactory(
        from_initiative=states[PUBLISHED], to_initiative=states[ARCHIVED]
    )
    InitiativeRelationFactory(
        from_initiative=states[PUBLISHED], to_initiative=states[DRAFT]
    )

    text = client.get(states[PUBLISHED].get_absolute_url()).content.decode()

    assert "The archived one</a> (archived)" in text
    assert "The draft one" not in text


# --- The admin, per role ------------------------------------------------------


def _add_post(**overrides):
    data = {
        "title": "Robotics league",
        "slug": "robotics-league",
        "kind": Initiative.Kind.PROGRAMME,
        "status": Initiative.Status.ONGOING,
        "year_start": "2021",
    }
    for prefix in (
        "organisation_roles",
        "objectives",
        "kpis",
        "fundings",
        "milestones",
        "relations_from",
    ):
        data.update(formset(prefix, []))
    data.update(overrides)
    return data


def _change(client, initiative, **changes):
    url = admin_url(Initiative, "change", initiative.pk)
    page = client.get(url)
    return page, client.post(url, {**form_values(page.text), **changes})


def _run_action(client, action, initiatives):
    return client.post(
        admin_url(Initiative, "changelist"),
        {"action": action, "_selected_action": [str(i.pk) for i in initiatives]},
        follow=True,
    )


def test_anonymous_visitors_are_sent_to_the_admin_login(client, states):
    response = client.get(admin_url(Initiative, "change", states[DRAFT].pk))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_editor_adds_drafts_only(editor):
    response = editor.post(
        admin_url(Initiative, "add"), _add_post(publication_state=PUBLISHED)
    )

    assert response.status_code == 302, errors(response)
    assert Initiative.objects.get().publication_state == DRAFT


def test_editor_sees_the_publication_state_but_cannot_set_it(editor, states):
    page = editor.get(admin_url(Initiative, "change", states[DRAFT].pk)).text

    assert 'name="publication_state"' not in page
    assert "Draft" in page
    assert 'name="title"' in page


def test_editor_changes_a_draft_and_its_rows(editor, states):
    draft = states[DRAFT]
    KPIFactory(initiative=draft, indicator="Teams", value=10)

    _page, response = _change(
        editor, draft, title="A better title", **{"kpis-0-value": "12"}
    )

    assert response.status_code == 302, errors(response)
    draft.refresh_from_db()
    assert draft.title == "A better title"
    assert draft.kpis.get().value == 12


def test_editor_removes_a_row_of_a_draft(editor, states):
    draft = states[DRAFT]
    KPIFactory(initiative=draft, indicator="Teams")

    _page, response = _change(editor, draft, **{"kpis-0-DELETE": "on"})

    assert response.status_code == 302, errors(response)
    assert not draft.kpis.exists()


@pytest.mark.parametrize("state", [PUBLISHED, ARCHIVED])
def test_editor_only_views_published_and_archived_initiatives(editor, states, state):
    initiative = states[state]
    KPIFactory(initiative=initiative, indicator="Teams", value=10)

    page, response = _change(
        editor, initiative, title="Changed", **{"kpis-0-value": "99"}
    )

    assert page.status_code == 200
    assert 'name="title"' not in page.text  # read-only
    assert 'name="kpis-0-value"' not in page.text
    assert 'name="_save"' not in page.text
    assert response.status_code == 403
    initiative.refresh_from_db()
    assert initiative.title == f"The {state} one"
    assert initiative.kpis.get().value == 10


def test_editor_cannot_change_rows_of_published_initiatives_from_their_own_list(
    editor, states
):
    kpi = KPIFactory(initiative=states[PUBLISHED], indicator="Teams")
    draft_kpi = KPIFactory(initiative=states[DRAFT], indicator="Teams")

    published_page = editor.get(admin_url(KPI, "change", kpi.pk))
    draft_page = editor.get(admin_url(KPI, "change", draft_kpi.pk))

    assert 'name="indicator"' not in published_page.text
    assert 'name="indicator"' in draft_page.text
    assert editor.post(admin_url(KPI, "change", kpi.pk), {}).status_code == 403


def test_editor_attaches_new_rows_to_drafts_only(editor, states):
    response = editor.post(
        admin_url(KPI, "add"),
        {
            "initiative": str(states[PUBLISHED].pk),
            "kind": KPI.Kind.REACH,
            "indicator": "Sneaked in",
            "order": "0",
        },
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not KPI.objects.exists()


def test_editor_cannot_delete_publish_or_archive(editor, states):
    draft = states[DRAFT]
    changelist = editor.get(admin_url(Initiative, "changelist"))
    offered = [
        value
        for value, _label in changelist.context["action_form"].fields["action"].choices
    ]

    assert offered == ["", "mark_source_checked"]
    assert editor.get(admin_url(Initiative, "delete", draft.pk)).status_code == 403
    assert (
        editor.post(
            admin_url(Initiative, "delete", draft.pk), {"post": "yes"}
        ).status_code
        == 403
    )
    _run_action(editor, "publish", [draft])
    _run_action(editor, "delete_selected", [draft])
    draft.refresh_from_db()
    assert draft.publication_state == DRAFT


def test_publisher_publishes_archives_and_unpublishes_with_counts(publisher, states):
    draft, published, archived = states[DRAFT], states[PUBLISHED], states[ARCHIVED]

    response = _run_action(publisher, "publish", [draft, published])
    assert "1 initiative was published. 1 was already published." in response.text

    response = _run_action(publisher, "archive", [draft, published, archived])
    assert "2 initiatives were archived. 1 was already archived." in response.text
    assert set(Initiative.objects.values_list("publication_state", flat=True)) == {
        ARCHIVED
    }

    response = _run_action(publisher, "unpublish", [archived])
    assert "1 initiative was moved back to draft." in response.text
    archived.refresh_from_db()
    assert archived.publication_state == DRAFT


def test_publisher_sets_the_state_in_the_form_and_edits_published_ones(
    publisher, states
):
    _page, response = _change(
        publisher, states[PUBLISHED], title="Edited", publication_state=ARCHIVED
    )

    assert response.status_code == 302, errors(response)
    states[PUBLISHED].refresh_from_db()
    assert states[PUBLISHED].title == "Edited"
    assert states[PUBLISHED].publication_state == ARCHIVED


def test_publisher_deletes(publisher, states):
    response = publisher.post(
        admin_url(Initiative, "delete", states[PUBLISHED].pk), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not Initiative.objects.filter(pk=states[PUBLISHED].pk).exists()


def test_editor_marks_only_drafts_as_checked(editor, states):
    response = _run_action(editor, "mark_source_checked", states.values())

    assert "1 initiative was marked as checked today." in response.text
    assert "2 were left alone" in response.text
    checked = dict(
        Initiative.objects.values_list("publication_state", "source_checked_on")
    )
    assert checked[DRAFT] is not None
    assert checked[PUBLISHED] is None and checked[ARCHIVED] is None


def test_superuser_is_offered_every_action_and_may_recover(staff_client):
    changelist = staff_client.get(admin_url(Initiative, "changelist"))
    offered = {
        value
        for value, _label in changelist.context["action_form"].fields["action"].choices
    }

    assert offered == {
        "",
        "delete_selected",
        "publish",
        "archive",
        "unpublish",
        "mark_source_checked",
    }
    assert admin_url(Initiative, "recoverlist") in changelist.text


def test_publisher_is_offered_the_same_actions_as_a_superuser(publisher):
    changelist = publisher.get(admin_url(Initiative, "changelist"))
    offered = {
        value
        for value, _label in changelist.context["action_form"].fields["action"].choices
    }

    assert {"delete_selected", "publish", "archive", "unpublish"} <= offered


def test_editor_cannot_publish_or_unpublish_by_reverting(editor, publisher, states):
    from initiatives import history

    published = states[PUBLISHED]
    # Two versions: published, then moved back to draft by a publisher.
    _change(publisher, published, title="Published title")
    _run_action(publisher, "unpublish", [published])
    first, second = history.versions_of(published.pk)
    revert_to_published = admin_url(Initiative, "revision", published.pk, first.pk)

    page = editor.get(revert_to_published)
    response = editor.post(revert_to_published, form_values(page.text))

    assert response.status_code == 403
    published.refresh_from_db()
    assert published.publication_state == DRAFT

    # And a published initiative cannot be reverted by an editor either.
    _run_action(publisher, "publish", [published])
    revert_to_draft = admin_url(Initiative, "revision", published.pk, second.pk)
    response = editor.post(
        revert_to_draft, form_values(editor.get(revert_to_draft).text)
    )
    assert response.status_code == 403
    published.refresh_from_db()
    assert published.publication_state == PUBLISHED
