"""The public pages: what a visitor sees, and what it costs the database."""

import html
import re

import pytest
from django.db import connection
from django.template.loader import get_template
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.models import (
    KPI,
    Initiative,
    InitiativeOrganisation,
    InitiativeRelation,
    Milestone,
)
from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    EuropeanPriorityFactory,
    FundingFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    InitiativeRelationFactory,
    KPIFactory,
    LanguageFactory,
    MilestoneFactory,
    ObjectiveFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    ThematicCategoryFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("initiatives:initiative-list")
DRAFT = Initiative.PublicationState.DRAFT


def listed(response):
    """Titles of the initiatives on a list page, in order."""
    return [initiative.title for initiative in response.context["object_list"]]


def text(response):
    """The page's text without tags, whitespace collapsed."""
    markup = response.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture
def belgium():
    return CountryFactory(code="BE", name="Belgium", slug="belgium")


@pytest.fixture
def netherlands():
    return CountryFactory(code="NL", name="Netherlands", slug="netherlands")


@pytest.fixture
def flanders(belgium):
    return RegionFactory(country=belgium, name="Flanders", slug="flanders")


@pytest.fixture
def levels():
    secondary = EducationLevelFactory(slug="secondary", name="Secondary education")
    return {
        "secondary": secondary,
        "lower-secondary": EducationLevelFactory(
            slug="lower-secondary", name="Lower secondary", parent=secondary
        ),
        "upper-secondary": EducationLevelFactory(
            slug="upper-secondary", name="Upper secondary", parent=secondary
        ),
        "higher": EducationLevelFactory(slug="higher", name="Higher education"),
    }


# --- The catalogue: filters ------------------------------------------------------


def test_list_shows_published_initiatives_with_their_count(client, belgium):
    InitiativeFactory(title="Together for STEM", countries=[belgium])
    InitiativeFactory(title="Kiezen voor STEM")

    response = client.get(LIST_URL)

    assert response.status_code == 200
    assert listed(response) == ["Kiezen voor STEM", "Together for STEM"]
    assert "2 initiatives" in text(response)


def test_list_filters_by_country_code_in_lower_and_upper_case(
    client, belgium, netherlands
):
    InitiativeFactory(title="Belgian", countries=[belgium])
    InitiativeFactory(title="Dutch", countries=[netherlands])

    assert listed(client.get(LIST_URL, {"country": "be"})) == ["Belgian"]
    assert listed(client.get(LIST_URL, {"country": "BE"})) == ["Belgian"]


def test_list_with_several_countries_shows_initiatives_in_any_of_them(
    client, belgium, netherlands
):
    france = CountryFactory(code="FR", name="France", slug="france")
    InitiativeFactory(title="Belgian", countries=[belgium])
    InitiativeFactory(title="Dutch", countries=[netherlands])
    InitiativeFactory(title="French", countries=[france])

    response = client.get(LIST_URL, {"country": ["be", "nl"]})

    assert listed(response) == ["Belgian", "Dutch"]


def test_initiative_in_a_region_is_listed_for_its_country(client, belgium, flanders):
    InitiativeFactory(title="STEM agenda 2030", regions=[flanders])
    InitiativeFactory(title="Both ways", countries=[belgium], regions=[flanders])
    InitiativeFactory(title="Elsewhere")

    response = client.get(LIST_URL, {"country": "be"})

    assert listed(response) == ["Both ways", "STEM agenda 2030"]
    assert "2 initiatives" in text(response)


def test_broad_education_level_lists_its_sub_levels_too(client, levels):
    InitiativeFactory(title="Broad", education_levels=[levels["secondary"]])
    InitiativeFactory(title="Lower", education_levels=[levels["lower-secondary"]])
    InitiativeFactory(title="Upper", education_levels=[levels["upper-secondary"]])
    InitiativeFactory(title="Higher", education_levels=[levels["higher"]])

    response = client.get(LIST_URL, {"education_level": "secondary"})

    assert listed(response) == ["Broad", "Lower", "Upper"]


def test_country_and_education_level_must_both_match(client, belgium, levels):
    upper = levels["upper-secondary"]
    InitiativeFactory(
        title="Belgian upper", countries=[belgium], education_levels=[upper]
    )
    InitiativeFactory(title="Belgian, no level", countries=[belgium])
    InitiativeFactory(title="Upper elsewhere", education_levels=[upper])

    response = client.get(
        LIST_URL, {"country": "be", "education_level": "upper-secondary"}
    )

    assert listed(response) == ["Belgian upper"]


def test_filter_form_offers_countries_with_initiatives_and_every_level(
    client, belgium, netherlands, levels
):
    InitiativeFactory(countries=[belgium])

    response = client.get(LIST_URL, {"country": "be"})
    html = response.content.decode()

    assert 'name="country" value="be" id="country-be" checked' in html
    assert 'value="nl"' not in html  # no initiatives in the Netherlands
    for slug in levels:
        assert f'name="education_level" value="{slug}"' in html
    assert '<button type="submit"' in html


def test_sort_by_start_year_lists_newest_first(client):
    InitiativeFactory(title="Undated")
    InitiativeFactory(title="Old", year_start=2012)
    InitiativeFactory(title="New", year_start=2022)

    response = client.get(LIST_URL, {"sort": "-year_start"})

    assert listed(response) == ["New", "Old", "Undated"]


# --- The catalogue: values that are not understood -----------------------------


def test_unknown_country_is_named_and_the_other_filters_still_apply(client, levels):
    InitiativeFactory(title="Upper", education_levels=[levels["upper-secondary"]])
    InitiativeFactory(title="Higher", education_levels=[levels["higher"]])

    response = client.get(
        LIST_URL, {"country": "zz", "education_level": "upper-secondary"}
    )

    assert response.status_code == 200
    assert "“zz” is not a country code we know." in text(response)
    assert listed(response) == ["Upper"]


def test_unknown_country_next_to_a_known_one_leaves_the_known_one_applied(
    client, belgium, netherlands
):
    InitiativeFactory(title="Belgian", countries=[belgium])
    InitiativeFactory(title="Dutch", countries=[netherlands])

    response = client.get(LIST_URL, {"country": ["be", "zz"]})

    assert response.status_code == 200
    assert listed(response) == ["Belgian"]
    assert "“zz” is not a country code we know." in text(response)


def test_unknown_education_level_and_sort_are_named(client):
    InitiativeFactory(title="A")

    response = client.get(LIST_URL, {"education_level": "nursery", "sort": "size"})

    assert response.status_code == 200
    assert listed(response) == ["A"]
    assert "“nursery” is not an education level we know." in text(response)
    assert "“size” is not a sort order we offer." in text(response)


def test_unknown_value_is_shown_escaped(client):
    response = client.get(LIST_URL, {"country": "<script>alert(1)</script>"})

    assert response.status_code == 200
    assert b"<script>alert" not in response.content
    assert "&lt;script&gt;" in response.content.decode()


@pytest.mark.parametrize(
    ("page", "shown", "notice"),
    [
        ("9999", 2, "There is no page 9999, so this is the last page."),
        ("abc", 1, "“abc” is not a page number, so this is the first page."),
        ("-1", 1, "There is no page -1, so this is the first page."),
        ("0", 1, "There is no page 0, so this is the first page."),
        ("last", 2, None),
    ],
)
def test_page_out_of_range_or_not_a_number_shows_a_page(client, page, shown, notice):
    InitiativeFactory.create_batch(25)

    response = client.get(LIST_URL, {"page": page})

    assert response.status_code == 200
    assert response.context["page_obj"].number == shown
    if notice:
        assert notice in text(response)


def test_page_out_of_range_on_an_empty_list_is_not_an_error(client):
    response = client.get(LIST_URL, {"page": "3", "country": "zz"})

    assert response.status_code == 200
    assert "No published initiatives match these filters." in text(response)


def test_pagination_links_keep_the_filters_and_drop_unknown_values(client, belgium):
    InitiativeFactory.create_batch(25, countries=[belgium])

    response = client.get(LIST_URL, {"country": ["be", "zz"], "sort": "title"})
    html = response.content.decode()

    assert response.context["paginator"].count == 25
    assert 'href="?country=be&amp;sort=title&amp;page=2"' in html
    assert "country=zz" not in html


# --- Drafts ------------------------------------------------------------------------


@pytest.fixture
def draft_everywhere(belgium, levels):
    """A draft in Belgium, at upper secondary, led by an organisation."""
    organisation = OrganisationFactory(name="Draft org", slug="draft-org")
    draft = InitiativeFactory(
        title="Secret draft",
        slug="secret-draft",
        publication_state=DRAFT,
        countries=[belgium],
        education_levels=[levels["upper-secondary"]],
    )
    InitiativeOrganisationFactory(initiative=draft, organisation=organisation)
    return draft


def test_drafts_are_on_no_public_list(client, draft_everywhere, belgium):
    InitiativeFactory(title="Public", countries=[belgium])
    organisation = draft_everywhere.organisation_roles.get().organisation

    pages = [
        LIST_URL,
        f"{LIST_URL}?country=be&education_level=secondary",
        reverse("initiatives:home"),
        reverse("initiatives:country-list"),
        belgium.get_absolute_url(),
        reverse("initiatives:organisation-list"),
        organisation.get_absolute_url(),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Secret draft" not in text(response), url
        assert "secret-draft" not in response.content.decode(), url


def test_drafts_are_not_counted(client, draft_everywhere, belgium):
    InitiativeFactory(title="Public", countries=[belgium])
    organisation = draft_everywhere.organisation_roles.get().organisation

    countries = client.get(reverse("initiatives:country-list")).context["countries"]
    home = client.get(reverse("initiatives:home")).context
    organisations = client.get(reverse("initiatives:organisation-list")).context

    assert {c.code: c.initiative_count for c in countries} == {"BE": 1}
    assert home["total_initiatives"] == 1
    assert [group.heading.slug for group in home["level_groups"]] == []
    assert {o.slug: o.initiative_count for o in organisations["organisations"]} == {
        organisation.slug: 0
    }
    assert client.get(belgium.get_absolute_url()).context["paginator"].count == 1


def test_draft_detail_is_not_found_for_visitors(client, draft_everywhere):
    response = client.get(draft_everywhere.get_absolute_url())

    assert response.status_code == 404


def test_staff_see_a_draft_with_a_banner(staff_client, draft_everywhere):
    response = staff_client.get(draft_everywhere.get_absolute_url())

    assert response.status_code == 200
    assert "Draft — not public." in text(response)
    assert '<meta name="robots" content="noindex">' in response.content.decode()


def test_published_detail_has_no_draft_banner(staff_client):
    initiative = InitiativeFactory()

    response = staff_client.get(initiative.get_absolute_url())

    assert "Draft — not public" not in text(response)


def test_relations_to_drafts_are_hidden_from_visitors(staff_client):
    initiative = InitiativeFactory(title="Public")
    draft = InitiativeFactory(title="Secret draft", publication_state=DRAFT)
    InitiativeRelationFactory(from_initiative=initiative, to_initiative=draft)
    InitiativeRelationFactory(
        from_initiative=draft,
        to_initiative=initiative,
        kind=InitiativeRelation.Kind.EVALUATES,
    )

    # staff_client logs the `client` fixture in: visitors get a client of their own.
    public = Client().get(initiative.get_absolute_url())
    staff = staff_client.get(initiative.get_absolute_url())

    assert "Secret draft" not in text(public)
    assert "Related initiatives" not in text(public)
    assert "This initiative follows Secret draft" in text(staff)
    assert "This initiative is evaluated by Secret draft" in text(staff)


# --- One initiative ----------------------------------------------------------------


@pytest.fixture
def full_initiative(belgium, flanders, levels):
    """An initiative with every field and every kind of related row."""
    initiative = InitiativeFactory(
        title="STEM agenda 2030",
        slug="stem-agenda-2030",
        original_title="STEM-agenda 2030",
        kind=Initiative.Kind.POLICY,
        summary="Flanders' plan for more and better STEM learning.",
        description="A long description.",
        background="It follows the STEM action plan.",
        scope=Initiative.Scope.REGIONAL,
        regions=[flanders],
        education_levels=[levels["upper-secondary"]],
        year_start=2021,
        year_end=2030,
        status=Initiative.Status.ONGOING,
        website="https://example.org/stem-agenda",
        source=Initiative.Source.CEDEFOP,
        source_url="https://example.org/cedefop/42",
        source_reference="BE-42",
        source_note="Cedefop lists three stages.",
    )
    initiative.languages.set([LanguageFactory(code="nl", name="Dutch")])
    governance = ThematicCategoryFactory(slug="governance", name="Governance of VET")
    initiative.themes.set(
        [
            ThematicCategoryFactory(
                slug="cooperation", name="Stakeholder cooperation", parent=governance
            )
        ]
    )
    osnabrueck = EuropeanPriorityFactory(slug="osnabrueck", name="Osnabrück")
    initiative.priorities.set(
        [
            EuropeanPriorityFactory(
                slug="resilience", name="Resilience and excellence", parent=osnabrueck
            )
        ]
    )
    initiative.target_groups.set([TargetGroupFactory(slug="teachers", name="Teachers")])
    ObjectiveFactory(initiative=initiative, group="Learners", text="More STEM pupils")
    ObjectiveFactory(initiative=initiative, group="Teachers", text="Train teachers")
    KPIFactory(
        initiative=initiative,
        indicator="Website users",
        kind=KPI.Kind.REACH,
        qualifier=KPI.Qualifier.ABOUT,
        value=2200,
        unit="users a year",
        value_type=KPI.ValueType.ACHIEVED,
        year_start=2020,
        year_end=2023,
        method="Web statistics",
    )
    ministry = OrganisationFactory(name="Flemish Ministry", slug="ministry")
    partner = OrganisationFactory(name="VARIO", slug="vario")
    FundingFactory(
        initiative=initiative,
        funder=ministry,
        programme="STEM fund",
        amount=1500000,
        currency="EUR",
    )
    MilestoneFactory(initiative=initiative, year=2020, stage=Milestone.Stage.DESIGN)
    MilestoneFactory(
        initiative=initiative,
        year=2021,
        stage=Milestone.Stage.APPROVED,
        note="Approved by the government",
    )
    InitiativeOrganisationFactory(
        initiative=initiative,
        organisation=ministry,
        role=InitiativeOrganisation.Role.RESPONSIBLE,
    )
    InitiativeOrganisationFactory(
        initiative=initiative,
        organisation=partner,
        role=InitiativeOrganisation.Role.PARTNER,
    )
    InitiativeRelationFactory(
        from_initiative=initiative,
        to_initiative=InitiativeFactory(title="STEM action plan 2012–2020"),
        kind=InitiativeRelation.Kind.FOLLOWS,
    )
    InitiativeRelationFactory(
        from_initiative=InitiativeFactory(title="STEM monitor"),
        to_initiative=initiative,
        kind=InitiativeRelation.Kind.EVALUATES,
    )
    return initiative


def test_detail_shows_the_record(client, full_initiative):
    page = text(client.get(full_initiative.get_absolute_url()))

    for expected in [
        "STEM agenda 2030",
        "Original title: STEM-agenda 2030",
        "Policy / strategy / action plan",
        "Flanders' plan for more and better STEM learning.",
        "A long description.",
        "It follows the STEM action plan.",
        "Flanders ( Belgium )",
        "Regional",
        "2021–2030",
        "Ongoing",
        "Dutch",
        "https://example.org/stem-agenda",
        "Education levels Upper secondary",
        "Teachers",
    ]:
        assert expected in page


def test_detail_shows_objectives_under_their_group(client, full_initiative):
    page = text(client.get(full_initiative.get_absolute_url()))

    assert "Learners More STEM pupils Teachers Train teachers" in page


def test_detail_shows_kpis_as_a_table(client, full_initiative):
    markup = client.get(full_initiative.get_absolute_url()).content.decode()
    # Cells repeat their column's name for phones, hidden from screen readers,
    # which read the real column headers.
    markup = re.sub(
        r'<span class="cell-label" aria-hidden="true">[^<]*</span>', "", markup
    )
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())

    assert "<table" in markup and '<th scope="row"' in markup
    assert (
        "Website users about 2,200 users a year 2020–2023 Achieved Reach Web statistics"
        in page
    )


def test_detail_shows_funding_and_the_timeline(client, full_initiative):
    response = client.get(full_initiative.get_absolute_url())
    page = text(response)

    assert "Funder Flemish Ministry" in page
    assert "Programme STEM fund" in page
    assert "Amount 1,500,000 EUR" in page
    assert "2020 Design 2021 Approved/Agreed Approved by the government" in page


def test_detail_shows_organisations_by_role_with_links(client, full_initiative):
    response = client.get(full_initiative.get_absolute_url())
    page = text(response)

    assert "Responsible body Flemish Ministry Partner VARIO" in page
    assert 'href="/organisations/vario/"' in response.content.decode()


def test_detail_shows_themes_and_priorities_under_their_heading(
    client, full_initiative
):
    page = text(client.get(full_initiative.get_absolute_url()))

    assert "Governance of VET Stakeholder cooperation" in page
    assert "Osnabrück Resilience and excellence" in page


def test_detail_shows_relations_both_ways(client, full_initiative):
    page = text(client.get(full_initiative.get_absolute_url()))

    assert "This initiative follows STEM action plan 2012–2020" in page
    assert "This initiative is evaluated by STEM monitor" in page


def test_detail_shows_the_source(client, full_initiative):
    response = client.get(full_initiative.get_absolute_url())
    page = text(response)

    assert "Cedefop Timeline of VET policies in Europe" in page
    assert 'href="https://example.org/cedefop/42"' in response.content.decode()
    assert "BE-42" in page
    assert "Cedefop lists three stages." in page


def test_detail_says_when_the_education_level_is_not_stated(client):
    initiative = InitiativeFactory(title="Together for STEM")

    response = client.get(initiative.get_absolute_url())

    assert "Education levels Not stated in the source" in text(response)
    # Empty fields get no section.
    sections = re.findall(r'<h2 id="([a-z-]+)-heading"', response.content.decode())
    assert sections == ["key-facts"]


def test_unknown_initiative_is_not_found(client):
    response = client.get(reverse("initiatives:initiative-detail", args=["nope"]))

    assert response.status_code == 404
    assert "Page not found" in text(response)


# --- Countries ------------------------------------------------------------------------


def test_country_list_counts_initiatives_directly_and_through_regions_once(
    client, belgium, flanders, netherlands
):
    CountryFactory(code="NO", name="Norway", slug="norway", is_eu_member=False)
    InitiativeFactory(countries=[belgium])
    InitiativeFactory(regions=[flanders])
    InitiativeFactory(countries=[belgium], regions=[flanders])
    InitiativeFactory(countries=[belgium, netherlands])

    response = client.get(reverse("initiatives:country-list"))
    counts = {c.code: c.initiative_count for c in response.context["countries"]}

    assert counts == {"BE": 4, "NL": 1, "NO": 0}
    page = text(response)
    # The list, grouped: EU member states, then the others, zeros included.
    assert (
        "EU member states Belgium 4 initiatives Netherlands 1 initiative "
        "Other European countries Norway 0 initiatives"
    ) in page


def test_country_counts_agree_with_the_catalogue(client, belgium, flanders):
    InitiativeFactory(countries=[belgium])
    InitiativeFactory(countries=[belgium], regions=[flanders])
    InitiativeFactory(regions=[flanders])

    countries = client.get(reverse("initiatives:country-list")).context["countries"]
    catalogue = client.get(LIST_URL, {"country": "be"}).context["paginator"]
    country_page = client.get(belgium.get_absolute_url()).context["paginator"]

    assert [c.initiative_count for c in countries] == [3]
    assert catalogue.count == country_page.count == 3


def test_country_page_lists_only_that_country(client, belgium, flanders, netherlands):
    InitiativeFactory(title="Belgian", countries=[belgium])
    InitiativeFactory(title="Flemish", regions=[flanders])
    InitiativeFactory(title="Dutch", countries=[netherlands])
    OrganisationFactory(name="VARIO", country=belgium)
    OrganisationFactory(name="Dutch platform", country=netherlands)

    response = client.get(reverse("initiatives:country-detail", args=["be"]))

    assert response.status_code == 200
    assert listed(response) == ["Belgian", "Flemish"]
    page = text(response)
    assert "Organisations based in Belgium VARIO" in page
    assert "Dutch platform" not in page


def test_country_page_takes_the_other_filters(client, belgium, levels):
    InitiativeFactory(
        title="Upper", countries=[belgium], education_levels=[levels["upper-secondary"]]
    )
    InitiativeFactory(title="Other", countries=[belgium])

    response = client.get(
        belgium.get_absolute_url(), {"education_level": "secondary", "country": "nl"}
    )

    assert listed(response) == ["Upper"]


def test_country_page_pagination_does_not_repeat_the_country(client, belgium):
    InitiativeFactory.create_batch(25, countries=[belgium])

    html = client.get(belgium.get_absolute_url()).content.decode()

    assert 'href="?page=2"' in html


def test_upper_case_country_code_redirects_permanently_to_lower_case(client, belgium):
    response = client.get("/countries/BE/?education_level=secondary")

    assert response.status_code == 301
    assert response["Location"] == "/countries/be/?education_level=secondary"
    assert client.get("/countries/Be/")["Location"] == "/countries/be/"


def test_unknown_country_code_is_not_found(client, belgium):
    assert client.get("/countries/zz/").status_code == 404
    assert client.get("/countries/bel/").status_code == 404
    assert client.get("/countries/b%00/").status_code == 404
    assert client.get("/countries/b%C3%A9/").status_code == 404


def test_country_page_shows_the_newest_eu_wide_initiatives_and_links_to_all(
    client, belgium, monkeypatch
):
    from initiatives import views

    monkeypatch.setattr(views, "COUNTRY_PAGE_CARDS", 3)
    for year in range(2010, 2015):
        InitiativeFactory(title=f"EU-wide {year}", scope="european")
    InitiativeFactory(countries=[belgium])

    response = client.get(belgium.get_absolute_url())

    shown = [i.title for i in response.context["european_initiatives"]]
    assert shown == ["EU-wide 2014", "EU-wide 2013", "EU-wide 2012"]
    assert 'href="/initiatives/?scope=european"' in response.content.decode()
    # The link finds all of them.
    catalogue = client.get(LIST_URL, {"scope": "european"})
    assert sorted(listed(catalogue)) == [f"EU-wide {y}" for y in range(2010, 2015)]


def test_country_page_with_few_eu_wide_initiatives_needs_no_link(client, belgium):
    InitiativeFactory(title="EU-wide", scope="european")

    response = client.get(belgium.get_absolute_url())

    assert [i.title for i in response.context["european_initiatives"]] == ["EU-wide"]
    assert "?scope=european" not in response.content.decode()


def test_country_page_links_to_all_its_strategies_in_the_catalogue(
    client, belgium, monkeypatch
):
    from initiatives import views

    monkeypatch.setattr(views, "COUNTRY_PAGE_CARDS", 2)
    for year, kind in ((2020, "policy"), (2021, "legislation"), (2022, "policy")):
        InitiativeFactory(
            title=f"Strategy {year}",
            kind=kind,
            scope="national",
            year_start=year,
            countries=[belgium],
        )
    InitiativeFactory(title="Programme", kind="programme", countries=[belgium])

    response = client.get(belgium.get_absolute_url())

    assert [i.title for i in response.context["strategies"]] == [
        "Strategy 2022",
        "Strategy 2021",
    ]
    url = response.context["strategies_url"]
    assert f'href="{html.escape(url)}"' in response.content.decode()
    assert sorted(listed(client.get(url))) == [
        "Strategy 2020",
        "Strategy 2021",
        "Strategy 2022",
    ]


def test_country_page_lists_the_first_organisations_and_links_to_all(
    client, belgium, netherlands, monkeypatch
):
    from initiatives import views

    monkeypatch.setattr(views, "COUNTRY_PAGE_ORGANISATIONS", 2)
    for name in ("Agoria", "Bozar", "Cap Sciences"):
        OrganisationFactory(name=name, country=belgium)
    OrganisationFactory(name="Dutch", country=netherlands)

    response = client.get(belgium.get_absolute_url())

    assert [o.name for o in response.context["organisations"]] == ["Agoria", "Bozar"]
    assert 'href="/organisations/?country=be"' in response.content.decode()
    every = client.get("/organisations/", {"country": "be"})
    assert [o.name for o in every.context["organisations"]] == [
        "Agoria",
        "Bozar",
        "Cap Sciences",
    ]
    assert "Organisations based in Belgium" in text(every)


# --- Organisations -------------------------------------------------------------


def test_organisation_list_counts_published_initiatives(client):
    vario = OrganisationFactory(name="VARIO", slug="vario")
    OrganisationFactory(name="Idle", slug="idle")
    for initiative in InitiativeFactory.create_batch(2):
        InitiativeOrganisationFactory(initiative=initiative, organisation=vario)
    both = InitiativeFactory()
    InitiativeOrganisationFactory(initiative=both, organisation=vario)
    InitiativeOrganisationFactory(
        initiative=both, organisation=vario, role=InitiativeOrganisation.Role.AUTHOR
    )

    response = client.get(reverse("initiatives:organisation-list"))

    counts = {o.slug: o.initiative_count for o in response.context["organisations"]}
    assert counts == {"idle": 0, "vario": 3}


def test_organisation_page_groups_initiatives_by_role(client):
    csr = OrganisationFactory(name="CSR Europe", slug="csr-europe")
    led = InitiativeFactory(title="Together for STEM")
    funded = InitiativeFactory(title="Code club")
    InitiativeOrganisationFactory(initiative=led, organisation=csr)
    InitiativeOrganisationFactory(
        initiative=funded, organisation=csr, role=InitiativeOrganisation.Role.FUNDER
    )

    response = client.get(csr.get_absolute_url())

    assert response.status_code == 200
    assert "Leads or organises Together for STEM" in text(response)
    assert "Funds Code club" in text(response)


def test_organisation_list_by_unknown_country_says_so_and_shows_all(client, belgium):
    OrganisationFactory(name="Agoria", country=belgium)
    OrganisationFactory(name="Nowhere")

    response = client.get("/organisations/", {"country": "zz"})

    assert response.status_code == 200
    assert "“zz” is not a country code we know, so every country is shown." in text(
        response
    )
    assert len(response.context["organisations"]) == 2


def test_organisation_page_shows_the_first_initiatives_of_a_role_and_the_total(
    client, monkeypatch
):
    from initiatives import views

    monkeypatch.setattr(views, "ORGANISATION_PAGE_CARDS", 2)
    csr = OrganisationFactory(name="CSR Europe", slug="csr-europe")
    for title in ("Delta", "Alpha", "Charlie"):
        InitiativeOrganisationFactory(
            initiative=InitiativeFactory(title=title), organisation=csr
        )
    funded = InitiativeFactory(title="Funded")
    FundingFactory(initiative=funded, funder=csr)

    response = client.get(csr.get_absolute_url())

    groups = {str(g.heading): g for g in response.context["role_groups"]}
    led = groups["Leads or organises"]
    assert [i.title for i in led.items] == ["Alpha", "Charlie"]
    assert led.total == 3
    assert "The first 2 of 3, by title." in text(response)
    assert 'href="/initiatives/?organisation=csr-europe"' in response.content.decode()
    assert [i.title for i in groups["Funds"].items] == ["Funded"]
    assert not groups["Funds"].has_more


def test_unknown_organisation_is_not_found(client):
    url = reverse("initiatives:organisation-detail", args=["nobody"])

    assert client.get(url).status_code == 404


# --- Home -----------------------------------------------------------------------------


def test_home_shows_totals_countries_levels_and_the_latest(
    client, belgium, flanders, levels
):
    InitiativeFactory(title="First", countries=[belgium])
    InitiativeFactory(
        title="Second", regions=[flanders], education_levels=[levels["upper-secondary"]]
    )
    InitiativeFactory(title="Third", education_levels=[levels["higher"]])

    response = client.get(reverse("initiatives:home"))

    assert response.status_code == 200
    context = response.context
    assert context["total_initiatives"] == 3
    assert [(c.name, c.initiative_count) for c in context["countries"]] == [
        ("Belgium", 2)
    ]
    levels_shown = [
        (
            group.heading.slug,
            group.heading.initiative_count,
            [(level.slug, level.initiative_count) for level in group.items],
        )
        for group in context["level_groups"]
    ]
    # Vocabulary order (here by name); a broad level counts its sub-levels and
    # levels without initiatives are left out.
    assert levels_shown == [
        ("higher", 1, []),
        ("secondary", 1, [("upper-secondary", 1)]),
    ]
    assert [i.title for i in context["latest"]] == ["Third", "Second", "First"]
    page = text(response)
    assert "3 initiatives" in page
    assert '<form class="browse-form" method="get" action="/initiatives/"' in (
        response.content.decode()
    )


# --- Every page: landmarks, metadata, no inline code ----------------------------------


@pytest.fixture
def every_page(full_initiative, belgium):
    organisation = full_initiative.organisation_roles.first().organisation
    return [
        reverse("initiatives:home"),
        LIST_URL,
        full_initiative.get_absolute_url(),
        reverse("initiatives:country-list"),
        belgium.get_absolute_url(),
        reverse("initiatives:organisation-list"),
        organisation.get_absolute_url(),
        "/no-such-page/",
    ]


def test_pages_have_landmarks_and_metadata(client, every_page):
    for url in every_page:
        html = client.get(url).content.decode()
        assert '<html lang="en">' in html, url
        assert '<meta name="viewport"' in html, url
        assert '<meta name="description" content="' in html, url
        assert '<link rel="canonical" href="http://testserver' in html, url
        assert 'href="#content"' in html and '<main id="content"' in html, url
        for landmark in ("<header", "<nav", "<main", "<footer"):
            assert landmark in html, (url, landmark)
        assert html.count("<h1") == 1, url


def test_pages_have_no_inline_script_style_or_event_handlers(client, every_page):
    for url in every_page:
        html = client.get(url).content.decode()
        # Code comes from files only (a strict CSP allows no inline code);
        # JSON-LD is data, which browsers do not run.
        for tag, body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", html, re.S):
            if 'type="application/ld+json"' in tag:
                continue
            assert re.search(r'\ssrc="/static/[^"]+"', tag), (url, tag)
            assert not body.strip(), url
        assert html.count("<script") == html.count("</script>"), url
        assert "style=" not in html, url
        assert not re.search(r"\son[a-z]+=", html), url


def test_server_error_page_renders_without_a_request():
    html = get_template("500.html").render()

    assert "Something went wrong on our side" in html
    assert '<html lang="en">' in html


# --- Query counts do not grow with the number of initiatives ---------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def populate(belgium, flanders, levels):
    """Add `n` richly linked initiatives; return the URLs to measure."""
    organisation = OrganisationFactory(name="VARIO", slug="vario", country=belgium)
    hub = InitiativeFactory(title="Hub", slug="hub", countries=[belgium])

    def add(n):
        for _ in range(n):
            initiative = InitiativeFactory(
                countries=[belgium],
                regions=[flanders],
                education_levels=[levels["upper-secondary"], levels["higher"]],
            )
            InitiativeOrganisationFactory(
                initiative=initiative, organisation=organisation
            )
            InitiativeOrganisationFactory(
                initiative=initiative,
                organisation=OrganisationFactory(country=belgium),
                role=InitiativeOrganisation.Role.PARTNER,
            )
            # The hub's detail page grows with every initiative too.
            ObjectiveFactory(initiative=hub)
            KPIFactory(initiative=hub)
            FundingFactory(initiative=hub, funder=organisation)
            MilestoneFactory(initiative=hub)
            InitiativeOrganisationFactory(
                initiative=hub,
                organisation=OrganisationFactory(),
                role=InitiativeOrganisation.Role.PARTNER,
            )
            InitiativeRelationFactory(from_initiative=hub, to_initiative=initiative)
            InitiativeRelationFactory(
                from_initiative=initiative,
                to_initiative=hub,
                kind=InitiativeRelation.Kind.CONTRIBUTES_TO,
            )
        return [
            reverse("initiatives:home"),
            LIST_URL,
            f"{LIST_URL}?country=be&country=zz&education_level=secondary&sort=title",
            hub.get_absolute_url(),
            reverse("initiatives:country-list"),
            belgium.get_absolute_url(),
            reverse("initiatives:organisation-list"),
            organisation.get_absolute_url(),
        ]

    return add


def test_query_counts_do_not_grow_with_the_number_of_initiatives(client, populate):
    urls = populate(3)
    few = {url: count_queries(client, url) for url in urls}

    populate(6)
    many = {url: count_queries(client, url) for url in urls}

    assert many == few


def test_staff_detail_query_count_does_not_grow(staff_client, populate):
    urls = populate(3)
    hub = urls[3]
    few = count_queries(staff_client, hub)

    populate(6)

    assert count_queries(staff_client, hub) == few
