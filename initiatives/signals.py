"""Keeps the stored search vector (search.py) and the facet cache (facets.py)
current on every save.

An initiative's document holds its own texts, its objectives and the names of
its organisations, so a change to any of them recomputes the vectors of the
initiatives concerned, in one UPDATE. Saves from fixtures (``raw``) are left to
`load_catalogue`, which recomputes everything it loaded at the end.
"""

from django.db import connections
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .facets import catalogue_changed
from .models import Initiative, InitiativeOrganisation, Objective, Organisation
from .search import refresh_search_vectors

# The fields of an initiative that its document is made of.
SEARCHED_FIELDS = {"title", "original_title", "summary", "description"}


@receiver(post_save, sender=Initiative)
def initiative_saved(sender, instance, raw, using, update_fields=None, **kwargs):
    if raw:
        return
    if update_fields is not None and not SEARCHED_FIELDS & set(update_fields):
        return
    refresh_search_vectors([instance.pk], using)


@receiver(post_save, sender=Objective)
@receiver(post_delete, sender=Objective)
@receiver(post_save, sender=InitiativeOrganisation)
@receiver(post_delete, sender=InitiativeOrganisation)
def part_changed(sender, instance, using, raw=False, **kwargs):
    """An objective or an organisation role was added, changed or removed."""
    if not raw:
        refresh_search_vectors([instance.initiative_id], using)


@receiver(pre_save, sender=Organisation)
def organisation_saving(sender, instance, raw, using, **kwargs):
    """Note whether the name or acronym changes (one query, only on edits)."""
    instance._searched_text_changed = False
    if raw or instance._state.adding or instance.pk is None:
        return
    if connections[using].vendor != "postgresql":
        return  # no stored vector to keep
    before = (
        Organisation.objects.filter(pk=instance.pk)
        .values_list("name", "acronym")
        .first()
    )
    instance._searched_text_changed = before != (instance.name, instance.acronym)


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, raw, using, **kwargs):
    """A renamed organisation: every initiative it has a role in is re-read."""
    if not raw and getattr(instance, "_searched_text_changed", False):
        refresh_search_vectors(
            InitiativeOrganisation.objects.filter(organisation=instance).values(
                "initiative"
            ),
            using,
        )


@receiver(post_save)
@receiver(post_delete)
@receiver(m2m_changed)
def catalogue_written(sender, **kwargs):
    """Any write to the catalogue's tables makes the cached facets old."""
    if sender._meta.app_label == "initiatives":
        catalogue_changed()
