"""Server-side measurements of the catalogue's pages (run inside Django).

Every request goes through Django's test client, so through the whole
middleware stack, URL resolution, views and templates, as in production but
without the network. For each page: one request counted with
CaptureQueriesContext, a few warm-up requests, then `requests` timed ones.
"""

import os
import resource
import statistics
import time

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from initiatives.models import (
    Country,
    EducationLevel,
    Initiative,
    InitiativeOrganisation,
    ThematicCategory,
)
from stemportal.process import freeze_long_lived_objects

from .synthetic import SEARCH_WORD

WARM_UP = 5


def percentile(values, fraction):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def pages():
    """(name, [urls]) of the pages measured, picked from the current data.

    The country, level and theme are the largest of the catalogue; the
    organisation is a typical one (the median of those with initiatives)."""
    from django.db.models import Count

    country = (
        Country.objects.annotate(n=Count("initiatives")).order_by("-n", "code").first()
    )
    code = country.code.lower()
    level = EducationLevel.objects.filter(parent__isnull=False).order_by("pk").first()
    theme = ThematicCategory.objects.filter(parent__isnull=True).order_by("pk").first()
    organisations = list(
        InitiativeOrganisation.objects.values("organisation__slug")
        .annotate(n=Count("initiative", distinct=True))
        .order_by("-n", "organisation__slug")
        .values_list("organisation__slug", flat=True)
    )
    organisation = organisations[len(organisations) // 2]
    slugs = list(
        Initiative.objects.published().order_by("?").values_list("slug", flat=True)[:50]
    )
    return [
        ("floor", ["/bench/floor/"]),
        ("list", ["/initiatives/"]),
        ("list_page_200", ["/initiatives/?page=200"]),
        (
            "list_filtered",
            [f"/initiatives/?country={code}&education_level={level.slug}"],
        ),
        ("search", [f"/initiatives/?q={SEARCH_WORD}"]),
        (
            "search_filtered",
            [f"/initiatives/?q={SEARCH_WORD}&country={code}&theme={theme.slug}"],
        ),
        ("country", [f"/countries/{code}/"]),
        ("organisation", [f"/organisations/{organisation}/"]),
        ("detail", [f"/initiatives/{slug}/" for slug in slugs]),
        ("api_list", ["/api/initiatives/"]),
    ]


def count_queries(client, url):
    """(queries, ms) of one request with every cache empty: the full cost.

    The facet counts are cached (see initiatives/facets.py); the timed
    requests that follow mostly find them there.
    """
    cache.clear()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, secure=True)
        if response.streaming:
            b"".join(response.streaming_content)
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    return len(queries), round(elapsed, 1)


def measure_page(client, urls, requests, warm_up=WARM_UP):
    """(p50 ms, p95 ms, queries, cold ms) of GET requests cycling over `urls`."""
    queries, cold = count_queries(client, urls[0])
    for index in range(warm_up):
        client.get(urls[index % len(urls)], secure=True)
    timings = []
    for index in range(requests):
        url = urls[index % len(urls)]
        started = time.perf_counter()
        response = client.get(url, secure=True)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
    return (
        round(statistics.median(timings), 2),
        round(percentile(timings, 0.95), 2),
        queries,
        cold,
    )


def cpu_check_ms():
    """Milliseconds of a fixed pure-Python loop: the machine's speed right now.

    A shared virtual machine's speed can swing by 2x or more within minutes
    (its host's other guests); the same page then takes twice as long. Runs
    compare only when their check figures are alike.
    """
    started = time.perf_counter()
    sum(number * number for number in range(1_000_000))
    return round((time.perf_counter() - started) * 1000, 1)


def rss_mb():
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def measure_export(client):
    """Streams the CSV export of the whole catalogue: rows, seconds, RSS growth."""
    before = rss_mb()
    peak = before
    started = time.perf_counter()
    response = client.get("/initiatives/export.csv", secure=True)
    lines = 0
    for chunk in response.streaming_content:
        lines += chunk.count(b"\n")
        if lines % 2000 == 0:
            peak = max(peak, rss_mb())
    peak = max(peak, rss_mb())
    return {
        "rows": lines - 1,
        "seconds": round(time.perf_counter() - started, 1),
        "rss_growth_mb": round(peak - before, 1),
    }


def run(database, size, requests, only=None, export=True, warm_up=WARM_UP):
    """Measure every page; return (rows for results.json, extra facts)."""
    # Requests come as HTTPS (as from the TLS proxy): production settings
    # redirect plain HTTP, and the whole production middleware stack runs.
    client = Client(HTTP_HOST="127.0.0.1")
    # As stemportal/wsgi.py does in every server process.
    freeze_long_lived_objects()
    rows = []
    cold = {}
    load_before = os.getloadavg()
    check_before = cpu_check_ms()
    print(f"  machine speed check: {check_before} ms (lower is faster)", flush=True)
    for name, urls in pages():
        if only and name not in only and name != "floor":
            continue
        p50, p95, queries, cold[name] = measure_page(client, urls, requests, warm_up)
        rows.append(
            {
                "database": database,
                "initiatives": size,
                "page": name,
                "url": urls[0],
                "p50_ms": p50,
                "p95_ms": p95,
                "queries": queries,
            }
        )
        print(
            f"  {database:10} {size:>7} {name:16} p50 {p50:8.1f} ms  "
            f"p95 {p95:8.1f} ms  {queries:3d} queries  (uncached {cold[name]} ms)",
            flush=True,
        )
    facts = {
        "database": database,
        "initiatives": size,
        "requests_per_page": requests,
        "loadavg_before": [round(value, 2) for value in load_before],
        "loadavg_after": [round(value, 2) for value in os.getloadavg()],
        "cpu_check_ms": {"before": check_before, "after": cpu_check_ms()},
        "cpus": os.cpu_count(),
        # One request per page with the facet cache empty (the first visit
        # after a change to the catalogue).
        "uncached_ms": cold,
    }
    if export:
        facts["csv_export"] = measure_export(client)
        print(f"  CSV export: {facts['csv_export']}", flush=True)
    return rows, facts
