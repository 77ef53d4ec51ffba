"""Text search over the catalogue (the `q` parameter).

On PostgreSQL: full-text search. Every initiative gets a weighted document,
stored in `Initiative.search_vector` (a tsvector with a GIN index, so a search
reads the index instead of rebuilding every document):

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

The stored vector must follow every write of the texts it is made of:
`refresh_search_vectors` recomputes it, and signals.py calls it when an
initiative, an objective, an organisation role or an organisation's name
changes (admin, importer, shell); `load_catalogue` calls it after loading the
fixtures (loaddata's raw saves are skipped by the signals). Code that writes
with `QuerySet.update()` or `bulk_create()` must call it too.
"""

import re

from django.db import DEFAULT_DB_ALIAS, connection, connections
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


def search_document(objective_model=None, role_model=None):
    """The weighted tsvector of an initiative, as an expression (PostgreSQL).

    Evaluated per initiative row (its related texts are correlated
    subqueries). The models may be given, for use in a migration.
    """
    from django.contrib.postgres.aggregates import StringAgg
    from django.contrib.postgres.search import SearchVector

    if objective_model is None or role_model is None:
        from .models import InitiativeOrganisation, Objective

        objective_model, role_model = Objective, InitiativeOrganisation

    def joined(rows, expression):
        """All of an initiative's related texts as one string (or "")."""
        texts = (
            rows.filter(initiative=OuterRef("pk"))
            .order_by()
            .values("initiative")
            # Ordered, so that the same rows always give the same vector.
            .annotate(text=StringAgg(expression, delimiter=" ", order_by="pk"))
            .values("text")
        )
        return Coalesce(
            Subquery(texts, output_field=TextField()),
            Value(""),
            output_field=TextField(),
        )

    objectives = joined(objective_model.objects.all(), "text")
    organisations = joined(role_model.objects.all(), "organisation__name")
    acronyms = joined(role_model.objects.all(), "organisation__acronym")
    return (
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


def refresh_search_vectors(initiatives=None, using=DEFAULT_DB_ALIAS):
    """Recompute the stored search vector of `initiatives` (default: all).

    `initiatives` is a queryset or a list of primary keys. One UPDATE; does
    nothing on databases without full-text search.
    """
    from .models import Initiative

    if connections[using].vendor != "postgresql":
        return
    rows = Initiative.objects.using(using)
    if initiatives is not None:
        rows = rows.filter(pk__in=initiatives)
    rows.update(search_vector=search_document())


def _full_text_search(queryset, text):
    from django.contrib.postgres.search import SearchQuery, SearchRank

    query = SearchQuery(text, search_type="websearch", config=SEARCH_CONFIG)
    return queryset.filter(search_vector=query).annotate(
        search_rank=SearchRank(F("search_vector"), query)
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
