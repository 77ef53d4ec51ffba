"""The catalogue's filter language: one FilterSet for pages, facets and exports.

Parameters carry codes and slugs (``?country=be&education_level=secondary``).
Repeating a parameter selects several values (OR); different parameters narrow
each other (AND). The parameters are DESIGN.md's URL contract: `q` (text
search, see search.py), `country`, the vocabularies `education_level`,
`target_group`, `theme` and `priority` (a parent term also finds its
sub-terms), `kind`, `status`, `scope` (``european`` finds the EU-wide
initiatives), `organisation` (any role), `year_from` and `year_to` (the
initiative's years overlap them; see `InitiativeQuerySet.active_from`), and
`sort`.

A value that is not understood never empties the page and never hides the
rest of the query: `InitiativeFilter` checks every value on its own, sets the
ones it does not understand aside in `rejected` (and reports them as form
errors), and filters by the others.
"""

from dataclasses import dataclass

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from .models import (
    Country,
    EducationLevel,
    EuropeanPriority,
    Initiative,
    Organisation,
    TargetGroup,
    ThematicCategory,
)


@dataclass(frozen=True)
class Rejected:
    """A value of a query parameter that the filter did not understand."""

    parameter: str
    value: str
    message: str


class CountryCodeField(ModelMultipleChoiceField):
    """Country codes in any case: ``be`` and ``BE`` both mean Belgium.

    Codes are stored in capitals (ISO 3166-1) but the URLs use lower case.
    """

    def clean(self, value):
        if value and not isinstance(value, str):
            value = [code.upper() if isinstance(code, str) else code for code in value]
        return super().clean(value)


class CountryFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CountryCodeField


class SortFilter(django_filters.OrderingFilter):
    """The sort orders we offer, each a complete and stable ordering.

    Every order ends with a tie-breaker so that pagination never shows an
    initiative twice or skips one. Initiatives without a start year go last
    on every database (PostgreSQL would put NULLs first when descending).

    The filter itself only validates the choice: `InitiativeFilter` sorts
    last, since the default (and `relevance`) depends on whether there is a
    text search.
    """

    orderings = {
        "relevance": [F("search_rank").desc(), "title", "pk"],
        "title": ["title", "pk"],
        "-year_start": [F("year_start").desc(nulls_last=True), "title", "pk"],
        "-updated": ["-updated", "pk"],
    }

    def filter(self, qs, value):
        return qs


class SearchFilter(django_filters.CharFilter):
    """Text search; a query longer than `max_length` is cut, with a notice."""

    max_length = 200

    def filter(self, qs, value):
        return qs.search(value) if value else qs


class YearFilter(django_filters.Filter):
    """A year, bounded so that no crafted number reaches the database."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1000)
        kwargs.setdefault("max_value", 9999)
        kwargs.setdefault(
            "error_messages",
            {
                "invalid": _("“%(value)s” is not a year."),
                "min_value": _("“%(value)s” is not a year."),
                "max_value": _("“%(value)s” is not a year."),
            },
        )
        super().__init__(*args, **kwargs)


class InitiativeFilter(django_filters.FilterSet):
    q = SearchFilter(label=_("Search"))
    country = CountryFilter(
        label=_("Country"),
        queryset=Country.objects.all(),
        to_field_name="code",
        method="filter_country",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a country code we know.")
        },
    )
    education_level = django_filters.ModelMultipleChoiceFilter(
        label=_("Education level"),
        queryset=EducationLevel.objects.all(),
        to_field_name="slug",
        method="filter_terms",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not an education level we know.")
        },
    )
    target_group = django_filters.ModelMultipleChoiceFilter(
        label=_("Target group"),
        queryset=TargetGroup.objects.all(),
        to_field_name="slug",
        method="filter_terms",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a target group we know.")
        },
    )
    theme = django_filters.ModelMultipleChoiceFilter(
        label=_("Theme"),
        queryset=ThematicCategory.objects.all(),
        to_field_name="slug",
        method="filter_terms",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a theme we know.")},
    )
    priority = django_filters.ModelMultipleChoiceFilter(
        label=_("European priority"),
        queryset=EuropeanPriority.objects.all(),
        to_field_name="slug",
        method="filter_terms",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a European priority we know.")
        },
    )
    kind = django_filters.MultipleChoiceFilter(
        label=_("Kind"),
        choices=Initiative.Kind.choices,
        method="filter_choices",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not a kind of initiative we know.")
        },
    )
    status = django_filters.MultipleChoiceFilter(
        label=_("Status"),
        choices=Initiative.Status.choices,
        method="filter_choices",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a status we know.")},
    )
    scope = django_filters.MultipleChoiceFilter(
        label=_("Scope"),
        choices=Initiative.Scope.choices,
        method="filter_choices",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("“%(value)s” is not a scope we know.")},
    )
    organisation = django_filters.ModelMultipleChoiceFilter(
        label=_("Organisation"),
        queryset=Organisation.objects.all(),
        to_field_name="slug",
        method="filter_organisation",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not an organisation we know.")
        },
    )
    year_from = YearFilter(label=_("From year"), method="filter_year_from")
    year_to = YearFilter(label=_("To year"), method="filter_year_to")
    sort = SortFilter(
        label=_("Sort by"),
        choices=[
            ("relevance", _("Relevance")),
            ("title", _("Title (A–Z)")),
            ("-year_start", _("Start year (newest first)")),
            ("-updated", _("Recently updated")),
        ],
        empty_label=_("Title (A–Z)"),
        error_messages={
            "invalid_choice": _("“%(value)s” is not a sort order we offer.")
        },
    )

    # Vocabulary parameters and the relation each filters on.
    TERM_RELATIONS = {
        "education_level": "education_levels",
        "target_group": "target_groups",
        "theme": "themes",
        "priority": "priorities",
    }

    # Values a repeatable parameter may take at once. Far more than any real
    # query; it bounds the lookups a crafted URL full of wrong values costs.
    max_values = 100

    class Meta:
        model = Initiative
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        # Always bound, so that an empty query is sorted like any other.
        data = QueryDict() if data is None else data
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.data, self.rejected = self.set_aside_values_not_understood(self.data)

    # --- Filters -------------------------------------------------------------

    # extend_schema_field tells the API schema each parameter's type, which
    # drf-spectacular cannot guess from a method filter (check --deploy warned).

    # A method filter gets the field's cleaned value even when nothing was
    # chosen (an empty queryset or list). The form has already evaluated
    # querysets, so the emptiness test costs no query.

    @extend_schema_field(OpenApiTypes.STR)
    def filter_country(self, queryset, name, countries):
        """Initiatives linked to the country directly or through a region."""
        return queryset.in_countries(countries) if countries else queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_terms(self, queryset, name, terms):
        """A parent term (a broad level, a category, a framework, a group of
        target groups) also finds the terms under it."""
        if not terms:
            return queryset
        return queryset.tagged_with(self.TERM_RELATIONS[name], terms)

    def filter_choices(self, queryset, name, values):
        return queryset.filter(**{f"{name}__in": values}) if values else queryset

    @extend_schema_field(OpenApiTypes.STR)
    def filter_organisation(self, queryset, name, organisations):
        """Initiatives in which the organisation has any role."""
        return queryset.with_organisations(organisations) if organisations else queryset

    @extend_schema_field(OpenApiTypes.INT)
    def filter_year_from(self, queryset, name, year):
        return queryset if year is None else queryset.active_from(year)

    @extend_schema_field(OpenApiTypes.INT)
    def filter_year_to(self, queryset, name, year):
        return queryset if year is None else queryset.active_until(year)

    def filter_queryset(self, queryset):
        return self.order(self.apply_filters(queryset))

    def apply_filters(self, queryset, exclude=(), for_counting=False):
        """`queryset` narrowed by every parameter but those in `exclude`.

        `for_counting`: the text search is applied through the keys it
        matched (see `search_keys`), computed once, rather than searching
        again in every facet's query.
        """
        for name, value in self.form.cleaned_data.items():
            if name == "sort" or name in exclude:
                continue
            if name == "q" and value and for_counting:
                keys = self.search_keys(value)
                if keys is not None:
                    queryset = queryset.filter(pk__in=keys)
                    continue
            queryset = self.filters[name].filter(queryset, value)
        return queryset

    # Up to this many matches, facets reuse the search's keys as a list.
    max_search_keys = 5000

    def search_keys(self, text):
        """The keys of every initiative the text search finds (one query).

        None when there are more than `max_search_keys`: the facets then
        search again, in a subquery, rather than send a huge list.
        """
        if not hasattr(self, "_search_keys"):
            keys = list(
                self.queryset.model.objects.search(text)
                .order_by()
                .values_list("pk", flat=True)[: self.max_search_keys + 1]
            )
            self._search_keys = keys if len(keys) <= self.max_search_keys else None
        return self._search_keys

    def order(self, queryset):
        return queryset.order_by(*SortFilter.orderings[self.sort_order])

    @property
    def cleaned_data(self):
        """The understood values (the form reports the others as errors)."""
        self.form.is_valid()
        return self.form.cleaned_data

    @property
    def is_searching(self):
        return bool(self.cleaned_data.get("q"))

    @property
    def sort_order(self):
        """The order in use: the one asked for, else relevance when searching.

        Relevance without a search has nothing to rank, so it sorts by title.
        """
        chosen = self.cleaned_data.get("sort")
        order = chosen[0] if chosen else ""
        if order not in SortFilter.orderings:
            order = "relevance" if self.is_searching else "title"
        if order == "relevance" and not self.is_searching:
            order = "title"
        return order

    def without(self, *names):
        """The filtered queryset without the parameters `names`, unsorted.

        Facets count over it: how many results a choice of a parameter would
        give next to the other filters.
        """
        self.form.is_valid()
        return self.apply_filters(
            self.queryset.all(), exclude=names, for_counting=True
        ).order_by()

    # --- Values that are not understood --------------------------------------

    def set_aside_values_not_understood(self, data):
        """Return (the query without the values no filter understands, rejected).

        Each value of a repeatable parameter is checked on its own, so
        ``?country=be&country=zz`` still filters by Belgium. Parameters that
        are not filters (``page``) are kept as they are.
        """
        understood = data.copy()
        rejected = []
        for name, filter_ in self.filters.items():
            key = f"{self.form_prefix}-{name}" if self.form_prefix else name
            if key not in data:
                continue
            field = filter_.field
            if isinstance(
                field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField
            ):
                # Distinct values, in order; "" means nothing chosen.
                values = list(dict.fromkeys(v for v in data.getlist(key) if v != ""))
                if len(values) > self.max_values:
                    message = _(
                        "Only the first %(max)d values of “%(parameter)s” are used."
                    ) % {"max": self.max_values, "parameter": key}
                    rejected.append(Rejected(key, "", message))
                    values = values[: self.max_values]
                try:
                    field.clean(values)
                except ValidationError:
                    kept = []
                    for value in values:
                        try:
                            field.clean([value])
                        except ValidationError as error:
                            rejected.append(self._rejected(key, value, error))
                        else:
                            kept.append(value)
                    values = kept
                understood.setlist(key, values)
            else:
                value = field.widget.value_from_datadict(data, {}, key)
                limit = getattr(filter_, "max_length", None)
                if limit and isinstance(value, str) and len(value) > limit:
                    value = value[:limit]
                    understood[key] = value
                    message = _(
                        "“%(parameter)s” is long, so only its first %(max)d "
                        "characters are used."
                    ) % {"parameter": key, "max": limit}
                    rejected.append(Rejected(key, "", message))
                try:
                    field.clean(value)
                except ValidationError as error:
                    rejected.append(self._rejected(key, data.get(key), error))
                    del understood[key]
        return understood, rejected

    @staticmethod
    def _rejected(parameter, value, error):
        messages = []
        for item in error.error_list:
            # Name the value as the reader typed it ("zz", not "ZZ").
            params = {**(item.params or {}), "value": value}
            messages.append(str(item.message) % params)
        return Rejected(parameter, value, " ".join(messages))

    def get_form_class(self):
        """The form reports set-aside values as errors, keeping the rest.

        They are non-field errors, so `cleaned_data` still holds the values
        that were understood and `qs` filters by them (the views use
        ``strict = False``).
        """
        rejected = self.rejected

        class InitiativeFilterForm(super().get_form_class()):
            def clean(self):
                cleaned_data = super().clean()
                for item in rejected:
                    self.add_error(None, ValidationError(item.message, code="unknown"))
                return cleaned_data

        return InitiativeFilterForm

    # --- What the page shows -------------------------------------------------

    def selected(self, name):
        """The understood values of a parameter, as the query gives them."""
        key = f"{self.form_prefix}-{name}" if self.form_prefix else name
        return self.data.getlist(key) if self.is_bound else []
