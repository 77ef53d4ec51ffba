"""CSV and JSON exports of any filtered list: the catalogue's rows, streamed."""

import csv
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives import exports
from tests.factories import InitiativeFactory, InitiativeOrganisationFactory
from tests.initiatives.open_data import QUERIES, all_html_slugs, build_catalogue

pytestmark = pytest.mark.django_db

CSV_URL = reverse("initiatives:initiative-export-csv")
JSON_URL = reverse("initiatives:initiative-export-json")

# The documented columns (README, "Open data"). Changing this list breaks
# every script that reads our exports: add at the end, never rename.
DOCUMENTED_COLUMNS = [
    "slug",
    "title",
    "original_title",
    "url",
    "kind",
    "publication_type",
    "status",
    "scope",
    "year_start",
    "year_end",
    "countries",
    "country_names",
    "regions",
    "education_levels",
    "target_groups",
    "themes",
    "priorities",
    "languages",
    "organisations_lead",
    "organisations_author",
    "organisations_responsible",
    "organisations_partner",
    "organisations_funder",
    "organisations_host",
    "funding_models",
    "summary",
    "website",
    "source",
    "source_url",
    "source_reference",
    "source_retrieved_on",
    "created",
    "updated",
]


@pytest.fixture
def catalogue_data():
    return build_catalogue()


def content(response):
    assert response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def csv_rows(client, query):
    response = client.get(f"{CSV_URL}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="stemportal-initiatives-'
    )
    reader = csv.DictReader(io.StringIO(content(response), newline=""))
    assert reader.fieldnames == DOCUMENTED_COLUMNS
    return list(reader)


def json_rows(client, query):
    response = client.get(f"{JSON_URL}?{query}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return json.loads(content(response))


def test_columns_are_the_documented_ones():
    assert exports.COLUMNS == DOCUMENTED_COLUMNS


def test_readme_documents_every_column():
    from django.conf import settings

    readme = (settings.BASE_DIR / "README.md").read_text()
    for column in DOCUMENTED_COLUMNS:
        assert f"`{column}`" in readme, column


@pytest.mark.parametrize("query", [q for q in QUERIES if "page" not in q])
def test_exports_hold_the_catalogue_rows_in_its_order(client, catalogue_data, query):
    expected = all_html_slugs(query)

    assert [row["slug"] for row in csv_rows(client, query)] == expected
    assert [row["slug"] for row in json_rows(client, query)] == expected


def test_page_is_ignored_an_export_is_the_whole_list(client, catalogue_data):
    assert len(csv_rows(client, "page=2")) == 29


def test_csv_and_json_rows_agree(client, catalogue_data):
    from_csv = csv_rows(client, "country=be")
    from_json = json_rows(client, "country=be")

    def as_text(value):
        return "" if value is None else str(value)

    assert from_csv == [
        {column: as_text(value) for column, value in row.items()} for row in from_json
    ]


def test_a_row_joins_multiple_values(client, catalogue_data):
    [row] = [r for r in json_rows(client, "") if r["slug"] == "stem-agenda-2030"]

    assert row == {
        **row,
        "title": "STEM agenda 2030",
        "original_title": "STEM-agenda 2030",
        "url": "http://testserver/initiatives/stem-agenda-2030/",
        "kind": "policy",
        "status": "ongoing",
        "scope": "regional",
        "year_start": 2020,
        "year_end": 2030,
        "countries": "BE",
        "country_names": "Belgium",
        "regions": "flanders",
        "education_levels": "upper-secondary",
        "target_groups": "teachers",
        "themes": "governance; stakeholders",
        "priorities": "green-vet",
        "languages": "nl",
        "organisations_responsible": "VARIO",
        "organisations_funder": "Flemish Government",
        "organisations_lead": "",
        "funding_models": "public-regional",
        "source": "cedefop",
        "source_reference": "BE-2020-01",
        "source_retrieved_on": None,
    }


def test_drafts_are_in_no_export(client, catalogue_data):
    for query in ["", "country=be", "education_level=secondary"]:
        slugs = {row["slug"] for row in json_rows(client, query)}
        slugs |= {row["slug"] for row in csv_rows(client, query)}
        assert not slugs & {"draft-in-belgium", "draft-in-flanders"}


@pytest.mark.parametrize("url", [CSV_URL, JSON_URL])
def test_values_not_understood_are_a_plain_400_naming_them(client, url):
    response = client.get(f"{url}?country=be&country=zz&education_level=nope")

    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    body = response.content.decode()
    assert "country=zz: “zz” is not a country code we know." in body
    assert "education_level=nope" in body


def test_an_empty_selection_is_a_header_or_an_empty_array(client, catalogue_data):
    assert csv_rows(client, "country=lu") == []
    assert json_rows(client, "country=lu") == []


def test_export_reads_the_database_in_chunks_with_constant_queries(
    client, catalogue_data, monkeypatch
):
    """Each chunk costs one query plus one per prefetch, whatever its size."""

    def queries_for(chunk_size, rows):
        monkeypatch.setattr(exports, "CHUNK_SIZE", chunk_size)
        with CaptureQueriesContext(connection) as queries:
            assert len(json_rows(client, "")) == rows
        return len(queries)

    one_chunk = queries_for(100, rows=29)
    for _ in range(20):
        InitiativeOrganisationFactory(initiative=InitiativeFactory())
    assert queries_for(100, rows=49) == one_chunk

    # 49 rows in chunks of 10: five chunks, each with the same prefetches.
    prefetches = one_chunk - 1  # all but the main query
    assert queries_for(10, rows=49) == 1 + 5 * prefetches
