"""Write fixtures/countries.json and fixtures/languages.json.

Country names come from django-countries and language names from Django's own
LANG_INFO, so nobody types them by hand and they match what the rest of the
site shows. Run this after upgrading either package, review the diff and commit
it; `--check` reports whether the committed files are up to date (for CI).
"""

import json
from pathlib import Path

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify
from django_countries import countries

# fmt: off
# The 27 member states of the European Union.
EU_MEMBER_STATES = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
    "SK",
]

# Other European countries the catalogue covers.
OTHER_EUROPEAN_COUNTRIES = [
    "IS", "LI", "NO", "CH",  # EEA and EFTA
    "GB",  # United Kingdom
    "AL", "BA", "GE", "MD", "ME", "MK", "RS", "TR", "UA",  # candidate countries
    "XK",  # potential candidate; settings.COUNTRIES_OVERRIDE adds it
    "AD", "MC", "SM", "VA",  # microstates
    "BY", "RU",
]

# ISO 639-1 codes: the 24 official languages of the EU, then other languages of
# European countries and regions.
EU_OFFICIAL_LANGUAGES = [
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu",
    "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
]
OTHER_EUROPEAN_LANGUAGES = [
    "be", "bs", "ca", "cy", "eu", "fy", "gd", "gl", "is", "ka", "lb", "mk", "no",
    "rm", "ru", "sq", "sr", "tr", "uk",
]
# fmt: on

# Django's LANG_INFO has no entry for these two; their English names are the
# ISO 639 reference names.
LANGUAGE_NAMES_MISSING_FROM_DJANGO = {"mt": "Maltese", "rm": "Romansh"}


def country_records():
    records = []
    for code in sorted(EU_MEMBER_STATES + OTHER_EUROPEAN_COUNTRIES):
        name = countries.name(code)
        if not name:
            raise CommandError(f"django-countries has no name for {code}.")
        records.append(
            {
                "model": "initiatives.country",
                "fields": {
                    "code": code,
                    "name": str(name),
                    "slug": slugify(name),
                    "is_eu_member": code in EU_MEMBER_STATES,
                },
            }
        )
    return records


def language_name(code):
    if code in LANG_INFO:
        return LANG_INFO[code]["name"]
    return LANGUAGE_NAMES_MISSING_FROM_DJANGO[code]


def language_records():
    return [
        {
            "model": "initiatives.language",
            "fields": {"code": code, "name": language_name(code)},
        }
        for code in sorted(EU_OFFICIAL_LANGUAGES + OTHER_EUROPEAN_LANGUAGES)
    ]


def dump(records):
    return json.dumps(records, indent=2, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = (
        "Regenerate fixtures/countries.json (names from django-countries) and "
        "fixtures/languages.json (names from Django's LANG_INFO)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output-dir",
            type=Path,
            default=Path(settings.FIXTURE_DIRS[0]),
            help="Folder to write to (default: the first of FIXTURE_DIRS).",
        )
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if the files differ from what would be written.",
        )

    def handle(self, *args, output_dir, check, verbosity, **options):
        files = {
            "countries.json": dump(country_records()),
            "languages.json": dump(language_records()),
        }
        stale = []
        for filename, content in files.items():
            path = output_dir / filename
            if check:
                current = path.read_text(encoding="utf-8") if path.exists() else None
                if current != content:
                    stale.append(filename)
                continue
            path.write_text(content, encoding="utf-8")
            if verbosity:
                self.stdout.write(f"Wrote {path}")
        if stale:
            raise CommandError(
                f"{', '.join(stale)} out of date: run "
                "`python manage.py export_reference_data` and commit the result."
            )
