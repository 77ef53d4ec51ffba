"""Countries and languages: generated from django-countries and Django, not typed."""

from pathlib import Path

import pytest
from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils.text import slugify
from django_countries import countries

from initiatives.models import Country, Language

FIXTURE_DIR = Path(settings.FIXTURE_DIRS[0])

EU_27 = {
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
    "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
    "SK",
}  # fmt: skip
EEA_EFTA = {"IS", "LI", "NO", "CH"}
CANDIDATES = {"AL", "BA", "GE", "MD", "ME", "MK", "RS", "TR", "UA"}
MICROSTATES = {"AD", "MC", "SM", "VA"}
OTHERS = {"GB", "XK", "BY", "RU"}

EU_OFFICIAL_LANGUAGES = {
    "bg", "cs", "da", "de", "el", "en", "es", "et", "fi", "fr", "ga", "hr", "hu",
    "it", "lt", "lv", "mt", "nl", "pl", "pt", "ro", "sk", "sl", "sv",
}  # fmt: skip


@pytest.mark.django_db
def test_catalogue_lists_every_european_country_once(catalogue):
    codes = list(Country.objects.values_list("code", flat=True))

    assert len(codes) == len(set(codes))
    assert set(codes) == EU_27 | EEA_EFTA | CANDIDATES | MICROSTATES | OTHERS


@pytest.mark.django_db
def test_country_names_are_those_of_django_countries(catalogue):
    for country in Country.objects.all():
        assert country.name == countries.name(country.code), country.code


@pytest.mark.django_db
def test_kosovo_is_included_under_the_code_the_eu_uses(catalogue):
    assert Country.objects.get(code="XK").name == "Kosovo"


@pytest.mark.django_db
def test_exactly_the_27_member_states_are_flagged_as_eu(catalogue):
    flagged = set(
        Country.objects.filter(is_eu_member=True).values_list("code", flat=True)
    )

    assert flagged == EU_27


@pytest.mark.django_db
def test_country_slugs_are_slugified_names(catalogue):
    for country in Country.objects.all():
        assert country.slug == slugify(country.name)


@pytest.mark.django_db
def test_all_24_official_eu_languages_are_available(catalogue):
    codes = set(Language.objects.values_list("code", flat=True))

    assert codes >= EU_OFFICIAL_LANGUAGES
    assert codes >= {"no", "is", "sq", "mk", "sr", "bs", "tr", "uk", "ca", "eu", "gl"}
    assert codes >= {"lb", "cy"}


@pytest.mark.django_db
def test_language_names_come_from_django_where_it_knows_them(catalogue):
    for language in Language.objects.all():
        if language.code in LANG_INFO:
            assert language.name == LANG_INFO[language.code]["name"]
    assert Language.objects.get(code="nl").name == "Dutch"
    assert Language.objects.get(code="mt").name == "Maltese"


def test_committed_reference_fixtures_are_up_to_date():
    call_command("export_reference_data", check=True, verbosity=0)


def test_export_writes_the_committed_files(tmp_path):
    call_command("export_reference_data", output_dir=tmp_path, verbosity=0)

    for name in ["countries.json", "languages.json"]:
        written = (tmp_path / name).read_text(encoding="utf-8")
        assert written == (FIXTURE_DIR / name).read_text(encoding="utf-8")


def test_check_reports_a_stale_file(tmp_path):
    call_command("export_reference_data", output_dir=tmp_path, verbosity=0)
    (tmp_path / "countries.json").write_text("[]\n", encoding="utf-8")

    with pytest.raises(CommandError, match="countries.json"):
        call_command("export_reference_data", output_dir=tmp_path, check=True)
