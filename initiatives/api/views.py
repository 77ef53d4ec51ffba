"""Read-only viewsets of the open-data API.

Every viewset starts from published initiatives, through the model's queryset
methods (`published()`, `for_listing()`, `detail()`), and adds only the
prefetches its serializer needs on top, so a page costs the same number of
queries at any page size.
"""

from math import ceil

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_slug
from django.db.models import (
    Prefetch,
)
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.generic import TemplateView
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, viewsets
from rest_framework import views as drf_views
from rest_framework.response import Response
from rest_framework.settings import api_settings

from ..exports import COLUMNS, not_understood
from ..facets import (
    cached_for_query,
    organisations_with_counts,
    published_country_counts,
    terms_with_counts,
    with_counts,
)
from ..filters import InitiativeFilter
from ..models import (
    Country,
    EducationLevel,
    EuropeanPriority,
    Initiative,
    InitiativeOrganisation,
    Organisation,
    TargetGroup,
    ThematicCategory,
)
from . import serializers
from .pagination import OrganisationPagination, PageNumberPagination

# --- Errors -------------------------------------------------------------------


def exception_handler(exc, context):
    """DRF's handler, with one shape for every error body.

    ``{"detail": "<a sentence>", "errors": [{"parameter", "value", "message"}]}``
    where `errors` names the query parameters at fault, and a 429 says how
    long to wait (`retry_after`, also in the Retry-After header).
    """
    response = drf_views.exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.Throttled):
        wait = ceil(exc.wait) if exc.wait is not None else None
        rate = api_settings.DEFAULT_THROTTLE_RATES.get("anon")
        detail = _(
            "Too many requests: anonymous clients may make %(rate)s requests."
        ) % {"rate": rate}
        if wait is not None:
            detail += " " + _("Try again in %(wait)s seconds.") % {"wait": wait}
        response.data = {"detail": detail, "retry_after": wait}
    elif isinstance(response.data, list):
        response.data = {"detail": " ".join(str(item) for item in response.data)}
    elif "detail" not in response.data:
        # A ValidationError keyed by field, from DRF or django-filter.
        errors = [
            {"parameter": name, "value": "", "message": str(message)}
            for name, messages in response.data.items()
            for message in (messages if isinstance(messages, list) else [messages])
        ]
        response.data = {
            "detail": " ".join(error["message"] for error in errors),
            "errors": errors,
        }
    return response


class InitiativeFilterBackend(DjangoFilterBackend):
    """django-filter's backend, answering values not understood with a 400.

    `InitiativeFilter` sets such values aside so that the HTML page can show
    the rest and say what it did not understand. A program asking for
    ``country=zz`` should rather be told than get a different list: every
    value set aside becomes an error naming its parameter and value.
    """

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        problems = not_understood(filterset)
        if problems:
            raise exceptions.ValidationError(
                {
                    "detail": " ".join(problem.message for problem in problems),
                    "errors": [
                        {
                            "parameter": problem.parameter,
                            "value": problem.value,
                            "message": problem.message,
                        }
                        for problem in problems
                    ],
                }
            )
        # The paginator takes the number of results from the cache.
        view.result_count = lambda: cached_for_query(
            filterset, True, "count", filterset.qs.count
        )
        return filterset.qs


def checked_slug(value):
    """A lookup value that is not a slug cannot match: 404 before any query.

    (PostgreSQL refuses strings with NUL characters with an error, not a miss.)
    """
    try:
        validate_slug(value)
    except DjangoValidationError:
        raise Http404 from None
    return value


ERRORS = {
    404: serializers.ErrorSerializer,
    429: serializers.ErrorSerializer,
}
LIST_ERRORS = {
    400: serializers.ErrorSerializer,
    **ERRORS,
}


# --- Counts of published initiatives per vocabulary term -------------------------


class CountedMixin:
    """Items that carry `initiative_count`, their number of published initiatives.

    Counted once the items are picked (a page, one object), in one grouped
    query over those items only, by `count_initiatives(items, published)`.
    """

    def count_initiatives(self, items, published):
        raise NotImplementedError

    def get_serializer(self, *args, **kwargs):
        if args and args[0] is not None:
            many = kwargs.get("many", False)
            items = list(args[0]) if many else [args[0]]
            self.count_initiatives(items, Initiative.objects.published())
            args = (items if many else args[0], *args[1:])
        return super().get_serializer(*args, **kwargs)


# --- Initiatives ---------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Published initiatives, filtered",
        description=(
            "The catalogue as on `/initiatives/`: the same query parameters "
            "(repeat one for several values: OR within a parameter, AND across "
            "parameters) and the same order and pages. A value that is not "
            "understood is a 400 naming it."
        ),
        responses={200: serializers.InitiativeListSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One published initiative, every field",
        responses={200: serializers.InitiativeDetailSerializer, **ERRORS},
    ),
)
class InitiativeViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    filter_backends = [InitiativeFilterBackend]
    filterset_class = InitiativeFilter
    pagination_class = PageNumberPagination

    def get_queryset(self):
        published = Initiative.objects.published()
        if self.action == "retrieve":
            return published
        return published.for_listing().prefetch_related(
            Prefetch("target_groups", to_attr="target_group_list"),
            Prefetch("themes", to_attr="theme_list"),
            Prefetch("priorities", to_attr="priority_list"),
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.InitiativeDetailSerializer
        return serializers.InitiativeListSerializer

    def filter_queryset(self, queryset):
        if self.action == "retrieve":
            return queryset
        return super().filter_queryset(queryset)

    def get_object(self):
        initiative = self.get_queryset().detail(slug=checked_slug(self.kwargs["slug"]))
        if initiative is None:
            raise Http404
        return initiative


# --- Countries and organisations -----------------------------------------------


@extend_schema_view(
    list=extend_schema(
        summary="Countries with their number of published initiatives",
        responses={200: serializers.CountrySerializer(many=True), 429: ERRORS[429]},
    ),
    retrieve=extend_schema(
        summary="One country",
        responses={200: serializers.CountrySerializer, **ERRORS},
    ),
)
class CountryViewSet(CountedMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = serializers.CountrySerializer
    pagination_class = None
    lookup_field = "code"
    lookup_value_regex = "[^/]+"

    def get_queryset(self):
        return Country.objects.prefetch_related("regions")

    def count_initiatives(self, items, published):
        with_counts(items, published_country_counts())

    def get_object(self):
        code = self.kwargs["code"]
        if len(code) != 2 or not code.isascii() or not code.isalpha():
            raise Http404
        return get_object_or_404(self.get_queryset(), code=code.upper())


@extend_schema_view(
    list=extend_schema(
        summary="Organisations with their number of published initiatives",
        responses={200: serializers.OrganisationSerializer(many=True), **LIST_ERRORS},
    ),
    retrieve=extend_schema(
        summary="One organisation and its roles in published initiatives",
        responses={200: serializers.OrganisationDetailSerializer, **ERRORS},
    ),
)
class OrganisationViewSet(CountedMixin, viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    pagination_class = OrganisationPagination

    def count_initiatives(self, items, published):
        organisations_with_counts(items, published)

    def get_queryset(self):
        queryset = Organisation.objects.select_related("country", "region")
        if self.action == "retrieve":
            roles = (
                InitiativeOrganisation.objects.filter(
                    initiative__in=Initiative.objects.published()
                )
                .select_related("initiative")
                .order_by("initiative__title", "initiative__pk", "role")
            )
            queryset = queryset.prefetch_related(
                Prefetch("initiative_roles", queryset=roles, to_attr="published_roles")
            )
        return queryset

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.OrganisationDetailSerializer
        return serializers.OrganisationSerializer

    def get_object(self):
        slug = checked_slug(self.kwargs["slug"])
        return get_object_or_404(self.get_queryset(), slug=slug)


# --- Vocabularies --------------------------------------------------------------


class VocabularyViewSet(CountedMixin, viewsets.ReadOnlyModelViewSet):
    """A vocabulary in its order, with counts of published initiatives."""

    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    pagination_class = None
    relation = None  # the vocabulary's many-to-many field on Initiative

    def count_initiatives(self, items, published):
        terms_with_counts(items, self.relation, published)

    def get_object(self):
        slug = checked_slug(self.kwargs["slug"])
        return get_object_or_404(self.get_queryset(), slug=slug)


def vocabulary_viewset(model, relation, serializer_class, name):
    """A VocabularyViewSet for one vocabulary, documented for the schema."""

    def get_queryset(self):
        return model.objects.select_related("parent")

    viewset = type(
        f"{model.__name__}ViewSet",
        (VocabularyViewSet,),
        {
            "get_queryset": get_queryset,
            "relation": relation,
            "serializer_class": serializer_class,
            "__doc__": f"The {name} vocabulary.",
        },
    )
    return extend_schema_view(
        list=extend_schema(
            summary=f"{name.capitalize()}, in order, with counts",
            responses={200: serializer_class(many=True), 429: ERRORS[429]},
        ),
        retrieve=extend_schema(
            summary=f"One {name[:-1] if name.endswith('s') else name} term",
            responses={200: serializer_class, **ERRORS},
        ),
    )(viewset)


EducationLevelViewSet = vocabulary_viewset(
    EducationLevel,
    "education_levels",
    serializers.EducationLevelSerializer,
    "education levels",
)
TargetGroupViewSet = vocabulary_viewset(
    TargetGroup, "target_groups", serializers.TargetGroupSerializer, "target groups"
)
ThemeViewSet = vocabulary_viewset(
    ThematicCategory, "themes", serializers.ThematicCategorySerializer, "themes"
)
PriorityViewSet = vocabulary_viewset(
    EuropeanPriority,
    "priorities",
    serializers.EuropeanPrioritySerializer,
    "European priorities",
)


# --- The API's front door and its human documentation ----------------------------


ENDPOINTS = [
    ("initiatives", "api:initiative-list"),
    ("countries", "api:country-list"),
    ("organisations", "api:organisation-list"),
    ("education_levels", "api:educationlevel-list"),
    ("target_groups", "api:targetgroup-list"),
    ("themes", "api:theme-list"),
    ("priorities", "api:priority-list"),
    ("schema", "api:schema"),
    ("docs", "api:docs"),
]


class ApiRootView(drf_views.APIView):
    """Where everything is: the endpoints, the schema, the docs, exports, feeds."""

    schema = None  # Not an operation of the API: left out of the schema.

    def get(self, request):
        links = {
            name: request.build_absolute_uri(reverse(url_name))
            for name, url_name in ENDPOINTS
        }
        for name, url_name in [
            ("export_csv", "initiatives:initiative-export-csv"),
            ("export_json", "initiatives:initiative-export-json"),
            ("feed_rss", "initiatives:initiative-feed"),
            ("feed_atom", "initiatives:initiative-feed-atom"),
        ]:
            links[name] = request.build_absolute_uri(reverse(url_name))
        return Response(links)


def api_not_found(request, *args, **kwargs):
    """Any other address under /api/: a JSON 404, like the API's own."""
    return JsonResponse({"detail": _("Not found.")}, status=404)


class ApiDocsView(TemplateView):
    """The human documentation of the open data: API, exports and feeds."""

    template_name = "api/docs.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["parameters"] = [
            (name, filter_.label)
            for name, filter_ in InitiativeFilter.base_filters.items()
        ]
        context["columns"] = COLUMNS
        return context
