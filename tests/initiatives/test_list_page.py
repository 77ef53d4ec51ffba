"""The catalogue page: facets, chips, sort, fragments, bad input, query counts."""

import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.models import Initiative, InitiativeOrganisation
from initiatives.views import CountryDetailView, InitiativeListView
from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    EuropeanPriorityFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    ObjectiveFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    ThematicCategoryFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("initiatives:initiative-list")


def listed(response):
    return [initiative.title for initiative in response.context["object_list"]]


def text(response):
    markup = response.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def chips(response):
    """(accessible name, href) of each chip."""
    found = []
    for href, inner in re.findall(
        r'<a class="chip" href="([^"]*)">(.*?)</a>', response.content.decode()
    ):
        visible = re.sub(
            r'<span class="chip__remove" aria-hidden="true">.*?</span>', "", inner
        )
        name = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", visible)).split())
        found.append((name.replace(" :", ":"), html.unescape(href)))
    return found


@pytest.fixture
def belgium():
    return CountryFactory(code="BE", name="Belgium", slug="belgium")


@pytest.fixture
def netherlands():
    return CountryFactory(code="NL", name="Netherlands", slug="netherlands")


@pytest.fixture
def terms():
    secondary = EducationLevelFactory(slug="secondary", name="Secondary education")
    learners = TargetGroupFactory(slug="learners", name="Learners")
    governance = ThematicCategoryFactory(slug="governance", name="Governance")
    osnabrueck = EuropeanPriorityFactory(slug="osnabrueck", name="Osnabrück")
    return {
        "secondary": secondary,
        "upper-secondary": EducationLevelFactory(
            slug="upper-secondary", name="Upper secondary", parent=secondary
        ),
        "learners": learners,
        "apprentices": TargetGroupFactory(
            slug="apprentices", name="Apprentices", parent=learners
        ),
        "governance": governance,
        "cooperation": ThematicCategoryFactory(
            slug="cooperation", name="Cooperation", parent=governance
        ),
        "osnabrueck": osnabrueck,
        "resilience": EuropeanPriorityFactory(
            slug="resilience", name="Resilience", parent=osnabrueck
        ),
    }


# --- Every parameter, facets with counts -----------------------------------------


def test_every_parameter_narrows_the_list(client, belgium, netherlands, terms):
    vario = OrganisationFactory(slug="vario", name="VARIO")
    match = InitiativeFactory(
        title="Match",
        summary="Robotics for apprentices.",
        countries=[belgium],
        education_levels=[terms["upper-secondary"]],
        target_groups=[terms["apprentices"]],
        themes=[terms["cooperation"]],
        priorities=[terms["resilience"]],
        kind=Initiative.Kind.POLICY,
        status=Initiative.Status.ONGOING,
        year_start=2021,
        year_end=2030,
    )
    InitiativeOrganisationFactory(initiative=match, organisation=vario)
    InitiativeFactory(title="Elsewhere", countries=[netherlands], year_start=2021)
    query = {
        "q": "robotics",
        "country": "BE",
        "education_level": "secondary",
        "target_group": "learners",
        "theme": "governance",
        "priority": "osnabrueck",
        "kind": "policy",
        "status": "ongoing",
        "organisation": "vario",
        "year_from": "2020",
        "year_to": "2022",
        "sort": "-year_start",
    }

    response = client.get(LIST_URL, query)

    assert response.status_code == 200
    assert listed(response) == ["Match"]
    assert response.context["filter"].rejected == []
    for name in query:
        if name in ("sort", "q"):
            continue
        narrower = {**query, name: "zz-not-a-value"}
        assert listed(client.get(LIST_URL, narrower)) == ["Match"], name


def test_every_option_shows_its_count_next_to_the_other_filters(
    client, belgium, netherlands, terms
):
    InitiativeFactory(countries=[belgium], education_levels=[terms["upper-secondary"]])
    InitiativeFactory(countries=[belgium])
    InitiativeFactory(countries=[netherlands], education_levels=[terms["secondary"]])

    response = client.get(LIST_URL, {"country": "be"})
    markup = response.content.decode()

    def count(name, value):
        match = re.search(
            rf'id="{name}-{value}"[^>]*> <label for="{name}-{value}">[^<]*'
            r'<span class="facet__count">(\d+)<',
            markup,
        )
        return int(match.group(1))

    # Countries are counted without the country filter...
    assert (count("country", "be"), count("country", "nl")) == (2, 1)
    # ...levels with it; a broad level counts its sub-levels.
    assert (
        count("education_level", "secondary"),
        count("education_level", "upper-secondary"),
    ) == (1, 1)
    assert count("kind", "programme") == 2
    assert count("kind", "policy") == 0
    assert 'class="facet__option--empty"' in markup


def test_vocabulary_facets_nest_sub_terms_under_their_parent(client, terms):
    InitiativeFactory(themes=[terms["cooperation"]])

    markup = client.get(LIST_URL).content.decode()

    assert re.search(
        r'id="theme-governance".*?<ul class="checklist checklist--nested">\s*'
        r'<li>.*?id="theme-cooperation"',
        markup,
        re.S,
    )


# --- Chips, clear all, count, sort -------------------------------------------------


def test_active_filters_are_chips_that_remove_one_value_each(
    client, belgium, netherlands, terms
):
    InitiativeFactory(countries=[belgium])

    response = client.get(
        LIST_URL,
        {
            "country": ["be", "nl"],
            "theme": "governance",
            "q": "stem",
            "year_from": "2020",
            "sort": "title",
            "page": "1",
        },
    )

    assert chips(response) == [
        (
            "Remove filter: Country Belgium",
            "/initiatives/?country=nl&theme=governance&q=stem&year_from=2020&sort=title",
        ),
        (
            "Remove filter: Country Netherlands",
            "/initiatives/?country=be&theme=governance&q=stem&year_from=2020&sort=title",
        ),
        (
            "Remove filter: Theme Governance",
            "/initiatives/?country=be&country=nl&q=stem&year_from=2020&sort=title",
        ),
        (
            "Remove filter: Search stem",
            "/initiatives/?country=be&country=nl&theme=governance&year_from=2020&sort=title",
        ),
        (
            "Remove filter: From 2020",
            "/initiatives/?country=be&country=nl&theme=governance&q=stem&sort=title",
        ),
    ]
    assert '<a class="chips__clear" href="/initiatives/">Clear all</a>' in (
        response.content.decode()
    )


def test_no_chips_and_no_clear_all_without_filters(client):
    InitiativeFactory()

    response = client.get(LIST_URL, {"sort": "-updated", "country": "zz"})

    assert chips(response) == []
    assert "Clear all" not in text(response)


def test_the_page_shows_the_count_and_a_sort_control_in_the_form(client):
    InitiativeFactory.create_batch(3)

    response = client.get(LIST_URL, {"sort": "-updated"})
    markup = response.content.decode()

    assert "3 initiatives" in text(response)
    assert '<select name="sort" id="sort" form="catalogue-form">' in markup
    assert '<option value="-updated" selected>' in markup
    assert '<form class="catalogue-form" id="catalogue-form" method="get"' in markup


def test_the_filter_panel_collapses_and_the_script_loads_from_a_file(client):
    markup = client.get(LIST_URL).content.decode()

    assert '<details class="filter-panel" id="filter-panel">' in markup
    assert '<script src="/static/js/catalogue.js" defer></script>' in markup
    assert 'href="/static/css/catalogue.css"' in markup
    assert "style=" not in markup
    assert not re.search(r"\son[a-z]+=", markup)


def test_pagination_keeps_every_filter(client, belgium, terms):
    InitiativeFactory.create_batch(
        25, countries=[belgium], themes=[terms["cooperation"]], year_start=2020
    )

    response = client.get(
        LIST_URL,
        {"country": "be", "theme": "governance", "year_from": "2019", "q": ""},
    )

    assert response.context["paginator"].count == 25
    assert (
        'href="?country=be&amp;theme=governance&amp;year_from=2019&amp;page=2"'
        in response.content.decode()
    )


# --- The fragment for the script ------------------------------------------------------


def test_the_script_gets_facets_and_results_only(client, belgium):
    InitiativeFactory(title="Belgian", countries=[belgium])

    response = client.get(
        LIST_URL, {"country": "be"}, headers={"X-Fragment": "catalogue"}
    )
    markup = response.content.decode()

    assert response.status_code == 200
    assert "X-Fragment" in response["Vary"]
    assert "<html" not in markup and "<h1" not in markup
    assert (
        '<div id="catalogue-facets" class="filter-panel__body" '
        'data-selected-count="1 selected">'
    ) in markup
    assert '<section class="results" id="catalogue-results"' in markup
    assert "Belgian" in markup
    assert "Remove filter:" in markup


def test_the_full_page_varies_on_the_fragment_header(client):
    assert "X-Fragment" in client.get(LIST_URL)["Vary"]


def test_the_country_page_answers_the_script_too(client, belgium):
    InitiativeFactory(title="Belgian", countries=[belgium])

    response = client.get(
        belgium.get_absolute_url(), headers={"X-Fragment": "catalogue"}
    )

    assert response.status_code == 200
    assert "<html" not in response.content.decode()
    assert listed(response) == ["Belgian"]


# --- The country page reuses the catalogue -----------------------------------------


def test_country_page_has_every_facet_but_country(client, belgium, terms):
    InitiativeFactory(countries=[belgium], themes=[terms["cooperation"]])

    response = client.get(belgium.get_absolute_url(), {"theme": "governance"})

    names = [facet.name for facet in response.context["facets"]]
    assert "country" not in names
    assert {"education_level", "theme", "kind", "organisation"} <= set(names)
    assert chips(response) == [("Remove filter: Theme Governance", "/countries/be/")]


# --- Bad input never breaks the page ------------------------------------------------


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("country=zz", "“zz” is not a country code we know."),
        ("target_group=nope", "“nope” is not a target group we know."),
        ("theme=nope", "“nope” is not a theme we know."),
        ("priority=nope", "“nope” is not a European priority we know."),
        ("kind=nope", "“nope” is not a kind of initiative we know."),
        ("status=nope", "“nope” is not a status we know."),
        ("scope=nope", "“nope” is not a scope we know."),
        ("organisation=nope", "“nope” is not an organisation we know."),
        ("year_from=abc", "“abc” is not a year."),
        ("year_to=%00", "is not a year."),
        ("sort=%00", "is not a sort order we offer."),
        ("q=summary" + "+" * 300 + "x", "only its first 200 characters are used"),
        ("theme=a%00b", "Null characters are not allowed."),
        ("page=9999", "There is no page 9999, so this is the last page."),
        ("page=-1", "There is no page -1, so this is the first page."),
        ("page=%00", "is not a page number, so this is the first page."),
    ],
)
@pytest.mark.parametrize("url", [LIST_URL, "/countries/be/"])
def test_values_not_understood_are_named_never_an_error(
    client, belgium, url, query, named
):
    InitiativeFactory(countries=[belgium])
    if url != LIST_URL and query.startswith("country="):
        pytest.skip("the country page has its country fixed")

    response = client.get(f"{url}?{query}&kind=programme")

    assert response.status_code == 200
    assert named in text(response)
    assert len(response.context["object_list"]) == 1


def test_repeated_and_empty_parameters_are_fine(client, belgium):
    InitiativeFactory(countries=[belgium])

    response = client.get(
        f"{LIST_URL}?country=be&country=be&country=&q=&q=&year_from=&year_to=&sort="
        "&kind=&page=&page=1"
    )

    assert response.status_code == 200
    assert response.context["filter"].rejected == []
    assert chips(response) == [("Remove filter: Country Belgium", "/initiatives/")]


# --- Queries: a fixed number, whatever the results and the page size ----------------


@pytest.fixture
def populate(belgium, terms):
    """Add `n` richly linked initiatives in Belgium."""
    flanders = RegionFactory(country=belgium, name="Flanders", slug="flanders")
    vario = OrganisationFactory(name="VARIO", slug="vario", country=belgium)

    def add(n):
        for _ in range(n):
            initiative = InitiativeFactory(
                summary="Robotics and more.",
                countries=[belgium],
                regions=[flanders],
                education_levels=[terms["upper-secondary"], terms["secondary"]],
                target_groups=[terms["apprentices"]],
                themes=[terms["cooperation"]],
                priorities=[terms["resilience"]],
                year_start=2020,
            )
            InitiativeOrganisationFactory(initiative=initiative, organisation=vario)
            InitiativeOrganisationFactory(
                initiative=initiative,
                organisation=OrganisationFactory(country=belgium),
                role=InitiativeOrganisation.Role.PARTNER,
            )
            ObjectiveFactory(initiative=initiative)

    return add


URLS = [
    LIST_URL,
    f"{LIST_URL}?country=be&country=zz&education_level=secondary&theme=governance"
    "&target_group=learners&priority=osnabrueck&kind=programme&status=&organisation"
    "=vario&year_from=2019&year_to=2030&q=robotics&sort=relevance",
    "/countries/be/",
    "/countries/be/?education_level=secondary&q=robotics&year_from=2019",
]


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_query_counts_do_not_grow_with_results_or_page_size(
    client, populate, monkeypatch
):
    populate(3)
    few = {url: count_queries(client, url) for url in URLS}
    populate(9)
    many = {url: count_queries(client, url) for url in URLS}
    assert [len(client.get(url).context["object_list"]) for url in URLS] == [
        12,
        12,
        12,
        12,
    ]
    for page_size in (5, 50):
        monkeypatch.setattr(InitiativeListView, "paginate_by", page_size)
        monkeypatch.setattr(CountryDetailView, "paginate_by", page_size)
        sized = {url: count_queries(client, url) for url in URLS}
        assert sized == few, page_size

    assert many == few
    print("queries per page:", few)
