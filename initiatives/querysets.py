"""Reusable reads on initiatives, named for what the views need."""

from django.db import connections, models
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

    def detail(self, **lookup):
        """The initiative matching `lookup`, with every row its page shows.

        None when there is none. Its rows come as plain lists, like
        for_listing's: `country_list`, `region_list`, `language_list`,
        `education_level_list`, `target_group_list`, `theme_list`,
        `priority_list` (terms with their parent), `objective_list`,
        `kpi_list`, `funding_list` (with the funder), `milestone_list`,
        `role_list` (with the organisation and its country), `relations_out`
        and `relations_in` (with the other initiative's title, slug and
        publication state).

        Nine queries: the initiative, its links to the vocabularies in one,
        and one per kind of row. The terms themselves come from
        `vocabularies()`, cached until the catalogue changes. For one
        initiative a plain query costs half of what prefetch_related's
        machinery adds to it, and the detail page is what a large catalogue
        serves most on a first visit.
        """
        from .models import (
            KPI,
            Funding,
            InitiativeOrganisation,
            InitiativeRelation,
            Milestone,
            Objective,
        )

        initiative = self.defer("search_vector").filter(**lookup).first()
        if initiative is None:
            return None
        linked = vocabulary_links(initiative.pk, self.db)
        for relation, terms in vocabularies().items():
            ids = linked.get(relation, ())
            setattr(
                initiative,
                VOCABULARY_LISTS[relation],
                [term for term in terms if term.pk in ids],
            )

        def rows(model, *order):
            return model.objects.filter(initiative=initiative).order_by(*order)

        initiative.objective_list = list(rows(Objective, "order", "id"))
        initiative.kpi_list = list(rows(KPI, "order", "id"))
        initiative.funding_list = list(rows(Funding, "id").select_related("funder"))
        initiative.milestone_list = list(rows(Milestone, "year", "date", "id"))
        initiative.role_list = list(
            rows(InitiativeOrganisation, "role", "organisation__name").select_related(
                "organisation__country"
            )
        )
        # Only what a link to the other initiative shows.
        shown = ("kind", "note", "title", "slug", "publication_state")
        initiative.relations_out = list(
            InitiativeRelation.objects.filter(from_initiative=initiative)
            .select_related("to_initiative")
            .only(*shown[:2], *(f"to_initiative__{field}" for field in shown[2:]))
            .order_by("kind", "to_initiative__title")
        )
        initiative.relations_in = list(
            InitiativeRelation.objects.filter(to_initiative=initiative)
            .select_related("from_initiative")
            .only(*shown[:2], *(f"from_initiative__{field}" for field in shown[2:]))
            .order_by("from_initiative__title", "kind")
        )
        return initiative


# The vocabularies an initiative is tagged with, and the list each fills on
# an initiative read by `InitiativeQuerySet.detail()`.
VOCABULARY_LISTS = {
    "countries": "country_list",
    "regions": "region_list",
    "languages": "language_list",
    "education_levels": "education_level_list",
    "target_groups": "target_group_list",
    "themes": "theme_list",
    "priorities": "priority_list",
}


def vocabularies():
    """{relation: every term, in the vocabulary's order} of VOCABULARY_LISTS.

    With each term's parent (a region's country). A few hundred rows in all,
    read once per version of the catalogue (facets.cached_for_catalogue).
    The terms are shared: callers must not change them.
    """
    from .facets import cached_for_catalogue
    from .models import Initiative

    def read():
        terms = {}
        for relation in VOCABULARY_LISTS:
            model = Initiative._meta.get_field(relation).related_model
            parent = "country" if relation == "regions" else "parent"
            queryset = model.objects.all()
            if any(field.name == parent for field in model._meta.get_fields()):
                queryset = queryset.select_related(parent)
            terms[relation] = list(queryset)
        return terms

    return cached_for_catalogue("vocabularies", read)


def vocabulary_links(pk, using):
    """{relation: {term pk, ...}} of the initiative `pk`, in one query."""
    from .models import Initiative

    connection = connections[using]
    quote = connection.ops.quote_name
    parts = []
    for relation in VOCABULARY_LISTS:
        field = Initiative._meta.get_field(relation)
        parts.append(
            f"SELECT %s, {quote(field.m2m_reverse_name())} "
            f"FROM {quote(field.remote_field.through._meta.db_table)} "
            f"WHERE {quote(field.m2m_column_name())} = %s"
        )
    links = {}
    with connection.cursor() as cursor:
        cursor.execute(
            " UNION ALL ".join(parts),
            [value for relation in VOCABULARY_LISTS for value in (relation, pk)],
        )
        for relation, term in cursor.fetchall():
            links.setdefault(relation, set()).add(term)
    return links
