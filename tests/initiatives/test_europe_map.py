"""The map of Europe: committed shapes, colour classes, legend and the include."""

import importlib.util
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from initiatives.europe_map import (
    CONTEXT_CLASS,
    DATA_FILE,
    build_map,
    legend,
    load_map_data,
    scale_breaks,
    scale_step,
)
from initiatives.templatetags.europe_map import country_url

EU27 = (
    "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI ES SE HU"
)
OTHERS = "IS LI NO CH GB AL BA GE MD ME MK RS TR UA XK AD MC SM VA BY RU"
REQUIRED = f"{EU27} {OTHERS}".split(" ")
TINY = ["MT", "LU", "LI", "AD", "MC", "SM", "VA"]

TOKEN = re.compile(r"[MmLlZz]|-?\d+(?:\.\d+)?")


def path_points(d: str) -> list[tuple[float, float]]:
    """Absolute points of a path made of M, l and z; fails on anything else."""
    assert re.fullmatch(r"[MlzZ0-9 .\-]+", d), d[:80]
    assert "".join(TOKEN.findall(d)) == d.replace(" ", ""), "stray characters"
    tokens = TOKEN.findall(d)
    points = []
    command = None
    numbers: list[float] = []
    x = y = 0.0

    def flush():
        nonlocal x, y
        assert len(numbers) % 2 == 0, f"odd number of coordinates after {command}"
        if command == "M":
            assert len(numbers) == 2, "M takes one point here"
        for i in range(0, len(numbers), 2):
            if command == "M":
                x, y = numbers[i], numbers[i + 1]
            else:
                x, y = x + numbers[i], y + numbers[i + 1]
            points.append((x, y))

    for token in tokens:
        if token in "MlzZ":
            if command is not None:
                flush()
            if token in "zZ":
                assert numbers == [] or command is not None
                command = None
            else:
                assert token == "M" or command == "M", "l must follow M"
                command = token
            numbers = []
        else:
            assert command is not None, "number outside a command"
            numbers.append(float(token))
    if command is not None:
        flush()
    assert d.startswith("M") and d.endswith("z")
    return points


def view_box():
    x, y, w, h = (float(v) for v in load_map_data()["viewBox"].split())
    return x, y, w, h


# ------------------------------------------------------------------ the data


def test_data_file_is_small():
    assert DATA_FILE.stat().st_size < 150_000


def test_view_box_is_europe_sized():
    x, y, w, h = view_box()
    assert (x, y) == (0, 0)
    assert w == 1000
    assert 600 < h < 1000


@pytest.mark.parametrize("code", REQUIRED)
def test_every_required_country_has_a_shape(code):
    shape = load_map_data()["countries"][code]
    assert shape["d"] or shape.get("marker")


@pytest.mark.parametrize("code", TINY)
def test_tiny_countries_have_a_marker_inside_the_view(code):
    cx, cy, r = load_map_data()["countries"][code]["marker"]
    _x, _y, w, h = view_box()
    assert r >= 4
    assert r <= cx <= w - r
    assert r <= cy <= h - r


def test_large_countries_have_no_marker():
    countries = load_map_data()["countries"]
    for code in ("FR", "DE", "CY", "BE", "NL", "SI"):
        assert "marker" not in countries[code], code


def test_paths_are_valid_and_inside_the_view_box():
    _x, _y, w, h = view_box()
    for code, shape in load_map_data()["countries"].items():
        if not shape["d"]:
            continue
        points = path_points(shape["d"])
        assert len(points) >= 3, code
        for px, py in points:
            assert 0 <= px <= w and 0 <= py <= h, (code, px, py)


def test_countries_are_where_europe_is():
    """Not mirrored: west is left, north is up."""

    def centre(code):
        points = path_points(load_map_data()["countries"][code]["d"])
        xs, ys = zip(*points, strict=True)
        return (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2

    pt, fi, gr, ie, pl = (centre(c) for c in ("PT", "FI", "GR", "IE", "PL"))
    assert pt[0] < pl[0] < centre("UA")[0]  # west to east
    assert fi[1] < pl[1] < gr[1]  # north to south
    assert ie[0] < centre("GB")[0]


def test_codes_are_iso_alpha2():
    for code in load_map_data()["countries"]:
        assert re.fullmatch(r"[A-Z]{2}", code)
    # merged into their country, as the EU sees them
    assert "AX" not in load_map_data()["countries"]


# ------------------------------------------------------------- colour scale


def test_scale_breaks_are_quartiles_of_positive_counts():
    counts = [0, 0, 1, 1, 2, 3, 5, 8, 12, 40]
    assert scale_breaks(counts) == [1, 3, 8]


@pytest.mark.parametrize(
    ("count", "step"),
    [(0, 0), (1, 1), (2, 2), (3, 2), (4, 3), (8, 3), (9, 4), (40, 4), (400, 4)],
)
def test_scale_step(count, step):
    assert scale_step(count, [1, 3, 8]) == step


def test_legend_labels():
    assert legend([1, 3, 8]) == [
        ("map-scale-0", "0"),
        ("map-scale-1", "1"),
        ("map-scale-2", "2\u20133"),
        ("map-scale-3", "4\u20138"),
        ("map-scale-4", "9+"),
    ]


def test_few_distinct_counts_keep_the_top_class_darkest():
    breaks = scale_breaks([1, 1, 10])
    assert breaks == [1]
    assert scale_step(1, breaks) == 3
    assert scale_step(10, breaks) == 4
    assert legend(breaks) == [
        ("map-scale-0", "0"),
        ("map-scale-3", "1"),
        ("map-scale-4", "2+"),
    ]


def test_no_initiatives_at_all():
    breaks = scale_breaks([0, 0])
    assert breaks == []
    assert scale_step(0, breaks) == 0
    assert legend(breaks) == [("map-scale-0", "0"), ("map-scale-4", "1+")]


def test_single_value():
    breaks = scale_breaks([7, 7, 7])
    assert breaks == []
    assert scale_step(7, breaks) == 4
    assert legend(breaks)[-1] == ("map-scale-4", "1+")


# ------------------------------------------------------------------ build_map


NAMES = {"BE": "Belgium", "DE": "Germany", "MT": "Malta", "FR": "France"}
COUNTS = {"BE": 3, "DE": 12, "MT": 1, "PL": 99}


def urls(code):
    return f"/c/{code}/"


def by_code(result):
    return {c["code"]: c for c in result["countries"]}


def test_build_map_links_only_catalogue_countries():
    result = build_map(COUNTS, NAMES, urls)
    countries = by_code(result)
    assert countries["BE"]["url"] == "/c/BE/"
    assert countries["BE"]["label"] == "Belgium: 3 initiatives"
    assert countries["MT"]["label"] == "Malta: 1 initiative"
    assert countries["FR"]["label"] == "France: 0 initiatives"
    assert countries["FR"]["css_class"] == "map-scale-0"
    # PL has a count but is not in the catalogue: decorative
    assert countries["PL"]["url"] is None
    assert countries["PL"]["css_class"] == CONTEXT_CLASS
    assert countries["PL"]["label"] == ""
    assert result["view_box"] == load_map_data()["viewBox"]


def test_build_map_classes_follow_the_scale():
    result = build_map(COUNTS, NAMES, urls)
    countries = by_code(result)
    # positive catalogue counts: 1, 3, 12 -> breaks [1, 3]
    assert countries["MT"]["css_class"] == "map-scale-2"
    assert countries["BE"]["css_class"] == "map-scale-3"
    assert countries["DE"]["css_class"] == "map-scale-4"
    assert [label for _, label in result["legend"]] == ["0", "1", "2\u20133", "4+"]


def test_build_map_markers_and_order():
    result = build_map(COUNTS, NAMES, urls)
    countries = by_code(result)
    cx, cy, r = load_map_data()["countries"]["MT"]["marker"]
    assert countries["MT"]["marker"] == {
        "cx": f"{cx:g}",
        "cy": f"{cy:g}",
        "r": f"{r:g}",
    }
    # tiny countries outside the catalogue get no marker
    assert countries["LU"]["marker"] is None
    order = [c["code"] for c in result["countries"]]
    # links after decorative shapes, markers last: drawn on top
    assert order.index("BE") > order.index("PL")
    assert order[-1] == "MT"


def test_build_map_current_and_case():
    result = build_map({"be": 2}, {"be": "Belgium"}, urls, current="be")
    countries = by_code(result)
    assert countries["BE"]["current"] is True
    assert countries["BE"]["count"] == 2
    assert countries["BE"]["url"] == "/c/BE/"
    assert not any(c["current"] for c in result["countries"] if c["code"] != "BE")


# ---------------------------------------------------------------- the include


class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.starts = []

    def handle_starttag(self, tag, attrs):
        self.starts.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def render(counts, names, current=None):
    template = Template("{% load europe_map %}{% europe_map counts names current %}")
    return template.render(
        Context({"counts": counts, "names": names, "current": current})
    )


def test_country_url_is_the_country_detail_page():
    assert country_url("BE") == reverse("initiatives:country-detail", args=["be"])
    assert country_url("BE").endswith("/countries/be/")


def test_include_renders_one_link_per_catalogue_country():
    names = {code: f"Country {code}" for code in REQUIRED}
    counts = {code: i + 2 for i, code in enumerate(REQUIRED)}
    counts["AT"] = 0
    counts["MT"] = 1
    html = render(counts, names, current="DE")
    parser = _Collector()
    parser.feed(html)
    links = [attrs for tag, attrs in parser.starts if tag == "a"]
    assert len(links) == len(REQUIRED)
    hrefs = {a["href"] for a in links}
    assert hrefs == {country_url(code) for code in REQUIRED}
    labels = {a["aria-label"] for a in links}
    assert f"Country BE: {counts['BE']} initiatives" in labels
    assert "Country AT: 0 initiatives" in labels
    assert "Country MT: 1 initiative" in labels
    current = [a for a in links if a.get("aria-current") == "page"]
    assert [a["href"] for a in current] == [country_url("DE")]
    assert f"<title>Country BE: {counts['BE']} initiatives</title>" in html


def test_include_has_no_inline_style_or_script():
    html = render({"BE": 3}, {"BE": "Belgium", "MT": "Malta"})
    assert "style=" not in html
    assert "<script" not in html
    assert "<style" not in html


def test_include_svg_is_a_labelled_group_with_title():
    html = render({"BE": 3}, {"BE": "Belgium"})
    parser = _Collector()
    parser.feed(html)
    (svg,) = [attrs for tag, attrs in parser.starts if tag == "svg"]
    assert svg["role"] == "group"
    assert svg["viewbox"] == load_map_data()["viewBox"]
    assert f'<title id="{svg["aria-labelledby"]}">' in html


def test_include_context_shapes_are_hidden_from_assistive_technology():
    html = render({"BE": 3}, {"BE": "Belgium"})
    parser = _Collector()
    parser.feed(html)
    paths = [attrs for tag, attrs in parser.starts if tag == "path"]
    hidden = [p for p in paths if p.get("aria-hidden") == "true"]
    assert len(paths) == len(load_map_data()["countries"])
    assert len(hidden) == len(paths) - 1
    assert all(p["class"] == CONTEXT_CLASS for p in hidden)


def test_include_legend_is_an_html_list():
    html = render({"BE": 3, "DE": 1}, {"BE": "Belgium", "DE": "Germany"})
    legend_html = html[html.index('class="map-legend"') :]
    items = re.findall(r"<li>(.*?)</li>", legend_html, flags=re.S)
    texts = [re.sub(r"<[^>]+>", "", item).strip() for item in items]
    assert texts == ["0", "1", "2+", "not in the catalogue"]
    assert 'class="map-swatch map-scale-4"' in legend_html


def test_include_numbers_are_not_localised():
    with translation.override("de"):
        html = render({"MT": 1}, {"MT": "Malta"})
    (circle,) = re.findall(r"<circle [^>]*>", html)
    for attr in ("cx", "cy", "r"):
        value = re.search(rf'{attr}="([^"]+)"', circle).group(1)
        assert re.fullmatch(r"\d+(\.\d+)?", value), (attr, value)


def test_css_defines_every_class():
    css = (Path(__file__).resolve().parents[2] / "static/css/map.css").read_text()
    for step in range(5):
        assert f".map-scale-{step} {{" in css
    assert ".map-context {" in css
    assert "a:focus path" in css


# ----------------------------------------------------------- the build script


def _build_script():
    path = Path(__file__).resolve().parents[2] / "scripts" / "build_europe_map.py"
    spec = importlib.util.spec_from_file_location("build_europe_map", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_build_script_geometry_helpers():
    script = _build_script()
    ring = [(-5, 5), (5, 5), (5, -5), (-5, -5)]
    clipped = script.clip_ring(ring, 0, 0, 10, 10)
    assert sorted(set(clipped)) == [(0, 0), (0, 5), (5, 0), (5, 5)]
    assert script.simplify([(0, 0), (1, 0.1), (2, 0)], 0.5) == [(0, 0), (2, 0)]
    assert script.path_d([[(1, 2), (4, 2), (4, 0)]]) == "M1 2l3 0 0-2z"
    # the centre of the projection lands at the centre's place in the frame
    x, y = script.project(script.LON0, script.LAT0)
    assert 0 < x < script.WIDTH and 0 < y < script.view_height()
    # east is right, north is up
    assert script.project(20, 52)[0] > x
    assert script.project(10, 60)[1] < y
