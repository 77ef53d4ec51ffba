"""The seed initiatives: every fact the two source documents state, through the ORM.

Seed 000 is the EU STEM Coalition database's Belgium page (STEM skills for the
future of Europe, Together for STEM, Kiezen voor STEM); seed 001 is Cedefop's
timeline entry on the Flemish STEM agenda 2030. The strategies they refer to are
initiatives of their own, linked by typed relations.
"""

import datetime
from decimal import Decimal

import pytest

from initiatives.models import (
    KPI,
    Initiative,
    InitiativeRelation,
    Organisation,
    ThematicCategory,
)

pytestmark = pytest.mark.django_db

STEMCOALITION_URL = "https://www.stemcoalition.eu/"
CEDEFOP_URL = "https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe"


def get(slug):
    return Initiative.objects.get(slug=slug)


def names(queryset):
    return sorted(str(name) for name in queryset.values_list("name", flat=True))


def organisations_with_role(initiative, role):
    return sorted(
        initiative.organisation_roles.filter(role=role).values_list(
            "organisation__name", flat=True
        )
    )


def relations():
    return set(
        InitiativeRelation.objects.values_list(
            "from_initiative__slug", "kind", "to_initiative__slug"
        )
    )


# --- every initiative ----------------------------------------------------------


SEED_SLUGS = {
    "stem-skills-for-the-future-of-europe",
    "together-for-stem",
    "kiezen-voor-stem",
    "european-pact-for-youth",
    "european-year-of-youth-2022",
    "european-year-of-skills-2023",
    "stem-action-plan-2012-2020",
    "stem-monitor",
    "stem-agenda-2030",
    "state-of-the-stem",
}


def test_every_initiative_records_its_source_and_url(catalogue):
    site = {"stemcoalition": "stemcoalition.eu/", "cedefop": "cedefop.europa.eu/"}
    for initiative in Initiative.objects.all():
        assert initiative.source in site, initiative.slug
        assert site[initiative.source] in initiative.source_url, initiative.slug
        assert initiative.source_note, initiative.slug
    # The seed copies do not include their own pages' addresses: the sites'.
    for initiative in Initiative.objects.filter(slug__in=SEED_SLUGS):
        assert initiative.source_url in {STEMCOALITION_URL, CEDEFOP_URL}


def test_seed_initiatives_are_published(catalogue):
    # 10 from the seeds and 30 from the 25 source pages (issue 6).
    assert Initiative.objects.count() == 40
    assert Initiative.objects.published().count() == 40
    assert (
        set(
            Initiative.objects.filter(slug__in=SEED_SLUGS).values_list(
                "slug", flat=True
            )
        )
        == SEED_SLUGS
    )


def test_no_source_identifier_or_retrieval_date_is_guessed(catalogue):
    # Only Cedefop IDs the copies show; the seeds and 17, 22 and 23 show none.
    references = Initiative.objects.values_list("source", "source_reference")
    assert {ref for source, ref in references if source == "stemcoalition"} == {""}
    assert {ref for source, ref in references if source == "cedefop"} == {
        "",
        "44313",
        "41462",
        "28316",
        "41922",
        "48925",
        "28836",
        "28182",
        "47378",
        "28957",
        "28300",
    }
    assert not Initiative.objects.filter(source_retrieved_on__isnull=False).exists()
    assert not Initiative.objects.filter(source_checked_on__isnull=False).exists()


def test_each_seed_document_is_credited(catalogue):
    belgium_page = [
        "stem-skills-for-the-future-of-europe",
        "together-for-stem",
        "kiezen-voor-stem",
    ]
    for slug in belgium_page:
        initiative = get(slug)
        assert initiative.source == "stemcoalition"
        assert "Belgium country page" in initiative.source_note
    assert get("stem-agenda-2030").source == "cedefop"
    assert get("stem-agenda-2030").source_url == CEDEFOP_URL


def test_every_initiative_has_a_summary(catalogue):
    assert not Initiative.objects.filter(summary="").exists()


# --- organisations -------------------------------------------------------------


def test_organisations_have_the_kinds_and_places_the_seeds_give(catalogue):
    kinds = dict(Organisation.objects.values_list("slug", "kind"))

    assert kinds["eu-stem-coalition"] == "network"
    assert kinds["csr-europe"] in {"ngo", "network"}
    assert {kinds[s] for s in ["huawei", "toyota", "unipol-group"]} == {"company"}
    for slug in ["eu-stem-coalition", "csr-europe", "huawei", "toyota", "unipol-group"]:
        assert Organisation.objects.get(slug=slug).country is None


def test_flemish_bodies_are_in_flanders_belgium(catalogue):
    for slug in [
        "vario",
        "flemish-ministry-of-education-and-training",
        "flemish-ministry-of-work-and-social-economy",
        "vdab",
        "flemish-government",
    ]:
        organisation = Organisation.objects.get(slug=slug)
        assert organisation.country.code == "BE"
        assert organisation.region.slug == "flanders"
        assert organisation.region.country.code == "BE"


def test_vario_keeps_its_dutch_name_acronym_and_english_names(catalogue):
    vario = Organisation.objects.get(acronym="VARIO")

    assert vario.name == "Vlaamse Adviesraad voor Innoveren en Ondernemen"
    assert "Flemish Council for Science and Innovation" in vario.description
    assert "Advisory Council for Innovation and Entrepreneurship" in vario.description


def test_public_employment_service_is_known_as_vdab(catalogue):
    vdab = Organisation.objects.get(slug="vdab")

    assert vdab.name == "Flemish public employment service"
    assert vdab.acronym == "VDAB"


# --- STEM skills for the future of Europe --------------------------------------


def test_stem_skills_publication_is_by_the_eu_stem_coalition(catalogue):
    publication = get("stem-skills-for-the-future-of-europe")

    assert publication.title == "STEM skills for the future of Europe"
    assert publication.kind == "publication"
    assert organisations_with_role(publication, "author") == ["EU STEM Coalition"]
    assert names(publication.countries) == ["Belgium"]


def test_stem_skills_summary_covers_the_abstract(catalogue):
    summary = get("stem-skills-for-the-future-of-europe").summary

    for point in ["semiconductors", "public-private partnerships", "funding"]:
        assert point in summary


# --- Together for STEM -----------------------------------------------------------


def test_together_for_stem_is_a_programme_led_by_csr_europe_since_2019(catalogue):
    programme = get("together-for-stem")

    assert programme.kind == "programme"
    assert programme.year_start == 2019
    assert programme.year_end is None
    assert organisations_with_role(programme, "lead") == ["CSR Europe"]


def test_together_for_stem_leaves_empty_what_the_source_leaves_empty(catalogue):
    programme = get("together-for-stem")

    assert programme.status == ""
    assert programme.education_levels.count() == 0
    assert programme.website == ""
    assert not programme.image
    assert programme.fundings.filter(amount__isnull=False).count() == 0


def test_together_for_stem_is_on_the_belgium_page_with_a_note(catalogue):
    programme = get("together-for-stem")

    assert names(programme.countries) == ["Belgium"]
    assert "Country field is empty" in programme.source_note


def test_together_for_stem_funders_are_the_partner_companies(catalogue):
    programme = get("together-for-stem")
    funders = ["Huawei", "Toyota", "Unipol Group"]

    assert organisations_with_role(programme, "funder") == funders
    assert sorted(programme.fundings.values_list("funder__name", flat=True)) == funders
    assert set(programme.fundings.values_list("model", flat=True)) == {"private"}
    for funding in programme.fundings.all():
        assert "Together 4 STEM partner compan" in funding.note


def test_together_for_stem_objectives_are_grouped_by_workstream(catalogue):
    objectives = list(get("together-for-stem").objectives.all())
    groups = {}
    for objective in objectives:
        groups.setdefault(objective.group, []).append(objective.text)

    assert list(groups) == [
        "Workstream 1: Strengthen business-education initiatives to inspire and "
        "empower young people in STEM",
        "Workstream 2: Ensure a smooth transition to work for current and future "
        "generations",
    ]
    first, second = groups.values()
    assert [text.split(":")[0] for text in first] == ["Learn, share & co-create"] * 2
    assert [text.split(":")[0] for text in second] == [
        "Pool companies' learning content",
        "Pool companies' learning content",
        "Local collaboration",
        "Local collaboration",
    ]


def test_together_for_stem_website_users_about_2200_a_year_2020_to_2023(catalogue):
    kpi = get("together-for-stem").kpis.get(indicator="Users of the STEM@Home website")

    assert kpi.kind == "reach"
    assert kpi.value_type == "achieved"
    assert kpi.qualifier == "about"
    assert kpi.value == Decimal("2200")
    assert (kpi.year_start, kpi.year_end) == (2020, 2023)
    assert kpi.display_value == "about 2,200 users a year"


def test_together_for_stem_achieved_reach(catalogue):
    achieved = get("together-for-stem").kpis.filter(value_type="achieved")

    assert sorted((k.display_value, k.kind) for k in achieved) == [
        ("about 2,200 users a year", "reach"),
        ("about 400 participants", "reach"),
        ("about 500 downloads", "reach"),
    ]


def test_together_for_stem_targets_for_2023(catalogue):
    targets = get("together-for-stem").kpis.filter(value_type="target")

    assert {(k.year_start, k.year_end) for k in targets} == {(2023, 2023)}
    assert sorted(k.display_value for k in targets) == [
        "2 activities",
        "about 100 teachers, students and educational organisations",
        "about 400 participants",
        "at least 15 teachers",
    ]


def test_together_for_stem_local_activities_are_in_belgium_and_italy(catalogue):
    kpi = get("together-for-stem").kpis.get(unit="activities")

    assert "Belgium and Italy" in kpi.note
    assert "at least 2-3 local schools" in kpi.note


def test_together_for_stem_feedback_target_is_measured_by_a_survey(catalogue):
    kpi = get("together-for-stem").kpis.get(value=100)

    assert kpi.method == "Impact measurement survey"
    assert kpi.qualifier == "about"


def test_together_for_stem_impact_statements_have_no_values(catalogue):
    impacts = get("together-for-stem").kpis.filter(kind="impact", value__isnull=True)

    assert impacts.count() == 3
    assert all(kpi.value_type == "" for kpi in impacts)


def test_together_for_stem_says_how_kpis_are_measured(catalogue):
    method = get("together-for-stem").kpis.get(kind="indicator").method

    assert method.startswith("Before 2023:")
    assert "STEM@Home" in method
    assert "From 2023: an impact survey" in method


def test_together_for_stem_relations_to_broader_strategies(catalogue):
    assert {
        ("together-for-stem", "emerged-from", "european-pact-for-youth"),
        ("together-for-stem", "contributes-to", "european-year-of-youth-2022"),
        ("together-for-stem", "contributes-to", "european-year-of-skills-2023"),
    } <= relations()


def test_relations_read_both_ways(catalogue):
    pact = get("european-pact-for-youth")
    relation = pact.relations_to.get()

    assert relation.from_initiative.slug == "together-for-stem"
    assert str(relation.inverse_label) == "gave rise to"
    assert str(relation) == ("Together for STEM emerged from European Pact for Youth")


def test_european_year_of_youth_relation_notes_the_2022_activities(catalogue):
    note = InitiativeRelation.objects.get(
        from_initiative__slug="together-for-stem",
        to_initiative__slug="european-year-of-youth-2022",
    ).note

    assert "Together 4 STEM Goes Green" in note
    assert "May 2022" in note
    assert "October 2022" in note


# --- Kiezen voor STEM ------------------------------------------------------------


def test_kiezen_voor_stem_is_a_dutch_publication_by_vario(catalogue):
    study = get("kiezen-voor-stem")

    assert study.kind == "publication"
    assert study.original_title == (
        "Kiezen voor STEM. De Keuze van Jongeren voor een Technische en "
        "Wetenschappelijke Studies"
    )
    assert organisations_with_role(study, "author") == [
        "Vlaamse Adviesraad voor Innoveren en Ondernemen"
    ]
    assert list(study.languages.values_list("code", flat=True)) == ["nl"]
    assert names(study.countries) == ["Belgium"]
    assert names(study.regions) == ["Flanders"]


def test_kiezen_voor_stem_has_two_study_objectives(catalogue):
    objectives = list(get("kiezen-voor-stem").objectives.values_list("text", flat=True))

    assert len(objectives) == 2
    assert "Flemish education system" in objectives[0]
    assert "international good practices" in objectives[1]


def test_kiezen_voor_stem_gave_flanders_its_stem_definition(catalogue):
    study = get("kiezen-voor-stem")

    assert "definition" in study.summary
    assert (
        "stem-action-plan-2012-2020",
        "builds-on",
        "kiezen-voor-stem",
    ) in relations()
    assert ("stem-monitor", "builds-on", "kiezen-voor-stem") in relations()


# --- STEM agenda 2030 ------------------------------------------------------------


def test_stem_agenda_2030_is_an_ongoing_flemish_policy(catalogue):
    agenda = get("stem-agenda-2030")

    assert agenda.kind == "policy"
    assert agenda.scope == "regional"
    assert names(agenda.countries) == ["Belgium"]
    assert names(agenda.regions) == ["Flanders"]
    assert (agenda.year_start, agenda.year_end) == (2020, 2030)
    assert agenda.status == "ongoing"


def test_stem_agenda_2030_timeline_stages(catalogue):
    milestones = get("stem-agenda-2030").milestones.all()

    assert [(m.year, m.stage) for m in milestones] == [
        (2020, "design"),
        (2021, "approved"),
        (2022, "implementation"),
    ]
    assert "June 2021" in milestones[1].note
    assert milestones[2].date == datetime.date(2022, 10, 3)


def test_stem_agenda_2030_responsible_bodies(catalogue):
    assert organisations_with_role(get("stem-agenda-2030"), "responsible") == [
        "Flemish Ministry of Education and Training",
        "Flemish Ministry of Work and Social Economy",
        "Flemish public employment service",
    ]


def test_stem_agenda_2030_target_groups_are_cedefops_learners(catalogue):
    target_groups = get("stem-agenda-2030").target_groups.all()

    assert names(target_groups) == [
        "Adult learners",
        "Learners in upper secondary, including apprentices",
        "Young people (15-29 years old)",
    ]
    assert {group.parent.name for group in target_groups} == {"Learners"}


def test_stem_agenda_2030_themes_include_the_sub_categories(catalogue):
    themes = get("stem-agenda-2030").themes.select_related("parent")

    assert sorted((t.parent.name if t.parent else "", t.name) for t in themes) == [
        ("", "Governance of VET and lifelong learning"),
        ("", "Supporting lifelong learning culture and increasing participation"),
        (
            "Governance of VET and lifelong learning",
            "Stakeholder engagement and cooperation",
        ),
        (
            "Supporting lifelong learning culture and increasing participation",
            "Inclusive VET and equal opportunities",
        ),
        (
            "Supporting lifelong learning culture and increasing participation",
            "Promotion of VET and lifelong learning and access to information",
        ),
    ]


def test_stem_agenda_2030_priorities_by_framework(catalogue):
    by_framework = {}
    for priority in get("stem-agenda-2030").priorities.select_related("parent"):
        by_framework.setdefault(priority.parent.alias_list[0], set()).add(priority.name)

    assert by_framework == {
        "VET Recommendation": {
            "VET agile in adapting to labour market challenges",
            "VET promoting equality of opportunities",
        },
        "Osnabrück Declaration": {
            "Resilience and excellence through quality, inclusive and flexible VET"
        },
    }


def test_stem_agenda_2030_objectives_follow_its_three_parts(catalogue):
    objectives = get("stem-agenda-2030").objectives.all()
    groups = []
    for objective in objectives:
        if objective.group not in groups:
            groups.append(objective.group)

    assert groups == [
        "Overall aims",
        "Sustainable STEM communication in relation to VET",
        "Sustainable STEM monitoring and research",
        "Strengthening and connecting to existing STEM actions",
    ]
    communication = [o.text for o in objectives if o.group == groups[1]]
    assert len(communication) == 5
    assert "girls" in communication[0]
    assert "Every two years" in communication[-1]
    assert "STEM literacy" in objectives[1].text


def test_stem_agenda_2030_has_no_invented_kpis(catalogue):
    agenda = get("stem-agenda-2030")

    assert agenda.kpis.count() == 0
    assert "under construction" in agenda.description
    assert "advisory committee" in agenda.description


def test_stem_agenda_2030_background_and_description_are_its_own(catalogue):
    agenda = get("stem-agenda-2030")

    assert "interdisciplinary" not in agenda.background  # summarised, not copied
    assert "across disciplines" in agenda.background
    for category in ThematicCategory.objects.filter(parent__isnull=True):
        assert category.description not in agenda.description
    assert "thematic category" not in agenda.description.lower()


def test_category_descriptions_live_on_the_categories(catalogue):
    for slug in [
        "governance",
        "stakeholder-engagement",
        "lifelong-learning-culture",
        "promotion-and-information",
        "inclusive-vet",
    ]:
        assert len(ThematicCategory.objects.get(slug=slug).description) > 200


# --- related strategies ----------------------------------------------------------


def test_european_pact_for_youth_was_initiated_by_csr_europe(catalogue):
    pact = get("european-pact-for-youth")

    assert (pact.kind, pact.scope) == ("network", "european")
    assert organisations_with_role(pact, "lead") == ["CSR Europe"]


def test_european_years_of_youth_and_skills(catalogue):
    youth = get("european-year-of-youth-2022")
    skills = get("european-year-of-skills-2023")

    assert (youth.kind, youth.scope, youth.year_start, youth.year_end) == (
        "measure",
        "european",
        2022,
        2022,
    )
    assert youth.objectives.count() == 2
    assert (skills.kind, skills.scope, skills.year_start, skills.year_end) == (
        "measure",
        "european",
        2023,
        2023,
    )


def test_stem_action_plan_2012_2020(catalogue):
    plan = get("stem-action-plan-2012-2020")

    assert plan.original_title == "STEM-Actieplan 2012-2020"
    assert plan.kind == "policy"
    assert (plan.year_start, plan.year_end) == (2012, 2020)
    assert names(plan.countries) == ["Belgium"]
    assert names(plan.regions) == ["Flanders"]


def test_stem_monitor_is_the_flemish_governments_monitoring_instrument(catalogue):
    monitor = get("stem-monitor")

    assert (monitor.kind, monitor.publication_type) == ("publication", "monitoring")
    assert organisations_with_role(monitor, "responsible") == ["Flemish Government"]
    assert names(monitor.regions) == ["Flanders"]


def test_state_of_the_stem_is_part_of_the_agenda(catalogue):
    report = get("state-of-the-stem")

    assert report.title == "State of the STEM (Klaar voor 2030)"
    assert report.kind == "publication"
    assert report.year_start == 2022
    assert names(report.regions) == ["Flanders"]
    assert ("state-of-the-stem", "part-of", "stem-agenda-2030") in relations()


def test_flemish_strategy_chain(catalogue):
    assert {
        ("stem-agenda-2030", "follows", "stem-action-plan-2012-2020"),
        ("stem-action-plan-2012-2020", "builds-on", "kiezen-voor-stem"),
        ("stem-monitor", "builds-on", "kiezen-voor-stem"),
        ("stem-monitor", "evaluates", "stem-action-plan-2012-2020"),
    } <= relations()


def test_every_relation_explains_itself(catalogue):
    assert not InitiativeRelation.objects.filter(note="").exists()


def test_among_the_seeds_kpis_belong_only_to_together_for_stem(catalogue):
    # Among the seeds; the other KPIs are figures the source pages give.
    kpi_slugs = set(KPI.objects.values_list("initiative__slug", flat=True))
    assert kpi_slugs & SEED_SLUGS == {"together-for-stem"}
    assert kpi_slugs - SEED_SLUGS == {
        "action-plan-eu-stem-coalition",
        "gender-disparity-in-engineering",
        "european-science-on-stage-festivals",
        "estonia-skills-forecasting-and-professional-qualifications-reform",
        "portugal-tripartite-vet-agreement",
        "austria-international-mobility-of-apprentices",
        "netherlands-circular-economy-programme-green-and-ict-skills",
    }


def test_stem_agenda_is_tagged_with_the_levels_its_objectives_name(catalogue):
    # Cedefop has no education-level field, but the entry's objectives say the
    # agenda promotes STEM "in VET and lifelong learning".
    agenda = Initiative.objects.get(slug="stem-agenda-2030")
    assert sorted(agenda.education_levels.values_list("slug", flat=True)) == [
        "adult-learning",
        "vet",
    ]
