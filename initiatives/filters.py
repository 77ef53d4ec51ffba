"""The catalogue's filter language: one FilterSet for pages, facets and exports.

Parameters carry codes and slugs (``?country=be&education_level=secondary``).
Repeating a parameter selects several values (OR); different parameters narrow
each other (AND).

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
from django.utils.translation import gettext_lazy as _
from django_filters.fields import ModelMultipleChoiceField

from .models import Country, EducationLevel, Initiative


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
    """

    orderings = {
        "title": ["title", "pk"],
        "-year_start": [F("year_start").desc(nulls_last=True), "title", "pk"],
        "-updated": ["-updated", "pk"],
    }

    def filter(self, qs, value):
        if not value:
            return qs
        ordering = []
        for param in value:
            for expression in self.orderings.get(param, []):
                if expression not in ordering:
                    ordering.append(expression)
        return qs.order_by(*ordering) if ordering else qs


class InitiativeFilter(django_filters.FilterSet):
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
        method="filter_education_level",
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": _("“%(value)s” is not an education level we know.")
        },
    )
    sort = SortFilter(
        label=_("Sort by"),
        choices=[
            ("title", _("Title (A–Z)")),
            ("-year_start", _("Start year (newest first)")),
            ("-updated", _("Recently updated")),
        ],
        empty_label=_("Title (A–Z)"),
        error_messages={
            "invalid_choice": _("“%(value)s” is not a sort order we offer.")
        },
    )

    # Values a repeatable parameter may take at once. Far more than any real
    # query; it bounds the lookups a crafted URL full of wrong values costs.
    max_values = 100

    class Meta:
        model = Initiative
        fields = []

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(data, queryset, request=request, prefix=prefix)
        self.rejected = []
        if self.is_bound:
            self.data, self.rejected = self.set_aside_values_not_understood(self.data)

    # --- Filters -------------------------------------------------------------

    # A method filter gets the field's cleaned value even when nothing was
    # chosen (an empty queryset). The form has already evaluated it, so the
    # emptiness test costs no query.

    def filter_country(self, queryset, name, countries):
        """Initiatives linked to the country directly or through a region."""
        return queryset.in_countries(countries) if countries else queryset

    def filter_education_level(self, queryset, name, levels):
        """A broad level ("Secondary education") also finds its sub-levels."""
        return queryset.at_education_levels(levels) if levels else queryset

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
