"""Counts of initiatives per country, vocabulary term, organisation, choice.

Plain functions over an initiative queryset (the published catalogue, or a
FilterSet's `qs`). Each count is one grouped query over the link tables,
however many terms there are, and counts each initiative once, however many
paths link it to the term (a country directly and through one of its
regions; a broad education level and one of its sub-levels). The rules are
the same as the filters' (`in_countries`, `at_education_levels`), so a count
always agrees with the list it links to.

The catalogue's facets (`catalogue_facets`) are cached: counting a catalogue
of 100,000 initiatives takes seconds, and most visitors ask the same few
questions. A cached entry is keyed by the query and by the catalogue's
version, which every write to the catalogue's tables moves on
(`catalogue_changed`, called by signals.py on any save, delete or
many-to-many change of the app's models; code that writes with
`QuerySet.update()` must call it too). The version lives in Django's cache,
which the settings make a folder shared by every server process (CACHE_DIR),
so a save in one process drops the cached counts in all of them.
`FACET_CACHE_SECONDS` (setting, default 300; 0 turns the cache off) bounds
how long an entry lives.
"""

import functools
import hashlib
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Case,
    Count,
    F,
    Q,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from .models import (
    Country,
    EducationLevel,
    EuropeanPriority,
    Initiative,
    InitiativeOrganisation,
    Organisation,
    Region,
    TargetGroup,
    ThematicCategory,
)


def with_counts(items, counts):
    """`items` as a list, each with `initiative_count` from {pk: count}."""
    items = list(items)
    for item in items:
        item.initiative_count = counts.get(item.pk, 0)
    return items


def published_country_counts():
    """{country pk: its number of published initiatives}, regions included.

    One grouped query (`country_counts`), cached until the catalogue changes:
    the home page, the countries page, the sitemap and the API count the
    whole catalogue.
    """
    return cached_for_catalogue(
        "published-country-counts",
        lambda: {
            country.pk: country.initiative_count
            for country in country_counts(Initiative.objects.published())
        },
    )


def terms_with_counts(terms, relation, initiatives):
    """The vocabulary `terms` with how many of `initiatives` each tags.

    A top-level term counts its sub-terms' initiatives too, each once
    (`term_counts`, one grouped query).
    """
    return with_counts(terms, term_counts(initiatives, relation))


def organisations_with_counts(organisations, initiatives):
    """`organisations` with how many of `initiatives` each has a role in.

    Counts only the organisations given (a page of a list), in one query.
    """
    organisations = list(organisations)
    return with_counts(
        organisations,
        organisation_counts(initiatives, among=[o.pk for o in organisations]),
    )


# --- Facets of the catalogue ----------------------------------------------------
#
# For each filter of the catalogue, every option with how many results it would
# give next to the *other* active filters: the counts of a facet are taken over
# `InitiativeFilter.without(<its parameter>)`. Each count function runs one
# grouped query, however many options there are.


def _matching(initiatives):
    """The primary keys of `initiatives`, as a subquery (no joins, no order)."""
    return initiatives.order_by().values("pk")


# The single-valued fields offered as facets, in display order.
CHOICE_FACETS = [
    ("kind", Initiative.Kind.choices),
    ("status", Initiative.Status.choices),
    ("scope", Initiative.Scope.choices),
]


def choice_counts(filterset):
    """{field: {value: count}} of every choice facet, in one grouped query.

    Each facet counts next to the other active filters, its own left out.
    The choice filters are plain ``field IN (values)`` tests, so one query
    grouped by all the choice fields, over the results without any of them,
    gives every facet: a facet's count for a value adds the groups that pass
    the other choice filters.
    """
    names = [name for name, _choices in CHOICE_FACETS]
    rows = (
        Initiative.objects.filter(pk__in=_matching(filterset.without(*names)))
        .order_by()
        .values(*names)
        .annotate(count=Count("pk"))
    )
    chosen = {name: set(filterset.selected(name)) for name in names}
    counts = {name: {} for name in names}
    for row in rows:
        for name in names:
            if all(
                not chosen[other] or row[other] in chosen[other]
                for other in names
                if other != name
            ):
                value = row[name]
                counts[name][value] = counts[name].get(value, 0) + row["count"]
    return counts


def term_counts(initiatives, relation):
    """{term pk: count} for a two-level vocabulary (`relation` of Initiative).

    A top-level term counts the initiatives tagged with it or with one of its
    sub-terms, each once. One query: the sub-terms' counts grouped by term,
    united with the top-level terms' counts grouped by "parent, else itself".
    """
    m2m = Initiative._meta.get_field(relation)
    through = m2m.remote_field.through
    initiative = m2m.m2m_field_name()
    term = m2m.m2m_reverse_field_name()
    tags = through.objects.filter(
        **{f"{initiative}__in": _matching(initiatives)}
    ).order_by()
    # A link table holds each (initiative, term) pair once (Django's unique
    # constraint), so a sub-term's rows are its initiatives: a plain count,
    # grouped by hashing, where DISTINCT would sort every row.
    sub_terms = (
        tags.filter(**{f"{term}__parent__isnull": False})
        .values(term_pk=F(term))
        .annotate(count=Count("pk"))
    )
    top_terms = tags.values(term_pk=Coalesce(f"{term}__parent", term)).annotate(
        count=Count(initiative, distinct=True)
    )
    return {
        row["term_pk"]: row["count"] for row in sub_terms.union(top_terms, all=True)
    }


def organisation_counts(initiatives, first=(), limit=None, among=None):
    """{organisation pk: count} of `initiatives` it has any role in.

    With `limit`: only the organisations with the most initiatives, the
    organisations whose slugs are in `first` before the others (still one
    grouped query). With `among`: only these organisations (primary keys).
    """
    rows = InitiativeOrganisation.objects.filter(initiative__in=_matching(initiatives))
    if among is not None:
        rows = rows.filter(organisation__in=among)
    rows = (
        rows.order_by()
        .values("organisation")
        .annotate(count=Count("initiative", distinct=True))
    )
    if limit is not None:
        order = ["-count", "organisation"]
        if first:
            # (Never a constant: PostgreSQL reads ORDER BY 1 as a column.)
            order.insert(
                0,
                Case(
                    When(organisation__slug__in=list(first), then=Value(0)),
                    default=Value(1),
                ),
            )
        rows = rows.order_by(*order)[: limit + len(first)]
    return {row["organisation"]: row["count"] for row in rows}


def country_counts(initiatives):
    """The countries with any of `initiatives`, with `initiative_count`.

    An initiative can reach a country along two paths (directly, through a
    region) and counts once. One grouped query over the distinct (initiative,
    country) pairs of both paths: UNION drops a pair found along both.
    Countries without any are left out.

    Written in SQL: the ORM cannot group over a UNION, and its other shape
    (region links without a direct link, as an anti-join) made PostgreSQL
    misjudge the rows and re-run the filters for each region link: 10 s for
    a search with two filters at 100,000 initiatives, 30 ms now.
    """
    try:
        matching, params = _matching(initiatives).query.sql_with_params()
    except EmptyResultSet:  # e.g. a search that found nothing
        return []
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    def column(model, name):
        return quote(model._meta.get_field(name).column)

    direct = Initiative.countries.through
    regional = Initiative.regions.through
    sql = f"""
        SELECT country.{column(Country, "id")}, country.{column(Country, "code")},
               country.{column(Country, "name")}, COUNT(*)
        FROM (
            SELECT {column(direct, "initiative")} AS initiative,
                   {column(direct, "country")} AS country
            FROM {table(direct)}
            WHERE {column(direct, "initiative")} IN ({matching})
            UNION
            SELECT link.{column(regional, "initiative")},
                   region.{column(Region, "country")}
            FROM {table(regional)} link
            JOIN {table(Region)} region
              ON region.{column(Region, "id")} = link.{column(regional, "region")}
            WHERE link.{column(regional, "initiative")} IN ({matching})
        ) pairs
        JOIN {table(Country)} country ON country.{column(Country, "id")} = pairs.country
        GROUP BY country.{column(Country, "id")}, country.{column(Country, "code")},
                 country.{column(Country, "name")}
    """  # noqa: S608 - names from the models, values as parameters
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *params])
        rows = cursor.fetchall()
    countries = []
    for pk, code, name, count in rows:
        country = Country(pk=pk, code=code, name=name)
        country.initiative_count = count
        countries.append(country)
    return sorted(countries, key=lambda country: country.name)


@dataclass
class FacetOption:
    """One checkbox of a facet: its value in the URL, label and count."""

    value: str
    label: str
    count: int = 0
    selected: bool = False
    children: list = field(default_factory=list)


@dataclass
class Facet:
    """A filter of the catalogue with its options (two levels at most)."""

    name: str
    label: str
    options: list
    hint: str = ""
    # For a single-valued field (kind, status): how many initiatives were
    # counted, every value included. The list reuses it as its result count
    # when this facet's filter is not set (no separate COUNT query).
    total: int | None = None

    @property
    def selected_count(self):
        return sum(
            option.selected + sum(child.selected for child in option.children)
            for option in self.options
        )

    def labels(self):
        """{value: label} of every option, for the chips."""
        labels = {}
        for option in self.options:
            labels[option.value] = option.label
            for child in option.children:
                labels[child.value] = child.label
        return labels


def vocabulary_facet(name, label, terms, counts, selected, hint=""):
    """Top-level terms with their sub-terms indented under them."""
    options = {
        term.pk: FacetOption(
            term.slug, term.name, counts.get(term.pk, 0), term.slug in selected
        )
        for term in terms
    }
    for term in terms:
        if term.parent_id in options:
            options[term.parent_id].children.append(options[term.pk])
    top = [options[term.pk] for term in terms if term.parent_id is None]
    return Facet(name, label, top, hint)


VOCABULARY_FACETS = [
    # parameter, relation, model, label, hint
    (
        "education_level",
        "education_levels",
        EducationLevel,
        _("Education level"),
        _("A broad level also finds the levels listed under it."),
    ),
    (
        "target_group",
        "target_groups",
        TargetGroup,
        _("Target group"),
        _("A group also finds the groups listed under it."),
    ),
    (
        "theme",
        "themes",
        ThematicCategory,
        _("Theme"),
        _("A category also finds its sub-categories."),
    ),
    (
        "priority",
        "priorities",
        EuropeanPriority,
        _("European priority"),
        _("A framework also finds its priorities."),
    ),
]


# A catalogue of thousands of organisations cannot show them all as
# checkboxes: the facet offers those with the most results (and the chosen).
MAX_ORGANISATIONS = 30


VERSION_KEY = "initiatives:catalogue-version"


def catalogue_version():
    version = cache.get(VERSION_KEY)
    if version is None:
        # A new version whenever the cache has none (a restart, an eviction),
        # so that older entries are never read again.
        version = uuid.uuid4().hex
        version = cache.get_or_set(VERSION_KEY, version, timeout=None)
    return version


def catalogue_changed():
    """The catalogue was written to: cached facets are no longer used."""
    cache.delete(VERSION_KEY)


class RecentValues:
    """The last values read from the shared cache, kept in this process.

    Their keys hold the catalogue's version, so a value does not go stale: a
    change to the catalogue gives new keys. Reading one here saves unpickling
    it on every request (and the garbage that leaves). A value lives here
    for FACET_CACHE_SECONDS at most, as in the shared cache. Values are
    shared by requests and threads: callers must not change them.
    """

    def __init__(self, size):
        self.size = size
        self.values = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            value, expires = self.values.get(key, (None, 0))
            if value is None or expires < time.monotonic():
                self.values.pop(key, None)
                return None
            self.values.move_to_end(key)
            return value

    def put(self, key, value, timeout):
        with self.lock:
            self.values[key] = (value, time.monotonic() + timeout)
            self.values.move_to_end(key)
            while len(self.values) > self.size:
                self.values.popitem(last=False)


recent = RecentValues(size=300)


@functools.cache
def code_version():
    """A digest of the app's code and the project's templates, read once.

    Part of every cached value's key: the shared cache outlives a deploy, and
    a value pickled or rendered by the code before it (an initiative without
    an attribute the new templates read, markup of the old templates) is
    never read by the code after it.
    """
    app = Path(__file__).resolve().parent
    files = sorted(app.rglob("*.py")) + sorted(
        (Path(settings.BASE_DIR) / "templates").rglob("*.html")
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(path.anchor)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def cached_for_catalogue(name, compute):
    """`compute()`, cached while the catalogue has not changed.

    `name` says what is cached (home page counts, a query's facets...). The
    value is looked up in this process first (`recent`), then in the shared
    cache, and computed only when neither has it.
    """
    timeout = getattr(settings, "FACET_CACHE_SECONDS", 300)
    if not timeout:
        return compute()
    key = f"initiatives:{catalogue_version()}:{code_version()}:{name}"
    value = recent.get(key)
    if value is None:
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, timeout)
        recent.put(key, value, timeout)
    return value


def query_digest(filterset, with_country):
    """A FilterSet's understood query, sorted, as a short digest."""
    parts = [
        (name, sorted(filterset.selected(name)))
        for name in sorted(filterset.filters)
        if name != "sort"
    ]
    return hashlib.sha256(repr((parts, with_country)).encode()).hexdigest()


def cached_for_query(filterset, with_country, part, compute):
    """`compute()`, cached for this query of the catalogue as it is now.

    `part` names what is cached (the facets, their markup...).
    """
    return cached_for_catalogue(
        f"query:{query_digest(filterset, with_country)}:{part}", compute
    )


def catalogue_facets(filterset, with_country=True):
    """`counted_facets`, from the cache when the catalogue has not changed."""
    return cached_for_query(
        filterset,
        with_country,
        "facets",
        lambda: counted_facets(filterset, with_country),
    )


def counted_facets(filterset, with_country=True):
    """The catalogue's facets for a bound `InitiativeFilter`, in display order.

    Options with no result are kept in the fixed lists (vocabularies, kinds,
    statuses: shown, greyed) and dropped from the long ones (countries,
    organisations) unless selected. A selected option is always shown.
    """
    facets = []
    if with_country:
        countries = {
            country.code: country
            for country in country_counts(filterset.without("country"))
        }
        # A selected country is shown even when nothing matches it (the form
        # has already read the selected countries: no query).
        for country in filterset.cleaned_data.get("country") or []:
            if country.code not in countries:
                country.initiative_count = 0
                countries[country.code] = country
        chosen = {code.upper() for code in filterset.selected("country")}
        facets.append(
            Facet(
                "country",
                _("Country"),
                [
                    FacetOption(
                        country.code.lower(),
                        country.name,
                        country.initiative_count,
                        country.code in chosen,
                    )
                    for country in sorted(
                        countries.values(), key=lambda country: country.name
                    )
                ],
            )
        )
    for name, relation, model, label, hint in VOCABULARY_FACETS:
        counts = term_counts(filterset.without(name), relation)
        facets.append(
            vocabulary_facet(
                name,
                label,
                list(model.objects.all()),
                counts,
                set(filterset.selected(name)),
                hint,
            )
        )
    every_choice_count = choice_counts(filterset)
    for name, choices in CHOICE_FACETS:
        counts = every_choice_count[name]
        chosen = set(filterset.selected(name))
        facets.append(
            Facet(
                name,
                filterset.filters[name].label,
                [
                    FacetOption(value, label, counts.get(value, 0), value in chosen)
                    for value, label in choices
                ],
                total=sum(counts.values()),
            )
        )
    chosen = set(filterset.selected("organisation"))
    counts = organisation_counts(
        filterset.without("organisation"), first=chosen, limit=MAX_ORGANISATIONS
    )
    organisations = Organisation.objects.filter(
        Q(pk__in=[pk for pk, count in counts.items() if count]) | Q(slug__in=chosen)
    ).only("name", "slug", "acronym")
    facets.append(
        Facet(
            "organisation",
            _("Organisation"),
            [
                FacetOption(
                    organisation.slug,
                    str(organisation),
                    counts.get(organisation.pk, 0),
                    organisation.slug in chosen,
                )
                for organisation in organisations
            ],
            _(
                "The organisations with the most initiatives here. "
                "The Organisations page lists them all."
            )
            if len(counts) - len(chosen) >= MAX_ORGANISATIONS
            else "",
        )
    )
    return facets
