"""The StemPortal domain model.

The concepts come from two source databases: the EU STEM Coalition's database
(programmes and publications on country pages) and Cedefop's Timeline of VET
policies in Europe (policies with a dated stage history, thematic categories and
European priorities). One `Initiative` can hold everything either source shows.

Child rows that fixtures ship (objectives, KPIs, funding, milestones) carry a
`uuid` as their natural key, so `load_catalogue` can load the fixtures again and
update those rows instead of duplicating them.
"""

import uuid
from decimal import Decimal

from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import InitiativeQuerySet
from .validators import validate_image

YEAR_VALIDATORS = [MinValueValidator(1900), MaxValueValidator(2100)]


class TimeStampedModel(models.Model):
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class SlugManager(models.Manager):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class CodeManager(models.Manager):
    def get_by_natural_key(self, code):
        return self.get(code=code)


class UUIDManager(models.Manager):
    def get_by_natural_key(self, uuid):
        return self.get(uuid=uuid)


def choice_label(choices, value):
    """The label of a choice's value, or the value itself (blank, unknown).

    For lists of many rows: Django's get_FOO_display() translates every label
    of the field on each call, this only the one shown.
    """
    try:
        return choices(value).label
    except ValueError:
        return value


def format_years(start, end):
    """Years as a reader expects them: "2019", "2020–2022", "2019–"."""
    if start and end:
        return str(start) if start == end else f"{start}–{end}"
    if start:
        return f"{start}–"
    if end:
        return f"–{end}"
    return ""


def check_years(obj, start_field="year_start", end_field="year_end"):
    start, end = getattr(obj, start_field), getattr(obj, end_field)
    if start is not None and end is not None and end < start:
        raise ValidationError(
            {end_field: _("The end year cannot be before the start year.")}
        )


# --- Vocabularies -----------------------------------------------------------


class Vocabulary(models.Model):
    """A list of terms editors may extend, with an optional parent term.

    Every vocabulary here has two levels in the sources: Cedefop groups target
    groups (under "Learners"), thematic categories (category, sub-category) and
    European priorities (framework, priority); our education levels group
    ISCED levels under the EU STEM Coalition's broader labels.
    """

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    order = models.PositiveSmallIntegerField(
        _("order"), default=0, help_text=_("Terms are listed by this number.")
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    aliases = models.TextField(
        _("other labels"),
        blank=True,
        help_text=_(
            "Labels the source databases use for this term, one per line. "
            "Imports match them."
        ),
    )

    objects = SlugManager()

    class Meta:
        abstract = True
        ordering = ["order", "name"]

    def __str__(self):
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": _("A term cannot be its own parent.")})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError(
                {"parent": _("Vocabularies have two levels: pick a top-level term.")}
            )

    @property
    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]


class EducationLevel(Vocabulary):
    """ISCED-based education levels.

    The EU STEM Coalition's labels (Secondary Education; Vocational Education
    and Training; Higher Education; Lifelong Learning / Upskilling) are terms
    here too: "Secondary education" is the parent of lower and upper
    secondary, so filtering by it finds both.
    """

    isced = models.CharField(
        _("ISCED levels"),
        max_length=20,
        blank=True,
        help_text=_("ISCED 2011 level(s) this term covers, e.g. “2” or “5–8”."),
    )

    class Meta(Vocabulary.Meta):
        verbose_name = _("education level")
        verbose_name_plural = _("education levels")

    def get_absolute_url(self):
        return reverse("initiatives:initiative-list") + f"?education_level={self.slug}"


class TargetGroup(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

    def get_absolute_url(self):
        return reverse("initiatives:initiative-list") + f"?target_group={self.slug}"


class ThematicCategory(Vocabulary):
    """Cedefop's thematic categories (top level) and sub-categories (children).

    Cedefop's long generic texts describe the category, so they live in
    `description` here, not on the initiatives.
    """

    class Meta(Vocabulary.Meta):
        verbose_name = _("thematic category")
        verbose_name_plural = _("thematic categories")

    def get_absolute_url(self):
        return reverse("initiatives:initiative-list") + f"?theme={self.slug}"


class EuropeanPriority(Vocabulary):
    """European priorities in VET: frameworks (top level) and their priorities."""

    class Meta(Vocabulary.Meta):
        verbose_name = _("European priority")
        verbose_name_plural = _("European priorities")

    def get_absolute_url(self):
        return reverse("initiatives:initiative-list") + f"?priority={self.slug}"


class Language(models.Model):
    """A language the material of an initiative is available in (ISO 639-1)."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=100)

    objects = CodeManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("language")
        verbose_name_plural = _("languages")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


# --- Places and organisations -----------------------------------------------


class Country(models.Model):
    code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        help_text=_("ISO 3166-1 alpha-2 code in capitals, e.g. BE."),
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    is_eu_member = models.BooleanField(_("EU member state"), default=False)

    objects = CodeManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("country")
        verbose_name_plural = _("countries")
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z]{2}$"),
                name="country_code_two_capitals",
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("initiatives:country-detail", args=[self.code.lower()])

    def natural_key(self):
        return (self.code,)

    def clean(self):
        self.code = (self.code or "").upper()


class Region(models.Model):
    """A region below a country, e.g. Flanders (Belgium)."""

    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        related_name="regions",
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    objects = SlugManager()

    class Meta:
        ordering = ["country__name", "name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self):
        return f"{self.name} ({self.country.name})"

    def natural_key(self):
        return (self.slug,)


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("Government body")
        AGENCY = "agency", _("Agency")
        NGO = "ngo", _("NGO / association")
        COMPANY = "company", _("Company")
        EDUCATION = "education", _("Education / research institution")
        NETWORK = "network", _("Network / platform")
        EU_BODY = "eu-body", _("EU body")
        OTHER = "other", _("Other")

    class NetworkRole(models.TextChoices):
        """The organisation's role in the EU STEM Coalition network."""

        NATIONAL_PLATFORM = "national-platform", _("National STEM platform")
        REGIONAL_PLATFORM = "regional-platform", _("Regional STEM platform")
        NATIONAL_PARTNER = "national-partner", _("National (lead) partner")
        ASSOCIATE_PARTNER = "associate-partner", _("Associate partner")
        MEMBER = "member", _("Member")

    name = models.CharField(_("name"), max_length=255)
    slug = models.SlugField(_("slug"), max_length=255, unique=True)
    acronym = models.CharField(_("acronym"), max_length=50, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind, blank=True)
    country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        help_text=_("Where the organisation is based. Empty for European bodies."),
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    network_role = models.CharField(
        _("role in the EU STEM Coalition"),
        max_length=20,
        choices=NetworkRole,
        blank=True,
    )
    website = models.URLField(_("website"), blank=True)
    description = models.TextField(_("description"), blank=True)

    objects = SlugManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("initiatives:organisation-detail", args=[self.slug])

    @property
    def kind_label(self):
        return choice_label(self.Kind, self.kind)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        if (
            self.region_id
            and self.country_id
            and self.region.country_id != self.country_id
        ):
            raise ValidationError(
                {"region": _("The region must be in the organisation's country.")}
            )


# --- Initiatives -------------------------------------------------------------


class Initiative(TimeStampedModel):
    """A programme, policy, publication, project, network or event."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("Programme")
        POLICY = "policy", _("Policy / strategy / action plan")
        LEGISLATION = "legislation", _("Regulation / legislation")
        MEASURE = "measure", _("Practical measure / initiative")
        PUBLICATION = "publication", _("Publication / report")
        PROJECT = "project", _("Project")
        NETWORK = "network", _("Network / platform")
        EVENT = "event", _("Event / meeting")

    class PublicationType(models.TextChoices):
        """The EU STEM Coalition's types of publication."""

        POLICY = "policy-strategy", _("Policy and strategy")
        REPORT = "report-study", _("Reports and studies")
        MONITORING = "monitoring", _("Monitoring instrument")
        MEETING_REPORT = "meeting-report", _("Meeting report")
        NEWS = "news", _("News")
        TOOL = "tool", _("Tools")

    class Scope(models.TextChoices):
        EUROPEAN = "european", _("EU-wide / European")
        INTERNATIONAL = "international", _("Several countries")
        NATIONAL = "national", _("National")
        REGIONAL = "regional", _("Regional")
        LOCAL = "local", _("Local")

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ONGOING = "ongoing", _("Ongoing")
        COMPLETED = "completed", _("Completed")
        DISCONTINUED = "discontinued", _("Discontinued")

    class PublicationState(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Source(models.TextChoices):
        EU_STEM_COALITION = "stemcoalition", _("EU STEM Coalition database")
        CEDEFOP = "cedefop", _("Cedefop Timeline of VET policies in Europe")
        OTHER = "other", _("Other")

    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=300, unique=True)
    original_title = models.CharField(
        _("original title"),
        max_length=300,
        blank=True,
        help_text=_("The title in the language of the material, if it differs."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    publication_type = models.CharField(
        _("publication type"),
        max_length=20,
        choices=PublicationType,
        blank=True,
        help_text=_("Only for publications: the EU STEM Coalition's type."),
    )
    summary = models.TextField(
        _("summary"),
        blank=True,
        help_text=_("A few plain-language sentences, in our own words."),
    )
    description = models.TextField(_("description"), blank=True)
    background = models.TextField(_("background"), blank=True)

    scope = models.CharField(
        _("geographic scope"),
        max_length=20,
        choices=Scope,
        blank=True,
        help_text=_("“EU-wide” for initiatives that serve all of Europe."),
    )
    countries = models.ManyToManyField(
        Country, verbose_name=_("countries"), blank=True, related_name="initiatives"
    )
    regions = models.ManyToManyField(
        Region, verbose_name=_("regions"), blank=True, related_name="initiatives"
    )
    year_start = models.PositiveSmallIntegerField(
        _("year start"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    year_end = models.PositiveSmallIntegerField(
        _("year end"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, blank=True)
    languages = models.ManyToManyField(
        Language,
        verbose_name=_("languages"),
        blank=True,
        related_name="initiatives",
        help_text=_("Languages the material is available in."),
    )
    website = models.URLField(_("website"), max_length=500, blank=True)
    image = models.ImageField(
        _("logo or image"),
        upload_to="initiatives/",
        blank=True,
        validators=[validate_image],
        help_text=_("PNG, JPEG, GIF or WebP, at most 2 MB."),
    )

    education_levels = models.ManyToManyField(
        EducationLevel,
        verbose_name=_("education levels"),
        blank=True,
        related_name="initiatives",
    )
    target_groups = models.ManyToManyField(
        TargetGroup,
        verbose_name=_("target groups"),
        blank=True,
        related_name="initiatives",
    )
    themes = models.ManyToManyField(
        ThematicCategory,
        verbose_name=_("thematic categories"),
        blank=True,
        related_name="initiatives",
    )
    priorities = models.ManyToManyField(
        EuropeanPriority,
        verbose_name=_("European priorities"),
        blank=True,
        related_name="initiatives",
    )
    organisations = models.ManyToManyField(
        Organisation,
        through="InitiativeOrganisation",
        verbose_name=_("organisations"),
        blank=True,
        related_name="initiatives",
    )

    publication_state = models.CharField(
        _("publication state"),
        max_length=20,
        choices=PublicationState,
        default=PublicationState.DRAFT,
        help_text=_(
            "Only published initiatives appear in the public lists; archived ones "
            "keep their page, marked as archived."
        ),
    )
    version = models.PositiveIntegerField(
        _("version"),
        default=1,
        editable=False,
        help_text=_("Raised on every save; a stale form is refused (no lost edits)."),
    )

    source = models.CharField(_("source"), max_length=20, choices=Source, blank=True)
    source_url = models.URLField(_("source URL"), max_length=500, blank=True)
    source_reference = models.CharField(
        _("reference in the source"),
        max_length=100,
        blank=True,
        help_text=_("The source's own identifier, e.g. a Cedefop ID."),
    )
    source_retrieved_on = models.DateField(_("retrieved on"), null=True, blank=True)
    source_note = models.TextField(
        _("note on the source"),
        blank=True,
        help_text=_("Anything a reader should know about how the source shows it."),
    )
    source_checked_on = models.DateField(
        _("source last checked"),
        null=True,
        blank=True,
        help_text=_("When an editor last compared this record with its source."),
    )
    needs_checking = models.TextField(
        _("needs checking"),
        blank=True,
        help_text=_(
            "What an editor should check before publishing, e.g. the importer's "
            "warnings. Not shown to the public."
        ),
    )
    # The text search's weighted document (see search.py), kept current by
    # signals.py; PostgreSQL only (a GIN index is added by migration 0005).
    search_vector = SearchVectorField(null=True, editable=False)

    objects = InitiativeQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__isnull=True)
                | Q(year_start__isnull=True)
                | Q(year_end__gte=F("year_start")),
                name="initiative_year_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(publication_type="") | Q(kind="publication"),
                name="initiative_publication_type_only_for_publications",
            ),
            models.UniqueConstraint(
                fields=["source", "source_reference"],
                condition=~Q(source_reference=""),
                name="initiative_unique_source_reference",
                violation_error_message=_(
                    "Another initiative already has this reference in this source."
                ),
            ),
        ]
        permissions = [
            ("publish_initiative", _("Can publish, archive and unpublish initiatives")),
        ]
        indexes = [
            models.Index(fields=["publication_state", "title"]),
            # The published initiatives' keys from the index alone: every
            # facet count of the public pages starts from them (at 100,000
            # initiatives, a scan of the whole table per facet otherwise).
            models.Index(
                fields=["publication_state", "id"], name="initiative_state_id_idx"
            ),
            models.Index(fields=["kind"]),
            models.Index(fields=["status"]),
            models.Index(fields=["scope"]),
            models.Index(fields=["year_start"]),
            models.Index(fields=["-updated"]),
            # Newest first (home, EU-wide on country pages, feeds).
            models.Index(fields=["created", "id"]),
            # On PostgreSQL, migration 0005 adds an index for "by start year,
            # newest first" (year_start DESC NULLS LAST, title, id: the
            # catalogue's sort and a country's strategies). SQLite cannot
            # index NULLS LAST.
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("initiatives:initiative-detail", args=[self.slug])

    @property
    def kind_label(self):
        return choice_label(self.Kind, self.kind)

    @property
    def status_label(self):
        return choice_label(self.Status, self.status)

    @property
    def scope_label(self):
        return choice_label(self.Scope, self.scope)

    def natural_key(self):
        return (self.slug,)

    def clean(self):
        check_years(self)
        if self.publication_type and self.kind != self.Kind.PUBLICATION:
            raise ValidationError(
                {"publication_type": _("Only publications have a publication type.")}
            )

    @property
    def is_published(self):
        return self.publication_state == self.PublicationState.PUBLISHED

    @property
    def years(self):
        return format_years(self.year_start, self.year_end)


class InitiativeOrganisation(models.Model):
    """An organisation's role in an initiative (one row per role)."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead / organiser")
        AUTHOR = "author", _("Author / source")
        RESPONSIBLE = "responsible", _("Responsible body")
        PARTNER = "partner", _("Partner")
        FUNDER = "funder", _("Funder")
        HOST = "host", _("Host")

    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="organisation_roles",
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="initiative_roles",
    )
    role = models.CharField(_("role"), max_length=20, choices=Role)
    note = models.CharField(_("note"), max_length=255, blank=True)

    class RoleManager(models.Manager):
        def get_by_natural_key(self, initiative, organisation, role):
            return self.get(
                initiative__slug=initiative, organisation__slug=organisation, role=role
            )

    objects = RoleManager()

    class Meta:
        ordering = ["initiative", "role", "organisation__name"]
        verbose_name = _("organisation role")
        verbose_name_plural = _("organisation roles")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "organisation", "role"],
                name="unique_initiative_organisation_role",
            )
        ]
        indexes = [models.Index(fields=["organisation", "role"])]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()} — {self.initiative}"

    def natural_key(self):
        return (self.initiative.slug, self.organisation.slug, self.role)

    natural_key.dependencies = ["initiatives.initiative", "initiatives.organisation"]


class Objective(models.Model):
    """One objective of an initiative, in order, optionally in a group."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="objectives",
    )
    group = models.CharField(
        _("group"),
        max_length=255,
        blank=True,
        help_text=_("E.g. the workstream or part of the strategy it belongs to."),
    )
    text = models.TextField(_("objective"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = UUIDManager()

    class Meta:
        ordering = ["initiative", "order", "id"]
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")

    def __str__(self):
        return self.text[:80]

    def natural_key(self):
        return (str(self.uuid),)


class KPI(models.Model):
    """An indicator: what is measured, how, and a target or achieved value.

    Reach and impact figures from the sources are KPIs too, told apart by
    `kind`. `value` holds the number for comparison; `qualifier` keeps the
    source's "about" or "at least".
    """

    class Kind(models.TextChoices):
        INDICATOR = "indicator", _("Indicator")
        REACH = "reach", _("Reach")
        IMPACT = "impact", _("Impact")

    class ValueType(models.TextChoices):
        TARGET = "target", _("Target")
        ACHIEVED = "achieved", _("Achieved")

    class Qualifier(models.TextChoices):
        ABOUT = "about", _("about")
        AT_LEAST = "at-least", _("at least")
        AT_MOST = "at-most", _("at most")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="kpis",
    )
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind, default=Kind.INDICATOR
    )
    indicator = models.CharField(_("what is measured"), max_length=300)
    method = models.CharField(_("how it is measured"), max_length=300, blank=True)
    value_type = models.CharField(
        _("target or achieved"), max_length=20, choices=ValueType, blank=True
    )
    qualifier = models.CharField(
        _("qualifier"), max_length=20, choices=Qualifier, blank=True
    )
    value = models.DecimalField(
        _("value"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    unit = models.CharField(
        _("unit"), max_length=100, blank=True, help_text=_("E.g. “users a year”.")
    )
    year_start = models.PositiveSmallIntegerField(
        _("period from"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    year_end = models.PositiveSmallIntegerField(
        _("period to"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    objects = UUIDManager()

    class Meta:
        ordering = ["initiative", "order", "id"]
        verbose_name = _("KPI")
        verbose_name_plural = _("KPIs")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__isnull=True)
                | Q(year_start__isnull=True)
                | Q(year_end__gte=F("year_start")),
                name="kpi_period_end_after_start",
            ),
        ]

    def __str__(self):
        return self.indicator

    def natural_key(self):
        return (str(self.uuid),)

    def clean(self):
        check_years(self)

    @property
    def period(self):
        return format_years(self.year_start, self.year_end)

    @property
    def display_value(self):
        """ "about 2,200 users a year" — the value as a reader expects it."""
        if self.value is None:
            return ""
        value = Decimal(self.value)
        whole = value == value.to_integral_value()
        number = f"{value:,.0f}" if whole else f"{value.normalize():,}"
        parts = [
            self.get_qualifier_display() if self.qualifier else "",
            number,
            self.unit,
        ]
        return " ".join(part for part in parts if part)


class Funding(models.Model):
    class Model(models.TextChoices):
        PUBLIC_NATIONAL = "public-national", _("Public, national")
        PUBLIC_REGIONAL = "public-regional", _("Public, regional")
        EU_PROGRAMME = "eu-programme", _("EU programme")
        PRIVATE = "private", _("Private / corporate")
        MIXED = "mixed", _("Mixed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="fundings",
    )
    funder = models.ForeignKey(
        Organisation,
        verbose_name=_("funder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fundings",
    )
    model = models.CharField(
        _("funding model"), max_length=20, choices=Model, blank=True
    )
    programme = models.CharField(
        _("funding programme"),
        max_length=200,
        blank=True,
        help_text=_("E.g. Erasmus+."),
    )
    reference = models.CharField(_("grant reference"), max_length=100, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, blank=True, help_text=_("ISO 4217, e.g. EUR.")
    )
    year_start = models.PositiveSmallIntegerField(
        _("period from"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    year_end = models.PositiveSmallIntegerField(
        _("period to"), null=True, blank=True, validators=YEAR_VALIDATORS
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = UUIDManager()

    class Meta:
        ordering = ["initiative", "id"]
        verbose_name = _("funding")
        verbose_name_plural = _("funding")
        constraints = [
            models.CheckConstraint(
                condition=Q(year_end__isnull=True)
                | Q(year_start__isnull=True)
                | Q(year_end__gte=F("year_start")),
                name="funding_period_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gte=0),
                name="funding_amount_not_negative",
            ),
        ]

    def __str__(self):
        return str(
            self.funder or self.programme or self.get_model_display() or _("Funding")
        )

    def natural_key(self):
        return (str(self.uuid),)

    def clean(self):
        check_years(self)
        if self.amount is not None and not self.currency:
            raise ValidationError({"currency": _("Give the currency of the amount.")})
        self.currency = self.currency.upper()

    @property
    def period(self):
        return format_years(self.year_start, self.year_end)


class Milestone(models.Model):
    """A dated stage of an initiative's timeline (Cedefop's stage list)."""

    class Stage(models.TextChoices):
        DESIGN = "design", _("Design")
        LEGISLATIVE = "legislative", _("Legislative process")
        APPROVED = "approved", _("Approved/Agreed")
        PILOT = "pilot", _("Pilot")
        IMPLEMENTATION = "implementation", _("Implementation")
        EVALUATION = "evaluation", _("Evaluation")
        DISCONTINUED = "discontinued", _("Discontinued")
        COMPLETED = "completed", _("Completed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="milestones",
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    date = models.DateField(
        _("date"), null=True, blank=True, help_text=_("The exact date, if known.")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage)
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = UUIDManager()

    class Meta:
        ordering = ["initiative", "year", "date", "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        indexes = [models.Index(fields=["stage", "year"])]

    def __str__(self):
        return f"{self.year} {self.get_stage_display()}"

    def natural_key(self):
        return (str(self.uuid),)

    def clean(self):
        if self.date and self.year and self.date.year != self.year:
            raise ValidationError({"date": _("The date must fall in the year given.")})


class InitiativeRelation(models.Model):
    """A typed link from one initiative to another.

    Read it as a sentence: "<from> <kind> <to>", e.g. "Together for STEM
    emerged from the European Pact for Youth".
    """

    class Kind(models.TextChoices):
        EMERGED_FROM = "emerged-from", _("emerged from")
        CONTRIBUTES_TO = "contributes-to", _("contributes to")
        FOLLOWS = "follows", _("follows")
        PART_OF = "part-of", _("is part of")
        EVALUATES = "evaluates", _("evaluates")
        BUILDS_ON = "builds-on", _("builds on")

    INVERSE_LABELS = {
        Kind.EMERGED_FROM: _("gave rise to"),
        Kind.CONTRIBUTES_TO: _("is supported by"),
        Kind.FOLLOWS: _("is followed by"),
        Kind.PART_OF: _("includes"),
        Kind.EVALUATES: _("is evaluated by"),
        Kind.BUILDS_ON: _("is the basis of"),
    }

    from_initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("initiative"),
        on_delete=models.CASCADE,
        related_name="relations_from",
    )
    kind = models.CharField(_("relation"), max_length=20, choices=Kind)
    to_initiative = models.ForeignKey(
        Initiative,
        verbose_name=_("related initiative"),
        on_delete=models.CASCADE,
        related_name="relations_to",
    )
    note = models.CharField(_("note"), max_length=500, blank=True)

    class RelationManager(models.Manager):
        def get_by_natural_key(self, from_slug, kind, to_slug):
            return self.get(
                from_initiative__slug=from_slug, kind=kind, to_initiative__slug=to_slug
            )

    objects = RelationManager()

    class Meta:
        ordering = ["from_initiative", "kind", "to_initiative__title"]
        verbose_name = _("relation between initiatives")
        verbose_name_plural = _("relations between initiatives")
        constraints = [
            models.UniqueConstraint(
                fields=["from_initiative", "kind", "to_initiative"],
                name="unique_initiative_relation",
            ),
            models.CheckConstraint(
                condition=~Q(from_initiative=F("to_initiative")),
                name="initiative_relation_not_to_itself",
            ),
        ]

    def __str__(self):
        return f"{self.from_initiative} {self.get_kind_display()} {self.to_initiative}"

    def natural_key(self):
        return (self.from_initiative.slug, self.kind, self.to_initiative.slug)

    natural_key.dependencies = ["initiatives.initiative"]

    def clean(self):
        if self.from_initiative_id and self.from_initiative_id == self.to_initiative_id:
            raise ValidationError(
                {"to_initiative": _("An initiative cannot be related to itself.")}
            )

    @property
    def inverse_label(self):
        return self.INVERSE_LABELS[self.kind]
