"""Results and facet counts are what the plain definitions give.

On a fixed synthetic catalogue (benchmarks/synthetic.py, seeded): the search
through the stored, indexed vector finds and ranks exactly what a search of
a document computed on the fly finds (PostgreSQL), and every facet count is
the number of results the catalogue shows when that option is chosen, as a
naive per-option count gives it (both databases).
"""

import pytest
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db import connection
from django.db.models import F
from django.http import QueryDict

from benchmarks import synthetic
from initiatives.facets import catalogue_facets, organisation_counts
from initiatives.filters import InitiativeFilter
from initiatives.models import (
    Country,
    EducationLevel,
    Initiative,
    Organisation,
    ThematicCategory,
)
from initiatives.search import SEARCH_CONFIG, search_document

pytestmark = pytest.mark.django_db

WORDS = ["robotics", "teachers", "climate energy", '"online course"', "girls -women"]


@pytest.fixture
def synthetic_catalogue():
    synthetic.build(80, verbose=False)
    country = Country.objects.get(code="DE")
    level = EducationLevel.objects.filter(parent__isnull=False).first()
    theme = ThematicCategory.objects.filter(parent__isnull=True).first()
    return {"country": country.code.lower(), "level": level.slug, "theme": theme.slug}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL search")
@pytest.mark.parametrize("text", WORDS)
def test_stored_vector_search_equals_the_on_the_fly_search(synthetic_catalogue, text):
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    on_the_fly = (
        Initiative.objects.annotate(document=search_document())
        .filter(document=query)
        .annotate(rank=SearchRank(F("document"), query))
        .order_by("-rank", "pk")
        .values_list("pk", "rank")
    )
    stored = (
        Initiative.objects.search(text)
        .order_by("-search_rank", "pk")
        .values_list("pk", "search_rank")
    )

    assert list(stored) == list(on_the_fly)
    assert stored.exists() or text in {"robotics", "girls -women"}


def queries(values):
    return [
        "",
        f"country={values['country']}&education_level={values['level']}",
        f"q=robotics&theme={values['theme']}&country={values['country']}",
        "kind=programme&status=ongoing",
        "kind=programme&kind=project&status=ongoing&scope=national&scope=european",
    ]


def naive_count(query, name, value):
    """The results of `query` with `name` set to `value` instead: one count."""
    data = QueryDict(query, mutable=True)
    data.setlist(name, [value])
    return InitiativeFilter(data, Initiative.objects.published()).qs.count()


@pytest.mark.parametrize("index", range(5))
def test_every_facet_count_equals_a_naive_count(synthetic_catalogue, index):
    query = queries(synthetic_catalogue)[index]
    filterset = InitiativeFilter(
        QueryDict(query), queryset=Initiative.objects.published()
    )
    checked = 0
    for facet in catalogue_facets(filterset):
        for option in facet.options:
            for item in [option, *option.children]:
                assert item.count == naive_count(query, facet.name, item.value), (
                    facet.name,
                    item.value,
                )
                checked += 1
    assert checked > 100


def test_the_organisation_facet_offers_the_largest_organisations(
    synthetic_catalogue,
):
    published = Initiative.objects.published()
    every = organisation_counts(published)
    largest = organisation_counts(published, limit=5)

    assert len(every) > len(largest) == 5
    assert {pk: every[pk] for pk in largest} == largest
    left_out = [count for pk, count in every.items() if pk not in largest]
    assert max(left_out) <= min(largest.values())


def test_a_chosen_organisation_is_offered_even_when_small(synthetic_catalogue):
    published = Initiative.objects.published()
    every = organisation_counts(published)
    smallest = min(every, key=lambda pk: (every[pk], pk))
    slug = Organisation.objects.get(pk=smallest).slug

    offered = organisation_counts(published, first=[slug], limit=5)

    assert len(offered) == 6
    assert offered[smallest] == every[smallest]
