"""Reusable reads on initiatives, named for what the views need."""

from django.db import models
from django.db.models import Prefetch, Q


class InitiativeQuerySet(models.QuerySet):
    def get_by_natural_key(self, slug):
        """Fixtures refer to initiatives by slug (see Initiative.natural_key)."""
        return self.get(slug=slug)

    def published(self):
        """What the public lists, counts, feeds, exports and the API show."""
        return self.filter(publication_state="published")

    def with_public_page(self):
        """Published and archived: an archived initiative keeps its page.

        Its page says it is archived and asks search engines not to index it;
        it is on no list and in no count (see published()).
        """
        return self.filter(publication_state__in=["published", "archived"])

    def in_countries(self, countries):
        """Initiatives in any of these countries, directly or through a region.

        A subquery rather than a join keeps every initiative once.
        """
        matching = self.model.objects.filter(
            Q(countries__in=countries) | Q(regions__country__in=countries)
        ).values("pk")
        return self.filter(pk__in=matching)

    def at_education_levels(self, levels):
        """Initiatives at any of these levels or at a level below one of them.

        The EU STEM Coalition's broad labels are parents of ISCED levels:
        "Secondary education" finds lower and upper secondary initiatives too.
        A subquery keeps every initiative once.
        """
        return self.tagged_with("education_levels", levels)

    def strategies(self):
        """National and regional policies, strategies and legislation.

        A country page shows these first: they frame everything else there.
        """
        return self.filter(
            kind__in=["policy", "legislation"], scope__in=["national", "regional"]
        )

    def european(self):
        """EU-wide initiatives: not tied to one country, they serve all of them."""
        return self.filter(scope="european")

    def tagged_with(self, relation, terms):
        """Initiatives tagged with any of `terms` or with a sub-term of one.

        `relation` names a two-level vocabulary (``"themes"``, ``"priorities"``,
        ``"target_groups"``, ``"education_levels"``): a Cedefop category finds
        its sub-categories, a framework its priorities, a group its members.
        A subquery keeps every initiative once.
        """
        matching = self.model.objects.filter(
            Q(**{f"{relation}__in": terms}) | Q(**{f"{relation}__parent__in": terms})
        ).values("pk")
        return self.filter(pk__in=matching)

    def with_organisations(self, organisations):
        """Initiatives in which any of these organisations has any role."""
        from .models import InitiativeOrganisation

        matching = InitiativeOrganisation.objects.filter(
            organisation__in=organisations
        ).values("initiative")
        return self.filter(pk__in=matching)

    def active_from(self, year):
        """Initiatives whose period reaches `year` or later.

        A missing end year means the initiative runs on (or its end is not
        known), except for publications: a publication is its year. An
        initiative without any year is left out.
        """
        return self.filter(
            Q(year_end__gte=year)
            | Q(year_end__isnull=True, year_start__gte=year)
            | (
                Q(year_end__isnull=True, year_start__isnull=False)
                & ~Q(kind="publication")
            )
        )

    def active_until(self, year):
        """Initiatives whose period starts in `year` or earlier.

        With a missing start year the end year is the only year known, so it
        stands for the period. An initiative without any year is left out.
        """
        return self.filter(
            Q(year_start__lte=year) | Q(year_start__isnull=True, year_end__lte=year)
        )

    def search(self, text):
        """Initiatives matching a text search, annotated with `search_rank`.

        Full-text search on PostgreSQL, a word-by-word substring search
        elsewhere; see search.py.
        """
        from .search import search_initiatives

        return search_initiatives(self, text)

    def newest_first(self):
        """The most recently added first: the home page's "latest"."""
        return self.order_by("-created", "-pk")

    def for_listing(self):
        """What a card shows, prefetched as plain lists.

        `country_list`, `region_list` (with each region's country),
        `education_level_list` and `leading_roles` (lead, author and
        responsible organisations). Lists, not managers: Django builds a
        filtered queryset per initiative and relation for a prefetch into a
        manager, which costs more than the rest of a card.
        """
        from .models import InitiativeOrganisation, Region

        return self.prefetch_related(
            Prefetch("countries", to_attr="country_list"),
            Prefetch(
                "regions",
                queryset=Region.objects.select_related("country"),
                to_attr="region_list",
            ),
            Prefetch("education_levels", to_attr="education_level_list"),
            Prefetch(
                "organisation_roles",
                queryset=InitiativeOrganisation.objects.filter(
                    role__in=["lead", "author", "responsible"]
                ).select_related("organisation"),
                to_attr="leading_roles",
            ),
        )

    def for_detail(self):
        """Every field and every related row of the detail page.

        One query per relation: the rows a relation reaches through a
        foreign key (a term's parent, a role's organisation and its country)
        are joined in, not prefetched on their own.
        """
        from .models import (
            EducationLevel,
            EuropeanPriority,
            Funding,
            InitiativeOrganisation,
            InitiativeRelation,
            Region,
            TargetGroup,
            ThematicCategory,
        )

        def with_parent(relation, model):
            return Prefetch(relation, queryset=model.objects.select_related("parent"))

        return self.prefetch_related(
            "countries",
            Prefetch("regions", queryset=Region.objects.select_related("country")),
            "languages",
            with_parent("education_levels", EducationLevel),
            with_parent("target_groups", TargetGroup),
            with_parent("themes", ThematicCategory),
            with_parent("priorities", EuropeanPriority),
            "objectives",
            "kpis",
            Prefetch("fundings", queryset=Funding.objects.select_related("funder")),
            "milestones",
            Prefetch(
                "organisation_roles",
                queryset=InitiativeOrganisation.objects.select_related(
                    "organisation__country"
                ),
            ),
            Prefetch(
                "relations_from",
                queryset=InitiativeRelation.objects.select_related("to_initiative"),
            ),
            Prefetch(
                "relations_to",
                queryset=InitiativeRelation.objects.select_related("from_initiative"),
            ),
        )
