"""The catalogue's facets are cached until the catalogue changes."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.facets import VERSION_KEY
from initiatives.models import Initiative
from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    OrganisationFactory,
    ThematicCategoryFactory,
)
from tests.initiatives.test_admin import admin_url

pytestmark = pytest.mark.django_db

LIST_URL = reverse("initiatives:initiative-list")
COUNTRIES = reverse("initiatives:country-list")


@pytest.fixture(autouse=True)
def _cached_facets(settings):
    settings.FACET_CACHE_SECONDS = 300


@pytest.fixture
def belgium():
    return CountryFactory(code="BE", name="Belgium", slug="belgium")


def country_count(client, url=LIST_URL):
    facets = {facet.name: facet for facet in client.get(url).context["facets"]}
    return {option.value: option.count for option in facets["country"].options}


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_a_second_visit_reads_the_facets_from_the_cache(client, belgium):
    InitiativeFactory(countries=[belgium])
    first = queries(client, LIST_URL)
    second = queries(client, LIST_URL)

    assert second < first
    assert country_count(client) == {"be": 1}


def test_another_query_has_its_own_facets(client, belgium):
    InitiativeFactory(countries=[belgium], kind="programme")
    InitiativeFactory(countries=[belgium], kind="project")

    assert country_count(client) == {"be": 2}
    assert country_count(client, f"{LIST_URL}?kind=project") == {"be": 1}


def test_a_new_initiative_is_counted_at_once(client, belgium):
    InitiativeFactory(countries=[belgium])
    assert country_count(client) == {"be": 1}

    InitiativeFactory(countries=[belgium])

    assert country_count(client) == {"be": 2}
    assert "2 initiatives" in client.get(LIST_URL).text


def test_a_tag_added_or_removed_is_counted_at_once(client, belgium):
    initiative = InitiativeFactory()
    assert country_count(client) == {}

    initiative.countries.add(belgium)
    assert country_count(client) == {"be": 1}

    initiative.countries.remove(belgium)
    assert country_count(client) == {}


def test_an_organisation_role_is_counted_at_once(client):
    initiative = InitiativeFactory()
    vario = OrganisationFactory(slug="vario", name="Vario")
    client.get(LIST_URL)

    InitiativeOrganisationFactory(initiative=initiative, organisation=vario)

    facets = {facet.name: facet for facet in client.get(LIST_URL).context["facets"]}
    assert [option.value for option in facets["organisation"].options] == ["vario"]


def test_publishing_in_the_admin_is_counted_at_once(client, staff_client, belgium):
    draft = InitiativeFactory(
        countries=[belgium], publication_state=Initiative.PublicationState.DRAFT
    )
    assert country_count(client) == {}

    response = staff_client.post(
        admin_url(Initiative, "changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )

    assert response.status_code == 302
    assert country_count(client) == {"be": 1}


# --- What the visitor sees: the facets' markup and the whole-catalogue counts ---


def shown_count(client, url, option_id):
    """The count printed next to a facet's checkbox on the page."""
    markup = client.get(url).content.decode()
    match = re.search(
        rf'<label for="{option_id}">[^<]*<span class="facet__count">(\d+)', markup
    )
    assert match, f"no {option_id} option on {url}"
    return int(match.group(1))


def test_the_facets_markup_is_cached_and_renewed_at_once(client, belgium):
    InitiativeFactory(countries=[belgium])
    assert shown_count(client, LIST_URL, "country-be") == 1

    InitiativeFactory(countries=[belgium])

    assert shown_count(client, LIST_URL, "country-be") == 2


def test_cached_markup_of_one_query_is_not_shown_for_another(client, belgium):
    InitiativeFactory(countries=[belgium], kind="project")
    chosen = client.get(LIST_URL, {"kind": "project"}).content.decode()
    plain = client.get(LIST_URL).content.decode()

    checkbox = 'name="kind" value="project" id="kind-project"'
    assert f"{checkbox} checked" in chosen
    assert checkbox in plain and f"{checkbox} checked" not in plain


def test_home_and_countries_counts_are_cached_and_renewed_at_once(client, belgium):
    InitiativeFactory(countries=[belgium])
    client.get(reverse("initiatives:home"))
    counts = {
        c.code: c.initiative_count for c in client.get(COUNTRIES).context["countries"]
    }
    assert counts["BE"] == 1
    assert queries(client, reverse("initiatives:home")) < 11

    InitiativeFactory(countries=[belgium])

    home = client.get(reverse("initiatives:home"))
    assert home.context["total_initiatives"] == 2
    assert {c.code: c.initiative_count for c in home.context["countries"]} == {"BE": 2}
    counts = {
        c.code: c.initiative_count for c in client.get(COUNTRIES).context["countries"]
    }
    assert counts["BE"] == 2


def test_a_country_page_shows_a_new_eu_wide_initiative_at_once(client, belgium):
    InitiativeFactory(title="First EU-wide", scope="european")
    page = client.get(belgium.get_absolute_url())
    assert [i.title for i in page.context["european_initiatives"]] == ["First EU-wide"]

    InitiativeFactory(title="Second EU-wide", scope="european")

    page = client.get(belgium.get_absolute_url())
    assert [i.title for i in page.context["european_initiatives"]] == [
        "Second EU-wide",
        "First EU-wide",
    ]
    assert "Second EU-wide" in page.content.decode()


def test_the_api_count_is_cached_and_renewed_at_once(client, belgium):
    InitiativeFactory(countries=[belgium])
    url = reverse("api:initiative-list")
    assert client.get(url, {"country": "be"}).json()["count"] == 1
    first = queries(client, f"{url}?country=be")
    assert queries(client, f"{url}?country=be") <= first

    InitiativeFactory(countries=[belgium])
    InitiativeFactory()

    assert client.get(url, {"country": "be"}).json()["count"] == 2
    assert client.get(url).json()["count"] == 3


def test_values_kept_in_the_process_expire_and_stay_few(monkeypatch):
    from initiatives import facets

    now = [1000.0]
    monkeypatch.setattr(facets.time, "monotonic", lambda: now[0])
    recent = facets.RecentValues(size=2)
    recent.put("a", "A", timeout=300)
    recent.put("b", "B", timeout=300)
    assert recent.get("a") == "A"

    recent.put("c", "C", timeout=300)  # "b" is the least recently read

    assert recent.get("b") is None
    assert recent.get("a") == "A"
    now[0] += 301
    assert recent.get("a") is None
    assert recent.get("c") is None


def test_values_cached_by_other_code_are_not_read(monkeypatch):
    # The shared cache outlives a deploy: what the code before it cached
    # (pickled objects, rendered markup) must not reach the code after it.
    from initiatives import facets

    assert facets.cached_for_catalogue("answer", lambda: "old code") == "old code"
    assert facets.cached_for_catalogue("answer", lambda: "again") == "old code"

    monkeypatch.setattr(facets, "code_version", lambda: "deployed")

    assert facets.cached_for_catalogue("answer", lambda: "new code") == "new code"


def test_a_changed_template_gives_another_code_version(settings, tmp_path):
    from initiatives import facets

    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<p>{{ initiative.title }}</p>")
    settings.BASE_DIR = tmp_path
    facets.code_version.cache_clear()
    try:
        before = facets.code_version()
        facets.code_version.cache_clear()
        assert facets.code_version() == before  # the same files, the same digest

        template.write_text("<p>{{ initiative.title_list }}</p>")
        facets.code_version.cache_clear()
        assert facets.code_version() != before
    finally:
        facets.code_version.cache_clear()


def test_a_save_in_another_process_is_seen_despite_the_values_kept_here(
    client, belgium
):
    InitiativeFactory(countries=[belgium])
    draft = InitiativeFactory(countries=[belgium], publication_state="draft")
    assert shown_count(client, LIST_URL, "country-be") == 1

    # Another server process publishes it: the row changes in the database
    # (no signal here) and that process moves the version on in the shared
    # cache; nothing in this process is told.
    Initiative.objects.filter(pk=draft.pk).update(publication_state="published")
    assert shown_count(client, LIST_URL, "country-be") == 1
    cache.delete(VERSION_KEY)

    assert shown_count(client, LIST_URL, "country-be") == 2


def test_an_initiative_page_is_cached_and_shows_an_edit_at_once(client):
    initiative = InitiativeFactory(title="Robot week")
    assert "Robot week" in client.get(initiative.get_absolute_url()).content.decode()
    assert queries(client, initiative.get_absolute_url()) <= 1

    initiative.title = "Robot month"
    initiative.save()

    page = client.get(initiative.get_absolute_url()).content.decode()
    assert "Robot month" in page and "Robot week" not in page


def test_initiative_pages_read_the_vocabularies_from_the_cache(client, belgium):
    """A first visit costs 9 queries once the vocabularies' terms are cached.

    Each page shows its own terms; a renamed term shows at once.
    """
    level = EducationLevelFactory(name="Upper secondary")
    stem = ThematicCategoryFactory(name="STEM careers")
    first = InitiativeFactory(countries=[belgium], education_levels=[level])
    second = InitiativeFactory(themes=[stem])
    client.get(first.get_absolute_url())

    with CaptureQueriesContext(connection) as captured:
        page = client.get(second.get_absolute_url()).content.decode()

    assert len(captured) == 9
    assert "STEM careers" in page
    assert "Upper secondary" not in page and "Belgium" not in page

    stem.name = "STEM jobs"
    stem.save()

    page = client.get(second.get_absolute_url()).content.decode()
    assert "STEM jobs" in page and "STEM careers" not in page
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Upper secondary" in page and "Belgium" in page


def test_an_unpublished_initiative_leaves_the_cache_at_once(staff_client):
    visitor = Client()
    initiative = InitiativeFactory(title="Robot week")
    url = initiative.get_absolute_url()
    assert visitor.get(url).status_code == 200

    initiative.publication_state = Initiative.PublicationState.DRAFT
    initiative.save()

    assert visitor.get(url).status_code == 404
    assert staff_client.get(url).status_code == 200


def test_cached_results_follow_the_page_sort_and_a_new_initiative(client, belgium):
    for title in ("Alpha", "Beta"):
        InitiativeFactory(title=title, countries=[belgium])
    url = reverse("initiatives:country-detail", args=["be"])

    def titles(query=""):
        markup = client.get(f"{url}{query}").content.decode()
        return re.findall(r'class="card__title"><a href="[^"]+">([^<]+)</a>', markup)

    assert titles() == ["Alpha", "Beta"]
    assert titles("?sort=-updated") == ["Beta", "Alpha"]
    assert titles() == ["Alpha", "Beta"]
    # A country page's open data links keep its country, from the cache too.
    assert "/countries/be/feed/" in client.get(url).content.decode()

    InitiativeFactory(title="Aardvark", countries=[belgium])

    assert titles() == ["Aardvark", "Alpha", "Beta"]
