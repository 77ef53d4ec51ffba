"""Restore a backup written by backup_catalogue into an empty database.

"Empty" means freshly migrated: no initiatives, organisations, users or
history yet (the groups and vocabulary-free tables a migration creates do not
count; they are replaced by the backup's). A database with content is refused
unless --force is given, which replaces its content with the backup's.

The restore is atomic: the tables are emptied and the backup loaded in one
transaction, so a bad file or an error half-way leaves the database as it was.
"""

import gzip
import json
import zlib
from pathlib import Path

from django.apps import apps
from django.contrib.admin.models import LogEntry
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from ...facets import catalogue_changed
from ...models import Initiative, Organisation
from ...search import refresh_search_vectors
from .backup_catalogue import EXCLUDED


def backed_up_models():
    """The models a backup holds: every model but the EXCLUDED ones."""
    models = []
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.app_label in EXCLUDED or opts.label_lower in EXCLUDED:
            continue
        if opts.proxy or not opts.managed:
            continue
        models.append(model)
    return models


def content_counts(using):
    """What makes a database "not empty", by name, with counts."""
    counted = [
        ("initiatives", Initiative),
        ("organisations", Organisation),
        ("users", get_user_model()),
        ("admin history entries", LogEntry),
    ]
    if apps.is_installed("reversion"):
        counted.append(("versions", apps.get_model("reversion", "Version")))
    counts = {
        name: model._default_manager.using(using).count() for name, model in counted
    }
    return {name: count for name, count in counts.items() if count}


def read_backup(path):
    """The backup's objects, or a CommandError saying what is wrong."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    if not (path.name.endswith(".json.gz") or path.name.endswith(".json")):
        raise CommandError(
            f"{path}: not a backup; backups are .json.gz files from backup_catalogue."
        )
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rt", encoding="utf-8") as stream:
            objects = json.load(stream)
    except (OSError, EOFError, zlib.error, UnicodeDecodeError, ValueError) as error:
        raise CommandError(f"{path}: not a readable backup ({error}).") from error
    if not isinstance(objects, list) or not all(
        isinstance(item, dict) and "model" in item and "fields" in item
        for item in objects
    ):
        raise CommandError(f"{path}: not a backup written by backup_catalogue.")
    return objects


class Command(BaseCommand):
    help = (
        "Restore a backup (from backup_catalogue) into an empty, freshly migrated "
        "database, atomically. --force replaces the content of a database that "
        "has some."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The .json.gz backup file.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace the content of a database that is not empty.",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, file, force, database, **options):
        objects = read_backup(file)
        existing = content_counts(database)
        if existing and not force:
            described = ", ".join(f"{count} {name}" for name, count in existing.items())
            raise CommandError(
                f"The database is not empty ({described}). Restore into a freshly "
                "migrated database, or pass --force (make restore ... FORCE=1) to "
                "replace its content with the backup's."
            )

        connection = connections[database]
        tables = [model._meta.db_table for model in backed_up_models()]
        with transaction.atomic(using=database):
            # Empty every table the backup fills (the groups a migration made,
            # or, with --force, the old content), then load the backup.
            # Foreign keys are checked at commit (Django declares them
            # deferrable), so the order of the tables does not matter.
            with connection.cursor() as cursor:
                for table in tables:
                    cursor.execute(f"DELETE FROM {connection.ops.quote_name(table)}")
            call_command("loaddata", str(file), database=database, verbosity=0)
            # The backup may come from another database (SQLite keeps no search
            # vector): recompute them, and forget facet counts of the old data.
            refresh_search_vectors(using=database)
        catalogue_changed()

        initiatives = sum(
            1 for item in objects if item["model"] == "initiatives.initiative"
        )
        self.stdout.write(
            f"Restored {len(objects)} objects ({initiatives} initiatives) from {file}."
        )
