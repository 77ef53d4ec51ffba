#!/usr/bin/env python3
"""Build ``initiatives/data/europe_map.json``, the choropleth map of Europe.

Run once by hand when the map has to change; the result is committed and the
running project reads only the JSON (no Node, no network)::

    .venv/bin/python scripts/build_europe_map.py             # fetches the source
    .venv/bin/python scripts/build_europe_map.py --source /path/to/countries-50m.json

Provenance and licence
----------------------
Source: the npm package ``world-atlas`` version 2.0.2 (file ``countries-50m.json``),
TopoJSON by Mike Bostock of Natural Earth's *Admin 0 - Countries* 1:50m, Natural
Earth version 4.1.0. The package is under the ISC licence; the Natural Earth data
in it is in the **public domain** ("No permission is needed to use Natural
Earth"), so the derived ``europe_map.json`` is public domain too. Without
``--source`` the script fetches the package with ``npm pack world-atlas@2.0.2``
into a temporary folder (npm registry only) and deletes it afterwards.

What the script does
--------------------
1. Decodes the quantised, delta-encoded TopoJSON arcs (no topojson-client needed).
2. Projects every arc with a spherical Lambert azimuthal equal-area projection
   centred on 10°E 52°N (the centre of the EU's ETRS89-LAEA grid), y pointing down.
3. Simplifies each *arc* (Douglas-Peucker), so that a border shared by two
   countries stays identical on both sides (no gaps or slivers).
4. Assembles the polygons of each country. Where Natural Earth draws de facto
   rather than internationally recognised borders, the script follows the EU:
   "N. Cyprus" is merged into Cyprus (CY) and Crimea (a polygon of Russia in
   Natural Earth) into Ukraine (UA), along their shared arcs; the Åland Islands
   (AX) are merged into Finland. Natural Earth's "Kosovo" (which has no ISO
   numeric code) becomes XK, the code the EU uses.
5. Clips every ring to the frame (Iceland and Portugal to Georgia, North Cape to
   Crete), so Russia, Turkey, Kazakhstan and North Africa are cut at the frame and
   overseas territories (French Guiana, the Azores, Madeira, the Canaries,
   Svalbard, ...) fall outside it.
6. Rounds to whole units of a 1000-unit-wide viewBox (about 4.9 km a unit), writes
   each country's outline as a compact SVG path (absolute ``M``, relative ``l``),
   and for countries too small to click (Malta, Luxembourg, Liechtenstein,
   Andorra, Monaco, San Marino, Vatican City) a circle marker at their centroid.

Countries are keyed by ISO 3166-1 alpha-2 code, mapped from Natural Earth's ISO
numeric id with django-countries' table (a project dependency).
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "initiatives" / "data" / "europe_map.json"

PACKAGE = "world-atlas@2.0.2"
SOURCE_FILE = "countries-50m.json"

# Projection: Lambert azimuthal equal-area, spherical, centred on 10°E 52°N.
LON0, LAT0 = 10.0, 52.0
EARTH_RADIUS_KM = 6371.0

# The frame in projected kilometres (x east, y south of the centre).
FRAME_X = (-1900.0, 3000.0)
FRAME_Y = (-2250.0, 1850.0)
WIDTH = 1000  # viewBox width in units; the height follows from the frame.

# Only polygons with a vertex in this generous box are considered at all.
PREFILTER_LON = (-40.0, 65.0)
PREFILTER_LAT = (25.0, 85.0)

SIMPLIFY_TOLERANCE = 0.5  # viewBox units (Douglas-Peucker)
MIN_ISLAND_AREA = 4.0  # square units; smaller extra rings are dropped
MARKER_MAX_AREA = 200.0  # square units; countries smaller than this get a marker
MARKER_RADIUS = 5

# Natural Earth features without an ISO numeric id that we keep, and merges.
NAME_TO_CODE = {"Kosovo": "XK"}
MERGE_INTO = {"N. Cyprus": "CY", "Åland": "FI"}
# Single polygons moved to another country: (feature name, a point inside, code).
# Natural Earth draws the de facto line and puts Crimea in Russia; the EU and
# the UN General Assembly (resolution 68/262) recognise it as part of Ukraine.
MOVE_POLYGON = [("Russia", (34.1, 44.9), "UA")]

REQUIRED = " ".join(
    [
        "AT BE BG HR CY CZ DK EE FI FR DE GR IE IT LV LT LU MT NL PL PT RO SK SI",
        "ES SE HU IS LI NO CH GB AL BA GE MD ME MK RS TR UA XK AD MC SM VA BY RU",
    ]
).split(" ")


# --------------------------------------------------------------------- source


def fetch_source(tmp: Path) -> Path:
    """Fetch the world-atlas npm package and return its countries-50m.json."""
    npm = shutil.which("npm")
    if not npm:
        sys.exit("npm not found: install Node.js or pass --source")
    subprocess.run(
        [npm, "pack", PACKAGE, "--silent"], cwd=tmp, check=True, capture_output=True
    )
    (tarball,) = tmp.glob("world-atlas-*.tgz")
    with tarfile.open(tarball) as tar:
        tar.extract(f"package/{SOURCE_FILE}", tmp, filter="data")
    return tmp / "package" / SOURCE_FILE


def numeric_to_alpha2() -> dict[int, str]:
    from django_countries.data import ALT_CODES

    return {numeric: alpha2 for alpha2, (_, numeric) in ALT_CODES.items() if numeric}


# ----------------------------------------------------------------- projection


def project(lon: float, lat: float) -> tuple[float, float]:
    """Lambert azimuthal equal-area; returns viewBox units, y down."""
    lam = math.radians(lon - LON0)
    phi = math.radians(lat)
    phi0 = math.radians(LAT0)
    cos_c = math.sin(phi0) * math.sin(phi) + math.cos(phi0) * math.cos(phi) * math.cos(
        lam
    )
    k = math.sqrt(2.0 / max(1.0 + cos_c, 1e-12))
    x = EARTH_RADIUS_KM * k * math.cos(phi) * math.sin(lam)
    y = (
        EARTH_RADIUS_KM
        * k
        * (
            math.cos(phi0) * math.sin(phi)
            - math.sin(phi0) * math.cos(phi) * math.cos(lam)
        )
    )
    scale = WIDTH / (FRAME_X[1] - FRAME_X[0])
    return (x - FRAME_X[0]) * scale, (-y - FRAME_Y[0]) * scale


def view_height() -> int:
    return round((FRAME_Y[1] - FRAME_Y[0]) * WIDTH / (FRAME_X[1] - FRAME_X[0]))


# ------------------------------------------------------------------- topojson


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """Return the arcs as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"].values()
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def arc_points(arcs: list, index: int) -> list:
    return arcs[index] if index >= 0 else arcs[~index][::-1]


def ring_from_arcs(arcs: list, refs: list[int]) -> list:
    ring: list = []
    for ref in refs:
        pts = arc_points(arcs, ref)
        ring.extend(pts if not ring else pts[1:])
    return ring


def polygons_of(geometry: dict) -> list[list[list[int]]]:
    if geometry["type"] == "Polygon":
        return [geometry["arcs"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["arcs"]
    return []


def merge_polygons(polygons: list[list[list[int]]], arcs_ll: list) -> list:
    """Merge polygons along shared arcs (outer rings only; enough for Cyprus)."""
    refs = [ref for polygon in polygons for ref in polygon[0]]
    used = set(refs)
    kept = [ref for ref in refs if ~ref not in used]
    holes = [ring for polygon in polygons for ring in polygon[1:]]

    def start(ref):
        return arc_points(arcs_ll, ref)[0]

    def end(ref):
        return arc_points(arcs_ll, ref)[-1]

    rings = []
    remaining = list(kept)
    while remaining:
        ring = [remaining.pop(0)]
        while end(ring[-1]) != start(ring[0]):
            nxt = next(r for r in remaining if start(r) == end(ring[-1]))
            remaining.remove(nxt)
            ring.append(nxt)
        rings.append(ring)
    merged = [[ring] for ring in rings]
    merged[0].extend(holes)
    return merged


# ------------------------------------------------------------------- geometry


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker keeping both end points (iterative)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        norm = math.hypot(dx, dy)
        best, index = 0.0, None
        for i in range(first + 1, last):
            px, py = points[i]
            if norm == 0:
                dist = math.hypot(px - ax, py - ay)
            else:
                dist = abs(dy * (px - ax) - dx * (py - ay)) / norm
            if dist > best:
                best, index = dist, i
        if index is not None and best > tolerance:
            keep[index] = True
            stack.extend([(first, index), (index, last)])
    return [p for p, k in zip(points, keep, strict=True) if k]


def clip_ring(ring: list, xmin: float, ymin: float, xmax: float, ymax: float):
    """Sutherland-Hodgman clip of a closed ring (no repeated end) to a box."""

    def clip(points, inside, intersect):
        out = []
        if not points:
            return out
        prev = points[-1]
        for cur in points:
            if inside(cur):
                if not inside(prev):
                    out.append(intersect(prev, cur))
                out.append(cur)
            elif inside(prev):
                out.append(intersect(prev, cur))
            prev = cur
        return out

    def at_x(x):
        def f(p, q):
            t = (x - p[0]) / (q[0] - p[0])
            return (x, p[1] + t * (q[1] - p[1]))

        return f

    def at_y(y):
        def f(p, q):
            t = (y - p[1]) / (q[1] - p[1])
            return (p[0] + t * (q[0] - p[0]), y)

        return f

    pts = ring
    pts = clip(pts, lambda p: p[0] >= xmin, at_x(xmin))
    pts = clip(pts, lambda p: p[0] <= xmax, at_x(xmax))
    pts = clip(pts, lambda p: p[1] >= ymin, at_y(ymin))
    pts = clip(pts, lambda p: p[1] <= ymax, at_y(ymax))
    return pts


def signed_area(ring: list) -> float:
    return 0.5 * sum(
        x0 * y1 - x1 * y0
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True)
    )


def point_in_ring(point: tuple[float, float], ring: list) -> bool:
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


def centroid(rings: list) -> tuple[float, float]:
    """Area-weighted centroid of outer rings."""
    total = cx = cy = 0.0
    for ring in rings:
        for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1], strict=True):
            cross = x0 * y1 - x1 * y0
            total += cross
            cx += (x0 + x1) * cross
            cy += (y0 + y1) * cross
    if abs(total) < 1e-12:
        xs = [x for ring in rings for x, _ in ring]
        ys = [y for ring in rings for _, y in ring]
        return sum(xs) / len(xs), sum(ys) / len(ys)
    return cx / (3 * total), cy / (3 * total)


def rounded(ring: list) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for x, y in ring:
        p = (round(x), round(y))
        if not out or out[-1] != p:
            out.append(p)
    while len(out) > 1 and out[0] == out[-1]:
        out.pop()
    # drop points on a straight line (e.g. along the frame)
    changed = True
    while changed and len(out) > 3:
        changed = False
        for i in range(len(out)):
            (ax, ay), (bx, by), (cx, cy) = out[i - 1], out[i], out[(i + 1) % len(out)]
            if (bx - ax) * (cy - by) - (by - ay) * (cx - bx) == 0 and (
                (bx - ax) * (cx - bx) >= 0 and (by - ay) * (cy - by) >= 0
            ):
                del out[i]
                changed = True
                break
    return out


def path_d(rings: list[list[tuple[int, int]]]) -> str:
    parts = []
    for ring in rings:
        (x0, y0) = ring[0]
        s = f"M{x0} {y0}l"
        prev = ring[0]
        nums = []
        for x, y in ring[1:]:
            nums += [x - prev[0], y - prev[1]]
            prev = (x, y)
        out = ""
        for n in nums:
            out += str(n) if n < 0 or not out else f" {n}"
        parts.append(s + out + "z")
    return "".join(parts)


# ----------------------------------------------------------------------- main


def build(source: Path) -> dict:
    topology = json.loads(source.read_text())
    arcs_ll = decode_arcs(topology)
    codes = numeric_to_alpha2()

    def in_prefilter(ring_ll):
        return any(
            PREFILTER_LON[0] <= lon <= PREFILTER_LON[1]
            and PREFILTER_LAT[0] <= lat <= PREFILTER_LAT[1]
            for lon, lat in ring_ll
        )

    # Collect the polygons (as arc references) of each country code.
    by_code: dict[str, list] = {}
    merge: dict[str, list] = {}
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        gid = geometry.get("id")
        if name in MERGE_INTO:
            merge.setdefault(MERGE_INTO[name], []).extend(polygons_of(geometry))
            continue
        code = NAME_TO_CODE.get(name) or (codes.get(int(gid)) if gid else None)
        if not code:
            continue
        polygons = []
        for p in polygons_of(geometry):
            outer = ring_from_arcs(arcs_ll, p[0])
            moved = [
                target
                for feature, point, target in MOVE_POLYGON
                if feature == name and point_in_ring(point, outer)
            ]
            if moved:
                merge.setdefault(moved[0], []).append(p)
            elif in_prefilter(outer):
                polygons.append(p)
        if polygons:
            by_code.setdefault(code, []).extend(polygons)
    for code, polygons in merge.items():
        own = by_code.get(code, [])
        # merge each merged-in polygon with the own polygons it touches
        own_main = max(
            own,
            key=lambda p: abs(signed_area(ring_from_arcs(arcs_ll, p[0]))),
        )
        rest = [p for p in own if p is not own_main]
        by_code[code] = merge_polygons([own_main, *polygons], arcs_ll) + rest

    # Project every arc once, and simplify it once (shared borders stay shared).
    used_arcs = {
        ref if ref >= 0 else ~ref
        for polygons in by_code.values()
        for polygon in polygons
        for ring in polygon
        for ref in ring
    }
    projected = {i: [project(lon, lat) for lon, lat in arcs_ll[i]] for i in used_arcs}
    simplified = {i: simplify(pts, SIMPLIFY_TOLERANCE) for i, pts in projected.items()}

    def ring_xy(table, refs):
        ring: list = []
        for ref in refs:
            pts = table[ref] if ref >= 0 else table[~ref][::-1]
            ring.extend(pts if not ring else pts[1:])
        if len(ring) > 1 and ring[0] == ring[-1]:
            ring.pop()
        return ring

    height = view_height()
    box = (0.0, 0.0, float(WIDTH), float(height))
    countries: dict[str, dict] = {}
    for code, polygons in sorted(by_code.items()):
        raw_rings = [ring_xy(projected, polygon[0]) for polygon in polygons]
        raw_clipped = [clip_ring(r, *box) for r in raw_rings]
        raw_clipped = [r for r in raw_clipped if len(r) >= 3]
        if not raw_clipped:
            continue
        total_area = sum(abs(signed_area(r)) for r in raw_clipped)

        rings = []
        for polygon in polygons:
            for k, refs in enumerate(polygon):
                clipped = clip_ring(ring_xy(simplified, refs), *box)
                ring = rounded(clipped)
                if len(ring) < 3 or signed_area(ring) == 0:
                    continue
                rings.append((k == 0, abs(signed_area(ring)), ring))
        if not rings:
            # too small to survive simplification: use the raw outline
            rings = [(True, 0.0, r) for r in map(rounded, raw_clipped) if len(r) >= 3]
        largest = max((a for outer, a, _ in rings if outer), default=0.0)
        rings = [
            ring
            for outer, area, ring in rings
            if area >= MIN_ISLAND_AREA or (outer and area == largest)
        ]
        entry: dict = {"d": path_d(rings)}
        whole = total_area >= sum(abs(signed_area(r)) for r in raw_rings) - 1e-6
        if whole and total_area < MARKER_MAX_AREA:
            cx, cy = centroid(raw_clipped)
            entry["marker"] = [round(cx, 1), round(cy, 1), MARKER_RADIUS]
        countries[code] = entry

    return {
        "source": (
            "Natural Earth 1:50m Admin 0 countries v4.1.0 (public domain), via the "
            "npm package world-atlas 2.0.2 (ISC); built by scripts/build_europe_map.py"
        ),
        "licence": (
            "Public domain (Natural Earth terms of use); world-atlas packaging "
            "ISC, Copyright 2013-2019 Michael Bostock"
        ),
        "projection": f"Lambert azimuthal equal-area, centre {LON0}°E {LAT0}°N",
        "viewBox": f"0 0 {WIDTH} {height}",
        "countries": countries,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--source", type=Path, help="path to countries-50m.json")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp:
        source = args.source or fetch_source(Path(tmp))
        data = build(source)

    missing = [code for code in REQUIRED if code not in data["countries"]]
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
        + "\n"
    )
    size = args.output.stat().st_size
    print(f"wrote {args.output} ({size:,} bytes, {len(data['countries'])} countries)")
    if missing:
        print("missing required codes:", " ".join(missing), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
