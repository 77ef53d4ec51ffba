"""History of initiatives: what is recorded, how two versions differ, revert.

django-reversion stores every save of an initiative as a *version* inside a
*revision* (who, when, comment). The initiative follows its inline rows
(organisation roles, objectives, KPIs, funding, milestones and outgoing
relations), so one revision holds the initiative together with its rows, and
its many-to-many fields (countries, vocabularies...) are in its own data.

A revision may hold several initiatives: an import or `load_catalogue` writes
many at once. Reverting one initiative therefore restores only that initiative
and its own rows (`revert_initiative`), never its neighbours in the revision.
"""

from dataclasses import dataclass

import reversion
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils.formats import localize
from django.utils.translation import gettext as _
from reversion.errors import RevertError
from reversion.models import Version

from .models import (
    KPI,
    Funding,
    Initiative,
    InitiativeOrganisation,
    InitiativeRelation,
    Milestone,
    Objective,
)

# Inline rows recorded with their initiative: (model, foreign key to it, the
# initiative's related name for them).
ROWS = (
    (InitiativeOrganisation, "initiative", "organisation_roles"),
    (Objective, "initiative", "objectives"),
    (KPI, "initiative", "kpis"),
    (Funding, "initiative", "fundings"),
    (Milestone, "initiative", "milestones"),
    (InitiativeRelation, "from_initiative", "relations_from"),
)

# Bookkeeping: keys, and fields editors never type (timestamps, the lock
# number, stored search data: editable=False) say nothing to an editor.
NOT_COMPARED = {"id"}


def register():
    """Register the initiative and its inline rows (called from apps.ready)."""
    if reversion.is_registered(Initiative):
        return
    for model, _fk, _related in ROWS:
        reversion.register(model)
    reversion.register(Initiative, follow=[row[2] for row in ROWS])


def record_versions(initiative_ids, user, comment):
    """Record a new version of each initiative after its rows changed elsewhere.

    Rows edited from their own admin lists (or organisation roles from the
    organisation's page) change an initiative without its form: its history
    gets a version, and its lock number goes up so a form opened before is
    refused rather than silently undoing the change.
    """
    ids = {pk for pk in initiative_ids if pk is not None}
    with transaction.atomic():
        Initiative.objects.filter(pk__in=ids).update(version=F("version") + 1)
        for initiative in Initiative.objects.filter(pk__in=ids).order_by("pk"):
            with reversion.create_revision(atomic=False):
                reversion.set_user(user)
                reversion.set_comment(comment)
                reversion.add_to_revision(initiative)


# --- Reading a version ------------------------------------------------------------


@dataclass
class Snapshot:
    """An initiative as a version recorded it: its fields and its rows."""

    fields: dict
    rows: dict  # model -> {pk: (repr, field dict)}


def _row_versions(version):
    """The versions of `version`'s initiative's own rows in the same revision."""
    initiative_id = int(version.object_id)
    content_types = ContentType.objects.get_for_models(*[row[0] for row in ROWS])
    by_type = {content_types[model].pk: (model, fk) for model, fk, _r in ROWS}
    for row in version.revision.version_set.filter(
        content_type__in=list(by_type)
    ).select_related("content_type"):
        model, fk = by_type[row.content_type_id]
        if row.field_dict.get(f"{fk}_id") == initiative_id:
            yield model, row


def snapshot(version):
    rows = {model: {} for model, _fk, _related in ROWS}
    for model, row in _row_versions(version):
        rows[model][int(row.object_id)] = (row.object_repr, row.field_dict)
    return Snapshot(dict(version.field_dict), rows)


def current_snapshot(initiative):
    """The initiative as it is now in the database, in the same shape."""
    rows = {}
    for model, _fk, related in ROWS:
        rows[model] = {
            row.pk: (str(row), _field_dict(row))
            for row in getattr(initiative, related).all()
        }
    fields = _field_dict(initiative)
    for field in Initiative._meta.many_to_many:
        if field.remote_field.through._meta.auto_created:
            fields[field.attname] = [
                obj.pk for obj in getattr(initiative, field.name).all()
            ]
    return Snapshot(fields, rows)


def _field_dict(obj):
    return {field.attname: getattr(obj, field.attname) for field in obj._meta.fields}


# --- Comparing two versions ---------------------------------------------------------


@dataclass
class Change:
    """One difference an editor reads: what, before and after."""

    what: str
    before: str
    after: str
    name: str = ""  # the initiative's field, for a change to one of its fields


def display_value(field, value):
    """A stored value as the admin shows it: labels, names, dates."""
    if value in (None, "", []):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.many_to_many:
        related = field.remote_field.model
        names = {
            obj.pk: str(obj) for obj in related._default_manager.filter(pk__in=value)
        }
        return ", ".join(sorted(names.get(pk, f"#{pk}") for pk in value))
    if field.is_relation:
        obj = field.remote_field.model._default_manager.filter(pk=value).first()
        return str(obj) if obj else _("#%(pk)s (deleted)") % {"pk": value}
    if isinstance(field, models.FileField):
        return str(value)
    if isinstance(field, models.BooleanField):
        return _("yes") if value else _("no")
    return str(localize(value))


def _field_changes(model, before, after, prefix=""):
    changes = []
    for field in model._meta.get_fields():
        if (
            not field.concrete
            or not field.editable
            or field.auto_created
            or field.name in NOT_COMPARED
        ):
            continue
        if model is not Initiative and field.name in {"initiative", "from_initiative"}:
            continue
        key = field.attname
        if key not in before and key not in after:
            continue
        old, new = before.get(key), after.get(key)
        if field.many_to_many:
            old, new = sorted(old or []), sorted(new or [])
        if old != new:
            changes.append(
                Change(
                    prefix + str(field.verbose_name),
                    display_value(field, old),
                    display_value(field, new),
                    "" if prefix else field.name,
                )
            )
    return changes


def compare(before, after):
    """The differences from snapshot `before` (or None: nothing) to `after`."""
    fields_before = before.fields if before else {}
    changes = _field_changes(Initiative, fields_before, after.fields)
    for model, _fk, _related in ROWS:
        old_rows = before.rows[model] if before else {}
        new_rows = after.rows[model]
        name = str(model._meta.verbose_name)
        for pk, (text, _data) in new_rows.items():
            if pk not in old_rows:
                changes.append(Change(_("%(row)s added") % {"row": name}, "—", text))
        for pk, (text, _data) in old_rows.items():
            if pk not in new_rows:
                changes.append(Change(_("%(row)s removed") % {"row": name}, text, "—"))
        for pk, (text, data) in new_rows.items():
            if pk in old_rows:
                prefix = f"{name} “{text}”: "
                changes += _field_changes(model, old_rows[pk][1], data, prefix)
    return changes


def form_value(form, name):
    """A form's cleaned value for `name` in the shape a version stores it."""
    value = form.cleaned_data.get(name)
    field = Initiative._meta.get_field(name)
    if field.many_to_many:
        return sorted(obj.pk for obj in value or [])
    if field.is_relation:
        return value.pk if value else None
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return value


def versions_of(initiative_id):
    """The versions of one initiative, oldest first."""
    return (
        Version.objects.get_for_object_reference(Initiative, initiative_id)
        .select_related("revision__user")
        .order_by("pk")
    )


def previous_version(version):
    return (
        versions_of(version.object_id).filter(pk__lt=version.pk).order_by("-pk").first()
    )


def version_opened(initiative_id, number):
    """The latest recorded version whose optimistic-lock number is <= `number`.

    That is the state an editor saw when the form carrying `number` was opened.
    """
    for version in versions_of(initiative_id).order_by("-pk"):
        if (version.field_dict.get("version") or 0) <= number:
            return version
    return None


# --- Revert ---------------------------------------------------------------------------


def revert_initiative(version):
    """Put one initiative and its rows back as `version` recorded them.

    Rows added since are deleted, rows deleted since come back. Other
    initiatives saved in the same revision are left alone. Raises RevertError
    with a readable message when the old data no longer fits (e.g. a related
    organisation was deleted since).
    """
    initiative_id = int(version.object_id)
    rows = list(_row_versions(version))
    try:
        with transaction.atomic(using=version.db):
            for model, fk, _related in ROWS:
                keep = [int(row.object_id) for m, row in rows if m is model]
                model._default_manager.filter(**{f"{fk}_id": initiative_id}).exclude(
                    pk__in=keep
                ).delete()
            version.revert()
            for _model, row in rows:
                row.revert()
    except (IntegrityError, models.ProtectedError) as exc:
        raise RevertError(
            _(
                "This version cannot be restored: something it refers to "
                "was deleted or changed since (%(error)s)."
            )
            % {"error": exc}
        ) from exc
