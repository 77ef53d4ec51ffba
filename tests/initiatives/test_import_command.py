"""The import_source management command."""

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, ManagementUtility, call_command

from initiatives.models import Initiative, Organisation

DOCUMENTS = Path(__file__).parent / "documents"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"

pytestmark = pytest.mark.django_db


def run(*args):
    out = StringIO()
    call_command("import_source", *map(str, args), stdout=out)
    return out.getvalue()


def test_command_creates_drafts_and_reports_them(catalogue):
    output = run(
        DOCUMENTS / "stemcoalition_country_page.txt", "--url", "https://x.eu/dk"
    )
    assert "created: Robots in the classroom" in output
    assert "created: Code Camp Nordic" in output
    assert "New organisations created" in output
    drafts = Initiative.objects.filter(source_url="https://x.eu/dk")
    assert drafts.count() == 2
    assert all(not d.is_published for d in drafts)


def test_command_again_updates(catalogue):
    run(DOCUMENTS / "cedefop_full.txt")
    output = run(DOCUMENTS / "cedefop_full.txt")
    assert "updated: Young STEM talent programme" in output
    assert Initiative.objects.filter(source_reference="12345").count() == 1


def test_command_reports_unrecognised_terms(catalogue):
    output = run(DOCUMENTS / "cedefop_full.txt")
    assert "Target group not recognised: “Space tourists”" in output


def test_dry_run_writes_nothing(catalogue):
    before = Initiative.objects.count(), Organisation.objects.count()
    output = run(DOCUMENTS / "cedefop_full.txt", "--dry-run")
    assert "[dry run] would be created: Young STEM talent programme" in output
    assert (Initiative.objects.count(), Organisation.objects.count()) == before


def test_title_and_country_options(catalogue):
    run(
        DOCUMENTS / "cedefop_no_title.txt",
        "--title",
        "School workshop fund",
        "--country",
        "AT",
        "--format",
        "cedefop",
    )
    initiative = Initiative.objects.get(slug="school-workshop-fund")
    assert [c.code for c in initiative.countries.all()] == ["AT"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([DOCUMENTS / "empty.txt"], "empty"),
        ([DOCUMENTS / "binary.png"], "binary"),
        ([DOCUMENTS / "unrelated.txt"], "no recognisable fields"),
        ([DOCUMENTS / "missing.txt"], "file not found"),
        ([DOCUMENTS / "cedefop_no_title.txt", "--country", "ZZ"], "Unknown country"),
    ],
)
def test_bad_input_gives_a_clear_error_and_writes_nothing(catalogue, args, message):
    before = Initiative.objects.count(), Organisation.objects.count()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert (Initiative.objects.count(), Organisation.objects.count()) == before


def test_a_refused_value_rolls_back_the_whole_document(catalogue, tmp_path):
    text = (DOCUMENTS / "stemcoalition_country_page.txt").read_text()
    path = tmp_path / "page.txt"
    path.write_text(
        text.replace("Year start: \n2021", "Year start: \n2099\nYear end: \n2011")
    )
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(path)
    assert not Initiative.objects.filter(slug="robots-in-the-classroom").exists()


def test_with_several_files_the_good_ones_are_imported(catalogue):
    with pytest.raises(CommandError, match="empty"):
        run(DOCUMENTS / "cedefop_full.txt", DOCUMENTS / "empty.txt")
    assert Initiative.objects.filter(source_reference="12345").exists()


def test_nonzero_exit_from_the_command_line(catalogue, capsys):
    utility = ManagementUtility(
        ["manage.py", "import_source", str(DOCUMENTS / "empty.txt")]
    )
    with pytest.raises(SystemExit) as exit_info:
        utility.execute()
    assert exit_info.value.code != 0
    assert "The document is empty" in capsys.readouterr().err
