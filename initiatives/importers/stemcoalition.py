"""Parser for pages of the EU STEM Coalition database.

A page holds one or more entries. Each entry is a title line followed by
labelled fields, the label on its own line ("Source / author:") with the value
on the next lines, or on the same line ("Organisation: EU STEM Coalition").
Country pages start with the country's name; the site shows every label even
when the field is empty, and some labels are raw template names
("Title (dropdown menu)", "data_page_icon_programme").
"""

import re

from .common import (
    ImportRecord,
    KPIRow,
    OrganisationRef,
    clean,
    dedupe_paragraphs,
    find_region,
    is_bullet,
    paragraphs,
    parse_quantity,
    prepare,
    split_acronym,
    split_language,
    split_names,
    strip_bullet,
    tidy_title,
    year_range,
)

SOURCE = "stemcoalition"

# Normalised label → field key.
LABELS = {
    "source / author": "author",
    "source/author": "author",
    "author": "author",
    "country": "country",
    "countries": "country",
    "abstract": "abstract",
    "short summary": "summary",
    "summary": "summary",
    "description and objectives": "description",
    "description": "description",
    "education level": "education_level",
    "education levels": "education_level",
    "logo or photo": "ignore",
    "organisation": "organisation",
    "organization": "organisation",
    "impact": "impact",
    "reach": "reach",
    "budget and funding model": "funding",
    "title (dropdown menu)": "ignore",
    "year start": "year_start",
    "year end": "year_end",
    "status": "status",
    "publication date": "publication_date",
    "publication type": "publication_type",
    "host organisation": "host",
    "requesting organisation": "lead",
    "city & meeting location": "ignore",
    "start date": "start_date",
    "objective of the meeting": "description",
    "target group": "target_group",
    "target groups": "target_group",
    "website": "ignore",
}
ENTRY_START = {"author", "summary", "organisation", "host", "lead", "eu_project"}
LABEL_LINE = re.compile(r"^\s*([A-Za-z][\w /&()'-]{0,50}?)\s*:\s*(.*)$")
FOOTER = re.compile(
    r"^(pages|menu|visit website|read more|subscribe to rss.*|share|print)$", re.I
)
PUBLICATION_TYPES = {
    "policy and strategy": "policy-strategy",
    "reports and studies": "report-study",
    "report": "report-study",
    "monitoring instrument": "monitoring",
    "meeting report": "meeting-report",
    "news": "news",
    "tools": "tool",
}
KINDS = {
    "programme": "programme",
    "program": "programme",
    "publication": "publication",
    "project": "project",
    "event": "event",
    "network": "network",
}
STATUSES = {
    "ongoing": "ongoing",
    "running": "ongoing",
    "active": "ongoing",
    "planned": "planned",
    "completed": "completed",
    "finished": "completed",
    "finalised": "completed",
    "ended": "completed",
    "discontinued": "discontinued",
}


def label_of(line):
    """The field key of a label line and its inline value, or (None, None)."""
    match = LABEL_LINE.match(line)
    if not match:
        return None, None
    raw = match.group(1).strip()
    key = raw.lower()
    if key.startswith("eu_project_"):
        return "eu_project:" + key[len("eu_project_") :], match.group(2).strip()
    if key.startswith("data_page_icon_"):
        return "icon:" + key[len("data_page_icon_") :], match.group(2).strip()
    if key in LABELS:
        return LABELS[key], match.group(2).strip()
    return None, None


DATE_LINE = re.compile(
    r"^(?:\w+,\s+)?(?:\d{1,2}\s+[A-Za-z]+\s+\d{4}|[A-Za-z]+\s+\d{1,2},\s+\d{4})"
    r"(?:\s+to\s+.*)?$"
)
# Fields holding a short value: the text after it (past a blank line) is the
# entry's body, not part of the value.
SHORT_FIELDS = {
    "author", "country", "education_level", "organisation", "year_start",
    "year_end", "status", "publication_date", "publication_type", "host", "lead",
    "start_date", "ignore", "target_group", "eu_project:start_end_date",
    "eu_project:status", "eu_project:programme", "eu_project:reference",
}  # fmt: skip


def looks_like_title(line, allow_colon=False):
    line = line.strip()
    return (
        0 < len(line) <= 200
        and not line.endswith((".", ":", ";", ","))
        and not is_bullet(line)
        and (allow_colon or ":" not in line)
        and any(ch.isalpha() for ch in line)
        and not FOOTER.match(line)
        and not DATE_LINE.match(line)
        and label_of(line)[0] is None
    )


def first_title(lines, first_label):
    """The title of the first entry: the nearest title-like line above it."""
    for j in range(first_label - 1, -1, -1):
        if looks_like_title(lines[j], allow_colon=True):
            return j
    return None


# An overview table's row: "July 7, 2021 | Estonia | Estonian Research Council",
# followed by the start of the entry's description.
LISTING_ROW = re.compile(
    r"^\s*(?P<date>[A-Z][a-z]+\s+\d{1,2},\s+\d{4}|\d{1,2}\s+[A-Z][a-z]+\s+\d{4})"
    r"\s*\|\s*(?P<country>[^|]+?)\s*\|\s*(?P<organisations>[^|]+?)\s*$"
)
LISTING_STATUS = [
    (re.compile(r"\b(ongoing|current|running)\b", re.I), "ongoing"),
    (re.compile(r"\b(finalised|finalized|finished|completed)\b", re.I), "completed"),
]


def detect_score(text):
    """How strongly the text looks like an EU STEM Coalition page (0 = not)."""
    score = 0
    for line in text.splitlines():
        if LISTING_ROW.match(line):
            score += 2
        key, _ = label_of(line)
        if key and key != "ignore":
            score += (
                2 if key in ("author", "summary", "year_start", "host", "lead") else 1
            )
        if key and (key.startswith("eu_project:") or key.startswith("icon:")):
            score += 2
        if re.match(r"^\s*source\s*/\s*author\s*:", line, re.I):
            score += 1  # the site's own label: enough on its own
    return score


def split_entries(lines):
    """Entries as (title, preamble lines, [(key, inline value, value lines)])."""
    labels = [(i, *label_of(line)) for i, line in enumerate(lines)]
    labels = [(i, key, value) for i, key, value in labels if key]
    if not labels:
        return []
    entries = []
    current = None
    for n, (i, key, inline) in enumerate(labels):
        start_key = key.split(":")[0] if ":" in key else key
        title_index = previous_content_line(lines, i)
        new_entry = current is None
        if new_entry:
            title_index = first_title(lines, i)
        if (
            current is not None
            and start_key in ENTRY_START
            and title_index is not None
            and looks_like_title(lines[title_index])
            and (n == 0 or title_index > labels[n - 1][0])
            and not (key in current["keys"] and same_value(current, key, inline))
            and blank_before(lines, title_index)
        ):
            new_entry = True
        if new_entry:
            if current is not None:
                # The title line belongs to the new entry, not the last value.
                current["fields"][-1]["end"] = title_index
            preamble_end = title_index if title_index is not None else i
            current = {
                "title": lines[title_index].strip() if title_index is not None else "",
                "title_index": title_index,
                "keys": set(),
                "fields": [],
                "preamble_end": preamble_end,
            }
            entries.append(current)
        end = labels[n + 1][0] if n + 1 < len(labels) else len(lines)
        current["fields"].append({"key": key, "inline": inline, "start": i, "end": end})
        current["keys"].add(key)
    result = []
    for entry in entries:
        fields = []
        # An event page shows its date on a line of its own under the title.
        if entry["title_index"] is not None and entry["fields"]:
            between = lines[entry["title_index"] + 1 : entry["fields"][0]["start"]]
            dates = [ln.strip() for ln in between if DATE_LINE.match(ln.strip())]
            if dates:
                fields.append(("date", dates[0]))
        for f in entry["fields"]:
            value_lines = lines[f["start"] + 1 : f["end"]]
            value_lines = [ln for ln in value_lines if not FOOTER.match(ln.strip())]
            body = []
            if f["key"] in SHORT_FIELDS:
                value_lines, body = short_value(f["inline"], value_lines)
            text = "\n".join(([f["inline"]] if f["inline"] else []) + value_lines)
            fields.append((f["key"], text.strip("\n")))
            if "\n".join(body).strip():
                fields.append(("body", "\n".join(body).strip("\n")))
        result.append((entry["title"], entry["title_index"], fields))
    return result


def short_value(inline, lines):
    """A short field's value lines and the body text after them."""
    if inline:
        return [], lines
    i = 0
    while i < len(lines) and not lines[i].strip():
        i += 1
    j = i
    while j < len(lines) and lines[j].strip():
        j += 1
    return lines[i:j], lines[j:]


def same_value(entry, key, inline):
    return bool(inline) and any(
        f["key"] == key and f["inline"] == inline for f in entry["fields"]
    )


def previous_content_line(lines, i):
    j = i - 1
    while j >= 0 and not lines[j].strip():
        j -= 1
    return j if j >= 0 else None


def blank_before(lines, i):
    return i == 0 or not lines[i - 1].strip()


def parse(text, *, page_country="", known_countries=()):
    """Records of every entry on the page (a list, possibly of one)."""
    text = prepare(text)
    lines = text.split("\n")
    entries = split_entries(lines)
    records = []
    first_title_index = entries[0][1] if entries else None
    preamble = lines[: first_title_index or 0]
    country = page_country or country_from_preamble(preamble, lines, known_countries)
    for title, _index, fields in entries:
        records.append(build_record(title, fields, country, known_countries))
    if not records:
        records = listing_records(lines)
    return records


def listing_records(lines):
    """Records of an overview page's table rows (the site's list of taskforces).

    A row gives a date, a country and the organisations; the lines under it
    start the description. The page's heading says what the rows are, and the
    sentence above a table whether they are ongoing or finalised. Rows have no
    title of their own: one is proposed from the heading, country and year.
    """
    heading = next((clean(ln) for ln in lines if clean(ln)), "")
    kind_name = re.sub(r"s$", "", heading) if len(heading) < 60 else ""
    records, status, current = [], "", None
    for line in lines:
        match = LISTING_ROW.match(line)
        if match:
            current = ImportRecord(source=SOURCE, kind="project", status=status)
            country = clean(match["country"])
            year = int(re.search(r"\d{4}", match["date"])[0])
            current.year_start = year
            current.countries = [country]
            for name in split_names(match["organisations"]):
                if name.lower() != country.lower():
                    name, acronym = split_acronym(name)
                    current.organisations.append(OrganisationRef(name, "lead", acronym))
            current.title = f"{kind_name or 'Entry'}: {country} ({year})"
            current.title_proposed = True
            current.warnings.append(
                f"The overview gives no title; “{current.title}” is proposed: "
                "give the real title."
            )
            records.append(current)
            continue
        text = clean(line)
        if current is not None and text and not current.summary:
            current.summary = text
            region = find_region(text)
            if region:
                current.region, current.region_inferred = region, True
            current.warnings.append(
                "Summary and description are copied from the source: rewrite "
                "them in our own words before publishing."
            )
            continue
        if text:
            current = None
            for pattern, value in LISTING_STATUS:
                if pattern.search(text):
                    status = value
                    break
    return records


def country_from_preamble(preamble, lines, known_countries):
    """A country page starts with the country's name; its footer says it too."""
    known = {name.lower() for name in known_countries}
    for line in preamble:
        name = line.strip()
        short = name and len(name) < 40 and ":" not in name
        if short and (not known or name.lower() in known):
            return name
    for line in lines:
        match = re.match(r"^Subscribe to RSS\s*-\s*(.+)$", line.strip())
        if match:
            return match.group(1).strip()
    return ""


def build_record(title, fields, page_country, known_countries=()):
    record = ImportRecord(source=SOURCE)
    values = {}
    for key, value in fields:
        if key == "body":
            continue
        if (
            key in values
            and value.strip()
            and values[key].strip()
            and value.strip() != values[key].strip()
        ):
            record.warnings.append(
                f"The field “{key}” appears twice with different values; "
                "the first one is kept."
            )
            continue
        if key not in values or not values[key].strip():
            values[key] = value
    title, language = split_language(clean(title))
    title, recased = tidy_title(title)
    record.title = title
    if recased:
        record.warnings.append(
            f"The title was written in capitals; check its case: “{title}”."
        )
    if language:
        record.languages.append(language)

    # Kind: the template icon says it; publications have an author and abstract.
    icons = [key.split(":", 1)[1] for key in values if key.startswith("icon:")]
    if any(key.startswith("eu_project:") for key in values):
        record.kind = "project"
    elif icons and icons[0] in KINDS:
        record.kind = KINDS[icons[0]]
    elif "publication_type" in values or "abstract" in values:
        record.kind = "publication"
    elif "host" in values:
        record.kind = "event"
    elif "lead" in values and "start_date" in values:
        # A taskforce dossier: a requesting organisation and a start date.
        record.kind = "project"
    elif "author" in values and "summary" not in values:
        record.kind = "publication"
    else:
        record.kind = "programme"
    ptype = clean(values.get("publication_type", "")).lower()
    if ptype:
        if ptype in PUBLICATION_TYPES and record.kind == "publication":
            record.publication_type = PUBLICATION_TYPES[ptype]
        elif ptype not in PUBLICATION_TYPES:
            record.warnings.append(f"Unknown publication type “{ptype}”.")

    summary = values.get("summary") or values.get("abstract") or ""
    summary_paras = dedupe_paragraphs(paragraphs(summary))
    record.summary = "\n\n".join(summary_paras)
    original = re.search(r"\(\w+ title:\s*['‘“\"](.+?)['’”\"]\s*\)", summary)
    if original:
        record.original_title = clean(original.group(1)).rstrip(".")

    # A publication's "Organisation" is its author; a programme's leads it.
    organisation_role = "author" if record.kind == "publication" else "lead"
    known = {name.lower() for name in known_countries}
    for key, role in (("author", "author"), ("organisation", organisation_role),
                      ("host", "host"), ("lead", "lead")):  # fmt: skip
        for line in (values.get(key) or "").split("\n"):
            name = strip_bullet(line) if is_bullet(line) else clean(line)
            if not name:
                continue
            if key == "author" and name.lower() in known:
                # Some pages put the country in the Source / author field.
                if not clean(values.get("country") or ""):
                    values["country"] = name
                continue
            name, acronym = split_acronym(name)
            record.organisations.append(OrganisationRef(name, role, acronym))

    countries = []
    for line in (values.get("country") or "").split("\n"):
        line = clean(line)
        match = re.match(r"^(.*?)\s*\((.+)\)$", line)
        if match:
            line, record.region = match.group(1), match.group(2)
        countries += [name for name in split_names(line) if name]
    if not countries and page_country:
        countries = [page_country]
        if "country" in values:
            record.warnings.append(
                f"The entry's own Country field is empty; it is listed on the "
                f"{page_country} page, so {page_country} is used."
            )
    record.countries = countries
    if not record.region:
        region = find_region(record.title, record.summary)
        if region:
            record.region, record.region_inferred = region, True

    for line in (values.get("education_level") or "").split("\n"):
        for name in re.split(r"\s*[,;]\s*", clean(strip_bullet(line))):
            if name:
                record.education_levels.append(name)
    for line in (values.get("target_group") or "").split("\n"):
        if clean(line):
            record.target_groups.append(strip_bullet(line))

    for key, attr in (("year_start", "year_start"), ("year_end", "year_end")):
        match = re.search(r"\b(19|20)\d{2}\b", values.get(key) or "")
        if match:
            setattr(record, attr, int(match.group(0)))
    for key in ("publication_date", "start_date", "eu_project:start_end_date", "date"):
        years = re.findall(r"\b(?:19|20)\d{2}\b", values.get(key) or "")
        if years and record.year_start is None:
            record.year_start = int(years[0])
            if key == "eu_project:start_end_date" and len(years) > 1:
                record.year_end = int(years[-1])
            elif key == "date" and record.kind == "event":
                # A meeting ends on its (last) date.
                record.year_end = int(years[-1])
    status = clean(values.get("status") or values.get("eu_project:status") or "")
    if status:
        record.status = STATUSES.get(status.lower(), "")
        if not record.status:
            record.warnings.append(f"Unknown status “{status}”.")

    parse_description(record, values.get("description") or "")
    body = "\n\n".join(value for key, value in fields if key == "body")
    if body.strip():
        paras = dedupe_paragraphs(paragraphs(body))
        if record.summary or record.description:
            record.description = "\n\n".join(filter(None, [record.description, *paras]))
        else:
            record.summary = paras[0]
            record.description = "\n\n".join(paras[1:])
        # A bulleted list in the body ("… will elevate STEM education by:")
        # lists aims, as bullets do in a programme's description.
        if not record.objectives:
            record.objectives = items(body.split("\n"))
    if "eu_project:summary" in values:
        record.summary = "\n\n".join(paragraphs(values["eu_project:summary"]))
    for key in ("eu_project:objectives", "eu_project:main_activities"):
        for para in paragraphs(values.get(key) or ""):
            if key.endswith("objectives"):
                record.objectives.append(("", para))
            else:
                record.description = "\n\n".join(
                    filter(None, [record.description, para])
                )
    if clean(values.get("eu_project:programme") or ""):
        record.funding_programme = clean(values["eu_project:programme"])
        record.funding_model = "eu-programme"
    record.funding_reference = clean(values.get("eu_project:reference") or "")

    parse_kpis(record, values.get("impact") or "", "impact")
    parse_kpis(record, values.get("reach") or "", "reach")
    parse_funding(record, values.get("funding") or "")
    if record.summary or record.description:
        record.warnings.append(
            "Summary and description are copied from the source: rewrite them in "
            "our own words before publishing."
        )
    return record


QUESTION = re.compile(r"^\s*[-–•]?\s*(?P<q>[A-Z][^?]{3,200}\?)\s*(?P<a>.*)$")


def segments(text):
    """Split a field at its sub-questions: [(question, answer, lines)]."""
    out = [("", "", [])]
    for line in text.split("\n"):
        match = QUESTION.match(line)
        if match and line.strip().startswith(("-", "–")):
            out.append((clean(match.group("q")), clean(match.group("a")), []))
        else:
            out[-1][2].append(line)
    return out


def items(lines):
    """Bullet items of some lines, continuation lines joined to their item."""
    result = []
    headers = []
    for line in lines:
        if not line.strip():
            continue
        if is_bullet(line):
            result.append([strip_bullet(line), headers[-1] if headers else ""])
        elif line.strip().endswith(":") and len(line.strip()) < 120:
            # "The 2 Workstreams aim to: Learn, Share & Co-create:" → the last part.
            headers.append(clean(line).rstrip(":").split(": ")[-1])
        elif result:  # a wrapped line continues the item
            result[-1][0] = clean(result[-1][0] + " " + line)
    return [(group, text) for text, group in result]


def parse_description(record, text):
    if not text.strip():
        return
    parts = segments(text)
    head = parts[0][2]
    record.description = "\n\n".join(dedupe_paragraphs(paragraphs("\n".join(head))))
    for group, item in items(head):
        record.objectives.append((group, item))
    for question, answer, lines in parts[1:]:
        body = clean(" ".join([answer, *lines]))
        if re.search(r"measured|KPI", question, re.I):
            record.kpis.append(
                KPIRow(kind="indicator", text="How it is measured", method=body[:300])
            )
        elif re.search(r"strateg|relate", question, re.I):
            for _group, item in items(lines):
                name = item.split(":", 1)[0] if ":" in item[:80] else ""
                if name:
                    record.related.append(name)


def parse_kpis(record, text, kind):
    if not text.strip():
        return
    target_year = None
    method = ""
    rows = []
    for question, answer, lines in segments(text):
        if question:
            match = re.search(r"\bfor\s+((?:19|20)\d{2})\b", answer, re.I)
            if re.search(r"how is this measured|how are they measured", question, re.I):
                method = "" if answer.upper() in ("N/A", "NA", "") else answer
                for row in rows:
                    row.method = method
            if match:
                target_year = int(match.group(1))
        for _group, item in items(lines):
            value, qualifier, unit = parse_quantity(item)
            start, end = year_range(item)
            row = KPIRow(
                kind=kind,
                text=item[:300],
                value=value,
                qualifier=qualifier,
                unit=unit,
                year_start=start,
                year_end=end,
            )
            if target_year:
                row.value_type = "target"
                row.year_start = row.year_start or target_year
                row.year_end = row.year_end or target_year
            elif value is not None:
                row.value_type = "achieved"
            rows.append(row)
    record.kpis.extend(rows)


def parse_funding(record, text):
    text = "\n".join(dedupe_paragraphs(paragraphs(text)))
    if not text:
        return
    record.funding_text = text
    match = re.search(
        r"funded by\s+(?P<who>[^:.]*?)(?::\s*(?P<names>[^.]+))?\.", text, re.I
    )
    if not match:
        return
    if match.group("names"):
        names = split_names(match.group("names"))
        note = clean(match.group("who"))
        if note.lower().endswith("companies"):
            note = note[: -len("companies")] + "company"
            record.funding_model = "private"
    else:
        names = split_names(match.group("who"))
        note = ""
    for name in names:
        name, acronym = split_acronym(name)
        record.organisations.append(OrganisationRef(name, "funder", acronym, note))
