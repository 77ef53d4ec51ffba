"""The source-document parsers: pure functions from text to records."""

from decimal import Decimal
from pathlib import Path

import pytest

from initiatives.importers import cedefop, stemcoalition
from initiatives.importers.common import (
    SourceError,
    dedupe_lines,
    normalise,
    parse_quantity,
    prepare,
    split_language,
    tidy_title,
)
from initiatives.importers.detect import detect, parse_document

DOCUMENTS = Path(__file__).parent / "documents"
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
needs_seeds = pytest.mark.skipif(not SEEDS.exists(), reason="../shared/seeds absent")


def parse(name, **kwargs):
    return parse_document((DOCUMENTS / name).read_bytes(), **kwargs)


# --- Text helpers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "qualifier"),
    [
        ("of about 400 participants worldwide", Decimal(400), "about"),
        ("statistics between 2020 and 2023 approximately 2.2K a year", 2200, "about"),
        ("from at least 15 teachers", Decimal(15), "at-least"),
        ("around 100 teachers", Decimal(100), "about"),
        ("more than 1,500 pupils", Decimal(1500), "at-least"),
        ("up to 3 million users", Decimal(3000000), "at-most"),
        ("Organisation of 2 educational activities, at least 2-3 schools", 2, ""),
        ("in 2023 only", None, ""),
        ("no figure here", None, ""),
    ],
)
def test_parse_quantity_reads_figures_with_their_qualifier(text, value, qualifier):
    parsed, parsed_qualifier, _unit = parse_quantity(text)
    assert parsed == (Decimal(value) if value is not None else None)
    assert parsed_qualifier == qualifier


def test_normalise_ignores_case_accents_dashes_and_ampersands():
    assert normalise("Girls & Women") == normalise("girls and women")
    assert normalise("Osnabrück – Declaration") == normalise("osnabruck declaration")
    assert normalise("labour-market") == "labour market"


def test_language_note_in_a_title_becomes_a_language():
    assert split_language("Kiezen voor STEM (Dutch only)") == ("Kiezen voor STEM", "nl")
    assert split_language("STEM (in brief)") == ("STEM (in brief)", "")


def test_titles_in_capitals_are_lowered_keeping_acronyms():
    assert tidy_title("STEM SKILLS FOR THE FUTURE OF EUROPE") == (
        "STEM skills for the future of Europe",
        True,
    )
    assert tidy_title("Together for STEM") == ("Together for STEM", False)


def test_html_is_stripped_to_lines():
    text = prepare("<p>Country:</p><ul><li>Belgium</li></ul><script>x()</script>")
    assert [line for line in text.split("\n") if line] == ["Country:", "- Belgium"]


def test_a_block_cut_with_an_ellipsis_and_repeated_in_full_is_kept_once():
    lines = ["Intro", "Part one", "Cut here...", "Intro", "Part one", "Cut here, full."]
    assert dedupe_lines(lines) == ["Intro", "Part one", "Cut here, full."]


# --- Detection and bad input ----------------------------------------------------


def test_formats_are_detected():
    assert parse("stemcoalition_country_page.txt")[0] == "stemcoalition"
    assert parse("stemcoalition_publication.html")[0] == "stemcoalition"
    assert parse("cedefop_full.txt")[0] == "cedefop"
    assert parse("cedefop_no_title.txt")[0] == "cedefop"
    assert detect("Dear colleague,\nsee you soon.") is None


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.txt", "empty"),
        ("binary.png", "binary"),
        ("unrelated.txt", "no recognisable fields"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(name, message):
    with pytest.raises(SourceError, match=message):
        parse(name)


def test_text_that_is_not_utf8_is_refused():
    with pytest.raises(SourceError, match="UTF-8"):
        parse_document("Country: Belgi\u00eb".encode("latin-1"))


def test_a_forced_format_that_does_not_fit_is_refused():
    with pytest.raises(SourceError):
        parse("stemcoalition_country_page.txt", fmt="cedefop")


# --- EU STEM Coalition -----------------------------------------------------------


def test_country_page_gives_one_record_per_entry():
    _fmt, records = parse("stemcoalition_country_page.txt", known_countries=["Denmark"])
    assert [r.title for r in records] == ["Robots in the classroom", "Code Camp Nordic"]


def test_publication_entry_fields():
    _fmt, (publication, _programme) = parse("stemcoalition_country_page.txt")
    assert publication.kind == "publication"
    assert publication.countries == ["Denmark"]
    assert [(o.name, o.acronym, o.role) for o in publication.organisations] == [
        ("Danish Science Factory", "DSF", "author")
    ]
    # The repeated abstract paragraph is kept once.
    assert publication.summary == (
        "A short report on robotics lessons in Danish lower secondary schools."
    )
    assert any("capitals" in w for w in publication.warnings)


def test_programme_entry_fields():
    _fmt, (_publication, programme) = parse("stemcoalition_country_page.txt")
    assert programme.kind == "programme"
    assert programme.countries == ["Denmark"]  # from the page: the field is missing
    assert programme.year_start == 2021
    assert programme.status == "ongoing"
    assert programme.education_levels == ["Secondary Education", "Higher education"]
    assert [(o.name, o.role) for o in programme.organisations] == [
        ("Astra", "lead"),
        ("Nordic Code Foundation", "funder"),
    ]
    # Bullets of every style: "1.", "2)", "*", "o".
    assert [text for _group, text in programme.objectives] == [
        "Let pupils try programming",
        "Reach girls who have not coded before",
        "Train volunteer teachers",
        "Publish open lesson plans",
    ]
    kpis = [(k.kind, k.value, k.qualifier, k.value_type, k.year_start, k.year_end)
            for k in programme.kpis]  # fmt: skip
    assert kpis == [
        ("impact", None, "", "", None, None),
        ("impact", Decimal(50), "at-least", "target", 2024, 2024),
        ("reach", Decimal(1500), "about", "achieved", 2021, 2023),
        ("reach", Decimal(30), "at-least", "achieved", None, None),
    ]
    assert programme.funding_text == "Funded by the Nordic Code Foundation."


def test_html_publication_with_inline_labels_and_language():
    _fmt, (record,) = parse("stemcoalition_publication.html")
    assert record.title == "Mathe für alle"
    assert record.languages == ["de"]
    assert record.kind == "publication"
    assert record.publication_type == "report-study"
    assert record.countries == ["Germany"]
    assert record.year_start == 2019
    assert record.summary == (
        "A study on mathematics teaching & learning in German primary schools."
    )


def test_fields_in_another_order_and_repeated_with_the_same_values():
    text = (
        "Towards better STEM\n\nPublication type: News\nOrganisation: EU STEM "
        "Coalition\nCountry: Netherlands\n\nSome text.\n\nOrganisation: EU STEM "
        "Coalition\nPublication type: News\n"
    )
    records = stemcoalition.parse(text)
    assert len(records) == 1
    assert records[0].publication_type == "news"
    assert [o.name for o in records[0].organisations] == ["EU STEM Coalition"]


def test_eu_project_pages_become_projects_with_eu_funding():
    text = (
        "Towards a European STE(A)M Platform\n\neu_project_summary: \nThe project "
        "aims high.\neu_project_objectives: \n\nGrow the network.\n\n"
        "eu_project_start_end_date: \nWednesday, 1 January 2020 to Saturday, 31 "
        "December 2022\neu_project_programme: \nErasmus+\neu_project_reference: \n"
        "612861-EPP\n"
    )
    (record,) = stemcoalition.parse(text)
    assert record.kind == "project"
    assert (record.year_start, record.year_end) == (2020, 2022)
    assert record.funding_programme == "Erasmus+"
    assert record.funding_model == "eu-programme"
    assert record.funding_reference == "612861-EPP"
    assert record.objectives == [("", "Grow the network.")]


# --- Cedefop ---------------------------------------------------------------------


def test_cedefop_entry_with_every_section():
    _fmt, (record,) = parse("cedefop_full.txt")
    assert record.title == "Young STEM talent programme"
    assert not record.title_proposed
    assert record.source_reference == "12345"
    assert record.kind == "measure"
    assert record.countries == ["Estonia"]
    assert record.milestones == [
        (2019, "design"),
        (2020, "legislative"),
        (2021, "implementation"),
    ]
    assert (record.year_start, record.status) == (2019, "ongoing")
    assert (
        record.background == "Too few young people choose STEM vocational programmes."
    )
    # The site's explanation lines under the headings are dropped.
    assert "A brief overview" not in record.background
    assert "What/How/Who" not in record.description
    # The cut copy of the description is dropped, the complete one kept.
    assert record.description == (
        "The programme funds school projects with companies. In the first year "
        "about 40 schools took part."
    )
    assert [text for _g, text in record.objectives] == [
        "Raise the share of VET learners in STEM programmes",
        "Support teachers with new materials",
        "Connect schools and employers",
    ]
    assert [(o.name, o.acronym, o.role) for o in record.organisations] == [
        ("Ministry of Education and Research", "HTM", "responsible"),
        ("Estonian Research Council", "", "responsible"),
    ]
    assert record.target_groups == [
        "Learners in upper secondary including apprentices",
        "girls & women",
        "Space tourists",
        "VET teachers and trainers",
    ]
    assert [t.label for t in record.themes] == [
        "Modernising VET offer and delivery",
        "Teachers, trainers and school leaders’ competences",
        "Underwater basket weaving",
    ]
    # Generic text about a category is not the initiative's.
    assert all(not t.sub_texts for t in record.themes)
    assert record.priorities == [
        ("VET Recommendation", "VET agile in adapting to labour-market challenges"),
        ("Osnabruck Declaration", "Sustainability - a green link in VET"),
        ("Osnabruck Declaration", "A priority nobody has heard of"),
    ]


def test_cedefop_entry_without_title_gets_a_proposed_title_flagged():
    _fmt, (record,) = parse("cedefop_no_title.txt")
    assert record.title == "Workshop renewal fund"
    assert record.title_proposed
    assert any("proposed" in w for w in record.warnings)
    assert record.status == "completed"


def test_a_given_title_wins_over_a_proposed_one():
    _fmt, (record,) = parse("cedefop_no_title.txt", title="School workshops fund")
    assert record.title == "School workshops fund"
    assert not record.title_proposed


def test_cedefop_timeline_as_year_and_stage_lines():
    text = "Timeline\n2017\nApproved/Agreed\n2018\nImplementation\nBackground\nText."
    (record,) = cedefop.parse(text, title="National Skills Council")
    assert record.milestones == [(2017, "approved"), (2018, "implementation")]


# --- The seeds --------------------------------------------------------------------


@needs_seeds
def test_seed_country_page_parses_into_its_three_entries():
    fmt, records = parse_document((SEEDS / "000_f5831970d0884f4e.txt").read_bytes())
    assert fmt == "stemcoalition"
    publication, programme, study = records
    assert publication.title == "STEM skills for the future of Europe"
    assert programme.title == "Together for STEM"
    assert study.title == "Kiezen voor STEM"
    assert study.languages == ["nl"]
    assert study.original_title.startswith("Kiezen voor STEM. De Keuze van Jongeren")
    assert [(o.name, o.role) for o in programme.organisations] == [
        ("CSR Europe", "lead"),
        ("Huawei", "funder"),
        ("Toyota", "funder"),
        ("Unipol Group", "funder"),
    ]
    assert programme.year_start == 2019
    assert [group for group, _text in programme.objectives[2:]] == [
        "Learn, Share & Co-create",
        "Learn, Share & Co-create",
        "Pool Companies learning content for stronger impact",
        "Pool Companies learning content for stronger impact",
        "Local Collaboration",
        "Local Collaboration",
    ]
    assert programme.related == [
        "Pact for Youth",
        "European Year of Youth 2022",
        "European Year of Skills 2023",
    ]
    reach = [(k.value, k.qualifier, k.value_type) for k in programme.kpis
             if k.kind == "reach"]  # fmt: skip
    assert reach[:3] == [
        (Decimal(400), "about", "achieved"),
        (Decimal(2200), "about", "achieved"),
        (Decimal(500), "about", "achieved"),
    ]


@needs_seeds
def test_seed_cedefop_entry_parses_stages_sections_and_deduplicates():
    fmt, (record,) = parse_document((SEEDS / "001_163959a8b2ba5023.txt").read_bytes())
    assert fmt == "cedefop"
    assert record.title == "STEM agenda 2030" and record.title_proposed
    assert record.milestones == [
        (2020, "design"),
        (2021, "approved"),
        (2022, "implementation"),
    ]
    assert record.description.count("The STEM agenda 2030 focuses on") == 1
    assert "This does not focus on..." not in record.description
    assert "thematic category" not in record.description
    assert record.region == "Flanders"
    assert [len(t.sub_texts) for t in record.themes] == [1, 2]


def test_event_page_title_skips_the_date_line_and_keeps_its_colon():
    _fmt, (record,) = parse("stemcoalition_event.txt")
    assert record.title == "STEM Coalition - Spring Meeting: Estonia"
    assert record.kind == "event"
    assert [(o.name, o.role) for o in record.organisations] == [
        ("Estonian Research Council", "host")
    ]
    assert record.summary == "Platforms met in Tallinn to compare teacher shortages."


def test_text_after_a_short_inline_field_is_the_body_not_the_value():
    _fmt, (record,) = parse("stemcoalition_event.txt")
    assert "Second paragraph of the body." in record.description
    assert record.status == "completed"


def test_cedefop_copy_without_any_title_gets_a_flagged_placeholder():
    text = "Timeline\n  • 2022Design\nID number\n44313\n\nBackground\n\nSkills lack.\n"
    (record,) = cedefop.parse(text)
    assert record.title == "Cedefop timeline entry 44313"
    assert record.title_proposed
    assert any("placeholder" in w for w in record.warnings)


# --- Rules added for the source pages of issue 6 ---------------------------------


def test_an_events_date_line_gives_its_years():
    _fmt, [record] = parse("stemcoalition_event.txt")
    assert (record.kind, record.year_start, record.year_end) == ("event", 2023, 2023)
    text = (
        "Autumn Assembly: Latvia\n\n30 September 2021\nHost organisation: \n"
        "Riga Science Centre\nShort summary: \n\nPlatforms met in Riga.\n"
    )
    _fmt, [one_day] = parse_document(text)
    assert (one_day.year_start, one_day.year_end) == (2021, 2021)


def test_a_taskforce_dossier_is_a_project_led_by_the_requesting_organisation():
    _fmt, [record] = parse("stemcoalition_taskforce_dossier.txt")
    assert record.title == "Towards a Maltese STEM Network"
    assert record.kind == "project"
    assert record.year_start == 2022
    assert [(o.name, o.acronym, o.role) for o in record.organisations] == [
        ("Malta Science Forum", "MSF", "lead")
    ]


def test_a_publications_organisation_is_its_author():
    text = (
        "Teachers and tinkering\n\nOrganisation: Nordic Maker Network\n"
        "Publication date: May 2020\nPublication type: Reports and studies\n\n"
        "A report on maker spaces in schools.\n"
    )
    _fmt, [record] = parse_document(text)
    assert record.kind == "publication"
    assert [(o.name, o.role) for o in record.organisations] == [
        ("Nordic Maker Network", "author")
    ]


def test_a_country_in_the_source_author_field_is_the_country_not_an_author():
    # One "Source / author:" label is enough to recognise the site's page.
    assert detect(prepare((DOCUMENTS / "stemcoalition_author_country.txt").read_text()))
    _fmt, [record] = parse(
        "stemcoalition_author_country.txt", known_countries=["Portugal", "Spain"]
    )
    assert record.title == "Rural schools and robotics clubs"
    assert record.countries == ["Portugal"]
    assert record.organisations == []
    assert record.kind == "publication"


def test_overview_rows_become_one_record_each_with_a_flagged_title():
    _fmt, records = parse("stemcoalition_overview.txt")
    assert [(r.title, r.status, r.year_start, r.countries) for r in records] == [
        ("Roundtable: Portugal (2023)", "ongoing", 2023, ["Portugal"]),
        ("Roundtable: Croatia (2021)", "ongoing", 2021, ["Croatia"]),
        ("Roundtable: France (2019)", "completed", 2019, ["France"]),
    ]
    portugal, croatia, france = records
    assert [(o.name, o.role) for o in portugal.organisations] == [
        ("Ciência Viva", "lead"),
        ("Escola Digital", "lead"),
    ]
    # "Croatia | Croatia": the country is no organisation.
    assert croatia.organisations == []
    assert [(o.name, o.acronym) for o in france.organisations] == [
        ("Science Foundation of the West", "SFW")
    ]
    assert (france.region, france.region_inferred) == ("Brittany", True)
    assert portugal.summary.startswith("Schools in the Algarve region")
    assert all(r.kind == "project" and r.title_proposed for r in records)
    assert "is proposed" in " ".join(portugal.warnings)


def test_pages_about_organisations_are_refused_with_what_to_do():
    profile = (
        "National (lead) partner\n\nThe Ministry of Education\n\nThe ministry "
        "runs the schools of the region and is developing a STEM strategy.\n"
    )
    with pytest.raises(SourceError, match="add the organisation by hand"):
        parse_document(profile)


def test_cedefop_legislative_process_completed_stage_and_grouped_objectives():
    _fmt, [record] = parse("cedefop_legislation.txt")
    # Only a law goes through a legislative process.
    assert record.kind == "legislation"
    assert "legislative process" in " ".join(record.warnings)
    # The last stage, Completed, ends the policy.
    assert (record.year_start, record.year_end, record.status) == (
        2018,
        2021,
        "completed",
    )
    assert record.objectives == [
        (
            "Making apprenticeships more attractive, through",
            "shorter training days for learners with care duties;",
        ),
        (
            "Making apprenticeships more attractive, through",
            "a bonus for companies that train for the first time.",
        ),
    ]
    assert record.title == "Apprentices for Tomorrow (AFT)"
    assert record.title_proposed
    # The per-year progress under a year and its stage is that milestone's note.
    assert record.milestone_notes == {
        (2019, "approved"): "The amendment was passed by parliament.",
        (2020, "implementation"): "The first call of the programme was held.",
    }
    assert "first call of the programme" not in record.description
    assert record.description.startswith("In March 2019, parliament passed")


@pytest.mark.parametrize(
    ("text", "title"),
    [
        (
            "In 2023 the government introduced the 'National Plan for Green Schools"
            " 2023-2030'. It aims high.",
            "National Plan for Green Schools 2023-2030",
        ),
        (
            "The ministry launched the project Skills for the future - better"
            " training (SkiFu) and ran a call.",
            "Skills for the future - better training (SkiFu)",
        ),
        (
            "As the strategy says, a National Apprenticeship Board (NAB) was"
            " launched in 2017.",
            "National Apprenticeship Board",
        ),
        ("The ministry publishes figures every year.", ""),
    ],
)
def test_cedefop_titles_proposed_from_names_the_text_introduces(text, title):
    assert cedefop.propose_title(text) == title


def test_a_bulleted_list_in_a_pages_body_gives_the_objectives():
    text = (
        "Towards STEM teachers for all\n\nSource / author: \nNordic Maker Network\n"
        "Publication date: \n3 March 2016\n\nMinistries agree to act together by:\n\n"
        "  • Sharing teacher training material;\n"
        "  • Meeting once a year.\n"
    )
    _fmt, [record] = parse_document(text)
    assert record.objectives == [
        ("Ministries agree to act together by", "Sharing teacher training material;"),
        ("Ministries agree to act together by", "Meeting once a year."),
    ]
