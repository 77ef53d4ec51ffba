"""The public pages: home, the catalogue, initiatives, countries, organisations.

Views pick the queryset, the template and the context. Everything a template
shows is prepared here (grouped, filtered for drafts, prefetched), so a page
runs the same number of queries however many initiatives it shows.
"""

import hashlib
import re
from dataclasses import dataclass, field

from django.db.models import F, Q
from django.http import Http404, HttpResponsePermanentRedirect, QueryDict
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.generic import DetailView, ListView
from django_filters.views import FilterView

from .facets import (
    cached_for_catalogue,
    cached_for_query,
    catalogue_facets,
    organisations_with_counts,
    published_country_counts,
    term_counts,
    with_counts,
)
from .filters import InitiativeFilter
from .models import (
    Country,
    EducationLevel,
    Funding,
    Initiative,
    InitiativeOrganisation,
    Organisation,
)

LATEST_ON_HOME = 6
# A country page shows the first of its strategies, of the EU-wide initiatives
# and of its organisations, and links to all of them.
COUNTRY_PAGE_CARDS = 6
COUNTRY_PAGE_ORGANISATIONS = 30
# An organisation page shows the first initiatives of each of its roles.
ORGANISATION_PAGE_CARDS = 24
TOP_COUNTRIES_ON_HOME = 8
ISO_CODE = re.compile(r"[A-Za-z]{2}")
FACETS_TEMPLATE = "initiatives/includes/facets.html"
RESULTS_TEMPLATE = "initiatives/includes/results.html"


@dataclass
class Option:
    """One choice of the filter form: a checkbox or a select option."""

    value: str
    label: str
    selected: bool = False
    children: list = field(default_factory=list)


@dataclass
class Group:
    """A heading and the items under it (themes by category, roles...)."""

    heading: object
    items: list = field(default_factory=list)
    # When `items` shows only the first: how many there are in all.
    total: int | None = None

    @property
    def has_more(self):
        return self.total is not None and self.total > len(self.items)


# --- Helpers that shape data for the templates ---------------------------------


def term_tree(terms):
    """Top-level terms with their sub-terms, in vocabulary order.

    `terms` is every term of a two-level vocabulary, in its order.
    """
    groups = {term.pk: Group(term) for term in terms if term.parent_id is None}
    for term in terms:
        if term.parent_id in groups:
            groups[term.parent_id].items.append(term)
    return list(groups.values())


def group_by_top_term(terms):
    """An initiative's terms under their top-level term (category, framework).

    A top-level term tagged on its own heads a group with no items. Needs the
    terms' parents prefetched.
    """
    groups = {}
    for term in terms:
        top = term.parent if term.parent_id else term
        group = groups.setdefault(top.pk, Group(top))
        if term is not top:
            group.items.append(term)
    return sorted(
        groups.values(),
        key=lambda group: (group.heading.order, str(group.heading.name)),
    )


def group_objectives(objectives):
    """Objectives under their `group` heading, in order of first appearance."""
    groups = {}
    for objective in objectives:
        groups.setdefault(objective.group, Group(objective.group)).items.append(
            objective
        )
    return list(groups.values())


def group_by_role(roles, item):
    """Role rows grouped under the role's label, in the order roles are declared.

    `item` picks what each group lists from a role row (the row itself, its
    initiative...).
    """
    order = {value: index for index, value in enumerate(InitiativeOrganisation.Role)}
    groups = {}
    for role in sorted(roles, key=lambda role: order.get(role.role, len(order))):
        groups.setdefault(role.role, Group(role.get_role_display())).items.append(
            item(role)
        )
    return list(groups.values())


@dataclass
class Shortlist:
    """The first items of a longer list, and whether there are more."""

    items: list
    has_more: bool

    def __iter__(self):
        return iter(self.items)

    def __len__(self):
        return len(self.items)


def first_of(queryset, size):
    """The first `size` items of `queryset`, and whether there are more.

    The order is found on the primary keys alone (one row more than shown),
    then only the rows shown are read: sorting thousands of narrow rows is
    fast, sorting whole rows spills to disk. Two queries, plus prefetches.
    """
    pks = list(queryset.values_list("pk", flat=True)[: size + 1])
    items = list(queryset.filter(pk__in=pks[:size])) if pks else []
    return Shortlist(items, len(pks) > size)


# --- Pagination that never fails -----------------------------------------------


class ForgivingPaginationMixin:
    """A page number that is out of range or not a number shows a page and a note.

    Django's ListView answers 404 there; a shared or edited link to
    ``?page=9999`` should rather land on the last page.
    """

    page_notice = ""

    def paginate_queryset(self, queryset, page_size):
        paginator = self.get_paginator(
            queryset,
            page_size,
            orphans=self.get_paginate_orphans(),
            allow_empty_first_page=self.get_allow_empty(),
        )
        raw = self.request.GET.get(self.page_kwarg, "").strip() or "1"
        try:
            number = int(raw)
        except ValueError:
            if raw == "last":
                number = paginator.num_pages
            else:
                number = 1
                self.page_notice = _(
                    "“%(page)s” is not a page number, so this is the first page."
                ) % {"page": raw}
        else:
            if number < 1:
                number = 1
                self.page_notice = _(
                    "There is no page %(page)s, so this is the first page."
                ) % {"page": raw}
            elif number > paginator.num_pages:
                number = paginator.num_pages
                self.page_notice = _(
                    "There is no page %(page)s, so this is the last page."
                ) % {"page": raw}
        page = paginator.page(number)
        return paginator, page, page.object_list, page.has_other_pages()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["page_notice"] = self.page_notice
        return context


# --- The catalogue -------------------------------------------------------------


@dataclass
class Chip:
    """An active filter value, with a link to the same query without it."""

    name: str
    value: str
    url: str


# Parameters that are not facets but still narrow the list, and their chip.
OTHER_FILTER_NAMES = {
    "q": _lazy("Search"),
    "year_from": _lazy("From"),
    "year_to": _lazy("Until"),
}


def filter_chips(path, query, facets):
    """One chip per value of `query` that filters, each removing only itself."""
    labels = {facet.name: (facet.label, facet.labels()) for facet in facets}
    chips = []
    for key in query:
        for value in query.getlist(key):
            if key in labels:
                name, values = labels[key]
                label = values.get(value) or values.get(value.lower()) or value
            elif key in OTHER_FILTER_NAMES:
                name, label = OTHER_FILTER_NAMES[key], value
            else:
                continue
            rest = query.copy()
            rest.setlist(key, [other for other in rest.getlist(key) if other != value])
            rest.pop("page", None)
            encoded = rest.urlencode()
            chips.append(Chip(name, label, f"{path}?{encoded}" if encoded else path))
    return chips


class InitiativeListView(ForgivingPaginationMixin, FilterView):
    """The catalogue: published initiatives narrowed by `InitiativeFilter`.

    Asked with the ``X-Fragment: catalogue`` header (by static/js/catalogue.js)
    it answers with the facets and the results only, which the script swaps
    into the page.
    """

    filterset_class = InitiativeFilter
    paginate_by = 20
    template_name = "initiatives/initiative_list.html"
    fragment_template_name = "initiatives/includes/catalogue_fragment.html"
    # Values that are not understood are reported and set aside; the rest of
    # the query still applies (see InitiativeFilter).
    strict = False
    show_country_filter = True

    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        # The same URL answers with a page or a fragment: caches must tell.
        patch_vary_headers(response, ["X-Fragment"])
        return response

    def is_fragment_request(self):
        return self.request.headers.get("X-Fragment") == "catalogue"

    def get_template_names(self):
        if self.is_fragment_request():
            return [self.fragment_template_name]
        return super().get_template_names()

    def get_queryset(self):
        return Initiative.objects.published().for_listing()

    def get_filter_query(self):
        """The understood query without empty values and the page number.

        Pagination, sort and chip links keep it.
        """
        query = self.filterset.data.copy()
        query.pop(self.page_kwarg, None)
        for key in list(query):
            values = [value for value in query.getlist(key) if value.strip()]
            if values:
                query.setlist(key, values)
            else:
                del query[key]
        return query

    def get_sort_options(self):
        order = self.filterset.sort_order
        return [
            Option(value, label, value == order)
            for value, label in self.filterset.filters["sort"].extra["choices"]
            if value != "relevance" or self.filterset.is_searching
        ]

    def get_paginator(self, queryset, per_page, **kwargs):
        paginator = super().get_paginator(queryset, per_page, **kwargs)
        # The kind facet has counted every result already (when no kind is
        # chosen): the paginator need not count them again.
        kinds = next(facet for facet in self.facets if facet.name == "kind")
        if not self.filterset.selected("kind"):
            paginator.count = kinds.total
        return paginator

    def render_facets(self, facets):
        """The facets' markup, cached with them: most of a page's rendering.

        It depends on the query only (the selections, the years), which the
        cache key holds, and on the language.
        """
        cleaned = self.filterset.cleaned_data
        context = {
            "facets": facets,
            "year_from": cleaned.get("year_from"),
            "year_to": cleaned.get("year_to"),
        }
        return mark_safe(
            cached_for_query(
                self.filterset,
                self.show_country_filter,
                f"html:{get_language()}",
                lambda: render_to_string(FACETS_TEMPLATE, context),
            )
        )

    def render_results(self, context):
        """The results' markup (count, chips, notices, cards, pagination).

        Cached until the catalogue changes, for this exact request: its path
        and whole query (page, sort and values not understood included) are
        all it depends on. The page of results is only read when it is not
        cached (the queryset is lazy).
        """
        request = self.request
        query = sorted((key, sorted(values)) for key, values in request.GET.lists())
        digest = hashlib.sha256(
            repr((request.get_host(), request.path, query)).encode()
        ).hexdigest()
        return mark_safe(
            cached_for_catalogue(
                f"results:{digest}:{get_language()}",
                lambda: render_to_string(RESULTS_TEMPLATE, context, request),
            )
        )

    def get_context_data(self, **kwargs):
        # Facets first: the paginator reuses their count.
        self.facets = facets = catalogue_facets(
            self.filterset, with_country=self.show_country_filter
        )
        context = super().get_context_data(**kwargs)
        query = self.get_filter_query()
        chips = filter_chips(self.request.path, query, facets)
        cleaned = self.filterset.cleaned_data
        context.update(
            {
                "facets": facets,
                "facets_html": self.render_facets(facets),
                "query": query,
                "chips": chips,
                "is_filtered": bool(chips),
                "selected_count": sum(facet.selected_count for facet in facets),
                "sort_options": self.get_sort_options(),
                "search": cleaned.get("q") or "",
                "year_from": cleaned.get("year_from"),
                "year_to": cleaned.get("year_to"),
            }
        )
        return context

    def render_to_response(self, context, **response_kwargs):
        # Here, once subclasses have completed the context (a country page's
        # feed and export links need its country).
        context["results_html"] = self.render_results(context)
        return super().render_to_response(context, **response_kwargs)


DRAFT = Initiative.PublicationState.DRAFT
ARCHIVED = Initiative.PublicationState.ARCHIVED
PUBLIC_PAGE_STATES = {Initiative.PublicationState.PUBLISHED, ARCHIVED}


class InitiativeDetailView(DetailView):
    """One initiative, every field.

    Drafts are for staff only, with a banner. Archived initiatives keep their
    page for everyone, with a notice, so links to them do not break.
    """

    template_name = "initiatives/initiative_detail.html"
    context_object_name = "initiative"

    def get_queryset(self):
        if self.request.user.is_staff:
            return Initiative.objects.all()
        return Initiative.objects.with_public_page()

    def get_object(self, queryset=None):
        """The initiative and all its rows; for the public, from the cache.

        Reading it takes 9 queries (InitiativeQuerySet.detail), most of the
        page's time. What the public sees is cached until the catalogue
        changes; staff, who also see drafts, read it each time.
        """
        slug = self.kwargs[self.slug_url_kwarg]
        if self.request.user.is_staff:
            initiative = self.get_queryset().detail(slug=slug)
        else:
            initiative = cached_for_catalogue(
                f"initiative-detail:{slug}",
                lambda: self.get_queryset().detail(slug=slug),
            )
        if initiative is None:
            raise Http404(_("There is no published initiative at this address."))
        return initiative

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        initiative = self.object
        is_staff = self.request.user.is_staff

        def visible(other):
            return is_staff or other.publication_state in PUBLIC_PAGE_STATES

        context.update(
            {
                "is_draft": initiative.publication_state == DRAFT,
                "is_archived": initiative.publication_state == ARCHIVED,
                "objective_groups": group_objectives(initiative.objective_list),
                "theme_groups": group_by_top_term(initiative.theme_list),
                "priority_groups": group_by_top_term(initiative.priority_list),
                "role_groups": group_by_role(
                    initiative.role_list, item=lambda role: role
                ),
                "relations_out": [
                    relation
                    for relation in initiative.relations_out
                    if visible(relation.to_initiative)
                ],
                "relations_in": [
                    relation
                    for relation in initiative.relations_in
                    if visible(relation.from_initiative)
                ],
            }
        )
        return context


# --- Countries -----------------------------------------------------------------


class CountryListView(ListView):
    """Every country with its number of published initiatives (regions count)."""

    template_name = "initiatives/country_list.html"
    context_object_name = "countries"

    def get_queryset(self):
        return with_counts(Country.objects.all(), published_country_counts())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        countries = list(context["countries"])
        context.update(
            {
                "map_counts": {c.code: c.initiative_count for c in countries},
                "map_names": {c.code: c.name for c in countries},
                "country_groups": [
                    Group(
                        _("EU member states"),
                        [c for c in countries if c.is_eu_member],
                    ),
                    Group(
                        _("Other European countries"),
                        [c for c in countries if not c.is_eu_member],
                    ),
                ],
            }
        )
        return context


class CountryDetailView(InitiativeListView):
    """One country's initiatives: the catalogue with ``?country=<code>`` fixed.

    The same queryset and FilterSet as the catalogue, so the count here is the
    count of ``/initiatives/?country=be``; the other filters still work.
    """

    template_name = "initiatives/country_detail.html"
    show_country_filter = False

    def get(self, request, *args, **kwargs):
        code = kwargs["code"]
        if not ISO_CODE.fullmatch(code):
            # Not even shaped like a code (and "%00" must not reach PostgreSQL).
            raise Http404(_("There is no country with this code."))
        if code != code.lower():
            url = reverse("initiatives:country-detail", args=[code.lower()])
            if request.GET:
                url = f"{url}?{request.GET.urlencode()}"
            return HttpResponsePermanentRedirect(url)
        self.country = get_object_or_404(Country, code=code.upper())
        return super().get(request, *args, **kwargs)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = self.request.GET.copy()
        data.setlist("country", [self.country.code.lower()])
        kwargs["data"] = data
        return kwargs

    def get_filter_query(self):
        query = super().get_filter_query()
        query.pop("country", None)
        return query

    def get_sections(self):
        """The strategies, EU-wide initiatives and organisations shown.

        Not filtered: a country page always shows its strategies and what
        serves it from the European level, whatever the filters below say.
        The first few of each, with a link to all of them. They depend on the
        catalogue only, so they are cached until it changes.
        """
        published = Initiative.objects.published()
        strategies = (
            published.in_countries([self.country])
            .strategies()
            .for_listing()
            .order_by(F("year_start").desc(nulls_last=True), "title", "pk")
        )
        european = published.european().for_listing().newest_first()
        organisations = self.country.organisations.select_related("region")
        return {
            "strategies": first_of(strategies, COUNTRY_PAGE_CARDS),
            "european_initiatives": first_of(european, COUNTRY_PAGE_CARDS),
            "organisations": first_of(organisations, COUNTRY_PAGE_ORGANISATIONS),
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.country.code.lower()
        catalogue = reverse("initiatives:initiative-list")
        strategies = QueryDict(mutable=True)
        strategies.setlist("country", [code])
        strategies.setlist("kind", ["policy", "legislation"])
        strategies.setlist("scope", ["national", "regional"])
        context.update(
            cached_for_catalogue(f"country-page:{self.country.pk}", self.get_sections)
        )
        context.update(
            {
                "country": self.country,
                "regions": self.country.regions.all(),
                "strategies_url": f"{catalogue}?{strategies.urlencode()}",
                "european_url": f"{catalogue}?scope=european",
                "organisations_url": (
                    f"{reverse('initiatives:organisation-list')}?country={code}"
                ),
            }
        )
        return context


# --- Organisations -------------------------------------------------------------


class OrganisationListView(ForgivingPaginationMixin, ListView):
    """Organisations with how many published initiatives each has a role in."""

    template_name = "initiatives/organisation_list.html"
    context_object_name = "organisations"
    paginate_by = 50
    max_query_length = 200

    def get_search(self):
        """The `q` parameter, trimmed; overlong input is cut, never an error."""
        # PostgreSQL refuses NUL characters in a query parameter.
        raw = self.request.GET.get("q", "").replace("\x00", "")
        return " ".join(raw.split())[: self.max_query_length]

    def get_country(self):
        """The `country` parameter's country; None, with a notice, if unknown."""
        code = self.request.GET.get("country", "").strip()
        if not code:
            return None
        country = None
        if ISO_CODE.fullmatch(code):
            country = Country.objects.filter(code=code.upper()).first()
        if country is None:
            self.country_notice = _(
                "“%(code)s” is not a country code we know, so every country is shown."
            ) % {"code": code[:20]}
        return country

    def get(self, request, *args, **kwargs):
        self.country_notice = ""
        self.country = self.get_country()
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        organisations = Organisation.objects.select_related("country")
        if self.country:
            organisations = organisations.filter(country=self.country)
        search = self.get_search()
        if search:
            organisations = organisations.filter(
                Q(name__icontains=search) | Q(acronym__icontains=search)
            )
        return organisations

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Counted for this page's organisations only, in one query.
        context["organisations"] = organisations_with_counts(
            context["organisations"], Initiative.objects.published()
        )
        search = self.get_search()
        # What pagination links keep: the country and the search, cleaned.
        query = QueryDict(mutable=True)
        if self.country:
            query["country"] = self.country.code.lower()
        if search:
            query["q"] = search
        context.update(
            {
                "search": search,
                "query": query,
                "country": self.country,
                "country_notice": self.country_notice,
            }
        )
        return context


class OrganisationDetailView(DetailView):
    """An organisation and its published initiatives, grouped by its role."""

    template_name = "initiatives/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.select_related("country", "region")

    # What the organisation does, as a heading over the initiatives it does it
    # for; in the order roles are declared.
    ROLE_HEADINGS = {
        InitiativeOrganisation.Role.LEAD: _lazy("Leads or organises"),
        InitiativeOrganisation.Role.AUTHOR: _lazy("Author or source of"),
        InitiativeOrganisation.Role.RESPONSIBLE: _lazy("Responsible for"),
        InitiativeOrganisation.Role.PARTNER: _lazy("Partner in"),
        InitiativeOrganisation.Role.FUNDER: _lazy("Funds"),
        InitiativeOrganisation.Role.HOST: _lazy("Hosts"),
    }

    def get_role_groups(self):
        """Published initiatives under what the organisation does for them.

        "Funds" joins two sources: funder roles and funding rows that name the
        organisation as funder (the source may record one without the other).
        Each group has its `total` and shows the first ORGANISATION_PAGE_CARDS
        by title. One query per source (initiative numbers and titles only) and
        one for the initiatives shown, however many there are.
        """
        published = Initiative.objects.published()
        links = set(
            self.object.initiative_roles.filter(initiative__in=published).values_list(
                "initiative_id", "role", "initiative__title"
            )
        )
        links |= {
            (pk, InitiativeOrganisation.Role.FUNDER, title)
            for pk, title in Funding.objects.filter(
                funder=self.object, initiative__in=published
            ).values_list("initiative_id", "initiative__title")
        }
        by_role = {}
        for pk, role, title in links:
            by_role.setdefault(role, set()).add((title, pk))
        shown = {
            role: [pk for _title, pk in sorted(titled)[:ORGANISATION_PAGE_CARDS]]
            for role, titled in by_role.items()
        }
        initiatives = published.for_listing().in_bulk(
            {pk for pks in shown.values() for pk in pks}
        )
        return [
            Group(
                heading,
                [initiatives[pk] for pk in shown[role]],
                total=len(by_role[role]),
            )
            for role, heading in self.ROLE_HEADINGS.items()
            if role in by_role
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["role_groups"] = self.get_role_groups()
        return context


# --- Home ----------------------------------------------------------------------


def home_counts():
    """The home page's counts: {level pk: n} and totals."""
    published = Initiative.objects.published()
    return {
        "levels": term_counts(published, "education_levels"),
        "initiatives": published.count(),
        "organisations": Organisation.objects.count(),
    }


def home(request):
    """Browse by country and by education level, the latest initiatives, totals.

    The counts are cached until the catalogue changes (they count all of it).
    """
    published = Initiative.objects.published()
    counts = cached_for_catalogue("home", home_counts)
    every_country = with_counts(Country.objects.all(), published_country_counts())
    countries = [country for country in every_country if country.initiative_count]
    levels = [
        group
        for group in term_tree(
            with_counts(EducationLevel.objects.all(), counts["levels"])
        )
        if group.heading.initiative_count
    ]
    for group in levels:
        group.items = [level for level in group.items if level.initiative_count]
    context = {
        "countries": countries,
        "top_countries": sorted(
            countries, key=lambda country: (-country.initiative_count, country.name)
        )[:TOP_COUNTRIES_ON_HOME],
        "map_counts": {c.code: c.initiative_count for c in every_country},
        "map_names": {c.code: c.name for c in every_country},
        "level_groups": levels,
        "latest": published.for_listing().newest_first()[:LATEST_ON_HOME],
        "total_initiatives": counts["initiatives"],
        "total_countries": len(countries),
        "total_organisations": counts["organisations"],
    }
    return render(request, "initiatives/home.html", context)
