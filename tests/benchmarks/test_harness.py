"""A tiny run of the benchmark harness: every page answers, rows have the shape.

The full `make bench` is not part of the suite (it takes minutes); this
checks that the harness works at all on a 50-initiative synthetic catalogue.
"""

import json

import pytest
from django.db import connection

from benchmarks import harness, run, synthetic
from initiatives.models import Initiative, Organisation

pytestmark = pytest.mark.django_db

PAGES = {
    "floor",
    "list",
    "list_page_200",
    "list_filtered",
    "search",
    "search_filtered",
    "country",
    "organisation",
    "detail",
    "api_list",
}


@pytest.fixture
def small_catalogue(settings):
    settings.ROOT_URLCONF = "benchmarks.urls"
    synthetic.build(50, verbose=False)


def test_synthetic_rows_are_marked_as_such(small_catalogue):
    initiatives = Initiative.objects.all()

    assert initiatives.count() == 50
    assert all(i.title.startswith("[Synthetic]") for i in initiatives)
    assert all(i.slug.startswith("synthetic-") for i in initiatives)
    assert set(initiatives.values_list("source", flat=True)) == {"other"}
    assert set(initiatives.values_list("needs_checking", flat=True)) == {synthetic.NOTE}
    assert all(
        name.startswith("Synthetic organisation")
        for name in Organisation.objects.values_list("name", flat=True)
    )


def test_the_harness_measures_every_page_and_writes_the_issue_s_rows(
    small_catalogue, tmp_path
):
    database = connection.vendor
    rows, facts = harness.run(database, 50, requests=5, warm_up=0)

    assert {row["page"] for row in rows} == PAGES
    for row in rows:
        assert set(row) == {
            "database",
            "initiatives",
            "page",
            "url",
            "p50_ms",
            "p95_ms",
            "queries",
        }
        assert row["database"] == database
        assert row["initiatives"] == 50
        assert 0 < row["p50_ms"] <= row["p95_ms"]
        assert isinstance(row["queries"], int)
    floor = next(row for row in rows if row["page"] == "floor")
    assert floor["queries"] == 0
    assert facts["csv_export"]["rows"] == Initiative.objects.published().count()
    assert len(facts["loadavg_before"]) == 3
    assert facts["cpu_check_ms"]["before"] > 0 and facts["cpu_check_ms"]["after"] > 0

    output = tmp_path / "results.json"
    output.write_text(json.dumps(rows))
    assert json.loads(output.read_text()) == rows
    assert "x floor" in run.table(rows)


def test_each_database_and_size_has_its_own_database():
    assert run.database_url("sqlite", 10000).endswith("benchmarks/bench_10000.sqlite3")
    assert run.database_url("postgresql", 1000).endswith("/stemportal_bench_1000")
