"""The choropleth map of Europe: shapes, colour classes and legend.

The shapes come from ``initiatives/data/europe_map.json``, built once by
``scripts/build_europe_map.py`` from Natural Earth (public domain); see that
script for provenance and projection. This module only reads that file.

Colour scale
------------
Five sequential classes ``map-scale-0`` .. ``map-scale-4`` (colours in
``static/css/map.css``):

* ``map-scale-0``: countries of the catalogue with no initiative;
* the positive counts are split at their quartiles (nearest-rank 25th, 50th and
  75th percentile of the counts above zero, duplicates and the maximum itself
  dropped), so each class holds about a quarter of the countries that have
  initiatives, whatever the size of the catalogue. A class holds whole numbers
  ``lo..hi`` and the top class is open-ended ("10+").
* when there are fewer than four distinct breaks the classes used are the top
  ones, so the country with most initiatives is always the darkest
  (``map-scale-4``).

For example counts 1, 1, 2, 3, 5, 8, 12, 40 give the legend
``0 | 1 | 2–3 | 4–8 | 9+``.

Countries that are not in the catalogue (``names``) are drawn as decorative
context (class ``map-context``) without a link, and get no marker.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

DATA_FILE = Path(__file__).resolve().parent / "data" / "europe_map.json"

SCALE_STEPS = 5  # map-scale-0 .. map-scale-4
SCALE_CLASS = "map-scale-{}"
CONTEXT_CLASS = "map-context"
QUANTILES = (0.25, 0.5, 0.75)


@cache
def load_map_data() -> dict:
    """The committed map data: ``viewBox`` and ``countries`` {code: {d, marker}}."""
    with DATA_FILE.open(encoding="utf-8") as fh:
        return json.load(fh)


def scale_breaks(counts: Iterable[int]) -> list[int]:
    """Upper bounds (inclusive) of all positive classes but the top one."""
    positive = sorted(c for c in counts if c > 0)
    if not positive:
        return []
    top = positive[-1]
    breaks: list[int] = []
    for q in QUANTILES:
        value = positive[max(math.ceil(q * len(positive)) - 1, 0)]
        if value < top and value not in breaks:
            breaks.append(value)
    return breaks


def scale_step(count: int, breaks: list[int]) -> int:
    """The step 0..4 of ``count`` given ``scale_breaks``."""
    if count <= 0:
        return 0
    rank = sum(1 for b in breaks if count > b)  # 0 .. len(breaks)
    first = SCALE_STEPS - 1 - len(breaks)  # highest class is always the last step
    return first + rank


def legend(breaks: list[int]) -> list[tuple[str, str]]:
    """[(css class, label)] for class 0 and each positive class in use."""
    items = [(SCALE_CLASS.format(0), "0")]
    first = SCALE_STEPS - 1 - len(breaks)
    low = 1
    for i, high in enumerate(breaks):
        label = str(low) if low == high else f"{low}\u2013{high}"
        items.append((SCALE_CLASS.format(first + i), label))
        low = high + 1
    items.append((SCALE_CLASS.format(SCALE_STEPS - 1), f"{low}+"))
    return items


def _number(value: float) -> str:
    """A coordinate as SVG wants it, whatever the active locale."""
    return f"{value:g}"


def accessible_label(name: str, count: int) -> str:
    return ngettext(
        "%(name)s: %(count)d initiative",
        "%(name)s: %(count)d initiatives",
        count,
    ) % {"name": name, "count": count}


def build_map(
    counts: Mapping[str, int],
    names: Mapping[str, str],
    url_for: Callable[[str], str],
    current: str | None = None,
) -> dict:
    """Everything the template needs to draw the map.

    ``counts``: initiatives per ISO alpha-2 code (missing codes count 0).
    ``names``: display name per code of every country in the catalogue; only
    these are links. ``url_for(code)`` gives a country's URL (code as given in
    ``names``' keys, upper case). ``current``: code of the country shown on the
    page, if any (gets ``aria-current`` and the ``map-current`` class).

    Returns ``{"view_box", "width", "height", "countries", "legend",
    "context_label"}`` where each country is a dict with ``code``, ``name``,
    ``path``, ``marker`` (``None`` or ``{"cx", "cy", "r"}`` as strings),
    ``count``, ``css_class``, ``url`` (``None`` outside the catalogue), ``label``
    and ``current``. Context countries come first,
    catalogue countries after them and those with a marker last, so that links
    and markers are drawn on top.
    """
    data = load_map_data()
    counts = {code.upper(): int(n or 0) for code, n in counts.items()}
    names = {code.upper(): name for code, name in names.items()}
    current = current.upper() if current else None
    breaks = scale_breaks(counts.get(code, 0) for code in names)

    countries = []
    for code, shape in data["countries"].items():
        in_catalogue = code in names
        count = counts.get(code, 0)
        marker = shape.get("marker") if in_catalogue else None
        name = names.get(code, "")
        countries.append(
            {
                "code": code,
                "name": name,
                "path": shape["d"],
                "marker": (
                    dict(zip(("cx", "cy", "r"), map(_number, marker), strict=True))
                    if marker
                    else None
                ),
                "count": count,
                "css_class": (
                    SCALE_CLASS.format(scale_step(count, breaks))
                    if in_catalogue
                    else CONTEXT_CLASS
                ),
                "url": url_for(code) if in_catalogue else None,
                "label": accessible_label(name, count) if in_catalogue else "",
                "current": in_catalogue and code == current,
            }
        )
    countries.sort(key=lambda c: (c["url"] is not None, c["marker"] is not None))

    _x, _y, width, height = data["viewBox"].split()
    return {
        "view_box": data["viewBox"],
        "width": width,
        "height": height,
        "countries": countries,
        "legend": legend(breaks),
        "context_label": _("not in the catalogue"),
    }
