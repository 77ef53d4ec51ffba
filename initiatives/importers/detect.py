"""Recognise a document's format and parse it with the right parser."""

from . import cedefop, stemcoalition
from .common import SourceError, decode, prepare

FORMATS = ("stemcoalition", "cedefop")
MIN_SCORE = 3


def detect(text):
    """The format of a prepared text, or None when it looks like neither."""
    scores = {
        "stemcoalition": stemcoalition.detect_score(text),
        "cedefop": cedefop.detect_score(text),
    }
    best = max(scores, key=scores.get)
    return best if scores[best] >= MIN_SCORE else None


def parse_document(data, *, fmt="auto", title="", known_countries=()):
    """Records of a document (bytes or text): (format, [ImportRecord]).

    Raises SourceError for unreadable, empty or unrelated input.
    """
    text = prepare(decode(data))
    if not text.strip():
        raise SourceError("The document is empty.")
    if fmt in (None, "", "auto"):
        fmt = detect(text)
        if fmt is None:
            raise SourceError(
                "The document is neither an EU STEM Coalition page nor a Cedefop "
                "timeline entry: no recognisable fields were found. Pages that "
                "describe an organisation (a member profile, a list of partners) "
                "hold no initiative to import: add the organisation by hand."
            )
    elif fmt not in FORMATS:
        raise SourceError(f"Unknown format “{fmt}”.")
    if fmt == "cedefop":
        records = cedefop.parse(text, title=title)
        if cedefop.detect_score(text) < MIN_SCORE:
            raise SourceError("No Cedefop sections or timeline stages were found.")
    else:
        records = stemcoalition.parse(text, known_countries=known_countries)
        if not records:
            raise SourceError("No EU STEM Coalition fields were found.")
        if title and len(records) == 1:
            records[0].title = title
    for record in records:
        if not record.title:
            raise SourceError(
                "An entry has no title and none could be proposed: give one."
            )
    return fmt, records
