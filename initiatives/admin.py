"""Data entry for the catalogue.

An editor enters a whole initiative on one page: its fields are grouped like
the sections of the source documents (the EU STEM Coalition's entry pages and
Cedefop's timeline entries), and its organisation roles, objectives, KPIs,
funding, milestones and relations are inline tables. Every relation that can
grow long (organisations, countries, regions, initiatives, vocabulary terms)
uses an autocomplete widget, so the related admins all have `search_fields`.
"""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.forms import Textarea
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .facets import catalogue_changed
from .importers.admin_views import import_source_view
from .models import (
    KPI,
    Country,
    EducationLevel,
    EuropeanPriority,
    Funding,
    Initiative,
    InitiativeOrganisation,
    InitiativeRelation,
    Language,
    Milestone,
    Objective,
    Organisation,
    Region,
    TargetGroup,
    ThematicCategory,
)

admin.site.site_header = _("StemPortal administration")
admin.site.site_title = _("StemPortal administration")
admin.site.index_title = _("Catalogue data entry")

# Inline tables get narrow text areas: a TextField's default 10-row box makes
# one objective fill the screen.
COMPACT_TEXT = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 60})}}

# Editors paste addresses without a scheme; the sources are all on https.
URL_HTTPS = {models.URLField: {"assume_scheme": "https"}}

# Models whose __str__ reads a related row; querysets for their choices and
# autocomplete results join it so a page does not run one query per term.
STR_SELECT_RELATED = {
    Region: ("country",),
    EducationLevel: ("parent",),
    TargetGroup: ("parent",),
    ThematicCategory: ("parent",),
    EuropeanPriority: ("parent",),
}


class JoinedChoicesMixin:
    """Choice querysets join what the related model's __str__ needs."""

    def _with_str_joins(self, db_field, request, kwargs):
        model = db_field.remote_field.model
        if "queryset" not in kwargs and model in STR_SELECT_RELATED:
            queryset = self.get_field_queryset(None, db_field, request)
            if queryset is None:
                queryset = model._default_manager.all()
            kwargs["queryset"] = queryset.select_related(*STR_SELECT_RELATED[model])
        return kwargs

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        kwargs = self._with_str_joins(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        kwargs = self._with_str_joins(db_field, request, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)


# --- Vocabularies -------------------------------------------------------------


class TopLevelParentFilter(admin.SimpleListFilter):
    """Filter terms by their top-level term, or show only the top level."""

    title = _("parent")
    parameter_name = "parent"
    TOP_LEVEL = "none"

    def lookups(self, request, model_admin):
        parents = model_admin.model.objects.filter(
            parent__isnull=True, children__isnull=False
        ).distinct()
        return [(self.TOP_LEVEL, _("(top-level terms)"))] + [
            (str(term.pk), term.name) for term in parents
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == self.TOP_LEVEL:
            return queryset.filter(parent__isnull=True)
        if value and value.isdigit():
            return queryset.filter(parent_id=value)
        return queryset


class VocabularyAdmin(admin.ModelAdmin):
    """Shared admin for the four two-level vocabularies."""

    fields = ("name", "slug", "parent", "order", "description", "aliases")
    list_display = ("name", "parent", "slug", "order")
    list_display_links = ("name",)
    list_editable = ("order",)
    list_filter = (TopLevelParentFilter,)
    list_select_related = ("parent",)
    search_fields = ("name", "aliases", "slug")
    prepopulated_fields = {"slug": ("name",)}
    ordering = ("parent__order", "parent__name", "order", "name")
    list_per_page = 200

    def get_queryset(self, request):
        # Autocomplete results print "Parent › Term".
        return super().get_queryset(request).select_related("parent")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            # Two levels only: a parent is always a top-level term.
            kwargs["queryset"] = self.model.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(EducationLevel)
class EducationLevelAdmin(VocabularyAdmin):
    fields = (*VocabularyAdmin.fields, "isced")
    list_display = (*VocabularyAdmin.list_display, "isced")


@admin.register(TargetGroup)
class TargetGroupAdmin(VocabularyAdmin):
    pass


@admin.register(ThematicCategory)
class ThematicCategoryAdmin(VocabularyAdmin):
    pass


@admin.register(EuropeanPriority)
class EuropeanPriorityAdmin(VocabularyAdmin):
    pass


@admin.register(Language)
class LanguageAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    search_fields = ("name", "code")


# --- Places and organisations -------------------------------------------------


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "is_eu_member")
    list_display_links = ("code", "name")
    list_filter = ("is_eu_member",)
    search_fields = ("name", "code")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("name", "country")
    list_filter = (("country", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("country",)
    search_fields = ("name", "country__name")
    autocomplete_fields = ("country",)
    prepopulated_fields = {"slug": ("name",)}

    def get_queryset(self, request):
        # Autocomplete results print "Flanders (Belgium)".
        return super().get_queryset(request).select_related("country")


class OrganisationRoleInline(admin.TabularInline):
    """The organisation's roles, entered from the organisation's side."""

    model = InitiativeOrganisation
    fk_name = "organisation"
    extra = 0
    fields = ("initiative", "role", "note")
    autocomplete_fields = ("initiative",)
    verbose_name_plural = _("roles in initiatives")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("initiative")


@admin.register(Organisation)
class OrganisationAdmin(JoinedChoicesMixin, admin.ModelAdmin):
    fieldsets = (
        (None, {"fields": ("name", "slug", "acronym", "kind")}),
        (_("Where"), {"fields": ("country", "region")}),
        (
            _("Network and contact"),
            {"fields": ("network_role", "website", "description")},
        ),
        (_("Record"), {"fields": ("created", "updated")}),
    )
    readonly_fields = ("created", "updated")
    list_display = (
        "name",
        "acronym",
        "kind",
        "country",
        "network_role",
        "initiative_count",
    )
    list_filter = (
        "kind",
        ("country", admin.RelatedOnlyFieldListFilter),
        "network_role",
    )
    list_select_related = ("country",)
    search_fields = ("name", "acronym", "slug")
    # Explicit: the count annotation makes Django drop Meta.ordering.
    ordering = ("name",)
    autocomplete_fields = ("country", "region")
    formfield_overrides = URL_HTTPS
    prepopulated_fields = {"slug": ("name",)}
    inlines = (OrganisationRoleInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(initiative_count=Count("initiatives", distinct=True))
        )

    @admin.display(description=_("initiatives"), ordering="initiative_count")
    def initiative_count(self, obj):
        return obj.initiative_count


# --- Initiatives ----------------------------------------------------------------


class InitiativeOrganisationInline(admin.TabularInline):
    model = InitiativeOrganisation
    fk_name = "initiative"
    extra = 0
    fields = ("organisation", "role", "note")
    autocomplete_fields = ("organisation",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ("order", "group", "text")
    formfield_overrides = COMPACT_TEXT


class KPIInline(admin.TabularInline):
    model = KPI
    extra = 0
    fields = (
        "order",
        "kind",
        "indicator",
        "method",
        "value_type",
        "qualifier",
        "value",
        "unit",
        "year_start",
        "year_end",
        "note",
    )


class FundingInline(admin.TabularInline):
    model = Funding
    extra = 0
    fields = (
        "funder",
        "model",
        "programme",
        "reference",
        "amount",
        "currency",
        "year_start",
        "year_end",
        "note",
    )
    autocomplete_fields = ("funder",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("funder")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("year", "date", "stage", "note")


class RelationFromInline(admin.TabularInline):
    """Outgoing relations, read as "<this initiative> <relation> <other>"."""

    model = InitiativeRelation
    fk_name = "from_initiative"
    extra = 0
    fields = ("kind", "to_initiative", "note")
    autocomplete_fields = ("to_initiative",)
    verbose_name = _("relation to another initiative")
    verbose_name_plural = _("relations to other initiatives")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("to_initiative")


class RelationToInline(admin.TabularInline):
    """Incoming relations, shown for reference; edit them on the other side."""

    model = InitiativeRelation
    fk_name = "to_initiative"
    extra = 0
    max_num = 0
    can_delete = False
    fields = ("inverse", "from_initiative", "note")
    readonly_fields = ("inverse", "from_initiative", "note")
    verbose_name = _("relation from another initiative")
    verbose_name_plural = _(
        "relations from other initiatives (edit them on the other initiative)"
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("from_initiative")

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description=_("this initiative"))
    def inverse(self, obj):
        return obj.inverse_label


@admin.register(Initiative)
class InitiativeAdmin(JoinedChoicesMixin, admin.ModelAdmin):
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "title",
                    "slug",
                    "original_title",
                    ("kind", "publication_type"),
                )
            },
        ),
        (
            _("Summary and description"),
            {"fields": ("summary", "description", "background")},
        ),
        (
            _("Where and when"),
            {
                "fields": (
                    "scope",
                    "countries",
                    "regions",
                    ("year_start", "year_end"),
                    "status",
                )
            },
        ),
        (
            _("Audience and themes"),
            {"fields": ("education_levels", "target_groups", "themes", "priorities")},
        ),
        (_("Material"), {"fields": ("languages", "website", "image")}),
        (
            _("Source and provenance"),
            {
                "fields": (
                    "source",
                    "source_url",
                    "source_reference",
                    "source_retrieved_on",
                    "source_note",
                )
            },
        ),
        (_("Publication"), {"fields": ("publication_state", ("created", "updated"))}),
    )
    readonly_fields = ("created", "updated")
    prepopulated_fields = {"slug": ("title",)}
    formfield_overrides = URL_HTTPS
    autocomplete_fields = (
        "countries",
        "regions",
        "education_levels",
        "target_groups",
        "themes",
        "priorities",
        "languages",
    )
    inlines = (
        InitiativeOrganisationInline,
        ObjectiveInline,
        KPIInline,
        FundingInline,
        MilestoneInline,
        RelationFromInline,
        RelationToInline,
    )

    list_display = (
        "title",
        "kind",
        "country_list",
        "year_start",
        "status",
        "publication_state",
        "updated",
    )
    list_filter = (
        "publication_state",
        "kind",
        "status",
        ("countries", admin.RelatedOnlyFieldListFilter),
        ("education_levels", admin.RelatedOnlyFieldListFilter),
        "source",
    )
    search_fields = (
        "title",
        "original_title",
        "summary",
        "organisations__name",
        "organisations__acronym",
    )
    date_hierarchy = "updated"
    ordering = ("-updated",)
    list_per_page = 50
    actions = ("publish", "unpublish")

    def get_urls(self):
        # "Import from source document", linked from the changelist.
        view = self.admin_site.admin_view(import_source_view)
        return [
            path(
                "import/",
                lambda request: view(request, model_admin=self),
                name="initiatives_initiative_import",
            ),
            *super().get_urls(),
        ]

    def get_inlines(self, request, obj):
        # A new initiative has no incoming relations to show.
        if obj is None:
            return [i for i in self.inlines if i is not RelationToInline]
        return self.inlines

    def get_queryset(self, request):
        # The countries column reads a prefetched list: two queries per page,
        # whatever the number of rows.
        return super().get_queryset(request).prefetch_related("countries")

    @admin.display(description=_("countries"))
    def country_list(self, obj):
        return ", ".join(country.code for country in obj.countries.all())

    def _set_publication_state(self, request, queryset, state):
        """Move the selected initiatives to `state` and log it in their history."""
        changing = list(queryset.exclude(publication_state=state))
        if changing:
            Initiative.objects.filter(pk__in=[obj.pk for obj in changing]).update(
                publication_state=state, updated=timezone.now()
            )
            catalogue_changed()  # update() sends no signal (see facets.py)
            for obj in changing:
                self.log_change(
                    request,
                    obj,
                    [{"changed": {"fields": [str(_("publication state"))]}}],
                )
        return len(changing), queryset.count() - len(changing)

    @admin.action(description=_("Publish selected initiatives"), permissions=["change"])
    def publish(self, request, queryset):
        changed, unchanged = self._set_publication_state(
            request, queryset, Initiative.PublicationState.PUBLISHED
        )
        message = ngettext(
            "%(count)d initiative was published.",
            "%(count)d initiatives were published.",
            changed,
        ) % {"count": changed}
        if unchanged:
            message += " " + ngettext(
                "%(count)d was already published.",
                "%(count)d were already published.",
                unchanged,
            ) % {"count": unchanged}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["change"])
    def unpublish(self, request, queryset):
        changed, unchanged = self._set_publication_state(
            request, queryset, Initiative.PublicationState.DRAFT
        )
        message = ngettext(
            "%(count)d initiative was moved back to draft.",
            "%(count)d initiatives were moved back to draft.",
            changed,
        ) % {"count": changed}
        if unchanged:
            message += " " + ngettext(
                "%(count)d was already a draft.",
                "%(count)d were already drafts.",
                unchanged,
            ) % {"count": unchanged}
        self.message_user(request, message, messages.SUCCESS)


# --- Child rows on their own --------------------------------------------------
# Editors normally use the inlines above; these lists are for finding rows
# across initiatives (e.g. every KPI measuring reach).


@admin.register(InitiativeOrganisation)
class InitiativeOrganisationAdmin(admin.ModelAdmin):
    list_display = ("organisation", "role", "initiative")
    list_filter = ("role",)
    list_select_related = ("organisation", "initiative")
    search_fields = ("organisation__name", "organisation__acronym", "initiative__title")
    autocomplete_fields = ("initiative", "organisation")


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("__str__", "group", "initiative", "order")
    list_select_related = ("initiative",)
    search_fields = ("text", "group", "initiative__title")
    autocomplete_fields = ("initiative",)


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = (
        "indicator",
        "kind",
        "value_type",
        "display_value",
        "period",
        "initiative",
    )
    list_filter = ("kind", "value_type")
    list_select_related = ("initiative",)
    search_fields = ("indicator", "method", "unit", "initiative__title")
    autocomplete_fields = ("initiative",)

    @admin.display(description=_("value"), ordering="value")
    def display_value(self, obj):
        return obj.display_value

    @admin.display(description=_("period"), ordering="year_start")
    def period(self, obj):
        return obj.period


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ("__str__", "model", "amount", "currency", "period", "initiative")
    list_filter = ("model",)
    list_select_related = ("funder", "initiative")
    search_fields = ("funder__name", "programme", "reference", "initiative__title")
    autocomplete_fields = ("initiative", "funder")

    @admin.display(description=_("period"), ordering="year_start")
    def period(self, obj):
        return obj.period


@admin.register(Milestone)
class MilestoneAdmin(admin.ModelAdmin):
    list_display = ("initiative", "year", "stage", "date")
    list_filter = ("stage",)
    list_select_related = ("initiative",)
    search_fields = ("initiative__title", "note")
    autocomplete_fields = ("initiative",)


@admin.register(InitiativeRelation)
class InitiativeRelationAdmin(admin.ModelAdmin):
    list_display = ("from_initiative", "kind", "to_initiative")
    list_filter = ("kind",)
    list_select_related = ("from_initiative", "to_initiative")
    search_fields = ("from_initiative__title", "to_initiative__title", "note")
    autocomplete_fields = ("from_initiative", "to_initiative")
