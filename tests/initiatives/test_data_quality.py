"""The data-quality report: initiatives missing key information, to fix."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from initiatives.models import Initiative
from tests.admin_forms import admin_url, editorial_group, form_values
from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    KPIFactory,
)

pytestmark = pytest.mark.django_db

URL = reverse("admin:initiatives_initiative_data_quality")
TODAY = timezone.localdate()


def complete(**kwargs):
    """An initiative with every key field filled in."""
    initiative = InitiativeFactory(
        source_url="https://example.org/entry",
        source_checked_on=TODAY,
        education_levels=[EducationLevelFactory()],
        **kwargs,
    )
    KPIFactory(initiative=initiative)
    InitiativeOrganisationFactory(initiative=initiative)
    return initiative


@pytest.fixture
def catalogue_with_gaps():
    belgium = CountryFactory(code="BE", name="Belgium", slug="belgium")
    estonia = CountryFactory(code="EE", name="Estonia", slug="estonia")
    made = {
        "complete": complete(title="Complete", countries=[belgium]),
        "no_level": complete(title="No level", countries=[belgium]),
        "no_kpis": complete(title="No KPIs", countries=[belgium, estonia]),
        "no_url": complete(title="No URL", countries=[estonia]),
        "no_org": complete(title="No organisation"),
        "stale": complete(title="Checked long ago", countries=[estonia]),
        "never": complete(title="Never checked", countries=[belgium]),
    }
    made["no_level"].education_levels.clear()
    made["no_kpis"].kpis.all().delete()
    Initiative.objects.filter(pk=made["no_url"].pk).update(source_url="")
    made["no_org"].organisation_roles.all().delete()
    Initiative.objects.filter(pk=made["stale"].pk).update(
        source_checked_on=TODAY - datetime.timedelta(days=400)
    )
    Initiative.objects.filter(pk=made["never"].pk).update(source_checked_on=None)
    return made


def test_lists_each_initiative_with_what_it_misses(staff_client, catalogue_with_gaps):
    response = staff_client.get(URL)

    assert response.status_code == 200
    listed = {
        row["initiative"].title: [p.key for p in row["problems"]]
        for row in response.context["rows"]
    }
    assert listed == {
        "No level": ["no_education_level"],
        "No KPIs": ["no_kpis"],
        "No URL": ["no_source_url"],
        "No organisation": ["no_organisation"],
        "Checked long ago": ["source_not_checked"],
        "Never checked": ["source_not_checked"],
    }
    change_url = admin_url(Initiative, "change", catalogue_with_gaps["no_url"].pk)
    assert f'href="{change_url}"' in response.text


def test_counts_per_problem_and_per_country(staff_client, catalogue_with_gaps):
    context = staff_client.get(URL).context

    assert {p.key: count for p, count in context["per_problem"]} == {
        "no_education_level": 1,
        "no_kpis": 1,
        "no_source_url": 1,
        "no_organisation": 1,
        "source_not_checked": 2,
    }
    per_country = {
        (country[0] if country else None): (counts, any_problem)
        for country, counts, any_problem in context["per_country"]
    }
    # Columns: level, KPIs, source URL, organisation, not checked.
    assert per_country == {
        "BE": ([1, 1, 0, 0, 1], 3),
        "EE": ([0, 1, 1, 0, 1], 3),
        None: ([0, 0, 0, 1, 0], 1),
    }


def test_filters_by_problem_country_and_state(staff_client, catalogue_with_gaps):
    def titles(**params):
        rows = staff_client.get(URL, params).context["rows"]
        return sorted(row["initiative"].title for row in rows)

    assert titles(problem="source_not_checked") == [
        "Checked long ago",
        "Never checked",
    ]
    assert titles(country="ee") == ["Checked long ago", "No KPIs", "No URL"]
    assert titles(country="none") == ["No organisation"]
    Initiative.objects.filter(title="No URL").update(
        publication_state=Initiative.PublicationState.DRAFT
    )
    assert titles(state="draft") == ["No URL"]
    # Values it does not know are ignored, not an error.
    assert len(titles(state="bogus", problem="bogus")) == 6


def test_query_count_does_not_grow_with_the_catalogue(staff_client):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(URL).status_code == 200
        return len(captured)

    country = CountryFactory()
    InitiativeFactory.create_batch(2, countries=[country])
    few = queries()
    InitiativeFactory.create_batch(20, countries=[country, CountryFactory()])
    assert queries() == few


def test_report_is_linked_from_the_admin_index_and_the_initiative_list(
    staff_client,
):
    assert URL in staff_client.get(reverse("admin:index")).text
    assert URL in staff_client.get(admin_url(Initiative, "changelist")).text


def test_editors_see_the_report_and_others_do_not(django_user_model):
    editor = django_user_model.objects.create_user(
        username="eddie", password="a-long-test-password", is_staff=True
    )
    editor.groups.add(editorial_group("Editor"))
    nobody = django_user_model.objects.create_user(
        username="nobody", password="a-long-test-password", is_staff=True
    )
    client = Client()

    client.force_login(editor)
    assert client.get(URL).status_code == 200
    client.force_login(nobody)
    assert client.get(URL).status_code == 403
    client.logout()
    assert client.get(URL).status_code == 302


def test_source_last_checked_is_edited_in_the_form(staff_client):
    initiative = InitiativeFactory()
    url = admin_url(Initiative, "change", initiative.pk)
    data = form_values(staff_client.get(url).text)
    assert "source_checked_on" in data

    response = staff_client.post(url, {**data, "source_checked_on": "2025-03-01"})

    assert response.status_code == 302
    initiative.refresh_from_db()
    assert initiative.source_checked_on == datetime.date(2025, 3, 1)


def test_mark_source_checked_today_action(staff_client, catalogue_with_gaps):
    stale = catalogue_with_gaps["stale"]
    response = staff_client.post(
        admin_url(Initiative, "changelist"),
        {
            "action": "mark_source_checked",
            "_selected_action": [
                str(stale.pk),
                str(catalogue_with_gaps["complete"].pk),
            ],
        },
        follow=True,
    )

    assert "1 initiative was marked as checked today." in response.text
    assert "1 was left alone" in response.text
    stale.refresh_from_db()
    assert stale.source_checked_on == TODAY
    titles = [row["initiative"].title for row in staff_client.get(URL).context["rows"]]
    assert "Checked long ago" not in titles
