"""Parser for entries of Cedefop's Timeline of VET policies in Europe.

An entry is a list of timeline stages ("- 2020Design", one per year, sometimes
under a "Timeline" heading and with "•" bullets), an optional "ID number",
then headed sections: Background, Objectives, Description, Bodies responsible,
Target groups (grouped, e.g. under "Learners"), Thematic categories (category
headings followed by Cedefop's generic text about each category and
sub-category) and European priorities in VET (framework, then priorities).
Saved pages may keep the site's one-line explanation under each heading, and
copies often lack the title line.
"""

import re

from .common import (
    ImportRecord,
    OrganisationRef,
    ThemeRef,
    clean,
    dedupe_lines,
    dedupe_paragraphs,
    find_region,
    is_bullet,
    paragraphs,
    prepare,
    split_acronym,
    strip_bullet,
    tidy_title,
)

SOURCE = "cedefop"

STAGES = {
    "design": "design",
    "legislative process": "legislative",
    "approved/agreed": "approved",
    "approved": "approved",
    "agreed": "approved",
    "pilot": "pilot",
    "implementation": "implementation",
    "evaluation": "evaluation",
    "discontinued": "discontinued",
    "completed": "completed",
}
STAGE_NAMES = "|".join(
    re.escape(name) for name in sorted(STAGES, key=len, reverse=True)
)
STAGE_LINE = re.compile(
    rf"^\s*(?:[-•*·]\s*)?(?P<year>(?:19|20)\d{{2}})\s*[-–:]?\s*(?P<stage>{STAGE_NAMES})"
    r"\s*$",
    re.I,
)
STAGE_ONLY = re.compile(rf"^\s*(?P<stage>{STAGE_NAMES})\s*$", re.I)
YEAR_ONLY = re.compile(r"^\s*(?P<year>(?:19|20)\d{2})\s*$")

HEADINGS = {
    "timeline": "timeline",
    "id number": "id",
    "id": "id",
    "title": "title",
    "country": "country",
    "type of development": "type",
    "background": "background",
    "objectives": "objectives",
    "description": "description",
    "bodies responsible": "bodies",
    "target groups": "target_groups",
    "thematic categories": "themes",
    "european priorities in vet": "priorities",
    "european priorities": "priorities",
}
# The site's explanation under a heading, kept in some saved copies.
HELP_TEXT = re.compile(
    r"^(A brief overview of the context|Goals and objectives of the policy|"
    r"What/How/Who/For whom/When|Main bodies responsible|"
    r"The (main )?target groups of the policy|Thematic categories? (of|that)|"
    r"European priorities (that|the policy))",
    re.I,
)
KINDS = {
    "strategy/action plan": "policy",
    "strategy": "policy",
    "action plan": "policy",
    "regulation/legislation": "legislation",
    "legislation": "legislation",
    "regulation": "legislation",
    "practical measure/initiative": "measure",
    "practical measure": "measure",
}
STATUS_OF_STAGE = {
    "design": "planned",
    "legislative": "planned",
    "approved": "planned",
    "pilot": "ongoing",
    "implementation": "ongoing",
    "evaluation": "ongoing",
    "discontinued": "discontinued",
    "completed": "completed",
}


def heading_of(line):
    return HEADINGS.get(clean(line).rstrip(":").lower())


def detect_score(text):
    score = 0
    for line in text.splitlines():
        if STAGE_LINE.match(line):
            score += 2
        key = heading_of(line)
        if key in ("bodies", "themes", "priorities"):
            score += 3
        elif key in ("background", "objectives", "timeline", "id"):
            score += 1
    return score


def sections(lines):
    """(preamble lines, {key: lines}) — a repeated heading adds to its section."""
    preamble, found, current = [], {}, None
    for line in lines:
        key = heading_of(line)
        if key:
            current = key
            found.setdefault(key, [])
            continue
        if current is None:
            preamble.append(line)
        else:
            found[current].append(line)
    return preamble, found


def strip_help(lines):
    out = list(lines)
    for i, line in enumerate(out):
        if line.strip():
            if HELP_TEXT.match(line.strip()):
                del out[i]
            break
    return out


def take_milestones(lines):
    """Milestones from stage lines ("- 2020Design" or "2017" then "Approved/Agreed");
    returns them, the notes under year-and-stage pairs, and the remaining lines.

    The entry's per-year progress repeats each year and stage on two lines,
    followed by what happened that year: that text is the milestone's note.
    """
    milestones, notes, rest = [], {}, []
    noting = None
    i = 0
    while i < len(lines):
        line = lines[i]
        match = STAGE_LINE.match(line)
        if match:
            milestones.append((int(match["year"]), STAGES[match["stage"].lower()]))
            noting = None
            i += 1
            continue
        if (
            YEAR_ONLY.match(line)
            and i + 1 < len(lines)
            and STAGE_ONLY.match(lines[i + 1])
        ):
            stage = STAGE_ONLY.match(lines[i + 1])["stage"].lower()
            noting = (int(YEAR_ONLY.match(line)["year"]), STAGES[stage])
            milestones.append(noting)
            i += 2
            continue
        if noting is not None and heading_of(line):
            noting = None
        if noting is not None:
            if line.strip():
                notes[noting] = clean(f"{notes.get(noting, '')} {line}")
        else:
            rest.append(line)
        i += 1
    return milestones, notes, rest


def text_of(lines):
    """Section text: cut copies removed, paragraphs one per line or block."""
    lines = dedupe_lines(lines)
    blocks = any(not ln.strip() for ln in lines)
    # A bullet starts its own paragraph even without a blank line before it.
    spaced = []
    for line in lines:
        if is_bullet(line):
            spaced.append("")
        spaced.append(line)
    lines = spaced
    if blocks:
        paras = paragraphs("\n".join(lines))
    else:
        paras = [clean(ln) for ln in lines if ln.strip()]
    return dedupe_paragraphs(paras)


PROPOSE = [
    re.compile(
        r"\bThe ((?:[A-Z][\w\-–/]*|\d{4})(?:\s+(?:[\w\-–/]+)){1,6}?)\s+"
        r"(?:focuses|focusses|aims|seeks|sets out|is|was|will|enables|introduces|"
        r"establishes|provides)\b"
    ),
    re.compile(r"\bThrough the ([A-Z][^,]{2,60}),"),
    # A name in quotes that the government or a ministry introduced or launched:
    # "in 2023 the government introduced the 'National Programme for …'".
    re.compile(
        r"\b(?:introduced|launched|adopted|presented)\s+(?:the|a|an)\s+"
        r"['‘“\"]([A-Z][^'’”\"]{3,120})['’”\"]"
    ),
    # "launched the project Shaping the future - … (InnoVET)": a programme or
    # project named with its acronym.
    re.compile(
        r"\b(?:introduced|launched|set up|established)\s+the\s+(?:project|programme|"
        r"initiative)\s+([A-Z][^()]{3,120}?\s\([A-Z][\w\-]{1,15}\))"
    ),
    # "a National Skills Council (NSC) was launched": a body with its acronym.
    re.compile(
        r"\b(?:[Aa]n?|[Tt]he)\s+([A-Z][\w\- ]{3,80}?)\s\([A-Z][\w\-]{1,15}\)\s+"
        r"(?:was|were|has been|is)\s+(?:launched|established|set up|created)\b"
    ),
]


def propose_title(*texts):
    for pattern in PROPOSE:
        for text in texts:
            match = pattern.search(text or "")
            if match:
                return clean(match.group(1))
    return ""


def parse(text, *, title=""):
    text = prepare(text)
    lines = text.split("\n")
    milestones, notes, lines = take_milestones(lines)
    preamble, found = sections(lines)
    record = ImportRecord(source=SOURCE)
    record.milestones = sorted(set(milestones))
    record.milestone_notes = notes

    for key in list(found):
        found[key] = strip_help(found[key])
    # Lines before the first heading: the title, when the copy kept it.
    candidates = [clean(ln) for ln in preamble if clean(ln)]
    candidates = [c for c in candidates if not is_bullet(c) and len(c) < 300]
    given = clean(" ".join(found.get("title", []))) or (
        candidates[0] if candidates else ""
    )
    background = text_of(found.get("background", []))
    objectives = text_of(found.get("objectives", []))
    description_lines = found.get("description", [])
    description = text_of(description_lines)
    record.background = "\n\n".join(background)
    record.description = "\n\n".join(description)

    record.title = clean(title) or given
    if not record.title:
        record.title = propose_title(*description, *objectives, *background)
        if record.title:
            record.title_proposed = True
            record.warnings.append(
                f"The document has no title line; the title “{record.title}” is "
                "proposed from the text: check it."
            )
        else:
            ident = clean(" ".join(found.get("id", [])))
            first = next(iter(objectives + description + background), "")
            words = first.split()
            if re.fullmatch(r"\d+", ident):
                record.title = f"Cedefop timeline entry {ident}"
            elif words:
                record.title = " ".join(words[:10]).rstrip(".,;:") + (
                    "…" if len(words) > 10 else ""
                )
            if record.title:
                record.title_proposed = True
                record.warnings.append(
                    f"The document has no title line and the text names none; "
                    f"“{record.title}” is a placeholder: give the real title."
                )
    record.title, recased = tidy_title(record.title)
    if recased:
        record.warnings.append(f"The title was in capitals; check “{record.title}”.")

    ident = clean(" ".join(found.get("id", [])))
    if re.fullmatch(r"\d+", ident):
        record.source_reference = ident

    kind = clean(" ".join(found.get("type", []))).lower()
    record.kind = KINDS.get(kind, "policy")
    if kind and kind not in KINDS:
        record.warnings.append(f"Unknown type of development “{kind}”.")
    elif not kind and any(stage == "legislative" for _, stage in record.milestones):
        # Only a law or regulation goes through a legislative process.
        record.kind = "legislation"
        record.warnings.append(
            "The copy does not give the type of development: the timeline's "
            "legislative process makes it “regulation / legislation”; check it."
        )
    elif not kind:
        record.warnings.append(
            "The copy does not give the type of development: the kind "
            "“policy / strategy” is assumed."
        )

    for line in found.get("country", []):
        if clean(line):
            record.countries.append(clean(strip_bullet(line)))
    record.region = find_region(
        record.title, *objectives, *background, *description[:3]
    )
    record.region_inferred = bool(record.region)

    if record.milestones:
        record.year_start = record.milestones[0][0]
        last_year, last_stage = record.milestones[-1]
        record.status = STATUS_OF_STAGE[last_stage]
        if last_stage in ("completed", "discontinued"):
            # The timeline's last stage ends the policy: that year is its end.
            record.year_end = last_year

    # A line ending in a colon introduces the list below it ("Increasing the
    # attractiveness of apprenticeship training, through:"): it groups them.
    group = ""
    for para in objectives:
        if is_bullet(para):
            record.objectives.append((group, strip_bullet(para)))
        elif para.endswith(":") and len(para) < 250:
            group = para.rstrip(":").strip()
        else:
            group = ""
            record.objectives.append(("", para))

    for line in found.get("bodies", []):
        name = strip_bullet(line)
        if name:
            name, acronym = split_acronym(name)
            record.organisations.append(OrganisationRef(name, "responsible", acronym))

    for line in found.get("target_groups", []):
        if clean(line) and is_bullet(line):
            record.target_groups.append(strip_bullet(line))

    parse_themes(record, found.get("themes", []))

    framework = ""
    for line in found.get("priorities", []):
        if not clean(line):
            continue
        if is_bullet(line):
            record.priorities.append((framework, strip_bullet(line)))
        else:
            framework = clean(line)
    return [record]


def parse_themes(record, lines):
    """Category headings, and the sub-category paragraphs under each.

    Paragraphs about the category itself ("This thematic category looks at…")
    are Cedefop's generic text: the catalogue keeps them on the category.
    """
    current = None
    for line in lines:
        text = clean(strip_bullet(line))
        if not text:
            continue
        is_heading = len(text) < 150 and not text.endswith(".")
        if is_heading:
            current = ThemeRef(text)
            record.themes.append(current)
        elif current is not None and re.search(r"sub-?category", text, re.I):
            if re.match(r"^(This|The) thematic sub-?category", text, re.I):
                current.sub_texts.append(text)
            elif current.sub_texts:
                current.sub_texts[-1] += " " + text
