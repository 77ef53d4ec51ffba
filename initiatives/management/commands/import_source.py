"""Import source documents (EU STEM Coalition pages, Cedefop timeline entries)
as draft initiatives.

Each document is imported in one transaction: all of its entries or none.
Importing the same document again updates the drafts it made; published
initiatives are never changed (the command says which ones it skipped).
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from initiatives.importers.common import MAX_BYTES, SourceError
from initiatives.importers.service import import_document


class Command(BaseCommand):
    help = (
        "Import EU STEM Coalition pages or Cedefop timeline entries (text or "
        "HTML files) as draft initiatives. Safe to run again: drafts are updated, "
        "never duplicated; published initiatives are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE")
        parser.add_argument(
            "--format",
            choices=["auto", "stemcoalition", "cedefop"],
            default="auto",
            help="Format of the documents (default: recognised from the text).",
        )
        parser.add_argument("--url", default="", help="The page's address.")
        parser.add_argument(
            "--title",
            default="",
            help="Title to use when the copy has none (one-entry documents).",
        )
        parser.add_argument(
            "--country",
            default="",
            help="ISO code of the country, for entries that name none.",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Show what would be imported without writing anything.",
        )

    def handle(self, *args, files, format, url, title, country, dry_run, **options):
        for path in files:
            if not path.is_file():
                raise CommandError(f"{path}: file not found.")
            if path.stat().st_size > MAX_BYTES:
                raise CommandError(f"{path}: larger than {MAX_BYTES // 1024} KB.")
        failed = []
        for path in files:
            try:
                result = import_document(
                    path.read_bytes(),
                    fmt=format,
                    url=url,
                    title=title,
                    country_code=country,
                    dry_run=dry_run,
                    label=path.name,
                )
            except SourceError as exc:
                if len(files) == 1:
                    raise CommandError(f"{path}: {exc} Nothing was imported.") from exc
                failed.append(f"{path}: {exc}")
                continue
            except ValidationError as exc:
                message = "; ".join(exc.messages)
                if len(files) == 1:
                    raise CommandError(
                        f"{path}: a value was refused ({message}). Nothing was "
                        "imported from this document."
                    ) from exc
                failed.append(f"{path}: a value was refused ({message}).")
                continue
            self.report(path, result)
        if failed:
            raise CommandError(
                "Not imported (nothing written from these documents):\n"
                + "\n".join(failed)
            )

    def report(self, path, result):
        prefix = "[dry run] would be " if result.dry_run else ""
        self.stdout.write(f"{path} ({result.format}):")
        for outcome in result.outcomes:
            style = {
                "created": self.style.SUCCESS,
                "updated": self.style.SUCCESS,
                "skipped": self.style.WARNING,
            }[outcome.action]
            self.stdout.write(style(f"  {prefix}{outcome.action}: {outcome.title}"))
            for warning in outcome.warnings:
                self.stdout.write(f"    - {warning}")
