"""Text search over the catalogue (the `q` parameter).

On PostgreSQL: full-text search. Every initiative gets a weighted document,
computed on the fly (a stored, indexed vector is a later step):

- A: the title;
- B: the original title and the summary;
- C: the description, the objectives' texts and the names and acronyms of
  the organisations linked to it in any role.

The query is read as a web search (``"exact phrase"``, ``-word``, ``or``) and
`search_rank` is PostgreSQL's rank of the document. The "english" text search
configuration stems words ("teachers" finds "teacher"); most of the catalogue
is written in English, and titles in other languages still match word for
word.

Elsewhere (SQLite, the embedded default): every word of the query must occur,
case-insensitively, somewhere in those same fields; `search_rank` counts
where the words occur, a word in the title weighing most.

Related texts are reached through subqueries, never joins, so an initiative
is found once however many objectives or organisations match.
"""

import re

from django.db import connection
from django.db.models import (
    Case,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    TextField,
    Value,
    When,
)
from django.db.models.functions import Coalesce

SEARCH_CONFIG = "english"

# Words of a query the SQLite search uses; more cost more and rarely help.
MAX_WORDS = 16

WORD = re.compile(r"[^\s\"]+")
WORD_CHARACTER = re.compile(r"\w")


def search_words(text):
    """The words of a query, as the SQLite search reads them.

    A leading ``-`` (PostgreSQL's "not") is dropped: the word must then
    occur, which finds too much rather than too little.
    """
    words = [word.lstrip("-") for word in WORD.findall(text)]
    # Punctuation on its own ("&", "|") is no word, as on PostgreSQL.
    return [word for word in words if WORD_CHARACTER.search(word)][:MAX_WORDS]


def search_initiatives(queryset, text):
    """`queryset` narrowed to initiatives matching `text`, with `search_rank`."""
    text = text.strip()
    if not WORD_CHARACTER.search(text):
        # Only punctuation ("-", '"'): nothing to look for, on either database.
        return queryset.annotate(search_rank=Value(0, output_field=IntegerField()))
    if connection.vendor == "postgresql":
        return _full_text_search(queryset, text)
    return _word_search(queryset, text)


def _full_text_search(queryset, text):
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector

    from .models import InitiativeOrganisation, Objective

    def joined(rows, expression):
        """All of an initiative's related texts as one string (or "")."""
        texts = (
            rows.filter(initiative=OuterRef("pk"))
            .order_by()
            .values("initiative")
            .annotate(text=StringAgg(expression, delimiter=" "))
            .values("text")
        )
        return Coalesce(
            Subquery(texts, output_field=TextField()),
            Value(""),
            output_field=TextField(),
        )

    objectives = joined(Objective.objects.all(), "text")
    organisations = joined(InitiativeOrganisation.objects.all(), "organisation__name")
    acronyms = joined(InitiativeOrganisation.objects.all(), "organisation__acronym")
    document = (
        SearchVector("title", weight="A", config=SEARCH_CONFIG)
        + SearchVector("original_title", "summary", weight="B", config=SEARCH_CONFIG)
        + SearchVector(
            "description",
            objectives,
            organisations,
            acronyms,
            weight="C",
            config=SEARCH_CONFIG,
        )
    )
    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return (
        queryset.annotate(search_document=document)
        .filter(search_document=query)
        .annotate(search_rank=SearchRank(F("search_document"), query))
    )


def _word_search(queryset, text):
    from .models import Initiative, InitiativeOrganisation, Objective

    words = search_words(text)
    if not words:
        return queryset.annotate(search_rank=Value(0, output_field=IntegerField()))
    rank = Value(0, output_field=IntegerField())
    for word in words:
        in_objectives = Objective.objects.filter(text__icontains=word).values(
            "initiative"
        )
        in_organisations = InitiativeOrganisation.objects.filter(
            Q(organisation__name__icontains=word)
            | Q(organisation__acronym__icontains=word)
        ).values("initiative")
        matching = Initiative.objects.filter(
            Q(title__icontains=word)
            | Q(original_title__icontains=word)
            | Q(summary__icontains=word)
            | Q(description__icontains=word)
            | Q(pk__in=in_objectives)
            | Q(pk__in=in_organisations)
        ).values("pk")
        queryset = queryset.filter(pk__in=matching)
        rank = (
            rank
            + Case(When(title__icontains=word, then=Value(4)), default=Value(0))
            + Case(
                When(
                    Q(original_title__icontains=word) | Q(summary__icontains=word),
                    then=Value(2),
                ),
                default=Value(0),
            )
            + Case(When(description__icontains=word, then=Value(1)), default=Value(0))
        )
    return queryset.annotate(search_rank=rank)
