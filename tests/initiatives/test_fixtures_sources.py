"""The initiatives curated from the 25 source pages of issue 6, through the ORM.

Twelve EU STEM Coalition pages and thirteen Cedefop timeline entries, listed
with their URLs in ../shared/sources/README.md (not needed here: the facts are
pinned). At least one fact of every imported initiative is checked, and the
pages that are about organisations are checked as organisations.
"""

from decimal import Decimal

import pytest
from django.urls import reverse

from initiatives.models import Initiative, Organisation

pytestmark = pytest.mark.django_db

SOURCE_URLS = {
    "01": "https://stemcoalition.eu/publications/eu-stem-coalition-general-assembly-germany",
    "02": "http://www.stemcoalition.eu/publications/towards-future-proof-europe",
    "03": "http://www.stemcoalition.eu/towards-european-steam-platform",
    "04": "http://www.stemcoalition.eu/action-plan-eu-stem-coalition",
    "05": "http://www.stemcoalition.eu/organisation-role/national-lead-partner",
    "06": "https://www.stemcoalition.eu/taskforces",
    "07": "http://www.stemcoalition.eu/members/national-platform-partners",
    "08": "https://www.stemcoalition.eu/publications/girls-women-in-stem-what-to-know-and-what-to-do-next",  # noqa: E501
    "09": "http://www.stemcoalition.eu/node/",
    "10": "http://www.stemcoalition.eu/node?page=15",
    "11": "https://www.stemcoalition.eu/dossiers/towards-new-norwegian-stem-strategy",
    "12": "http://stemcoalition.eu/publications/eu-stem-coalition-taskforce-meeting-towards-new-norwegian-stem-strategy-meeting-2",  # noqa: E501
    "13": "https://cedefop.europa.eu/tools/timeline-vet-policies-europe/search/44313",
    "14": "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/41462",
    "15": "https://www.cedefop.europa.eu/tools/timeline-vet-policies-europe/search/28316",
    "16": "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/41922",
    "17": "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/28127",
    "18": "https://www.cedefop.europa.eu/tools/timeline-vet-policies-europe/search/48925",
    "19": "https://cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/28836",
    "20": "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/28182",
    "21": "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/47378",
    "22": "https://www.cedefop.europa.eu/fr/tools/timeline-vet-policies-europe/search/28141",
    "23": "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/29622",
    "24": "https://www.cedefop.europa.eu/tools/timeline-vet-policies-europe/search/28957",
    "25": "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/28300",
}  # fmt: skip

# slug: (source page, kind, country codes, year start, year end, status)
IMPORTED = {
    "eu-stem-coalition-general-assembly-germany-2021": (
        "01",
        "event",
        ["DE"],
        2021,
        2021,
        "completed",
    ),
    "towards-a-future-proof-europe": (
        "02",
        "publication",
        ["DK", "EE", "NL"],
        2015,
        None,
        "",
    ),
    "towards-a-european-steam-platform": ("03", "project", [], 2020, 2022, ""),
    "action-plan-eu-stem-coalition": ("04", "project", [], 2016, 2019, ""),
    "steam-euskadi-strategy": ("05", "policy", ["ES"], None, None, ""),
    "eu-stem-coalition-taskforce-estonia-2021": (
        "06",
        "project",
        ["EE"],
        2021,
        None,
        "ongoing",
    ),
    "eu-stem-coalition-taskforce-brittany-2020": (
        "06",
        "project",
        ["FR"],
        2020,
        None,
        "ongoing",
    ),
    "eu-stem-coalition-taskforce-basque-country-2018": (
        "06",
        "project",
        ["ES"],
        2018,
        None,
        "ongoing",
    ),
    "eu-stem-coalition-taskforce-denmark-2016": (
        "06",
        "project",
        ["DK"],
        2016,
        None,
        "completed",
    ),
    "eu-stem-coalition-taskforce-norway-2018": (
        "06",
        "project",
        ["NO"],
        2018,
        None,
        "completed",
    ),
    "eu-stem-coalition-taskforce-hungary-2017": (
        "06",
        "project",
        ["HU"],
        2017,
        None,
        "completed",
    ),
    "estonian-research-and-technology-pact": ("07", "network", ["EE"], None, None, ""),
    "girls-and-women-in-stem-what-to-know-and-what-to-do-next": (
        "08",
        "publication",
        [],
        2024,
        None,
        "",
    ),
    "gender-disparity-in-engineering": ("09", "publication", ["GB"], None, None, ""),
    "european-science-on-stage-festivals": ("09", "event", [], None, None, ""),
    "towards-a-new-norwegian-stem-strategy": (
        "11",
        "project",
        ["NO"],
        2021,
        None,
        "ongoing",
    ),
    "norwegian-stem-strategy-taskforce-meeting-2-2022": (
        "12",
        "event",
        ["NO"],
        2022,
        2022,
        "completed",
    ),
    "estonia-skills-forecasting-and-professional-qualifications-reform": (
        "13",
        "policy",
        ["EE"],
        2022,
        None,
        "planned",
    ),
    "portugal-tripartite-vet-agreement": (
        "14",
        "policy",
        ["PT"],
        2021,
        None,
        "ongoing",
    ),
    "italy-siu-formazione": ("15", "measure", ["IT"], 2015, None, "ongoing"),
    "austria-international-mobility-of-apprentices": (
        "16",
        "measure",
        ["AT"],
        2020,
        None,
        "ongoing",
    ),
    "innovet": ("17", "programme", ["DE"], 2019, None, "ongoing"),
    "ireland-oecd-skills-strategy-review": (
        "18",
        "policy",
        ["IE"],
        2023,
        None,
        "ongoing",
    ),
    "denmark-vet-knowledge-centres": ("19", "measure", ["DK"], 2017, None, "ongoing"),
    "spain-dual-vet": ("20", "measure", ["ES"], 2015, 2024, "completed"),
    "netherlands-circular-economy-programme-green-and-ict-skills": (
        "21",
        "policy",
        ["NL"],
        2023,
        None,
        "ongoing",
    ),
    "germany-adapting-training-occupations-to-digitalisation": (
        "22",
        "measure",
        ["DE"],
        2019,
        None,
        "ongoing",
    ),
    "austria-vocational-training-act-amendment-2020": (
        "23",
        "legislation",
        ["AT"],
        2019,
        None,
        "ongoing",
    ),
    "white-paper-on-nordic-cooperation": ("24", "policy", [], 2019, 2021, "completed"),
    "ireland-national-skills-council": (
        "25",
        "measure",
        ["IE"],
        2017,
        2022,
        "completed",
    ),
}


def get(slug):
    return Initiative.objects.get(slug=slug)


def roles(slug):
    return sorted(
        get(slug).organisation_roles.values_list("organisation__slug", "role")
    )


def stages(slug):
    return [(m.year, m.stage) for m in get(slug).milestones.all()]


@pytest.mark.parametrize("slug", IMPORTED)
def test_every_imported_initiative_keeps_its_source_facts(catalogue, slug):
    page, kind, countries, year_start, year_end, status = IMPORTED[slug]
    initiative = get(slug)
    assert initiative.is_published
    assert initiative.source_url == SOURCE_URLS[page]
    assert initiative.source == ("cedefop" if int(page) >= 13 else "stemcoalition")
    assert initiative.kind == kind
    assert sorted(c.code for c in initiative.countries.all()) == countries
    assert (initiative.year_start, initiative.year_end) == (year_start, year_end)
    assert initiative.status == status
    assert initiative.summary and initiative.source_note


def test_every_source_page_is_in_the_catalogue_except_the_organisation_profile():
    pages = {page for page, *_ in IMPORTED.values()}
    # 10 is FORTH's member profile: an organisation, no initiative.
    assert set(SOURCE_URLS) - pages == {"10"}
    assert Initiative.objects.filter(source_url__contains="node?page=15").count() == 0


def test_pages_about_organisations_become_organisations(catalogue):
    basque = Organisation.objects.get(slug="basque-government")
    assert (basque.kind, basque.country.code, basque.region.slug) == (
        "government",
        "ES",
        "basque-country",
    )
    assert basque.network_role == "national-partner"
    forth = Organisation.objects.get(acronym="FORTH")
    assert forth.country.code == "GR"
    assert "1983" in forth.description
    partners = Organisation.objects.filter(network_role="national-platform")
    assert {o.country.code for o in partners} >= {"BE", "DK", "EE", "FI"}
    assert Organisation.objects.get(slug="flanders-stem-platform").region.slug == (
        "flanders"
    )
    assert Organisation.objects.get(slug="luma-centre-finland").acronym == "LUMA"


def test_stem_coalition_events_have_their_hosts(catalogue):
    assert roles("eu-stem-coalition-general-assembly-germany-2021") == [
        ("eu-stem-coalition", "lead"),
        ("rhine-waal-university-of-applied-sciences", "partner"),
        ("zdi", "host"),
    ]
    assert roles("norwegian-stem-strategy-taskforce-meeting-2-2022") == [
        ("norwegian-national-centre-for-science-recruitment", "host")
    ]


def test_future_proof_europe_lists_the_declarations_five_ways(catalogue):
    initiative = get("towards-a-future-proof-europe")
    assert initiative.scope == "international"
    assert initiative.objectives.count() == 5
    assert roles("towards-a-future-proof-europe") == [("eu-stem-coalition", "author")]


def test_erasmus_projects_are_eu_wide_with_their_grant_references(catalogue):
    for slug, reference in [
        (
            "towards-a-european-steam-platform",
            "612861-EPP-1-2019-1-NL-EPPKA3-PI-FORWARD",
        ),
        ("action-plan-eu-stem-coalition", "2016-1-NL01-KA201-022970"),
    ]:
        initiative = get(slug)
        assert initiative.scope == "european"
        [funding] = initiative.fundings.all()
        assert (funding.model, funding.programme, funding.reference) == (
            "eu-programme",
            "Erasmus+",
            reference,
        )
    assert get("towards-a-european-steam-platform").objectives.count() == 2
    # "Thousands of monthly visitors": reach without an invented number.
    [reach] = get("action-plan-eu-stem-coalition").kpis.all()
    assert (reach.kind, reach.value) == ("reach", None)


def test_steam_euskadi_is_a_basque_strategy_of_the_basque_government(catalogue):
    initiative = get("steam-euskadi-strategy")
    assert [r.slug for r in initiative.regions.all()] == ["basque-country"]
    assert initiative.scope == "regional"
    assert roles("steam-euskadi-strategy") == [("basque-government", "lead")]
    # The copy cuts the second goal off: only the first is listed.
    assert initiative.objectives.count() == 1


def test_taskforces_from_the_overview_keep_their_requesting_organisations(catalogue):
    assert roles("eu-stem-coalition-taskforce-brittany-2020") == [
        ("alerteducation", "lead"),
        ("eu-stem-coalition", "partner"),
        ("institut-de-locarn", "lead"),
    ]
    assert [
        r.slug for r in get("eu-stem-coalition-taskforce-brittany-2020").regions.all()
    ] == ["brittany"]
    assert ("obuda-university", "lead") in roles(
        "eu-stem-coalition-taskforce-hungary-2017"
    )
    # The overview names no organisation for Denmark, only the country.
    assert roles("eu-stem-coalition-taskforce-denmark-2016") == [
        ("eu-stem-coalition", "partner")
    ]
    assert ("innobasque", "lead") in roles(
        "eu-stem-coalition-taskforce-basque-country-2018"
    )
    assert ("estonian-research-council", "lead") in roles(
        "eu-stem-coalition-taskforce-estonia-2021"
    )
    assert (
        "norwegian-national-centre-for-science-recruitment",
        "lead",
    ) in roles("eu-stem-coalition-taskforce-norway-2018")


def test_research_and_technology_pact_is_coordinated_by_etag(catalogue):
    assert roles("estonian-research-and-technology-pact") == [
        ("estonian-research-council", "lead")
    ]


def test_girls_and_women_report_is_a_2024_study_for_girls_and_women(catalogue):
    initiative = get("girls-and-women-in-stem-what-to-know-and-what-to-do-next")
    assert initiative.publication_type == "report-study"
    assert [t.slug for t in initiative.target_groups.all()] == ["girls-and-women"]
    assert initiative.scope == "european"


def test_the_page_with_two_entries_gives_two_initiatives(catalogue):
    briefing = get("gender-disparity-in-engineering")
    assert roles("gender-disparity-in-engineering") == [("engineeringuk", "author")]
    [share] = briefing.kpis.all()
    assert (share.value, share.unit) == (Decimal("12"), "percent")
    festival = get("european-science-on-stage-festivals")
    assert festival.scope == "european"
    [teachers] = festival.kpis.all()
    assert (teachers.qualifier, teachers.value) == ("at-most", Decimal("450"))
    assert sorted(level.slug for level in festival.education_levels.all()) == [
        "primary",
        "secondary",
    ]


def test_norwegian_taskforce_and_its_second_meeting(catalogue):
    assert get("towards-a-new-norwegian-stem-strategy").objectives.count() == 4
    meeting = get("norwegian-stem-strategy-taskforce-meeting-2-2022")
    assert [(r.kind, r.to_initiative.slug) for r in meeting.relations_from.all()] == [
        ("part-of", "towards-a-new-norwegian-stem-strategy")
    ]


def test_cedefop_entries_keep_their_timelines_and_ids(catalogue):
    assert stages(
        "estonia-skills-forecasting-and-professional-qualifications-reform"
    ) == [(2022, "design")]
    assert stages("portugal-tripartite-vet-agreement") == [
        (2021, "approved"),
        (2022, "implementation"),
    ]
    assert len(stages("italy-siu-formazione")) == 10
    assert stages("spain-dual-vet")[-3:] == [
        (2022, "approved"),
        (2023, "implementation"),
        (2024, "completed"),
    ]
    assert stages("austria-vocational-training-act-amendment-2020")[:2] == [
        (2019, "legislative"),
        (2020, "approved"),
    ]
    assert get("denmark-vet-knowledge-centres").source_reference == "28836"
    # 17, 22 and 23 are copies without the ID number.
    assert get("innovet").source_reference == ""


def test_cedefop_figures_are_kpis_and_funding_as_the_entries_give_them(catalogue):
    [target] = get(
        "netherlands-circular-economy-programme-green-and-ict-skills"
    ).kpis.all()
    assert (target.value, target.value_type, target.year_end) == (
        Decimal("1000000"),
        "target",
        2030,
    )
    [abroad] = get("austria-international-mobility-of-apprentices").kpis.all()
    assert (abroad.value, abroad.value_type) == (Decimal("2000"), "target")
    [lll] = get("portugal-tripartite-vet-agreement").kpis.all()
    assert (lll.qualifier, lll.value, lll.year_end) == ("at-least", Decimal("60"), 2030)
    [share] = get(
        "estonia-skills-forecasting-and-professional-qualifications-reform"
    ).kpis.all()
    assert (share.value, share.year_start) == (Decimal("74.8"), 2022)
    fundings = get("denmark-vet-knowledge-centres").fundings.order_by("-amount")
    assert [(f.amount, f.currency, f.year_start, f.year_end) for f in fundings] == [
        (Decimal("17800000"), "EUR", 2017, 2020),
        (Decimal("10700000"), "EUR", None, None),
    ]


def test_cedefop_organisations_are_the_ones_the_text_names(catalogue):
    assert roles("austria-international-mobility-of-apprentices") == [
        ("bmbwf", "partner"),
        ("bmdw", "partner"),
        ("oead", "partner"),
        ("wko", "partner"),
    ]
    assert roles("innovet") == [("bmbf", "lead")]
    assert roles("germany-adapting-training-occupations-to-digitalisation") == [
        ("bibb", "lead")
    ]
    assert roles("austria-vocational-training-act-amendment-2020") == [("bmdw", "lead")]
    assert roles("ireland-oecd-skills-strategy-review") == [("oecd", "partner")]
    assert roles("ireland-national-skills-council") == [
        ("department-of-education-ireland", "responsible")
    ]
    for slug in [
        "italy-siu-formazione",
        "spain-dual-vet",
        "denmark-vet-knowledge-centres",
    ]:
        assert roles(slug) == [], slug


def test_cedefop_progress_notes_are_on_the_milestones(catalogue):
    notes = {
        m.year: m.note
        for m in get("white-paper-on-nordic-cooperation").milestones.all()
    }
    assert notes[2020] == "No new developments."
    council = get("ireland-national-skills-council").milestones.get(year=2019)
    assert "Human Capital Initiative" in council.note


def test_an_inferred_country_is_left_out_and_said_so(catalogue):
    paper = get("white-paper-on-nordic-cooperation")
    assert paper.countries.count() == 0
    assert "does not name the country" in paper.source_note
    assert sorted(level.slug for level in paper.education_levels.all()) == [
        "early-childhood",
        "lower-secondary",
        "upper-secondary",
        "vet",
    ]


def test_vet_entries_are_tagged_vet_only_where_the_text_says_so(catalogue):
    vet = set(
        Initiative.objects.filter(education_levels__slug="vet").values_list(
            "slug", flat=True
        )
    )
    assert "ireland-oecd-skills-strategy-review" not in vet
    assert "netherlands-circular-economy-programme-green-and-ict-skills" not in vet
    assert [level.slug for level in get("spain-dual-vet").education_levels.all()] == [
        "initial-vet"
    ]


# --- the catalogue's spread -------------------------------------------------------

# Published initiatives per country (regions included): the 7 Belgian ones of
# the seeds, and those curated from the source pages (IMPORTED above).
COUNTRY_COUNTS = {
    "BE": 7, "DE": 3, "DK": 3, "EE": 4, "NL": 2, "ES": 3, "FR": 1, "NO": 3,
    "HU": 1, "GB": 1, "PT": 1, "IT": 1, "AT": 2, "IE": 2,
}  # fmt: skip


def test_imported_country_counts_agree_with_the_table_above():
    counts = {}
    for _page, _kind, countries, *_ in IMPORTED.values():
        for code in countries:
            counts[code] = counts.get(code, 0) + 1
    assert {**counts, "BE": 7} == COUNTRY_COUNTS


def test_home_page_shows_the_spread(client, catalogue):
    response = client.get(reverse("initiatives:home"))

    assert response.context["total_initiatives"] == 40
    assert response.context["total_countries"] == len(COUNTRY_COUNTS) == 14
    assert response.context["total_organisations"] == 33
    assert {
        code: count for code, count in response.context["map_counts"].items() if count
    } == COUNTRY_COUNTS
    levels = {
        item.slug: item.initiative_count
        for group in response.context["level_groups"]
        for item in [group.heading, *group.items]
    }
    # VET counts its sub-level initial VET (Spain's dual VET): 10 in all.
    assert levels["vet"] == 10
    assert levels["initial-vet"] == 1
    assert levels["secondary"] == 2
    assert levels["adult-learning"] == 2


def test_country_list_and_pages_show_the_new_countries(client, catalogue):
    response = client.get(reverse("initiatives:country-list"))
    assert {
        code: count for code, count in response.context["map_counts"].items() if count
    } == COUNTRY_COUNTS
    austria = client.get(reverse("initiatives:country-detail", args=["at"]))
    assert austria.status_code == 200
    content = austria.content.decode()
    assert "International mobility of apprentices initiative" in content
    assert "2020 amendment to the Vocational Training Act (BAG)" in content
    greece = client.get(reverse("initiatives:country-detail", args=["gr"]))
    assert "Foundation for Research and Technology-Hellas" in greece.content.decode()


def test_catalogue_filters_find_the_new_spread(client, catalogue):
    url = reverse("initiatives:initiative-list")
    vet = client.get(url, {"education_level": "vet"})
    assert vet.context["paginator"].count == 10
    austria_vet = client.get(url, {"education_level": "vet", "country": "at"})
    assert austria_vet.context["paginator"].count == 2
    completed = client.get(url, {"status": "completed", "kind": "event"})
    assert completed.context["paginator"].count == 2
