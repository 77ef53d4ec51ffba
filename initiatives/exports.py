"""Exports of any filtered list of initiatives: CSV and JSON, streamed.

``/initiatives/export.csv?<parameters>`` and ``/initiatives/export.json?...``
take the parameters of ``/initiatives/`` (through `InitiativeFilter`, so every
parameter the catalogue learns, exports learn too) and answer every matching
published initiative, one row each, in the order the catalogue shows them.
``page`` is ignored: an export is the whole list.

Rows are written while the database is read, chunk by chunk
(``iterator(chunk_size=...)`` with the prefetches done per chunk), so memory
stays flat however large the catalogue grows.

The column names are a contract, documented in the README ("Open data"):
add columns at the end, never rename or remove one.

This module also holds `filter_initiatives`, the strict use of the FilterSet
that the API, the exports and the feeds share: where the HTML page sets a
value it does not understand aside and says so, a machine client gets an
error naming it, not a silently different list.
"""

import csv
import json
from dataclasses import dataclass

from django.db.models import Prefetch
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from .filters import InitiativeFilter
from .models import Initiative, InitiativeOrganisation

CHUNK_SIZE = 500
SEPARATOR = "; "


# --- The filter, strictly ------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """A query value that was not understood. `parameter` is None for a rule
    across parameters (no single one is at fault)."""

    parameter: str | None
    value: str
    message: str


def not_understood(filterset):
    """Every value of the query that `filterset` did not understand.

    `InitiativeFilter` sets such values aside in `rejected` and reports them
    as form errors; any other form error is reported too.
    """
    problems = [
        Problem(item.parameter, item.value, item.message)
        for item in getattr(filterset, "rejected", [])
    ]
    if filterset.is_bound and not filterset.is_valid():
        known = {problem.message for problem in problems}
        for name, messages in filterset.form.errors.items():
            parameter = None if name == "__all__" else name
            value = "" if parameter is None else ", ".join(filterset.data.getlist(name))
            for message in messages:
                if message not in known:
                    problems.append(Problem(parameter, value, message))
    return problems


def describe(problems):
    """The problems as plain text, one line each."""
    lines = [_("Some query parameters were not understood:")]
    for problem in problems:
        if problem.parameter:
            lines.append(f"{problem.parameter}={problem.value}: {problem.message}")
        else:
            lines.append(problem.message)
    return "\n".join(lines) + "\n"


def filter_initiatives(data, queryset):
    """(the filtered queryset, the problems) for a query, with InitiativeFilter."""
    filterset = InitiativeFilter(data, queryset=queryset)
    problems = not_understood(filterset)
    return filterset.qs, problems


def bad_request(problems):
    return HttpResponse(
        describe(problems), status=400, content_type="text/plain; charset=utf-8"
    )


# --- Rows ---------------------------------------------------------------------

ROLE_COLUMNS = [
    (f"organisations_{role.value}", role.value) for role in InitiativeOrganisation.Role
]

COLUMNS = [
    "slug",
    "title",
    "original_title",
    "url",
    "kind",
    "publication_type",
    "status",
    "scope",
    "year_start",
    "year_end",
    "countries",
    "country_names",
    "regions",
    "education_levels",
    "target_groups",
    "themes",
    "priorities",
    "languages",
    *[column for column, _role in ROLE_COLUMNS],
    "funding_models",
    "summary",
    "website",
    "source",
    "source_url",
    "source_reference",
    "source_retrieved_on",
    "created",
    "updated",
]


# Related rows a row needs, each prefetched per chunk into a plain list
# (`to_attr`): cheaper per initiative than a related manager.
PREFETCHED = [
    "countries",
    "regions",
    "education_levels",
    "target_groups",
    "themes",
    "priorities",
    "languages",
    "fundings",
]


def export_queryset():
    """Published initiatives with everything a row needs, prefetched."""
    return Initiative.objects.published().prefetch_related(
        *(Prefetch(name, to_attr=f"export_{name}") for name in PREFETCHED),
        Prefetch(
            "organisation_roles",
            queryset=InitiativeOrganisation.objects.select_related("organisation"),
            to_attr="export_roles",
        ),
    )


def joined(values):
    return SEPARATOR.join(str(value) for value in values if value)


def slugs(terms):
    return joined(term.slug for term in terms)


def row(initiative, site):
    """One initiative as a flat row: {column: value}, in COLUMNS order.

    `site` is the scheme and host the URLs start with.
    """
    roles = {}
    for role in initiative.export_roles:
        roles.setdefault(role.role, []).append(role.organisation.name)
    countries = initiative.export_countries
    values = {
        "slug": initiative.slug,
        "title": initiative.title,
        "original_title": initiative.original_title,
        "url": site + initiative.get_absolute_url(),
        "kind": initiative.kind,
        "publication_type": initiative.publication_type,
        "status": initiative.status,
        "scope": initiative.scope,
        "year_start": initiative.year_start,
        "year_end": initiative.year_end,
        "countries": joined(country.code for country in countries),
        "country_names": joined(country.name for country in countries),
        "regions": slugs(initiative.export_regions),
        "education_levels": slugs(initiative.export_education_levels),
        "target_groups": slugs(initiative.export_target_groups),
        "themes": slugs(initiative.export_themes),
        "priorities": slugs(initiative.export_priorities),
        "languages": joined(language.code for language in initiative.export_languages),
        **{column: joined(roles.get(role, [])) for column, role in ROLE_COLUMNS},
        "funding_models": joined(
            dict.fromkeys(funding.model for funding in initiative.export_fundings)
        ),
        "summary": initiative.summary,
        "website": initiative.website,
        "source": initiative.source,
        "source_url": initiative.source_url,
        "source_reference": initiative.source_reference,
        "source_retrieved_on": (
            initiative.source_retrieved_on.isoformat()
            if initiative.source_retrieved_on
            else None
        ),
        "created": initiative.created.isoformat(),
        "updated": initiative.updated.isoformat(),
    }
    return {column: values[column] for column in COLUMNS}


def rows(queryset, request):
    site = request.build_absolute_uri("/").rstrip("/")
    for initiative in queryset.iterator(chunk_size=CHUNK_SIZE):
        yield row(initiative, site)


# --- Views --------------------------------------------------------------------


class Echo:
    """A file-like object that hands back what csv.writer writes to it."""

    def write(self, value):
        return value


#: A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A CSV cell: text that a spreadsheet would take for a formula
    (``=HYPERLINK(...)``) gets a leading apostrophe, which shows it as text
    (OWASP's advice against CSV injection). Numbers are left alone."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_lines(queryset, request):
    writer = csv.writer(Echo())
    yield writer.writerow(COLUMNS)
    for values in rows(queryset, request):
        yield writer.writerow([csv_cell(value) for value in values.values()])


def json_chunks(queryset, request):
    """A JSON array of rows, one row per line."""
    yield "["
    separator = "\n"
    for values in rows(queryset, request):
        yield separator + json.dumps(values, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


def filename(extension):
    return f"stemportal-initiatives-{timezone.localdate().isoformat()}.{extension}"


def streamed(request, chunks, content_type, extension):
    queryset, problems = filter_initiatives(request.GET, export_queryset())
    if problems:
        return bad_request(problems)
    response = StreamingHttpResponse(
        chunks(queryset, request), content_type=content_type
    )
    response["Content-Disposition"] = f'attachment; filename="{filename(extension)}"'
    return response


@require_safe
def export_csv(request):
    """Every initiative the query selects, as CSV (UTF-8, comma, header row)."""
    return streamed(request, csv_lines, "text/csv; charset=utf-8", "csv")


@require_safe
def export_json(request):
    """Every initiative the query selects, as a JSON array of rows."""
    return streamed(request, json_chunks, "application/json", "json")
