"""``{% europe_map counts names current %}``: the choropleth map of Europe.

Load with ``{% load europe_map %}``. ``counts`` maps ISO alpha-2 codes to numbers
of initiatives, ``names`` maps the codes of the catalogue's countries to their
display names (only those become links), ``current`` is the code of the country
of the page or nothing. Optional keywords: ``map_id`` (prefix of the element
ids, to use the map twice on one page) and ``title`` (the SVG's title).
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from initiatives.europe_map import build_map

register = template.Library()


def country_url(code: str) -> str:
    return reverse("initiatives:country-detail", args=[code.lower()])


@register.inclusion_tag("initiatives/includes/europe_map.html")
def europe_map(counts, names, current=None, map_id="europe-map", title=None):
    context = build_map(counts or {}, names or {}, country_url, current or None)
    context["map_id"] = map_id
    context["title"] = title or _("Map of Europe: number of initiatives by country")
    return context
