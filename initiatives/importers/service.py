"""Match parsed records against the catalogue and write them as draft initiatives.

`import_document` is the one entry point for the management command and the
admin: it parses, matches every term against the vocabularies (by name or
alias, tolerating case, punctuation and small wording differences), and writes
all records of a document in one transaction. A dry run does the same work and
rolls it back, so a preview shows exactly what a real import would do.

Safety rules: imports only ever create or update *drafts*. A published
initiative with the same key is left alone and reported; the editor changes
published data by hand.
"""

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

import reversion
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django_countries import countries as all_countries

from ..models import (
    KPI,
    Country,
    EducationLevel,
    EuropeanPriority,
    Funding,
    Initiative,
    InitiativeOrganisation,
    Language,
    Milestone,
    Objective,
    Organisation,
    Region,
    TargetGroup,
    ThematicCategory,
)
from .common import SourceError, decode, normalise, prepare
from .detect import parse_document

STOPWORDS = {
    "the", "of", "and", "in", "for", "a", "an", "to", "on", "with", "at", "by",
    "all", "kinds", "including", "or", "its", "their", "this", "that", "is", "are",
    "it", "as", "be", "from", "any", "which", "also", "such", "refers", "thematic",
    "sub", "category", "covers", "both", "measures",
}  # fmt: skip
COUNTRY_VARIANTS = {
    "the netherlands": "NL", "holland": "NL", "czech republic": "CZ", "uk": "GB",
    "great britain": "GB", "england": "GB", "scotland": "GB", "wales": "GB",
    "turkey": "TR", "slovak republic": "SK", "republic of ireland": "IE",
    "macedonia": "MK", "vatican": "VA", "russian federation": "RU",
}  # fmt: skip
# Adjectives that name a country in running text ("Estonian companies").
COUNTRY_ADJECTIVES = {
    "austrian": "AT", "belgian": "BE", "flemish": "BE", "walloon": "BE",
    "bulgarian": "BG", "croatian": "HR", "cypriot": "CY", "czech": "CZ",
    "danish": "DK", "dutch": "NL", "estonian": "EE", "finnish": "FI",
    "french": "FR", "german": "DE", "greek": "GR", "hungarian": "HU",
    "irish": "IE", "italian": "IT", "latvian": "LV", "lithuanian": "LT",
    "maltese": "MT", "norwegian": "NO", "polish": "PL", "portuguese": "PT",
    "romanian": "RO", "slovak": "SK", "slovenian": "SI", "spanish": "ES",
    "swedish": "SE", "swiss": "CH", "icelandic": "IS", "basque": "ES",
}  # fmt: skip
EUROPEAN = {"eu", "eu wide", "europe", "european union", "europe wide", "all eu"}


def key(label):
    return normalise(label)


def short_key(label):
    return " ".join(w for w in normalise(label).split() if w not in STOPWORDS)


def stems(text):
    return {w[:6] for w in normalise(text).split() if w not in STOPWORDS and len(w) > 2}


class Vocabulary:
    """The terms of one vocabulary model, matched by name or alias."""

    def __init__(self, terms):
        self.terms = list(terms)
        self.keys = {}
        for term in self.terms:
            for label in [term.name, term.slug.replace("-", " "), *term.alias_list]:
                self.keys.setdefault(key(label), term)
                self.keys.setdefault(short_key(label), term)

    @classmethod
    def of(cls, model):
        return cls(model.objects.select_related("parent"))

    def match(self, label, among=None):
        """The term a label names, or None. `among` narrows the candidates."""
        candidates = among if among is not None else self.terms
        for variant in (key(label), short_key(label)):
            term = self.keys.get(variant)
            if term is not None and term in candidates:
                return term
        best, best_ratio = None, 0.0
        for term in candidates:
            for name in [term.name, *term.alias_list]:
                for a, b in (
                    (key(label), key(name)),
                    (short_key(label), short_key(name)),
                ):
                    ratio = difflib.SequenceMatcher(None, a, b).ratio()
                    if ratio > best_ratio:
                        best, best_ratio = term, ratio
        return best if best_ratio >= 0.9 else None

    def children(self, term):
        return [t for t in self.terms if t.parent_id == term.pk]

    def match_paragraph(self, text, candidates):
        """The sub-category a generic Cedefop paragraph describes, or None.

        Scores the candidates' names (and aliases) by how many of their words
        the paragraph's first sentence uses, and their descriptions by shared
        words with the whole paragraph.
        """
        first = re.split(r"(?<=\.)\s", text, maxsplit=1)[0]
        para_stems, first_stems = stems(text), stems(first)
        best, best_score = None, 0.0
        for term in candidates:
            for alias in term.alias_list:
                if key(text).startswith(key(alias)[:80]) and len(key(alias)) > 20:
                    return term
            names = stems(term.name)
            name_score = len(names & first_stems) / len(names) if names else 0
            desc = stems(term.description)
            desc_score = len(desc & para_stems) / len(desc) if desc else 0
            score = 2 * name_score + desc_score
            if score > best_score:
                best, best_score = term, score
        return best if best_score >= 1.0 else None


@dataclass
class Outcome:
    """What importing one record did (or, in a dry run, would do)."""

    title: str
    action: str  # created, updated, skipped
    initiative: Initiative | None = None
    warnings: list[str] = field(default_factory=list)
    values: dict = field(default_factory=dict)  # for the preview


@dataclass
class DocumentResult:
    format: str
    outcomes: list[Outcome]
    dry_run: bool


def find_country(label, by_key):
    k = key(label)
    if k in COUNTRY_VARIANTS:
        return by_key.get(COUNTRY_VARIANTS[k].lower())
    if k in by_key:
        return by_key[k]
    for code, name in all_countries:
        if key(name) == k:
            return by_key.get(code.lower())
    return None


class Resolver:
    """Turns records into model values, collecting what matched nothing."""

    def __init__(self):
        self.countries = {}
        for country in Country.objects.all():
            self.countries[key(country.name)] = country
            self.countries[country.code.lower()] = country
        self.regions = {key(r.name): r for r in Region.objects.select_related()}
        self.education_levels = Vocabulary.of(EducationLevel)
        self.target_groups = Vocabulary.of(TargetGroup)
        self.themes = Vocabulary.of(ThematicCategory)
        self.priorities = Vocabulary.of(EuropeanPriority)
        self.organisations = list(Organisation.objects.all())
        self.languages = {lang.code: lang for lang in Language.objects.all()}

    def country_names(self):
        return [c.name for c in self.countries.values()]

    def resolve(self, record, *, default_country=None):
        warnings = list(record.warnings)
        countries, scope = [], ""
        for label in record.countries:
            if key(label) in EUROPEAN:
                scope = Initiative.Scope.EUROPEAN
                continue
            country = find_country(label, self.countries)
            if country is None:
                warnings.append(f"Country not recognised: “{label}”.")
            elif country not in countries:
                countries.append(country)
        regions = []
        if record.region:
            region = self.regions.get(key(record.region))
            if region is None:
                warnings.append(f"Region not in the catalogue: “{record.region}”.")
            elif countries and region.country not in countries:
                pass  # a region of another country is only mentioned
            else:
                regions.append(region)
                if record.region_inferred:
                    warnings.append(
                        f"Region {region.name} inferred from the text: check it."
                    )
                if region.country not in countries:
                    countries.append(region.country)
        if not countries and default_country is not None:
            countries.append(default_country)
        if not countries and not scope:
            country = self.country_in_text(record)
            if country is not None:
                countries.append(country)
                warnings.append(
                    f"Country {country.name} inferred from the text: check it."
                )
        if not countries and not scope:
            warnings.append("No country found: set it with --country or by hand.")
        if not scope:
            if regions:
                scope = Initiative.Scope.REGIONAL
            elif len(countries) > 1:
                scope = Initiative.Scope.INTERNATIONAL
            elif countries:
                scope = Initiative.Scope.NATIONAL

        def terms(vocabulary, labels, what):
            found = []
            for label in labels:
                term = vocabulary.match(label)
                if term is None:
                    warnings.append(f"{what} not recognised: “{label}”.")
                elif term not in found:
                    found.append(term)
            return found

        education_levels = terms(
            self.education_levels, record.education_levels, "Education level"
        )
        target_groups = terms(self.target_groups, record.target_groups, "Target group")

        themes = []
        for ref in record.themes:
            term = self.themes.match(ref.label)
            if term is None:
                warnings.append(f"Thematic category not recognised: “{ref.label}”.")
                continue
            if term.parent and term.parent not in themes:
                themes.append(term.parent)
            if term not in themes:
                themes.append(term)
            for text in ref.sub_texts:
                sub = self.themes.match_paragraph(text, self.themes.children(term))
                if sub is None:
                    warnings.append(
                        f"A sub-category of “{term.name}” was not recognised: "
                        f"“{text[:90]}…”."
                    )
                elif sub not in themes:
                    themes.append(sub)

        priorities = []
        for framework_label, label in record.priorities:
            framework = (
                self.priorities.match(framework_label) if framework_label else None
            )
            if framework_label and framework is None:
                warnings.append(
                    f"Framework of European priorities not recognised: "
                    f"“{framework_label}”."
                )
            among = self.priorities.children(framework) if framework else None
            term = self.priorities.match(label, among=among)
            if term is None:
                warnings.append(f"European priority not recognised: “{label}”.")
            elif term not in priorities:
                priorities.append(term)

        organisations = []
        for ref in record.organisations:
            organisations.append((self.organisation(ref), ref))
        languages = [self.languages[c] for c in record.languages if c in self.languages]
        return {
            "countries": countries,
            "regions": regions,
            "scope": scope,
            "education_levels": education_levels,
            "target_groups": target_groups,
            "themes": themes,
            "priorities": priorities,
            "organisations": organisations,
            "languages": languages,
            "warnings": warnings,
        }

    def country_in_text(self, record):
        """The one country the text keeps naming, or the only one it names.

        Countries count by name or adjective ("Estonian companies"), never by
        a two-letter word: "It", "At" and "IT occupations" are not Italy or
        Austria.
        """
        text = " ".join(
            [record.title, record.summary, record.background, record.description]
            + [text for _group, text in record.objectives]
        )
        counts = {}
        words = re.findall(r"[A-Z][\w'’-]+", text)
        i = 0
        while i < len(words):
            country = None
            for size in (2, 1):  # "Czech Republic" before "Czech"
                candidate = " ".join(words[i : i + size])
                candidate = re.sub(r"['’]s$", "", candidate)
                country = self.country_named(candidate)
                if country is not None:
                    break
            if country is not None:
                counts[country] = counts.get(country, 0) + 1
            i += size if country is not None else 1
        ranked = sorted(counts.items(), key=lambda item: -item[1])
        if len(ranked) == 1 or (
            ranked and ranked[0][1] >= 2 and ranked[0][1] > 2 * ranked[1][1]
        ):
            return ranked[0][0]
        return None

    def country_named(self, word):
        name = key(word)
        if len(name) <= 3:
            return None  # a code or an abbreviation, not a name
        code = COUNTRY_VARIANTS.get(name) or COUNTRY_ADJECTIVES.get(name)
        if code:
            return self.countries.get(code.lower())
        return self.countries.get(name)

    def organisation(self, ref):
        """An existing organisation by name or acronym, or None (to be created)."""
        names = {key(ref.name)}
        if ref.acronym:
            names.add(key(ref.acronym))
        for org in self.organisations:
            if key(org.name) in names or (org.acronym and key(org.acronym) in names):
                return org
        return None


def unique_slug(base, model=Initiative, exclude_pk=None):
    base = (base or "item")[:280]
    slug, n = base, 2
    while model.objects.filter(slug=slug).exclude(pk=exclude_pk).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def import_document(
    data,
    *,
    fmt="auto",
    url="",
    title="",
    country_code="",
    dry_run=False,
    label="",
):
    """Parse and import one document; all of it or nothing.

    Raises SourceError for input that is not an importable document and
    ValidationError when a record has a value the catalogue refuses; in
    both cases nothing is written.
    """
    # Refuse unreadable or empty input before touching the database.
    data = decode(data)
    if not prepare(data).strip():
        raise SourceError("The document is empty.")
    default_country = None
    if country_code:
        default_country = Country.objects.filter(code=country_code.upper()).first()
        if default_country is None:
            raise SourceError(f"Unknown country code “{country_code}”.")
    resolver = Resolver()
    fmt, records = parse_document(
        data, fmt=fmt, title=title, known_countries=resolver.country_names()
    )
    outcomes = []
    try:
        with transaction.atomic(), reversion.create_revision():
            # One revision in each initiative's history (see history.py).
            reversion.set_comment(f"Imported from {label or 'a source document'}.")
            for record in records:
                if url and not record.source_url:
                    record.source_url = url
                outcomes.append(save_record(record, resolver, default_country, label))
            if dry_run:
                transaction.set_rollback(True)
    except IntegrityError as exc:
        # E.g. another editor importing the same page at the same moment.
        raise SourceError(
            f"The catalogue refused the import ({exc}); nothing was written. Try again."
        ) from exc
    return DocumentResult(fmt, outcomes, dry_run)


def save_record(record, resolver, default_country, label=""):
    resolved = resolver.resolve(record, default_country=default_country)
    warnings = resolved["warnings"]
    slug = slugify(record.title)[:280]
    existing = None
    if record.source_reference:
        existing = Initiative.objects.filter(
            source=record.source, source_reference=record.source_reference
        ).first()
    if existing is None:
        existing = Initiative.objects.filter(slug=slug).first()
        if existing is not None and existing.source not in ("", record.source):
            existing = None  # same title from another source: a new draft
    values = preview_values(record, resolved)
    if existing is not None and existing.is_published:
        warnings.append(
            "A published initiative with this title already exists; it was left "
            "unchanged. Edit it by hand if the source has changed."
        )
        return Outcome(record.title, "skipped", existing, warnings, values)

    initiative = existing or Initiative(slug=unique_slug(slug))
    action = "updated" if existing else "created"
    initiative.title = record.title
    initiative.original_title = record.original_title[:300]
    initiative.kind = record.kind
    initiative.publication_type = record.publication_type
    initiative.summary = record.summary
    initiative.description = record.description
    initiative.background = record.background
    initiative.scope = resolved["scope"]
    initiative.year_start = record.year_start
    initiative.year_end = record.year_end
    initiative.status = record.status
    initiative.publication_state = Initiative.PublicationState.DRAFT
    initiative.source = record.source
    initiative.source_url = record.source_url[:500]
    initiative.source_reference = record.source_reference[:100]
    initiative.source_retrieved_on = timezone.localdate()
    # Reader-facing provenance goes to the source note; the importer's warnings
    # are for editors only, in "needs checking" (set once all are known).
    initiative.source_note = (
        f"Imported from {label or 'a source document'} on {timezone.localdate()}."
    )
    initiative.needs_checking = ""
    initiative.full_clean(validate_unique=False, validate_constraints=False)
    initiative.save()

    initiative.countries.set(resolved["countries"])
    initiative.regions.set(resolved["regions"])
    initiative.education_levels.set(resolved["education_levels"])
    initiative.target_groups.set(resolved["target_groups"])
    initiative.themes.set(resolved["themes"])
    initiative.priorities.set(resolved["priorities"])
    initiative.languages.set(resolved["languages"])

    # A draft's child rows are the import's: replace them all.
    initiative.organisation_roles.all().delete()
    initiative.objectives.all().delete()
    initiative.kpis.all().delete()
    initiative.fundings.all().delete()
    initiative.milestones.all().delete()

    created_orgs = []
    for org, ref in resolved["organisations"]:
        if org is None:
            org = Organisation(
                name=ref.name[:255],
                acronym=ref.acronym[:50],
                slug=unique_slug(slugify(ref.name), Organisation),
            )
            org.full_clean(validate_unique=False)
            org.save()
            resolver.organisations.append(org)
            created_orgs.append(str(org))
        InitiativeOrganisation.objects.get_or_create(
            initiative=initiative,
            organisation=org,
            role=ref.role,
            defaults={"note": ref.note[:255]},
        )
        if ref.role == "funder":
            Funding.objects.create(
                initiative=initiative,
                funder=org,
                model=record.funding_model,
                note=record.funding_text[:500],
            )
    if created_orgs:
        warnings.append(
            "New organisations created (check them): " + ", ".join(created_orgs) + "."
        )
    if record.funding_programme or (
        record.funding_text and not initiative.fundings.exists()
    ):
        Funding.objects.create(
            initiative=initiative,
            model=record.funding_model,
            programme=record.funding_programme[:200],
            reference=record.funding_reference[:100],
            note=record.funding_text[:500],
        )
    for order, (group, text) in enumerate(record.objectives, start=1):
        Objective.objects.create(
            initiative=initiative, group=group[:255], text=text, order=order
        )
    for order, row in enumerate(record.kpis, start=1):
        kpi = KPI(
            initiative=initiative,
            kind=row.kind,
            indicator=row.text[:300],
            method=row.method[:300],
            value_type=row.value_type,
            qualifier=row.qualifier,
            value=Decimal(row.value) if row.value is not None else None,
            unit=row.unit[:100],
            year_start=row.year_start,
            year_end=row.year_end,
            note=row.text[:500] if len(row.text) > 300 else "",
            order=order,
        )
        kpi.full_clean(exclude=["initiative"])
        kpi.save()
    for year, stage in record.milestones:
        note = record.milestone_notes.get((year, stage), "")
        milestone = Milestone(
            initiative=initiative, year=year, stage=stage, note=note[:500]
        )
        milestone.full_clean(exclude=["initiative"])
        milestone.save()
    if record.related:
        warnings.append(
            "The entry mentions related initiatives; link them by hand: "
            + ", ".join(record.related)
            + "."
        )
    if warnings:
        initiative.needs_checking = "\n".join(f"- {w}" for w in warnings)
        Initiative.objects.filter(pk=initiative.pk).update(
            needs_checking=initiative.needs_checking
        )
    return Outcome(record.title, action, initiative, warnings, values)


def preview_values(record, resolved):
    """What the editor sees in a preview, in words."""
    orgs = [
        f"{(org.name if org else ref.name)} ({ref.role}{'' if org else ', new'})"
        for org, ref in resolved["organisations"]
    ]
    return {
        "title": record.title + (" (proposed)" if record.title_proposed else ""),
        "kind": Initiative.Kind(record.kind).label if record.kind else "",
        "countries": ", ".join(c.name for c in resolved["countries"]),
        "regions": ", ".join(r.name for r in resolved["regions"]),
        "organisations": "; ".join(orgs),
        "years": " – ".join(str(y) for y in (record.year_start, record.year_end) if y),
        "status": record.status,
        "milestones": ", ".join(f"{y} {s}" for y, s in record.milestones),
        "education levels": ", ".join(t.name for t in resolved["education_levels"]),
        "target groups": ", ".join(t.name for t in resolved["target_groups"]),
        "themes": ", ".join(t.name for t in resolved["themes"]),
        "priorities": ", ".join(t.name for t in resolved["priorities"]),
        "objectives": str(len(record.objectives)),
        "KPIs, reach and impact": str(len(record.kpis)),
        "languages": ", ".join(record.languages),
    }


__all__ = ["import_document", "SourceError", "ValidationError", "Vocabulary"]
