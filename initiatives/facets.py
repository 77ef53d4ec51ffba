"""Counts of initiatives per country, education level and organisation.

Plain functions over an initiative queryset (the published catalogue, or a
FilterSet's `qs`): each returns the terms annotated with `initiative_count`,
in one query. Every count is a correlated subquery that counts each initiative
once, however many paths link it to the term (a country directly and through
one of its regions; a broad education level and one of its sub-levels).
The rules are the same as the filters' (`in_countries`, `at_education_levels`),
so a count always agrees with the list it links to.
"""

from django.db.models import Exists, F, Func, IntegerField, OuterRef, Q, Subquery

from .models import (
    Country,
    EducationLevel,
    Initiative,
    InitiativeOrganisation,
    Organisation,
)


def _count(initiatives, link):
    """How many of `initiatives` satisfy `link`, as a subquery per outer row.

    `link` refers to the initiative as ``OuterRef("pk")`` and to the outer
    row (the country, the level...) as ``OuterRef(OuterRef("pk"))``.
    """
    counted = (
        initiatives.order_by()
        .filter(link)
        .annotate(initiative_count=Func(F("pk"), function="COUNT"))
        .values("initiative_count")
    )
    return Subquery(counted, output_field=IntegerField())


def countries_with_counts(initiatives):
    """Every country with how many of `initiatives` it has, regions included."""
    term = OuterRef(OuterRef("pk"))
    direct = Initiative.countries.through.objects.filter(
        initiative=OuterRef("pk"), country=term
    )
    through_region = Initiative.regions.through.objects.filter(
        initiative=OuterRef("pk"), region__country=term
    )
    return Country.objects.annotate(
        initiative_count=_count(initiatives, Exists(direct) | Exists(through_region))
    )


def education_levels_with_counts(initiatives):
    """Every education level with its count; a broad level counts its sub-levels."""
    term = OuterRef(OuterRef("pk"))
    tagged = Initiative.education_levels.through.objects.filter(
        Q(educationlevel=term) | Q(educationlevel__parent=term),
        initiative=OuterRef("pk"),
    )
    return EducationLevel.objects.annotate(
        initiative_count=_count(initiatives, Exists(tagged))
    )


def organisations_with_counts(initiatives):
    """Every organisation with how many of `initiatives` it has a role in."""
    roles = InitiativeOrganisation.objects.filter(
        initiative=OuterRef("pk"), organisation=OuterRef(OuterRef("pk"))
    )
    return Organisation.objects.annotate(
        initiative_count=_count(initiatives, Exists(roles))
    )
