"""Records, text clean-up and number parsing shared by the format parsers.

Everything here is pure: no database access, so the parsers can be tested on
plain strings and a preview never touches the catalogue.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser


class SourceError(ValueError):
    """The document cannot be imported (unreadable, empty, unrelated)."""


@dataclass
class OrganisationRef:
    name: str
    role: str  # an InitiativeOrganisation.Role value
    acronym: str = ""
    note: str = ""


@dataclass
class KPIRow:
    kind: str  # indicator, reach or impact
    text: str
    method: str = ""
    value: Decimal | None = None
    qualifier: str = ""  # about, at-least, at-most
    unit: str = ""
    value_type: str = ""  # target or achieved
    year_start: int | None = None
    year_end: int | None = None


@dataclass
class ThemeRef:
    """A thematic category heading and the sub-category paragraphs under it."""

    label: str
    sub_texts: list[str] = field(default_factory=list)


@dataclass
class ImportRecord:
    source: str  # an Initiative.Source value
    title: str = ""
    title_proposed: bool = False
    original_title: str = ""
    kind: str = ""
    publication_type: str = ""
    summary: str = ""
    description: str = ""
    background: str = ""
    countries: list[str] = field(default_factory=list)
    region: str = ""
    region_inferred: bool = False
    organisations: list[OrganisationRef] = field(default_factory=list)
    year_start: int | None = None
    year_end: int | None = None
    status: str = ""
    milestones: list[tuple[int, str]] = field(default_factory=list)
    milestone_notes: dict[tuple[int, str], str] = field(default_factory=dict)
    objectives: list[tuple[str, str]] = field(default_factory=list)  # group, text
    kpis: list[KPIRow] = field(default_factory=list)
    target_groups: list[str] = field(default_factory=list)
    education_levels: list[str] = field(default_factory=list)
    themes: list[ThemeRef] = field(default_factory=list)
    priorities: list[tuple[str, str]] = field(default_factory=list)  # framework, p.
    funding_text: str = ""
    funding_model: str = ""
    funding_programme: str = ""
    funding_reference: str = ""
    languages: list[str] = field(default_factory=list)  # ISO 639-1 codes
    related: list[str] = field(default_factory=list)
    source_url: str = ""
    source_reference: str = ""
    warnings: list[str] = field(default_factory=list)


# --- Reading and cleaning text -------------------------------------------------

MAX_BYTES = 1024 * 1024


def decode(data):
    """Bytes from a file or upload as text; SourceError if it is not text."""
    if isinstance(data, str):
        text = data
    else:
        if b"\x00" in data[:8192]:
            raise SourceError("The file is not a text document (it looks binary).")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise SourceError(
                "The file is not UTF-8 text; save it as UTF-8 and try again."
            ) from exc
    if "\x00" in text:
        raise SourceError("The file is not a text document (it looks binary).")
    return text


HTML_HINT = re.compile(r"<(?:html|body|p|div|br|h[1-6]|li|ul|ol|table|span)\b", re.I)
BLOCK_TAGS = {
    "p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table", "ul",
    "ol", "section", "article", "header", "footer", "dt", "dd", "dl", "blockquote",
    "title", "body",
}  # fmt: skip


class _TextExtractor(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "nav", "noscript"):
            self.skip += 1
        elif tag == "li":
            self.parts.append("\n- ")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "nav", "noscript"):
            self.skip = max(0, self.skip - 1)
        elif tag in BLOCK_TAGS or tag == "li":
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(html):
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def prepare(text):
    """Plain text with tidy lines: HTML stripped, odd spaces made plain."""
    if HTML_HINT.search(text):
        text = html_to_text(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\u00a0\u2007\u202f\u2009\u200b\ufeff\t]", " ", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def clean(text):
    """One line of text with single spaces."""
    return re.sub(r"\s+", " ", text or "").strip()


BULLET = re.compile(r"^\s*(?:[•\-*–·▪◦●]|o(?=\s+[A-Z])|\d{1,2}[.)])\s+")


def is_bullet(line):
    return bool(BULLET.match(line))


def strip_bullet(line):
    return clean(BULLET.sub("", line, count=1))


def paragraphs(text):
    """Paragraphs of a field: blank-line separated, wrapped lines joined."""
    out = []
    for block in re.split(r"\n\s*\n", text or ""):
        if block.strip():
            out.append(clean(block))
    return out


def dedupe_paragraphs(paras):
    """Drop repeated paragraphs and cut copies ("…") of a later complete one."""
    kept = []
    for i, para in enumerate(paras):
        if para in kept:
            continue
        stem = re.sub(r"(\.\.\.|…)$", "", para).strip()
        if stem != para and any(
            other.startswith(stem) and other != para for other in paras[i + 1 :]
        ):
            continue
        kept.append(para)
    return kept


def dedupe_lines(lines):
    """Remove a block of lines cut short with "..." and repeated in full later.

    Cedefop pages show the start of the description, cut with "...", and then
    the whole of it: keep the complete copy.
    """
    lines = list(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not re.search(r"(\.\.\.|…)$", stripped):
            continue
        stem = re.sub(r"(\.\.\.|…)$", "", stripped).strip()
        for j in range(i + 1, len(lines)):
            if lines[j].strip().startswith(stem) and lines[j].strip() != stripped:
                # Extend the repeated block backwards while lines agree.
                k = 0
                while (
                    i - k - 1 >= 0
                    and j - k - 1 > i
                    and lines[i - k - 1].strip() == lines[j - k - 1].strip()
                ):
                    k += 1
                return dedupe_lines(lines[: i - k] + lines[i + 1 :])
    return lines


# --- Normalising labels ----------------------------------------------------------


def normalise(label):
    """Lower case, no accents, "&" as "and", punctuation and dashes as spaces."""
    text = unicodedata.normalize("NFKD", label or "")
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[^\w]+", " ", text)
    return re.sub(r"\s+", " ", text.replace("_", " ")).strip()


ACRONYMS = {"stem", "steam", "eu", "vet", "ict", "ngo", "ngos", "csr", "oecd", "sme"}
PROPER = {"europe", "european", "flemish", "flanders", "dutch", "belgium"}


def tidy_title(title):
    """A title as the catalogue writes it; capitals-only titles are lowered.

    Returns the title and whether the case was changed (the editor checks it).
    """
    title = clean(title)
    letters = [ch for ch in title if ch.isalpha()]
    if not letters or not all(ch.isupper() for ch in letters) or len(letters) < 8:
        return title, False
    words = []
    for n, word in enumerate(title.lower().split(" ")):
        bare = re.sub(r"\W", "", word)
        if bare in ACRONYMS:
            word = word.upper()
        elif bare in PROPER or n == 0:
            word = word[:1].upper() + word[1:]
        words.append(word)
    return " ".join(words), True


LANGUAGES = {
    "dutch": "nl", "flemish": "nl", "french": "fr", "german": "de", "english": "en",
    "spanish": "es", "italian": "it", "portuguese": "pt", "danish": "da",
    "swedish": "sv", "norwegian": "no", "finnish": "fi", "estonian": "et",
    "greek": "el", "polish": "pl", "czech": "cs", "slovak": "sk", "hungarian": "hu",
    "romanian": "ro", "bulgarian": "bg", "croatian": "hr", "slovenian": "sl",
    "latvian": "lv", "lithuanian": "lt", "maltese": "mt", "irish": "ga",
    "basque": "eu", "catalan": "ca",
}  # fmt: skip

LANGUAGE_NOTE = re.compile(
    r"\s*\((?P<lang>[A-Za-z]+)(?:\s+only|\s+version|\s+language)?\)\s*$", re.I
)


def split_language(title):
    """ "Kiezen voor STEM (Dutch only)" → ("Kiezen voor STEM", "nl")."""
    match = LANGUAGE_NOTE.search(title)
    if match and match.group("lang").lower() in LANGUAGES:
        return title[: match.start()].strip(), LANGUAGES[match.group("lang").lower()]
    return title, ""


def split_acronym(name):
    """ "Flemish public employment service (VDAB)" → (name, "VDAB")."""
    name = clean(name)
    match = re.match(r"^(.*\S)\s*\(([A-Z][A-Za-z0-9&.\-]{1,15})\)$", name)
    if match and any(ch.isupper() for ch in match.group(2)[1:]):
        return match.group(1), match.group(2)
    return name, ""


def split_names(text):
    """ "Huawei, Toyota and Unipol Group." → ["Huawei", "Toyota", "Unipol Group"]."""
    text = clean(text).rstrip(".;")
    parts = re.split(r"\s*(?:,|;|\band\b|&)\s*", text)
    parts = [re.sub(r"^the\s+", "", part.strip(), flags=re.I) for part in parts]
    return [part for part in parts if part]


# Regions the sources name by themselves or by adjective (“Flemish Government”).
REGION_WORDS = {
    "flemish": "Flanders", "flanders": "Flanders", "walloon": "Wallonia",
    "wallonia": "Wallonia", "basque": "Basque Country", "catalan": "Catalonia",
    "catalonia": "Catalonia", "scottish": "Scotland", "scotland": "Scotland",
    "bavarian": "Bavaria", "bavaria": "Bavaria", "brittany": "Brittany",
    "breton": "Brittany",
}  # fmt: skip


def find_region(*texts):
    for text in texts:
        for word in re.findall(r"[A-Za-z]+", text or ""):
            if word.lower() in REGION_WORDS and word[0].isupper():
                return REGION_WORDS[word.lower()]
    return ""


# --- Numbers -------------------------------------------------------------------

QUALIFIERS = [
    (r"about|around|approximately|approx\.?|circa|ca\.|some|nearly|almost|roughly",
     "about"),
    (r"at least|more than|over|minimum of|min\.", "at-least"),
    (r"at most|up to|maximum of|max\.|less than|fewer than", "at-most"),
]  # fmt: skip
NUMBER = re.compile(
    r"(?:(?P<q>"
    + "|".join(pattern for pattern, _ in QUALIFIERS)
    + r")\s+)?(?P<n>\d{1,3}(?:[ ,.]\d{3})+|\d+(?:\.\d+)?)\s*(?P<m>[kKmM]\b|thousand\b|"
    r"million\b)?(?:\s+(?P<unit>[A-Za-z][A-Za-z\-]+))?",
    re.I,
)
UNIT_STOP = {"a", "an", "the", "of", "in", "to", "and", "or", "per", "times"}


def parse_quantity(text):
    """The first figure in a sentence: (value, qualifier, unit), years skipped.

    "about 400 participants" → (400, "about", "participants"); "approximately
    2.2K a year" → (2200, "about", ""); "at least 15 teachers" → (15, "at-least",
    "teachers"). Returns (None, "", "") when no figure is clear.
    """
    for match in NUMBER.finditer(text or ""):
        raw = match.group("n")
        if re.fullmatch(r"(19|20)\d{2}", raw) and not match.group("q"):
            continue  # a year
        before = text[: match.start()]
        if re.search(r"[-–/]\s*$", before) or re.search(r"\d\s*[-–]\s*$", before):
            continue
        if re.fullmatch(r"\d{1,3}(?:[ ,.]\d{3})+", raw):
            raw = re.sub(r"[ ,.]", "", raw)
        value = Decimal(raw)
        multiplier = (match.group("m") or "").lower()
        if multiplier in ("k", "thousand"):
            value *= 1000
        elif multiplier in ("m", "million"):
            value *= 1000000
        qualifier = ""
        if match.group("q"):
            word = match.group("q").lower()
            for pattern, name in QUALIFIERS:
                if re.fullmatch(pattern, word):
                    qualifier = name
        unit = match.group("unit") or ""
        if unit.lower() in UNIT_STOP:
            unit = ""
        return value, qualifier, unit.lower()
    return None, "", ""


def year_range(text):
    """ "between 2020 and 2023" / "2020-2023" → (2020, 2023)."""
    match = re.search(
        r"\b((?:19|20)\d{2})\s*(?:-|–|to|and)\s*((?:19|20)\d{2})\b", text or ""
    )
    if match:
        return int(match.group(1)), int(match.group(2))
    return None, None
