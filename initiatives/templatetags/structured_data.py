"""What a page tells machines about itself: Open Graph, JSON-LD, feeds, exports.

`{% open_data_head %}` goes once in base.html's <head>. It reads the page's
context (an `initiative`, an `organisation`, a `country`, the catalogue's
`query`) and writes:

- Open Graph tags (og:title, og:description, og:url, og:type, og:site_name)
  for link previews;
- `<link rel="alternate">` autodiscovery of the page's RSS and Atom feeds:
  the filtered catalogue's on /initiatives/, the country's on a country
  page, the newest initiatives elsewhere;
- schema.org JSON-LD on initiative and organisation pages, in a
  `<script type="application/ld+json">`: data, not code, so a
  Content-Security-Policy without inline scripts still allows it.

`{% open_data_links %}` shows the subscribe and download links on the
catalogue and country pages, carrying the current filters.

Everything here reads what the view already prefetched: no queries.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ..models import Initiative, InitiativeOrganisation, Organisation
from .portal import web_address

register = template.Library()

SITE_NAME = "StemPortal"
# Parameters that choose a page or an order of the list, not initiatives.
NOT_FILTERS = ("page", "sort")

JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


# --- The query of the page -------------------------------------------------------


def page_query(context, drop=("page",)):
    """The page's understood filters (the view's `query`), less `drop`.

    The catalogue and country views put the query they understood in the
    context (values not understood are left out); elsewhere there is none.
    """
    query = context.get("query")
    if query is None:
        return None
    query = query.copy()
    for name in drop:
        query.pop(name, None)
    return query


def with_query(url, query):
    encoded = query.urlencode() if query else ""
    return f"{url}?{encoded}" if encoded else url


def url_name(context):
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


# --- Feeds and exports ----------------------------------------------------------


def feed_urls(context):
    """(title, RSS URL, Atom URL) of the feed that matches the page."""
    view = url_name(context)
    country = context.get("country")
    if view == "initiatives:country-detail" and country is not None:
        query = page_query(context, drop=NOT_FILTERS)
        code = country.code.lower()
        return (
            _("Newest initiatives in %(country)s") % {"country": country.name},
            with_query(reverse("initiatives:country-feed", args=[code]), query),
            with_query(reverse("initiatives:country-feed-atom", args=[code]), query),
        )
    if view == "initiatives:initiative-list":
        query = page_query(context, drop=NOT_FILTERS)
        return (
            _("Newest initiatives matching these filters")
            if query
            else _("Newest initiatives"),
            with_query(reverse("initiatives:initiative-feed"), query),
            with_query(reverse("initiatives:initiative-feed-atom"), query),
        )
    return (
        _("Newest initiatives"),
        reverse("initiatives:initiative-feed"),
        reverse("initiatives:initiative-feed-atom"),
    )


def export_query(context):
    """The filters of the page as export parameters (a country page's too)."""
    query = page_query(context) or context["request"].GET.copy()
    query.pop("page", None)
    country = context.get("country")
    if url_name(context) == "initiatives:country-detail" and country is not None:
        query.setlist("country", [country.code.lower()])
    return query


@register.inclusion_tag("api/includes/open_data_links.html", takes_context=True)
def open_data_links(context):
    """Subscribe and download links for the list the page shows."""
    title, rss, atom = feed_urls(context)
    query = export_query(context)
    return {
        "feed_title": title,
        "rss_url": rss,
        "atom_url": atom,
        "csv_url": with_query(reverse("initiatives:initiative-export-csv"), query),
        "json_url": with_query(reverse("initiatives:initiative-export-json"), query),
        "api_url": with_query(reverse("api:initiative-list"), query),
        "docs_url": reverse("api:docs"),
    }


# --- Open Graph -----------------------------------------------------------------


def describe_page(context):
    """(title, description) for link previews."""
    initiative = context.get("initiative")
    organisation = context.get("organisation")
    country = context.get("country")
    view = url_name(context)
    if isinstance(initiative, Initiative):
        description = initiative.summary or " ".join(
            part
            for part in [str(initiative.get_kind_display()), initiative.years]
            if part
        )
        return initiative.title, description
    if isinstance(organisation, Organisation):
        return organisation.name, organisation.description or _(
            "STEM education initiatives %(name)s leads, authors, funds or takes "
            "part in."
        ) % {"name": organisation.name}
    if view == "initiatives:country-detail" and country is not None:
        return (
            _("STEM initiatives in %(country)s") % {"country": country.name},
            _(
                "STEM education initiatives in %(country)s, with the organisations "
                "behind them."
            )
            % {"country": country.name},
        )
    titles = {
        "initiatives:initiative-list": _("Initiatives"),
        "initiatives:country-list": _("Countries"),
        "initiatives:organisation-list": _("Organisations"),
        "api:docs": _("Open data: API, exports and feeds"),
    }
    return (
        titles.get(view, _("STEM education initiatives in Europe")),
        _(
            "A public catalogue of STEM education initiatives in Europe: "
            "programmes, policies and publications, with the organisations, "
            "countries, education levels, objectives and results behind them."
        ),
    )


def open_graph(context, request):
    title, description = describe_page(context)
    tags = [
        ("og:site_name", SITE_NAME),
        ("og:type", "website"),
        ("og:title", title),
        ("og:description", Truncator(description).words(40)),
        ("og:url", request.build_absolute_uri(request.path)),
    ]
    initiative = context.get("initiative")
    if isinstance(initiative, Initiative) and initiative.image:
        tags.append(("og:image", request.build_absolute_uri(initiative.image.url)))
    return format_html_join(
        "\n  ", '<meta property="{}" content="{}">', ((k, v) for k, v in tags if v)
    )


# --- JSON-LD --------------------------------------------------------------------

# schema.org types, kept honest: a programme, measure or project is a Project
# ("an enterprise planned to achieve a particular aim"); a network a
# Organization; an event an Event; legislation Legislation; reports Report;
# policies and other publications the general CreativeWork.
INITIATIVE_TYPES = {
    Initiative.Kind.PROGRAMME: "Project",
    Initiative.Kind.MEASURE: "Project",
    Initiative.Kind.PROJECT: "Project",
    Initiative.Kind.NETWORK: "Organization",
    Initiative.Kind.EVENT: "Event",
    Initiative.Kind.LEGISLATION: "Legislation",
    Initiative.Kind.POLICY: "CreativeWork",
    Initiative.Kind.PUBLICATION: "CreativeWork",
}
REPORT_TYPES = {
    Initiative.PublicationType.REPORT,
    Initiative.PublicationType.MONITORING,
    Initiative.PublicationType.MEETING_REPORT,
}
ORGANISATION_TYPES = {
    Organisation.Kind.GOVERNMENT: "GovernmentOrganization",
    Organisation.Kind.AGENCY: "GovernmentOrganization",
    Organisation.Kind.EU_BODY: "GovernmentOrganization",
    Organisation.Kind.NGO: "NGO",
    Organisation.Kind.COMPANY: "Corporation",
    Organisation.Kind.EDUCATION: "EducationalOrganization",
}
CREATIVE_WORKS = {"CreativeWork", "Report", "Legislation"}
Role = InitiativeOrganisation.Role


def initiative_type(initiative):
    if (
        initiative.kind == Initiative.Kind.PUBLICATION
        and initiative.publication_type in REPORT_TYPES
    ):
        return "Report"
    return INITIATIVE_TYPES.get(initiative.kind, "CreativeWork")


def organisation_ref(organisation, request):
    data = {
        "@type": ORGANISATION_TYPES.get(organisation.kind, "Organization"),
        "name": organisation.name,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }
    if organisation.acronym:
        data["alternateName"] = organisation.acronym
    return data


def initiative_data(initiative, request):
    """schema.org for an initiative: only what the record states."""
    kind = initiative_type(initiative)
    url = request.build_absolute_uri(initiative.get_absolute_url())
    data = {
        "@context": "https://schema.org",
        "@type": kind,
        "@id": url,
        "url": url,
        "name": initiative.title,
        "identifier": initiative.slug,
    }
    if initiative.original_title:
        data["alternateName"] = initiative.original_title
    if initiative.summary:
        data["description"] = initiative.summary
    if web_address(initiative.website):
        data["sameAs"] = initiative.website
    if initiative.image:
        data["image"] = request.build_absolute_uri(initiative.image.url)
    places = [
        {"@type": "Country", "name": country.name, "identifier": country.code}
        for country in initiative.country_list
    ] + [
        {
            "@type": "Place",
            "name": region.name,
            "containedInPlace": {"@type": "Country", "name": region.country.name},
        }
        for region in initiative.region_list
    ]
    roles = {}
    for role in initiative.role_list:
        roles.setdefault(role.role, []).append(
            organisation_ref(role.organisation, request)
        )
    funders = roles.get(Role.FUNDER, [])
    topics = [term.name for term in initiative.theme_list]
    if kind in CREATIVE_WORKS:
        authors = roles.get(Role.AUTHOR, []) + roles.get(Role.RESPONSIBLE, [])
        if authors:
            data["author"] = authors
        if initiative.year_start:
            data["temporalCoverage"] = (
                f"{initiative.year_start}/{initiative.year_end or '..'}"
            )
        if places:
            data["spatialCoverage"] = places
        if topics:
            data["keywords"] = topics
        levels = [level.name for level in initiative.education_level_list]
        if levels:
            data["educationalLevel"] = levels
        languages = [language.code for language in initiative.language_list]
        if languages:
            data["inLanguage"] = languages
        data["dateModified"] = initiative.updated.isoformat()
    elif kind == "Event":
        if initiative.year_start:
            data["startDate"] = str(initiative.year_start)
        if initiative.year_end:
            data["endDate"] = str(initiative.year_end)
        if places:
            data["location"] = places
        organisers = roles.get(Role.LEAD, []) + roles.get(Role.HOST, [])
        if organisers:
            data["organizer"] = organisers
    else:  # Project or Organization
        if initiative.year_start:
            data["foundingDate"] = str(initiative.year_start)
        if initiative.year_end:
            data["dissolutionDate"] = str(initiative.year_end)
        if places:
            data["areaServed"] = places
        if topics:
            data["knowsAbout"] = topics
        partners = roles.get(Role.PARTNER, [])
        if partners:
            data["member"] = partners
        # The organisations that run it: the project is part of their work.
        leads = roles.get(Role.LEAD, []) + roles.get(Role.RESPONSIBLE, [])
        if leads:
            data["parentOrganization"] = leads
    if funders:
        data["funder"] = funders
    return data


def organisation_data(organisation, request):
    data = {
        "@context": "https://schema.org",
        **organisation_ref(organisation, request),
        "@id": request.build_absolute_uri(organisation.get_absolute_url()),
        "identifier": organisation.slug,
    }
    if web_address(organisation.website):
        data["sameAs"] = organisation.website
    if organisation.description:
        data["description"] = organisation.description
    if organisation.country_id:
        data["address"] = {
            "@type": "PostalAddress",
            "addressCountry": organisation.country.code,
        }
        if organisation.region_id:
            data["address"]["addressRegion"] = organisation.region.name
    return data


def json_ld(data):
    encoded = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    return mark_safe(  # noqa: S308 - <, > and & are escaped: no markup can close the script.
        '<script type="application/ld+json">'
        + encoded.translate(JSON_SCRIPT_ESCAPES)
        + "</script>"
    )


def structured_data(context, request):
    initiative = context.get("initiative")
    if isinstance(initiative, Initiative):
        return json_ld(initiative_data(initiative, request))
    organisation = context.get("organisation")
    if isinstance(organisation, Organisation):
        return json_ld(organisation_data(organisation, request))
    return ""


# --- The tag for <head> -------------------------------------------------------------


@register.simple_tag(takes_context=True)
def open_data_head(context):
    request = context.get("request")
    if request is None:  # The 500 page renders without a request.
        return ""
    title, rss, atom = feed_urls(context)
    parts = [
        open_graph(context, request),
        format_html(
            '<link rel="alternate" type="application/rss+xml" title="{} (RSS)" '
            'href="{}">',
            title,
            rss,
        ),
        format_html(
            '<link rel="alternate" type="application/atom+xml" title="{} (Atom)" '
            'href="{}">',
            title,
            atom,
        ),
        structured_data(context, request),
    ]
    return mark_safe("\n  ".join(str(part) for part in parts if part))  # noqa: S308
