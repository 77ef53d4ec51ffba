#!/usr/bin/env python3
"""Measure how well the importer reads the source documents, field by field.

Runs the parsers and the vocabulary matching of ``import_source`` (nothing is
written: it is the same work as a dry run) on every document of a sources
folder, and compares each record with the curated initiative of the shipped
fixtures that has the document's URL: the fixtures are the truth. Prints a
Markdown table, one row per curated initiative, with ✓ for a field the importer
got right, ✗ for one it got wrong or missed, and a summary per document::

    .venv/bin/python scripts/import_accuracy.py ../shared/sources
    .venv/bin/python scripts/import_accuracy.py ../shared/sources --json after.json
    .venv/bin/python scripts/import_accuracy.py ../shared/sources --baseline before.json

``--project`` runs the importer of another checkout (e.g. a worktree of an older
commit) against this checkout's fixtures, which is how the "before" column of
docs/import-accuracy.md was measured. ``--baseline`` adds a before → after
column from an earlier ``--json`` run.

The sources folder's README.md maps each file to its URL (a table with the
file name in the first column and the URL in the second). A field counts as
right when the importer's value equals the curated one; both empty is right too
(a field the page does not show stays empty). Objectives and KPIs are compared
by number only, because the catalogue words them in its own way; organisations
by name or acronym and role; funding by model, programme and grant reference.
"""

import argparse
import difflib
import json
import os
import re
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
FIELDS = [
    "title", "kind", "publication type", "countries", "regions", "organisations",
    "years", "status", "stages", "objectives", "KPIs", "funding", "reference",
    "education levels", "target groups",
]  # fmt: skip


def setup_django(project):
    sys.path.insert(0, str(project))
    os.environ["DJANGO_SETTINGS_MODULE"] = "stemportal.settings"
    handle, path = tempfile.mkstemp(suffix=".sqlite3")
    os.close(handle)
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return path


def source_urls(sources):
    """File name → URL, from the sources README's table."""
    urls = {}
    readme = sources / "README.md"
    for line in readme.read_text(encoding="utf-8").splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) >= 2 and cells[0].endswith(".txt"):
            urls[cells[0]] = cells[1]
    return urls


def truths(fixtures):
    """The curated initiatives as comparable values, by source URL."""
    rows = json.loads((fixtures / "initiatives.json").read_text(encoding="utf-8"))
    orgs = json.loads((fixtures / "organisations.json").read_text(encoding="utf-8"))
    org_names = {
        row["fields"]["slug"]: (row["fields"]["name"], row["fields"]["acronym"])
        for row in orgs
        if row["model"] == "initiatives.organisation"
    }
    by_slug, by_url = {}, {}
    for row in rows:
        if row["model"] != "initiatives.initiative":
            continue
        f = row["fields"]
        value = {
            "slug": f["slug"],
            "title": f["title"],
            "kind": f["kind"],
            "publication type": f["publication_type"],
            "countries": sorted(code for (code,) in f["countries"]),
            "regions": sorted(slug for (slug,) in f["regions"]),
            "organisations": [],
            "years": [f["year_start"], f["year_end"]],
            "status": f["status"],
            "stages": [],
            "objectives": 0,
            "KPIs": 0,
            "funding": [],
            "reference": f["source_reference"],
            "education levels": sorted(s for (s,) in f["education_levels"]),
            "target groups": sorted(s for (s,) in f["target_groups"]),
        }
        by_slug[f["slug"]] = value
        by_url.setdefault(f["source_url"], []).append(value)
    for row in rows:
        f = row["fields"]
        target = by_slug.get((f.get("initiative") or [None])[0])
        if target is None:
            continue
        if row["model"] == "initiatives.initiativeorganisation":
            name, acronym = org_names[f["organisation"][0]]
            target["organisations"].append([name, acronym, f["role"]])
        elif row["model"] == "initiatives.milestone":
            target["stages"].append([f["year"], f["stage"]])
        elif row["model"] == "initiatives.objective":
            target["objectives"] += 1
        elif row["model"] == "initiatives.kpi":
            target["KPIs"] += 1
        elif row["model"] == "initiatives.funding":
            target["funding"].append([f["model"], f["programme"], f["reference"]])
    for value in by_slug.values():
        value["stages"].sort()
        value["funding"].sort()
    return by_url


def extracted(record, resolved):
    """The importer's values for one record, comparable with a truth."""
    return {
        "title": record.title,
        "kind": record.kind,
        "publication type": record.publication_type,
        "countries": sorted(c.code for c in resolved["countries"]),
        "regions": sorted(r.slug for r in resolved["regions"]),
        "organisations": [
            [
                org.name if org else ref.name,
                org.acronym if org else ref.acronym,
                ref.role,
            ]
            for org, ref in resolved["organisations"]
        ],
        "years": [record.year_start, record.year_end],
        "status": record.status,
        "stages": sorted([year, stage] for year, stage in record.milestones),
        "objectives": len(record.objectives),
        "KPIs": len(record.kpis),
        "funding": sorted(
            [record.funding_model, record.funding_programme, record.funding_reference]
            for _ in [0]
            if record.funding_programme or record.funding_text
        ),
        "reference": record.source_reference,
        "education levels": sorted(t.slug for t in resolved["education_levels"]),
        "target groups": sorted(t.slug for t in resolved["target_groups"]),
    }


def words(text):
    return re.sub(r"[^\w]+", " ", (text or "").lower()).strip()


def same(field, truth, got):
    if field == "title":
        return words(truth) == words(got)
    if field == "organisations":
        wanted = [
            ({words(name), words(acronym)} - {""}, role)
            for name, acronym, role in truth
        ]
        found = [
            ({words(name), words(acronym)} - {""}, role) for name, acronym, role in got
        ]
        if len(wanted) != len(found):
            return False
        for names, role in wanted:
            match = next((f for f in found if f[1] == role and f[0] & names), None)
            if match is None:
                return False
            found.remove(match)
        return True
    if field == "funding":
        # The importer gives a funding model only for EU programmes.
        return sorted(x[1:] for x in truth) == sorted(x[1:] for x in got)
    return truth == got


def measure(sources, fixtures):
    from initiatives.importers.common import SourceError
    from initiatives.importers.detect import parse_document
    from initiatives.importers.service import Resolver

    resolver = Resolver()
    urls = source_urls(sources)
    by_url = truths(fixtures)
    results = []
    for path in sorted(sources.glob("*.txt")):
        url = urls.get(path.name, "")
        wanted = list(by_url.get(url, []))
        try:
            _fmt, records = parse_document(
                path.read_bytes(), known_countries=resolver.country_names()
            )
            refused = ""
        except SourceError as exc:
            records, refused = [], str(exc)
        got = [extracted(r, resolver.resolve(r)) for r in records]
        rows = []
        # Pair each curated initiative with the record whose title is closest.
        for truth in wanted:
            best, ratio = None, 0.0
            for value in got:
                r = difflib.SequenceMatcher(
                    None, words(truth["title"]), words(value["title"])
                ).ratio()
                if r > ratio:
                    best, ratio = value, r
            if best is not None and (ratio >= 0.3 or len(got) == len(wanted) == 1):
                got.remove(best)
            else:
                best = None
            cells = {
                field: best is not None and same(field, truth[field], best[field])
                for field in FIELDS
            }
            filled = [f for f in FIELDS if truth[f] not in ("", 0, [], [None, None])]
            rows.append({"slug": truth["slug"], "cells": cells, "filled": filled})
        results.append(
            {
                "file": path.name,
                "refused": refused,
                "records": len(records),
                "extra_records": len(got),
                "rows": rows,
            }
        )
    return results


def score(result):
    right = sum(sum(row["cells"].values()) for row in result["rows"])
    return right, len(FIELDS) * len(result["rows"])


def facts(result):
    """Fields the curated record fills (facts to find) and how many were found."""
    filled = sum(len(row.get("filled", [])) for row in result["rows"])
    found = sum(
        sum(row["cells"][f] for f in row.get("filled", [])) for row in result["rows"]
    )
    return found, filled


def markdown(results, baseline=None):
    before = {r["file"]: r for r in baseline or []}
    short = {
        "publication type": "pub. type", "education levels": "levels",
        "target groups": "groups", "organisations": "orgs",
    }  # fmt: skip
    out = ["| document | initiative | " + " | ".join(short.get(f, f) for f in FIELDS)]
    out[0] += " |"
    out.append("|" + " --- |" * (len(FIELDS) + 2))
    for result in results:
        for row in result["rows"]:
            cells = ["✓" if row["cells"][f] else "✗" for f in FIELDS]
            out.append(
                f"| {result['file'][:2]} | {row['slug']} | " + " | ".join(cells) + " |"
            )
        if not result["rows"]:
            out.append(
                f"| {result['file'][:2]} | (no initiative curated) | "
                + " | ".join("" for _ in FIELDS)
                + " |"
            )
    out.append("")
    head = "| document | records | fields right | facts found |"
    line = "| --- | --- | --- | --- |"
    if baseline:
        head = (
            "| document | records before → after | fields right before → after "
            "| facts found before → after |"
        )
    out += [head, line]
    totals = [0, 0, 0, 0, 0]
    for result in results:
        right, total = score(result)
        found, filled = facts(result)
        records = result["records"] or "refused"
        totals[1] += right
        totals[2] += total
        totals[3] += found
        totals[4] += filled
        if baseline:
            old = before.get(result["file"])
            old_right = score(old)[0] if old else 0
            old_found = facts(old)[0] if old else 0
            totals[0] += old_right
            old_records = (old["records"] or "refused") if old else "?"
            out.append(
                f"| {result['file']} | {old_records} → {records} | "
                f"{old_right} → {right} of {total} | "
                f"{old_found} → {found} of {filled} |"
            )
        else:
            out.append(
                f"| {result['file']} | {records} | {right}/{total} | {found}/{filled} |"
            )
    if baseline:
        old_facts = sum(facts(r)[0] for r in baseline)
        out.append(
            f"| **all** | | **{totals[0]} → {totals[1]} of {totals[2]}** | "
            f"**{old_facts} → {totals[3]} of {totals[4]}** |"
        )
    else:
        out.append(
            f"| **all** | | **{totals[1]}/{totals[2]}** | **{totals[3]}/{totals[4]}** |"
        )
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sources", type=Path, help="folder of source documents")
    parser.add_argument("--fixtures", type=Path, default=HERE / "fixtures")
    parser.add_argument(
        "--project", type=Path, default=HERE, help="checkout whose importer runs"
    )
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    parser.add_argument("--baseline", type=Path, help="JSON of an earlier run")
    args = parser.parse_args(argv)
    database = setup_django(args.project.resolve())
    try:
        from django.core.management import call_command

        call_command("load_catalogue", fixture_dir=args.fixtures.resolve(), verbosity=0)
        results = measure(args.sources.resolve(), args.fixtures.resolve())
    finally:
        os.unlink(database)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1), encoding="utf-8")
    baseline = json.loads(args.baseline.read_text()) if args.baseline else None
    print(markdown(results, baseline))


if __name__ == "__main__":
    main()
