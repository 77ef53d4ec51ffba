"""Back up the whole catalogue to one compressed JSON file.

Everything editors and readers would miss goes in: initiatives with every
related row, vocabularies, countries, organisations, the edit history (the
admin's log and, once installed, django-reversion's versions) and the users
and groups with their permissions. Left out is what a freshly migrated
database rebuilds by itself (content types, permissions) and what is
transient (sessions, login attempts).

The file is Django's JSON serialisation with natural foreign keys, so it
restores into any freshly migrated database, SQLite or PostgreSQL, whatever
ids its content types received (restore_catalogue). Primary keys are kept:
the history refers to objects by them.

The dump is read inside one transaction, so it is a consistent snapshot even
while editors save, and written to a temporary name first: an interrupted
backup never leaves a half-written file under the final name.
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

#: Apps and models a backup leaves out (see the module docstring).
EXCLUDED = ["contenttypes", "auth.permission", "sessions", "axes"]


def default_directory():
    return Path(os.environ.get("BACKUP_DIR", settings.BASE_DIR / "backups"))


class Command(BaseCommand):
    help = (
        "Write a timestamped, compressed backup of the whole catalogue (data, "
        "history, users and groups) to backups/ or --directory; restore it with "
        "restore_catalogue."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--directory",
            type=Path,
            help="Folder for the backup file (default: $BACKUP_DIR or backups/).",
        )
        parser.add_argument(
            "--output",
            type=Path,
            help="Exact file to write, ending in .json.gz (overrides --directory).",
        )
        parser.add_argument("--database", default=DEFAULT_DB_ALIAS)

    def handle(self, *args, directory=None, output=None, database, **options):
        if output is None:
            directory = directory or default_directory()
            stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
            output = Path(directory) / f"stemportal-{stamp}.json.gz"
        if not output.name.endswith(".json.gz"):
            raise CommandError(f"{output}: the backup file name must end in .json.gz")
        if not output.parent.is_dir():
            try:
                output.parent.mkdir(parents=True, exist_ok=True)
            except OSError as error:
                raise CommandError(
                    f"Cannot create the folder {output.parent}: {error.strerror}"
                ) from error
        if output.exists():
            raise CommandError(f"{output} exists already; choose another name.")

        partial = output.with_name(
            f".{output.name[: -len('.json.gz')]}.partial.json.gz"
        )
        try:
            connection = connections[database]
            outermost = not connection.in_atomic_block
            with transaction.atomic(using=database):
                if connection.vendor == "postgresql" and outermost:
                    # One snapshot for every table, even while editors save
                    # (SQLite's transaction is a snapshot already).
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"
                        )
                call_command(
                    "dumpdata",
                    exclude=EXCLUDED,
                    natural_foreign=True,
                    output=str(partial),
                    database=database,
                    verbosity=0,
                )
            os.replace(partial, output)
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise CommandError(f"Cannot write {output}: {error.strerror}") from error
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

        size = output.stat().st_size
        self.stdout.write(f"Backup written to {output} ({size / 1024:.0f} KiB).")
        return None
