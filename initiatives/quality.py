"""Data quality: which initiatives miss key information, for editors to fix.

A key field is what a reader or the catalogue's filters rely on: an education
level, at least one KPI, the source's web address, an organisation, and a
recent check against the source. Each problem is a condition on one
annotated queryset, so the report runs a fixed number of queries however large
the catalogue is.
"""

import datetime
from dataclasses import dataclass

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import KPI, Initiative, InitiativeOrganisation

# The source should be compared with the record at least once a year.
CHECK_EVERY_DAYS = 365


@dataclass(frozen=True)
class Problem:
    key: str
    label: str
    condition: Q


def problems(today=None):
    """The problems checked, in the order the report shows them."""
    today = today or timezone.localdate()
    stale = today - datetime.timedelta(days=CHECK_EVERY_DAYS)
    return [
        Problem("no_education_level", _("No education level"), Q(has_level=False)),
        Problem("no_kpis", _("No KPIs"), Q(has_kpi=False)),
        Problem("no_source_url", _("No source URL"), Q(source_url="")),
        Problem("no_organisation", _("No organisation"), Q(has_organisation=False)),
        Problem(
            "source_not_checked",
            _("Source not checked in the last 12 months"),
            Q(source_checked_on__isnull=True) | Q(source_checked_on__lt=stale),
        ),
    ]


def flagged(queryset, checked):
    """`queryset` with a boolean `flag_<key>` for each checked problem."""
    levels = Initiative.education_levels.through.objects.filter(
        initiative=OuterRef("pk")
    )
    queryset = queryset.annotate(
        has_level=Exists(levels),
        has_kpi=Exists(KPI.objects.filter(initiative=OuterRef("pk"))),
        has_organisation=Exists(
            InitiativeOrganisation.objects.filter(initiative=OuterRef("pk"))
        ),
    )
    return queryset.annotate(
        **{
            f"flag_{problem.key}": Case(
                When(problem.condition, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for problem in checked
        }
    )


def with_any(queryset, checked):
    """Flagged initiatives with at least one of the `checked` problems."""
    condition = Q()
    for problem in checked:
        condition |= Q(**{f"flag_{problem.key}": True})
    return queryset.filter(condition)


def problems_of(initiative, checked):
    """The problems a flagged initiative has."""
    return [p for p in checked if getattr(initiative, f"flag_{p.key}")]


def report(queryset, checked):
    """Counts per problem and per country, in two queries.

    `queryset` is flagged. Returns (per_problem, per_country): per_problem
    maps a problem key to its count; per_country is a list of (country, counts)
    sorted by name, counts mapping each problem key and "any" to a count. An
    initiative in two countries counts in both; one without a country counts
    under None.
    """
    flags = [f"flag_{problem.key}" for problem in checked]
    rows = list(with_any(queryset, checked).values_list("pk", *flags))
    countries = {}
    for initiative_id, code, name in Initiative.countries.through.objects.filter(
        initiative_id__in=[row[0] for row in rows]
    ).values_list("initiative_id", "country__code", "country__name"):
        countries.setdefault(initiative_id, []).append((code, name))

    per_problem = {problem.key: 0 for problem in checked}
    per_country = {}
    for pk, *values in rows:
        found = [p.key for p, value in zip(checked, values, strict=True) if value]
        for key in found:
            per_problem[key] += 1
        for country in countries.get(pk, [None]):
            counts = per_country.setdefault(
                country, {**{p.key: 0 for p in checked}, "any": 0}
            )
            counts["any"] += 1
            for key in found:
                counts[key] += 1
    ordered = sorted(
        per_country.items(),
        key=lambda item: (item[0] is None, item[0][1] if item[0] else ""),
    )
    return per_problem, [
        (country, [counts[p.key] for p in checked], counts["any"])
        for country, counts in ordered
    ]
