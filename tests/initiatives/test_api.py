"""The JSON API: the catalogue's filters, published data only, clear errors."""

import json

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.models import Initiative
from tests.factories import (
    InitiativeFactory,
    InitiativeOrganisationFactory,
    KPIFactory,
    ObjectiveFactory,
)
from tests.initiatives.open_data import (
    API_LIST_URL,
    QUERIES,
    build_catalogue,
    html_list,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_throttling(settings):
    """Tests make many requests quickly; the throttle test sets its own rate."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": None},
    }
    cache.clear()


@pytest.fixture
def catalogue_data():
    return build_catalogue()


def api_get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, (url, response.content[:500])
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def api_list(client, query):
    body = api_get(client, f"{API_LIST_URL}?{query}")
    return [row["slug"] for row in body["results"]], body["count"]


# --- The same initiatives as the catalogue page ---------------------------------------


@pytest.mark.parametrize("query", QUERIES)
def test_api_lists_exactly_what_the_catalogue_page_shows(client, catalogue_data, query):
    html_slugs, html_count = html_list(query)
    api_slugs, api_count = api_list(client, query)

    assert api_slugs == html_slugs
    assert api_count == html_count
    assert api_slugs  # Every query of the set selects something.


def test_api_pages_like_the_catalogue(client, catalogue_data):
    first = api_get(client, API_LIST_URL)
    second = api_get(client, first["next"])

    assert first["count"] == Initiative.objects.published().count() == 29
    assert len(first["results"]) == 20
    assert len(second["results"]) == 9
    assert second["next"] is None
    assert not {r["slug"] for r in first["results"]} & {
        r["slug"] for r in second["results"]
    }


def test_page_size_can_be_raised_to_a_hundred(client, catalogue_data):
    body = api_get(client, f"{API_LIST_URL}?page_size=500")

    assert len(body["results"]) == 29


def test_list_rows_carry_codes_slugs_and_links(client, catalogue_data):
    body = api_get(client, f"{API_LIST_URL}?country=be&education_level=upper-secondary")
    row = next(r for r in body["results"] if r["slug"] == "stem-agenda-2030")

    assert row["countries"] == ["BE"]
    assert row["regions"] == ["flanders"]
    assert row["education_levels"] == ["upper-secondary"]
    assert row["target_groups"] == ["teachers"]
    assert row["themes"] == ["governance", "stakeholders"]
    assert row["kind"] == "policy"
    assert row["kind_label"] == "Policy / strategy / action plan"
    assert [(o["organisation"]["slug"], o["role"]) for o in row["organisations"]] == [
        ("vario", "responsible")
    ]
    assert row["url"] == "http://testserver/initiatives/stem-agenda-2030/"
    assert row["api_url"] == "http://testserver/api/initiatives/stem-agenda-2030/"


# --- Bad parameters: 400 with JSON naming them, never a 500 ---------------------------


@pytest.mark.parametrize(
    ("query", "parameter", "value"),
    [
        ("country=zz", "country", "zz"),
        ("country=be&country=zz", "country", "zz"),
        ("education_level=nonsense", "education_level", "nonsense"),
        ("sort=price", "sort", "price"),
        ("country=be&education_level=x%00y", "education_level", "x\x00y"),
        ("year_from=soon", "year_from", "soon"),
        ("kind=poem&kind=policy", "kind", "poem"),
        ("page=abc", "page", "abc"),
        ("page=0", "page", "0"),
    ],
)
def test_bad_parameter_is_a_400_naming_it(
    client, catalogue_data, query, parameter, value
):
    body = api_get(client, f"{API_LIST_URL}?{query}", status=400)

    assert body["detail"]
    assert [(e["parameter"], e["value"]) for e in body["errors"]] == [
        (parameter, value)
    ]
    if value.isprintable():
        assert f"“{value}”" in body["errors"][0]["message"] or parameter == "page"


def test_page_past_the_last_is_a_404_naming_it(client, catalogue_data):
    body = api_get(client, f"{API_LIST_URL}?page=99", status=404)

    assert body["errors"][0]["parameter"] == "page"
    assert "the last page is 2" in body["detail"]


def test_unknown_parameters_are_ignored_as_on_the_page(client, catalogue_data):
    slugs, _ = api_list(client, "colour=blue")

    assert len(slugs) == 20


def test_unknown_addresses_under_api_answer_json(client):
    for url in ["/api/nothing/", "/api/initiatives/a.b/", "/api/countries/zzz/"]:
        body = api_get(client, url, status=404)
        assert body == {"detail": "Not found."}, url


# --- One initiative, nested -----------------------------------------------------------


def test_detail_nests_every_related_row(client, catalogue_data):
    body = api_get(client, reverse("api:initiative-detail", args=["stem-agenda-2030"]))

    assert body["title"] == "STEM agenda 2030"
    assert body["original_title"] == "STEM-agenda 2030"
    assert body["countries"] == [{"code": "BE", "name": "Belgium"}]
    assert body["regions"] == [
        {"slug": "flanders", "name": "Flanders", "country": "BE"}
    ]
    assert body["languages"] == [{"code": "nl", "name": "Dutch"}]
    assert body["education_levels"] == [
        {"slug": "upper-secondary", "name": "Upper secondary", "parent": "secondary"}
    ]
    assert {t["slug"]: t["parent"] for t in body["themes"]} == {
        "governance": None,
        "stakeholders": "governance",
    }
    assert body["priorities"][0]["parent"] == "osnabrueck"
    assert {(o["organisation"]["slug"], o["role"]) for o in body["organisations"]} == {
        ("vario", "responsible"),
        ("flemish-government", "funder"),
    }
    assert body["objectives"] == [
        {"group": "Pupils", "text": "More pupils choose STEM.", "order": 1}
    ]
    [kpi] = body["kpis"]
    assert kpi["value"] == 2200
    assert kpi["display_value"] == "about 2,200 users a year"
    assert (kpi["year_start"], kpi["year_end"]) == (2020, 2023)
    [funding] = body["funding"]
    assert funding["funder"]["slug"] == "flemish-government"
    assert funding["model"] == "public-regional"
    assert body["milestones"] == [
        {
            "year": 2021,
            "date": None,
            "stage": "approved",
            "stage_label": "Approved/Agreed",
            "note": "",
        }
    ]
    assert body["source"] == {
        "name": "cedefop",
        "label": "Cedefop Timeline of VET policies in Europe",
        "url": "https://example.org/cedefop/stem-agenda",
        "reference": "BE-2020-01",
        "retrieved_on": None,
        "note": "",
    }


def test_detail_relations_go_both_ways_and_skip_drafts(client, catalogue_data):
    body = api_get(client, reverse("api:initiative-detail", args=["stem-agenda-2030"]))

    assert [
        (r["direction"], r["kind"], r["label"], r["initiative"]["slug"])
        for r in body["relations"]
    ] == [
        ("outgoing", "follows", "follows", "stem-action-plan"),
        ("incoming", "evaluates", "is evaluated by", "agenda-evaluation"),
    ]
    assert "draft" not in json.dumps(body)


# --- Published data only --------------------------------------------------------------


def test_drafts_are_nowhere_in_the_api(client, catalogue_data):
    everything = api_get(client, f"{API_LIST_URL}?page_size=100")
    slugs = {row["slug"] for row in everything["results"]}

    assert not slugs & {"draft-in-belgium", "draft-in-flanders"}
    for draft in catalogue_data.drafts:
        api_get(client, reverse("api:initiative-detail", args=[draft.slug]), 404)

    countries = {c["code"]: c for c in api_get(client, reverse("api:country-list"))}
    # Belgium: 9 directly, 9 through Flanders, the agenda and the action plan.
    assert countries["BE"]["initiative_count"] == 20
    assert countries["LU"]["initiative_count"] == 0
    assert countries["BE"]["regions"] == [{"slug": "flanders", "name": "Flanders"}]

    organisation = api_get(client, reverse("api:organisation-detail", args=["vario"]))
    assert organisation["initiative_count"] == 8
    assert "draft-in-belgium" not in json.dumps(organisation)

    levels = {
        term["slug"]: term
        for term in api_get(client, reverse("api:educationlevel-list"))
    }
    assert (
        levels["secondary"]["initiative_count"]
        == api_list(client, "education_level=secondary&page_size=100")[1]
    )


def test_country_lookup_takes_any_case(client, catalogue_data):
    lower = api_get(client, reverse("api:country-detail", args=["be"]))
    upper = api_get(client, "/api/countries/BE/")

    assert lower == upper
    assert lower["url"] == "http://testserver/countries/be/"


def test_organisations_are_listed_with_counts(client, catalogue_data):
    body = api_get(client, reverse("api:organisation-list"))
    by_slug = {row["slug"]: row for row in body["results"]}

    assert by_slug["vario"]["initiative_count"] == 8
    assert by_slug["vario"]["country"] == "BE"
    assert by_slug["flemish-government"]["initiative_count"] == 1


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("educationlevel", "upper-secondary"),
        ("targetgroup", "teachers"),
        ("theme", "stakeholders"),
        ("priority", "green-vet"),
    ],
)
def test_every_vocabulary_is_listed_with_counts(client, catalogue_data, name, slug):
    terms = api_get(client, reverse(f"api:{name}-list"))
    term = api_get(client, reverse(f"api:{name}-detail", args=[slug]))

    assert term in terms
    assert term["initiative_count"] >= 1
    assert term["parent"] is not None
    parent = next(t for t in terms if t["slug"] == term["parent"])
    # A top-level term counts its sub-terms' initiatives.
    assert parent["initiative_count"] >= term["initiative_count"]


def test_api_root_lists_the_endpoints(client):
    body = api_get(client, reverse("api:root"))

    assert body["initiatives"] == "http://testserver/api/initiatives/"
    assert body["schema"] == "http://testserver/api/schema/"
    assert body["export_csv"] == "http://testserver/initiatives/export.csv"


# --- Throttling -----------------------------------------------------------------------


def test_anonymous_clients_are_throttled_with_a_json_429(client, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/min"},
    }
    cache.clear()
    url = reverse("api:country-list")

    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    response = client.get(url)

    assert response.status_code == 429
    body = response.json()
    assert "Too many requests" in body["detail"]
    assert "2/min" in body["detail"]
    assert 0 < body["retry_after"] <= 60
    assert response["Retry-After"] == str(body["retry_after"])


# --- Query counts do not grow with page size ------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def add_initiatives(catalogue_data, n):
    for _ in range(n):
        initiative = InitiativeFactory(
            countries=[catalogue_data.belgium],
            regions=[catalogue_data.flanders],
            education_levels=[catalogue_data.levels["upper-secondary"]],
        )
        InitiativeOrganisationFactory(
            initiative=initiative, organisation=catalogue_data.organisation
        )
        ObjectiveFactory(initiative=catalogue_data.hub)
        KPIFactory(initiative=catalogue_data.hub)


def test_query_counts_do_not_grow_with_the_data(client, catalogue_data):
    urls = [
        f"{API_LIST_URL}?page_size=100",
        f"{API_LIST_URL}?country=be&education_level=secondary&sort=-year_start",
        reverse("api:initiative-detail", args=["stem-agenda-2030"]),
        reverse("api:country-list"),
        reverse("api:country-detail", args=["be"]),
        reverse("api:organisation-list"),
        reverse("api:organisation-detail", args=["vario"]),
        reverse("api:educationlevel-list"),
        reverse("api:theme-list"),
    ]
    few = {url: count_queries(client, url) for url in urls}

    add_initiatives(catalogue_data, 12)
    many = {url: count_queries(client, url) for url in urls}

    assert many == few
    # A page of initiatives: count, page, and one query per prefetched relation.
    assert few[urls[0]] <= 12


# --- The OpenAPI schema, its docs, and schemathesis against it ------------------------


def test_schema_is_served_as_openapi_json(client):
    response = client.get(reverse("api:schema") + "?format=json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    parameters = {
        p["name"] for p in schema["paths"]["/api/initiatives/"]["get"]["parameters"]
    }
    # Every parameter of the catalogue's FilterSet, read from the FilterSet itself.
    from initiatives.filters import InitiativeFilter

    assert set(InitiativeFilter.base_filters) | {"page", "page_size"} == parameters


def test_reference_docs_are_served_without_a_cdn(client):
    response = client.get(reverse("api:reference"))
    html = response.content.decode()

    assert response.status_code == 200
    assert "/static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js" in html
    assert "//" not in html.replace("http://testserver", "").replace("<!--", "")
    assert "<script>" not in html


@pytest.fixture
def wsgi_app():
    """The Django WSGI app, as the test client runs it.

    A real WSGI handler closes the database connection after each request,
    which would end the test's transaction; Django's test client does the same
    as this fixture.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def test_schemathesis_finds_no_server_error_and_no_response_off_schema(
    catalogue_data, wsgi_app
):
    import hypothesis
    import schemathesis
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", wsgi_app)
    checks = [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 14

    # Generated requests mostly miss (random slugs, unknown codes); these hit,
    # so every success response is checked against the schema too.
    for operation in operations:
        for known in KNOWN_CASES.get(operation.path, [{}]):
            case = operation.Case(
                path_parameters=known.get("path"), query=known.get("query")
            )
            response = case.call_and_validate(checks=checks)
            assert response.status_code == 200, (operation.label, known)

    for operation in operations:

        @hypothesis.settings(
            max_examples=25,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        @hypothesis.given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(checks=checks)

        check()


KNOWN_CASES = {
    "/api/initiatives/": [
        {},
        {"query": {"country": ["be", "NL"], "sort": ["-year_start"], "page": 2}},
        {"query": {"education_level": ["secondary"], "page_size": 5}},
    ],
    "/api/initiatives/{slug}/": [
        {"path": {"slug": "stem-agenda-2030"}},
        {"path": {"slug": "initiative-00"}},
    ],
    "/api/countries/{code}/": [{"path": {"code": "be"}}, {"path": {"code": "LU"}}],
    "/api/organisations/{slug}/": [
        {"path": {"slug": "vario"}},
        {"path": {"slug": "flemish-government"}},
    ],
    "/api/education-levels/{slug}/": [{"path": {"slug": "upper-secondary"}}],
    "/api/target-groups/{slug}/": [{"path": {"slug": "teachers"}}],
    "/api/themes/{slug}/": [{"path": {"slug": "governance"}}],
    "/api/priorities/{slug}/": [{"path": {"slug": "green-vet"}}],
}
