"""Property: no query string makes a list page, a feed, an export or an API
endpoint fail with a server error."""

from urllib.parse import quote

import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    OrganisationFactory,
    RegionFactory,
    ThematicCategoryFactory,
)

pytestmark = pytest.mark.django_db

PARAMETERS = [
    "q",
    "country",
    "education_level",
    "target_group",
    "theme",
    "priority",
    "kind",
    "status",
    "organisation",
    "year_from",
    "year_to",
    "sort",
    "page",
]

keys = st.one_of(
    st.sampled_from(PARAMETERS),
    st.sampled_from(["", "x", "csrfmiddlewaretoken", "format", "q[]", "page "]),
    st.text(max_size=12),
)
values = st.one_of(
    st.sampled_from(
        [
            "",
            "be",
            "BE",
            "zz",
            "secondary",
            "governance",
            "programme",
            "ongoing",
            "vario",
            "2020",
            "-1",
            "0",
            "9999",
            "99999999999999999999",
            "abc",
            "relevance",
            "-year_start",
            "last",
            "\x00",
            "a\x00b",
            "' OR 1=1 --",
            '"',
            "&|!():*",
            "ß漢字🙂",
        ]
    ),
    st.text(max_size=40),
    st.text(min_size=150, max_size=600),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
)
query_strings = st.one_of(
    st.lists(st.tuples(keys, values), max_size=8).map(
        lambda pairs: "&".join(
            f"{quote(key, safe='')}={quote(value, safe='')}" for key, value in pairs
        )
    ),
    # Raw text, including broken percent-encoding ("%zz", "%C3", "%00").
    st.text(alphabet=st.sampled_from("abq=&%0Cz3+;ßé"), max_size=60),
)


@pytest.fixture
def catalogue():
    belgium = CountryFactory(code="BE", name="Belgium", slug="belgium")
    secondary = EducationLevelFactory(slug="secondary", name="Secondary")
    governance = ThematicCategoryFactory(slug="governance", name="Governance")
    vario = OrganisationFactory(slug="vario", name="VARIO", country=belgium)
    for n in range(3):
        initiative = InitiativeFactory(
            slug=f"stem-lab-{n}",
            countries=[belgium],
            regions=[RegionFactory(country=belgium)],
            education_levels=[secondary],
            themes=[governance],
            year_start=2018 + n,
        )
        InitiativeOrganisationFactory(initiative=initiative, organisation=vario)


@settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=query_strings, path=st.sampled_from(["/initiatives/", "/countries/be/"]))
def test_no_query_string_causes_a_server_error(client, catalogue, path, query):
    response = client.get(f"{path}?{query}")

    assert response.status_code < 500, (path, query)
    assert response.status_code in (200, 301), (path, query)


#: Every list page and machine endpoint, with the catalogue above.
ENDPOINTS = [
    "/",
    "/countries/",
    "/organisations/",
    "/organisations/vario/",
    "/initiatives/feed/",
    "/initiatives/feed/atom/",
    "/countries/be/feed/",
    "/countries/be/feed/atom/",
    "/initiatives/export.csv",
    "/initiatives/export.json",
    "/sitemap.xml",
    "/api/",
    "/api/initiatives/",
    "/api/initiatives/stem-lab-0/",
    "/api/countries/",
    "/api/countries/be/",
    "/api/organisations/",
    "/api/organisations/vario/",
    "/api/education-levels/",
    "/api/target-groups/",
    "/api/themes/",
    "/api/priorities/",
]


@pytest.fixture
def no_api_throttling(settings):
    """Hundreds of requests a second: the API's rate limit would answer 429."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None},
    }
    cache.clear()


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_answers_without_a_query(client, catalogue, path):
    """So that the property below tests working endpoints, not 404s."""
    assert client.get(path).status_code == 200


@pytest.mark.parametrize("path", ENDPOINTS)
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(query=query_strings)
def test_no_query_string_makes_an_endpoint_fail(
    client, catalogue, no_api_throttling, path, query
):
    response = client.get(f"{path}?{query}")
    if response.streaming:
        b"".join(response.streaming_content)  # exports fail while streaming, if ever

    assert response.status_code < 500, (path, query)
