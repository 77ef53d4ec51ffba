"""Page-number pagination that answers a bad `page` with a clear JSON error."""

from functools import partial

from django.core.paginator import Paginator
from django.utils.translation import gettext as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError


def parameter_error(detail, parameter, value, message):
    return {
        "detail": detail,
        "errors": [{"parameter": parameter, "value": value, "message": message}],
    }


class CountedPaginator(Paginator):
    """A paginator given its number of objects (counted and cached before)."""

    def __init__(self, object_list, per_page, *, count, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count = count


class PageNumberPagination(pagination.PageNumberPagination):
    """`?page=2` as on the HTML pages, and the same page size as the catalogue.

    `page` that is not a number is a bad request (400); a page past the last
    one does not exist (404). Both answer JSON that names the parameter.
    `page_size` (up to 100) lets a client ask for larger pages. A view with
    a `result_count()` (set by InitiativeFilterBackend) gives the count, from
    the cache, instead of a COUNT over the results.
    """

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def paginate_queryset(self, queryset, request, view=None):
        result_count = getattr(view, "result_count", None)
        if result_count is not None:
            self.django_paginator_class = partial(
                CountedPaginator, count=result_count()
            )
        raw = request.query_params.get(self.page_query_param, "")
        if raw not in ("", *self.last_page_strings):
            try:
                number = int(raw)
            except ValueError:
                message = _("“%(value)s” is not a page number.") % {"value": raw}
                raise ValidationError(
                    parameter_error(message, self.page_query_param, raw, message)
                ) from None
            if number < 1:
                message = _("Pages are numbered from 1.")
                raise ValidationError(
                    parameter_error(message, self.page_query_param, raw, message)
                )
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            # Only InvalidPage leads here: a number past the last page.
            message = _("There is no page %(value)s: the last page is %(last)s.") % {
                "value": raw,
                "last": self.last_page_number(queryset, request),
            }
            raise NotFound(
                parameter_error(message, self.page_query_param, raw, message)
            ) from None

    def last_page_number(self, queryset, request):
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        return paginator.num_pages


class OrganisationPagination(PageNumberPagination):
    """The page size of the /organisations/ page."""

    page_size = 50
