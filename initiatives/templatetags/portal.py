"""Template tags for the public pages."""

from decimal import Decimal

from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def canonical_url(context):
    """The page's absolute URL without its query string.

    Filtered and paginated views of a list are one page for search engines.
    Empty where there is no request (the 500 page).
    """
    request = context.get("request")
    if request is None:
        return ""
    return request.build_absolute_uri(request.path)


@register.filter
def web_address(value):
    """`value` if it is an http(s) address, else "": a ``javascript:`` or
    ``data:`` address that reached the database past the forms' checks (an
    import, a script) is never made into a link."""
    value = str(value or "").strip()
    return value if value.lower().startswith(("http://", "https://")) else ""


@register.filter
def current_section(path, section_url):
    """The `aria-current` value of a navigation link to `section_url`.

    "page" on the section's own page, "true" on a page inside the section
    (an initiative under /initiatives/), "" elsewhere.
    """
    if not path or not section_url:
        return ""
    if path == section_url:
        return "page"
    if section_url != "/" and path.startswith(section_url):
        return "true"
    return ""


@register.filter
def kpi_value(kpi):
    """A KPI's value without its unit ("about 2,200"), for a table's value column.

    `KPI.display_value` reads as a phrase with the unit; the KPI table shows
    the unit in a column of its own.
    """
    if kpi.value is None:
        return ""
    value = Decimal(kpi.value)
    whole = value == value.to_integral_value()
    number = f"{value:,.0f}" if whole else f"{value.normalize():,}"
    return f"{kpi.get_qualifier_display()} {number}" if kpi.qualifier else number
