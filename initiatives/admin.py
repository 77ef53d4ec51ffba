"""Data entry for the catalogue.

An editor enters a whole initiative on one page: its fields are grouped like
the sections of the source documents (the EU STEM Coalition's entry pages and
Cedefop's timeline entries), and its organisation roles, objectives, KPIs,
funding, milestones and relations are inline tables. Every relation that can
grow long (organisations, countries, regions, initiatives, vocabulary terms)
uses an autocomplete widget, so the related admins all have `search_fields`.
"""

import reversion
from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import models, transaction
from django.db.models import Count
from django.forms import Textarea
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import localize
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from reversion.admin import VersionAdmin, _RollBackRevisionView
from reversion.errors import RevertError

from . import history, quality
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

    # The initiatives here may be published: only publishers change them from
    # this side; editors add roles on the (draft) initiative's own page.
    def has_add_permission(self, request, obj=None):
        return can_publish(request.user) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return can_publish(request.user) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return can_publish(request.user) and super().has_delete_permission(request, obj)


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

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is InitiativeOrganisation:
            # Roles changed here are changes to those initiatives (history.py).
            rows = [
                *formset.new_objects,
                *(row for row, _fields in formset.changed_objects),
                *formset.deleted_objects,
            ]
            ids = [row.initiative_id for row in rows]
            ids += [
                f.initial.get("initiative")
                for f in formset.forms
                if "initiative" in f.changed_data
            ]
            history.record_versions(
                ids,
                request.user,
                _("Organisation roles changed on the page of %(organisation)s.")
                % {"organisation": form.instance},
            )


# --- Initiatives ----------------------------------------------------------------
# Who may do what (the Editor and Publisher groups come from migration 0003):
# anyone with the change permission edits *drafts*; a published or archived
# initiative is read-only, inline rows included, unless the user may publish
# (initiatives.publish_initiative). Only publishers set the publication state,
# delete, and recover deleted initiatives.


def can_publish(user):
    return user.has_perm("initiatives.publish_initiative")


def can_edit(user, initiative):
    """Whether `user` may change `initiative` (None: any initiative)."""
    if not user.has_perm("initiatives.change_initiative"):
        return False
    return (
        initiative is None
        or initiative.publication_state == Initiative.PublicationState.DRAFT
        or can_publish(user)
    )


class DraftOnlyInlineMixin:
    """Inline rows follow their initiative: editable while it is editable.

    Removing a row of a draft is part of editing the draft, so whoever may edit
    the initiative may remove its rows, even without the model's delete
    permission (Editors have none).
    """

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and can_edit(request.user, obj)

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit(
            request.user, obj
        )

    def has_delete_permission(self, request, obj=None):
        return self.can_delete and can_edit(request.user, obj)


class InitiativeOrganisationInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = InitiativeOrganisation
    fk_name = "initiative"
    extra = 0
    fields = ("organisation", "role", "note")
    autocomplete_fields = ("organisation",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation")


class ObjectiveInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Objective
    extra = 0
    fields = ("order", "group", "text")
    formfield_overrides = COMPACT_TEXT


class KPIInline(DraftOnlyInlineMixin, admin.TabularInline):
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


class FundingInline(DraftOnlyInlineMixin, admin.TabularInline):
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


class MilestoneInline(DraftOnlyInlineMixin, admin.TabularInline):
    model = Milestone
    extra = 0
    fields = ("year", "date", "stage", "note")


class RelationFromInline(DraftOnlyInlineMixin, admin.TabularInline):
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


class InitiativeAdminForm(forms.ModelForm):
    """The initiative form, carrying the version it was opened with.

    Optimistic locking: the page remembers `Initiative.version` as it was when
    the editor opened it. Saving compares it with the number in the database
    (read with SELECT ... FOR UPDATE, see InitiativeAdmin.get_object); when
    someone saved in between, the save is refused and nothing is written. The
    form then lists what changed meanwhile and carries the new number, so the
    editor can look, adjust, and save again knowingly.
    """

    opened_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    # Set by InitiativeAdmin.get_form: the version number in the database now
    # (None for a new initiative or one being recovered).
    version_in_database = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.edit_conflict = None
        if self.version_in_database is not None:
            self.fields["opened_version"].initial = self.version_in_database

    def clean(self):
        cleaned_data = super().clean()
        current = self.version_in_database
        opened = cleaned_data.get("opened_version")
        if current is None or opened == current:
            return cleaned_data
        self.edit_conflict = self._changes_since(opened or 0)
        # The next save is a deliberate one: it overwrites what is listed.
        data = self.data.copy()
        data[self.add_prefix("opened_version")] = str(current)
        self.data = data
        refused = _(
            "Your changes were not saved. What changed meanwhile is listed below: "
            "check it, adjust the form if needed, and save again to replace their "
            "version with yours."
        )
        latest = history.versions_of(self.instance.pk).last()
        if latest is None or latest.field_dict.get("version") != current:
            raise forms.ValidationError(
                _("Someone else saved this initiative while you were editing it.")
                + " "
                + refused,
                code="edit_conflict",
            )
        who = latest.revision.user.get_username() if latest.revision.user else None
        raise forms.ValidationError(
            _("%(who)s saved this initiative on %(when)s while you were editing it.")
            % {
                "who": who or _("Someone else"),
                "when": localize(timezone.localtime(latest.revision.date_created)),
            }
            + " "
            + refused,
            code="edit_conflict",
        )

    def _form_snapshot(self, now):
        """`now` with the initiative's fields as this form has them."""
        fields = dict(now.fields)
        for name in self.fields:
            if name in self.cleaned_data and name in {
                f.name for f in Initiative._meta.get_fields() if f.concrete
            }:
                fields[Initiative._meta.get_field(name).attname] = history.form_value(
                    self, name
                )
        return history.Snapshot(fields, now.rows)

    def _changes_since(self, opened):
        """What changed since version `opened`: their value and yours."""
        opened_version = history.version_opened(self.instance.pk, opened)
        now = history.current_snapshot(Initiative.objects.get(pk=self.instance.pk))
        if opened_version is None:
            # Saved before history was kept: all we know is theirs and yours.
            rows = []
            for change in history.compare(now, self._form_snapshot(now)):
                theirs, yours = change.before, change.after
                change.before, change.after = None, theirs
                rows.append({"change": change, "yours": yours})
            return rows
        rows = []
        for change in history.compare(history.snapshot(opened_version), now):
            yours = None
            if change.name in self.fields and change.name in self.cleaned_data:
                field = Initiative._meta.get_field(change.name)
                yours = history.display_value(
                    field, history.form_value(self, change.name)
                )
            rows.append({"change": change, "yours": yours})
        return rows


@admin.register(Initiative)
class InitiativeAdmin(JoinedChoicesMixin, VersionAdmin):
    form = InitiativeAdminForm
    change_list_template = "admin/initiatives/initiative/change_list.html"
    object_history_template = "admin/initiatives/initiative/object_history.html"
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
                    "source_checked_on",
                    "source_note",
                )
            },
        ),
        (
            _("Publication"),
            {
                "fields": (
                    "publication_state",
                    "needs_checking",
                    ("created", "updated"),
                    "opened_version",
                )
            },
        ),
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
        "source_checked_on",
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
    actions = ("publish", "archive", "unpublish", "mark_source_checked")

    def get_urls(self):
        # "Import from source document", linked from the changelist, and the
        # changes recorded in one version, linked from the history.
        view = self.admin_site.admin_view(import_source_view)
        return [
            path(
                "import/",
                lambda request: view(request, model_admin=self),
                name="initiatives_initiative_import",
            ),
            path(
                "data-quality/",
                self.admin_site.admin_view(self.data_quality_view),
                name="initiatives_initiative_data_quality",
            ),
            path(
                "<path:object_id>/history/<int:version_id>/changes/",
                self.admin_site.admin_view(self.version_changes_view),
                name="initiatives_initiative_changes",
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

    # --- Permissions ------------------------------------------------------------

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and can_edit(
            request.user, obj
        )

    def has_publish_permission(self, request):
        return can_publish(request.user)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not can_publish(request.user):
            readonly.append("publication_state")
        return readonly

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or not self.has_change_permission(request, obj):
            # Nothing to lock: a new record, or a read-only view.
            fieldsets = [
                (name, {**options, "fields": self._without_version(options)})
                for name, options in fieldsets
            ]
        return fieldsets

    @staticmethod
    def _without_version(options):
        return [f for f in options["fields"] if f != "opened_version"]

    # --- Saving: optimistic locking and history --------------------------------

    def get_object(self, request, object_id, from_field=None):
        # A save locks the row until it commits (the admin's change view runs
        # in a transaction): two saves of one initiative cannot interleave
        # between the version check and the write.
        if request.method == "POST" and transaction.get_connection().in_atomic_block:
            queryset = self.get_queryset(request).select_for_update()
            model = queryset.model
            field = (
                model._meta.pk
                if from_field is None
                else model._meta.get_field(from_field)
            )
            try:
                return queryset.get(**{field.name: field.to_python(object_id)})
            except (model.DoesNotExist, ValidationError, ValueError):
                return None
        return super().get_object(request, object_id, from_field)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.version_in_database = self._version_in_database(request, obj)
        return form

    @staticmethod
    def _version_in_database(request, obj):
        if obj is None:
            return None
        # While reverting, `obj` shows the old version's data and number; the
        # number that counts is the one before the revert.
        return getattr(request, "_initiative_version_before_revert", obj.version)

    def save_model(self, request, obj, form, change):
        if not can_publish(request.user) and not change:
            obj.publication_state = Initiative.PublicationState.DRAFT
        if change:
            current = form.version_in_database
            obj.version = (obj.version if current is None else current) + 1
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        self._record_before_deleting(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        self._record_before_deleting(request, queryset)
        super().delete_queryset(request, queryset)

    def _record_before_deleting(self, request, initiatives):
        """Store the last state of each initiative, so it can be recovered."""
        for initiative in initiatives:
            with reversion.create_revision():
                reversion.set_user(request.user)
                reversion.set_comment(_("Deleted."))
                reversion.add_to_revision(initiative)

    def changelist_view(self, request, extra_context=None):
        # Not VersionAdmin's: it would put every initiative an action changes
        # into one revision, and a revert of one would revert them all. The
        # actions below record one revision per initiative instead.
        context = {
            "has_recover_permission": self.has_delete_permission(request),
            **(extra_context or {}),
        }
        return admin.ModelAdmin.changelist_view(self, request, context)

    # --- History: changes, revert, recover --------------------------------------

    def history_view(self, request, object_id, extra_context=None):
        versions = list(history.versions_of(unquote(object_id)).order_by("-pk"))
        entries = [
            {
                "version": version,
                "revision": version.revision,
                "changes_url": reverse(
                    "admin:initiatives_initiative_changes",
                    args=[quote(version.object_id), version.pk],
                ),
                "revert_url": reverse(
                    "admin:initiatives_initiative_revision",
                    args=[quote(version.object_id), version.pk],
                ),
            }
            for version in versions
        ]
        context = {"history_entries": entries, **(extra_context or {})}
        return super().history_view(request, object_id, context)

    def version_changes_view(self, request, object_id, version_id):
        """What one version changed, compared with the version before it."""
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        version = get_object_or_404(
            history.versions_of(unquote(object_id)), pk=version_id
        )
        previous = history.previous_version(version)
        changes = history.compare(
            history.snapshot(previous) if previous else None,
            history.snapshot(version),
        )
        opts = self.model._meta
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "title": _("Changes in this version of “%(name)s”")
            % {"name": version.object_repr},
            "version": version,
            "previous": previous,
            "changes": changes,
            "object_id": object_id,
            "revert_url": reverse(
                "admin:initiatives_initiative_revision",
                args=[quote(version.object_id), version.pk],
            ),
            "history_url": reverse(
                "admin:initiatives_initiative_history", args=[quote(object_id)]
            ),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/initiatives/initiative/version_changes.html", context
        )

    # --- Data quality ---------------------------------------------------------------

    def data_quality_view(self, request):
        """Initiatives missing key information, counted per problem and country.

        ?state= limits everything to one publication state; ?problem= and
        ?country= (an ISO code, or "none") narrow the list below the counts.
        """
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        checked = quality.problems()
        initiatives = Initiative.objects.all()
        state = request.GET.get("state", "")
        if state in Initiative.PublicationState.values:
            initiatives = initiatives.filter(publication_state=state)
        else:
            state = ""
        flagged = quality.flagged(initiatives, checked)
        per_problem, per_country = quality.report(flagged, checked)

        problem = {p.key: p for p in checked}.get(request.GET.get("problem"))
        listed = quality.with_any(flagged, [problem] if problem else checked)
        country = request.GET.get("country", "").strip().upper()
        if country == "NONE":
            listed = listed.filter(countries__isnull=True)
        elif country:
            listed = listed.filter(countries__code=country)
        listed = listed.prefetch_related("countries").order_by("title", "pk")
        page = Paginator(listed, 100).get_page(request.GET.get("page"))

        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Data quality"),
            "problems": checked,
            "per_problem": [(p, per_problem[p.key]) for p in checked],
            "per_country": per_country,
            "states": Initiative.PublicationState.choices,
            "state": state,
            "problem": problem,
            "country": country,
            "page_obj": page,
            "rows": [
                {
                    "initiative": initiative,
                    "problems": quality.problems_of(initiative, checked),
                    "change_url": reverse(
                        "admin:initiatives_initiative_change", args=[initiative.pk]
                    ),
                }
                for initiative in page
            ],
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/initiatives/initiative/data_quality.html", context
        )

    def recoverlist_view(self, request, extra_context=None):
        # Recovering brings an initiative back in the state it had, published
        # ones included: publishers only, like deleting.
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recoverlist_view(request, extra_context)

    def recover_view(self, request, version_id, extra_context=None):
        if not self.has_delete_permission(request):
            raise PermissionDenied
        return super().recover_view(request, version_id, extra_context)

    def _reversion_revisionform_view(
        self, request, version, template_name, extra_context=None
    ):
        """django-reversion's revert/recover view, reverting one initiative.

        The same steps as VersionAdmin's (revert inside a transaction, show or
        save the change form, roll back unless saved), but it restores only
        this initiative and its rows (history.revert_initiative), not every
        object that happened to be saved in the same revision, and it keeps
        the version number for optimistic locking counting upwards.
        """
        opts = self.model._meta
        try:
            with transaction.atomic(using=version.db):
                current = (
                    Initiative.objects.select_for_update()
                    .filter(pk=version.object_id)
                    .first()
                )
                if (
                    request.method == "POST"
                    and current is not None
                    and not self.has_change_permission(request, current)
                ):
                    raise PermissionDenied
                request._initiative_version_before_revert = (
                    current.version if current else None
                )
                history.revert_initiative(version)
                with self.create_revision(request):
                    response = self.changeform_view(
                        request, quote(version.object_id), request.path, extra_context
                    )
                    if request.method == "POST" and response.status_code == 302:
                        reversion.set_comment(
                            _("Reverted to the version saved on %(datetime)s.")
                            % {
                                "datetime": localize(
                                    timezone.localtime(version.revision.date_created)
                                )
                            }
                        )
                    elif response.status_code == 200:
                        response.template_name = template_name
                        response.render()
                        raise _RollBackRevisionView(response)
                    else:
                        raise RevertError(
                            _("Could not load %(object_repr)s version - not found")
                            % {"object_repr": version.object_repr}
                        )
        except (RevertError, models.ProtectedError) as exc:
            messages.error(request, str(exc))
            return redirect(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        except _RollBackRevisionView as exc:
            return exc.response
        return response

    # --- Actions ------------------------------------------------------------------

    def _save_each(self, request, queryset, change, message, editable_only=False):
        """Apply `change` to each initiative, one revision and log entry each.

        Returns how many changed and how many were skipped (`change` returned
        False, or the user may not edit it).
        """
        changed = skipped = 0
        with transaction.atomic():
            # Locked like a form save, so an open form of one of these
            # initiatives becomes stale rather than overwriting this change.
            locked = Initiative.objects.filter(pk__in=queryset.values("pk"))
            for obj in locked.select_for_update().order_by("pk"):
                if (editable_only and not can_edit(request.user, obj)) or not change(
                    obj
                ):
                    skipped += 1
                    continue
                obj.version += 1
                with reversion.create_revision():
                    reversion.set_user(request.user)
                    reversion.set_comment(message)
                    obj.save()
                self.log_change(request, obj, message)
                changed += 1
        return changed, skipped

    def _set_publication_state(self, request, queryset, state):
        """Move the selected initiatives to `state`, recorded in their history."""

        def change(obj):
            if obj.publication_state == state:
                return False
            obj.publication_state = state
            return True

        label = Initiative.PublicationState(state).label
        message = _("Publication state set to “%(state)s”.") % {"state": label}
        return self._save_each(request, queryset, change, message)

    def _report(self, request, changed, done, unchanged, already):
        message = done % {"count": changed}
        if unchanged:
            message += " " + already % {"count": unchanged}
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(
        description=_("Publish selected initiatives"), permissions=["publish"]
    )
    def publish(self, request, queryset):
        changed, unchanged = self._set_publication_state(
            request, queryset, Initiative.PublicationState.PUBLISHED
        )
        self._report(
            request,
            changed,
            ngettext(
                "%(count)d initiative was published.",
                "%(count)d initiatives were published.",
                changed,
            ),
            unchanged,
            ngettext(
                "%(count)d was already published.",
                "%(count)d were already published.",
                unchanged,
            ),
        )

    @admin.action(
        description=_("Archive selected initiatives"), permissions=["publish"]
    )
    def archive(self, request, queryset):
        changed, unchanged = self._set_publication_state(
            request, queryset, Initiative.PublicationState.ARCHIVED
        )
        self._report(
            request,
            changed,
            ngettext(
                "%(count)d initiative was archived.",
                "%(count)d initiatives were archived.",
                changed,
            ),
            unchanged,
            ngettext(
                "%(count)d was already archived.",
                "%(count)d were already archived.",
                unchanged,
            ),
        )

    @admin.action(description=_("Unpublish (back to draft)"), permissions=["publish"])
    def unpublish(self, request, queryset):
        changed, unchanged = self._set_publication_state(
            request, queryset, Initiative.PublicationState.DRAFT
        )
        self._report(
            request,
            changed,
            ngettext(
                "%(count)d initiative was moved back to draft.",
                "%(count)d initiatives were moved back to draft.",
                changed,
            ),
            unchanged,
            ngettext(
                "%(count)d was already a draft.",
                "%(count)d were already drafts.",
                unchanged,
            ),
        )

    @admin.action(description=_("Mark source checked today"), permissions=["change"])
    def mark_source_checked(self, request, queryset):
        today = timezone.localdate()

        def change(obj):
            if obj.source_checked_on == today:
                return False
            obj.source_checked_on = today
            return True

        changed, skipped = self._save_each(
            request,
            queryset,
            change,
            _("Source marked as checked on %(date)s.") % {"date": localize(today)},
            editable_only=True,
        )
        self._report(
            request,
            changed,
            ngettext(
                "%(count)d initiative was marked as checked today.",
                "%(count)d initiatives were marked as checked today.",
                changed,
            ),
            skipped,
            ngettext(
                "%(count)d was left alone (already checked today, or not yours "
                "to change).",
                "%(count)d were left alone (already checked today, or not yours "
                "to change).",
                skipped,
            ),
        )


# --- Child rows on their own --------------------------------------------------
# Editors normally use the inlines above; these lists are for finding rows
# across initiatives (e.g. every KPI measuring reach). The workflow rule holds
# here too: without the publish permission, only rows of drafts are changed,
# and new rows can only be attached to drafts.


class InitiativeRowAdmin(admin.ModelAdmin):
    initiative_field = "initiative"

    def has_change_permission(self, request, obj=None):
        initiative = getattr(obj, self.initiative_field, None) if obj else None
        return super().has_change_permission(request, obj) and can_edit(
            request.user, initiative
        )

    # A row changed here is a change to its initiative: recorded in the
    # initiative's history, and its open forms become stale.

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ids = [getattr(obj, f"{self.initiative_field}_id")]
        if change and self.initiative_field in form.changed_data:
            ids.append(form.initial.get(self.initiative_field))
        verb = _("Changed") if change else _("Added")
        self._record(request, ids, verb, obj)

    def delete_model(self, request, obj):
        initiative_id = getattr(obj, f"{self.initiative_field}_id")
        super().delete_model(request, obj)
        self._record(request, [initiative_id], _("Deleted"), obj)

    def delete_queryset(self, request, queryset):
        rows = list(queryset)
        super().delete_queryset(request, queryset)
        for row in rows:
            self._record(
                request,
                [getattr(row, f"{self.initiative_field}_id")],
                _("Deleted"),
                row,
            )

    def _record(self, request, initiative_ids, verb, row):
        history.record_versions(
            initiative_ids,
            request.user,
            _("%(verb)s %(row)s “%(name)s” from the %(rows)s list.")
            % {
                "verb": verb,
                "row": self.model._meta.verbose_name,
                "name": row,
                "rows": self.model._meta.verbose_name_plural,
            },
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == self.initiative_field and not can_publish(request.user):
            kwargs["queryset"] = Initiative.objects.filter(
                publication_state=Initiative.PublicationState.DRAFT
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(InitiativeOrganisation)
class InitiativeOrganisationAdmin(InitiativeRowAdmin):
    list_display = ("organisation", "role", "initiative")
    list_filter = ("role",)
    list_select_related = ("organisation", "initiative")
    search_fields = ("organisation__name", "organisation__acronym", "initiative__title")
    autocomplete_fields = ("initiative", "organisation")


@admin.register(Objective)
class ObjectiveAdmin(InitiativeRowAdmin):
    list_display = ("__str__", "group", "initiative", "order")
    list_select_related = ("initiative",)
    search_fields = ("text", "group", "initiative__title")
    autocomplete_fields = ("initiative",)


@admin.register(KPI)
class KPIAdmin(InitiativeRowAdmin):
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
class FundingAdmin(InitiativeRowAdmin):
    list_display = ("__str__", "model", "amount", "currency", "period", "initiative")
    list_filter = ("model",)
    list_select_related = ("funder", "initiative")
    search_fields = ("funder__name", "programme", "reference", "initiative__title")
    autocomplete_fields = ("initiative", "funder")

    @admin.display(description=_("period"), ordering="year_start")
    def period(self, obj):
        return obj.period


@admin.register(Milestone)
class MilestoneAdmin(InitiativeRowAdmin):
    list_display = ("initiative", "year", "stage", "date")
    list_filter = ("stage",)
    list_select_related = ("initiative",)
    search_fields = ("initiative__title", "note")
    autocomplete_fields = ("initiative",)


@admin.register(InitiativeRelation)
class InitiativeRelationAdmin(InitiativeRowAdmin):
    initiative_field = "from_initiative"

    list_display = ("from_initiative", "kind", "to_initiative")
    list_filter = ("kind",)
    list_select_related = ("from_initiative", "to_initiative")
    search_fields = ("from_initiative__title", "to_initiative__title", "note")
    autocomplete_fields = ("from_initiative", "to_initiative")
