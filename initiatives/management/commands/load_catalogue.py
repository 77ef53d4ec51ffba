"""Load the shipped catalogue: reference data, vocabularies and seed initiatives.

Every object in the fixtures omits "pk" and is identified by its natural key
(slug, ISO code, or a fixed UUID for objectives, KPIs, funding and milestones),
so loading again finds the rows loaded before and updates them instead of adding
copies. Running the command twice therefore leaves every row count unchanged.

The stored search vectors (see search.py) are recomputed at the end, in the
same transaction: loaddata saves "raw", which the signals that keep them
current skip.

Loading adds and updates; it never deletes. A row an editor added stays, and a
fixture value overwrites an editor's change to the same row.
"""

from pathlib import Path

import reversion
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, transaction

from ...search import refresh_search_vectors

# In dependency order: each file refers only to objects in the files before it.
CATALOGUE_FIXTURES = [
    "languages.json",
    "countries.json",
    "vocabularies.json",
    "organisations.json",
    "initiatives.json",
]


def row_counts(using):
    """Rows per model of the app, many-to-many tables included."""
    app = apps.get_app_config("initiatives")
    return {
        model._meta.label: model._default_manager.using(using).count()
        for model in app.get_models(include_auto_created=True)
    }


class Command(BaseCommand):
    help = (
        "Load the catalogue fixtures (languages, countries, vocabularies, "
        "organisations, initiatives) in one transaction. Safe to run again: rows "
        "are matched by natural key and updated, never duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="Database to load into (default: %(default)s).",
        )
        parser.add_argument(
            "--fixture-dir",
            type=Path,
            default=Path(settings.FIXTURE_DIRS[0]),
            help="Folder holding the fixture files (default: the first of "
            "FIXTURE_DIRS).",
        )

    def handle(self, *args, database, fixture_dir, verbosity, **options):
        paths = [fixture_dir / name for name in CATALOGUE_FIXTURES]
        missing = [str(path) for path in paths if not path.is_file()]
        if missing:
            raise CommandError(f"Catalogue fixture(s) not found: {', '.join(missing)}")

        before = row_counts(database)
        try:
            # The loaded initiatives get a version in their history (history.py).
            with (
                transaction.atomic(using=database),
                reversion.create_revision(using=database),
            ):
                reversion.set_comment("Loaded from the catalogue fixtures.")
                call_command(
                    "loaddata",
                    *[str(path) for path in paths],
                    database=database,
                    verbosity=0,
                )
                refresh_search_vectors(using=database)
        except CommandError:
            raise
        except Exception as exc:
            # loaddata reports broken fixtures as DeserializationError,
            # IntegrityError, ObjectDoesNotExist, ValidationError…: one clear
            # message is more useful here than a traceback.
            raise CommandError(
                f"The catalogue could not be loaded; nothing was changed. {exc}"
            ) from exc
        after = row_counts(database)

        if verbosity:
            self.report(before, after)

    def report(self, before, after):
        self.stdout.write(self.style.SUCCESS("Catalogue loaded."))
        for label, count in after.items():
            model = apps.get_model(label)
            if model._meta.auto_created:
                continue
            added = count - before[label]
            change = f" ({added} new)" if added else ""
            name = model._meta.verbose_name_plural
            self.stdout.write(f"  {count:5d} {name}{change}")
