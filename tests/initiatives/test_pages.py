"""The browsing pages: home, countries, organisations and one initiative.

What a visitor notices (sections, their order, links, counts, accessible names)
and what each page costs the database, pinned and shown not to grow with the
number of initiatives on it.
"""

import html
import re
from pathlib import Path

import factory
import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.models import (
    KPI,
    Initiative,
    InitiativeOrganisation,
    InitiativeRelation,
    Milestone,
    Organisation,
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
    MilestoneFactory,
    ObjectiveFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    ThematicCategoryFactory,
)

pytestmark = pytest.mark.django_db

HOME = reverse("initiatives:home")
COUNTRIES = reverse("initiatives:country-list")
ORGANISATIONS = reverse("initiatives:organisation-list")
POLICY = Initiative.Kind.POLICY
DRAFT = Initiative.PublicationState.DRAFT


def text(response):
    """The page's text without tags, whitespace collapsed."""
    markup = response.content.decode()
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


def section(response, heading_id):
    """The markup of the <section> labelled by `heading_id`."""
    markup = response.content.decode()
    match = re.search(
        rf'<section[^>]*aria-labelledby="{heading_id}"[^>]*>(.*?)</section>',
        markup,
        re.S,
    )
    assert match, heading_id
    return match.group(1)


def section_text(response, heading_id):
    markup = section(response, heading_id)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture
def belgium():
    return CountryFactory(code="BE", name="Belgium", slug="belgium")


@pytest.fixture
def flanders(belgium):
    return RegionFactory(country=belgium, name="Flanders", slug="flanders")


# --- Navigation ----------------------------------------------------------------


def test_navigation_marks_the_current_section(client, belgium):
    initiative = InitiativeFactory(title="Together for STEM")

    on_list = client.get(COUNTRIES).content.decode()
    inside = client.get(initiative.get_absolute_url()).content.decode()
    country = client.get(belgium.get_absolute_url()).content.decode()

    assert '<a href="/countries/" aria-current="page">Countries</a>' in on_list
    assert '<a href="/initiatives/" aria-current="true">Initiatives</a>' in inside
    assert '<a href="/countries/" aria-current="true">Countries</a>' in country
    assert 'href="/initiatives/" aria-current' not in country


def test_detail_pages_have_a_breadcrumb(client, belgium):
    initiative = InitiativeFactory(title="Together for STEM")
    organisation = OrganisationFactory(name="CSR Europe")

    for url, trail in [
        (initiative.get_absolute_url(), "Home Initiatives Together for STEM"),
        (belgium.get_absolute_url(), "Home Countries Belgium"),
        (organisation.get_absolute_url(), "Home Organisations CSR Europe"),
    ]:
        markup = client.get(url).content.decode()
        nav = re.search(r'<nav class="breadcrumbs"[^>]*>(.*?)</nav>', markup, re.S)
        assert nav, url
        assert " ".join(re.sub(r"<[^>]+>", " ", nav.group(1)).split()) == trail


# --- Countries -----------------------------------------------------------------------


def test_country_list_draws_the_map_with_a_link_and_count_per_country(
    client, belgium, flanders
):
    CountryFactory(code="NO", name="Norway", slug="norway", is_eu_member=False)
    InitiativeFactory(countries=[belgium])
    InitiativeFactory(regions=[flanders])

    response = client.get(COUNTRIES)
    markup = response.content.decode()

    assert '<svg class="europe-map-svg"' in markup
    assert '<a href="/countries/be/" aria-label="Belgium: 2 initiatives">' in markup
    assert '<a href="/countries/no/" aria-label="Norway: 0 initiatives">' in markup
    assert "Initiatives per country" in text(response)  # the legend
    assert 'href="/static/css/map.css"' in markup


def test_country_list_groups_eu_members_and_other_countries_with_zero_counts(
    client, belgium
):
    CountryFactory(code="NO", name="Norway", slug="norway", is_eu_member=False)
    CountryFactory(code="AT", name="Austria", slug="austria")
    InitiativeFactory(countries=[belgium])

    page = section_text(client.get(COUNTRIES), "list-heading")

    assert page == (
        "All countries EU member states Austria 0 initiatives Belgium 1 initiative "
        "Other European countries Norway 0 initiatives"
    )


@pytest.fixture
def belgian_catalogue(belgium, flanders):
    """A national strategy, a regional one, a programme, EU-wide and foreign ones."""
    netherlands = CountryFactory(code="NL", name="Netherlands", slug="netherlands")
    InitiativeFactory(
        title="STEM agenda 2030",
        kind=POLICY,
        scope=Initiative.Scope.REGIONAL,
        regions=[flanders],
        year_start=2021,
    )
    InitiativeFactory(
        title="Belgian STEM strategy",
        kind=Initiative.Kind.LEGISLATION,
        scope=Initiative.Scope.NATIONAL,
        countries=[belgium],
        year_start=2012,
    )
    InitiativeFactory(title="Together for STEM", countries=[belgium])
    InitiativeFactory(title="Kiezen voor STEM", regions=[flanders])
    InitiativeFactory(
        title="Dutch STEM strategy",
        kind=POLICY,
        scope=Initiative.Scope.NATIONAL,
        countries=[netherlands],
    )
    InitiativeFactory(title="European Year of Skills", scope=Initiative.Scope.EUROPEAN)
    InitiativeFactory(
        title="Draft EU plan", scope=Initiative.Scope.EUROPEAN, publication_state=DRAFT
    )
    OrganisationFactory(name="VARIO", country=belgium, region=flanders)


def test_country_page_puts_its_strategies_first_newest_first(
    client, belgium, belgian_catalogue
):
    response = client.get(belgium.get_absolute_url())
    markup = response.content.decode()

    strategies = section_text(response, "strategies-heading")
    assert strategies.startswith("National and regional strategies in Belgium")
    assert strategies.index("STEM agenda 2030") < strategies.index(
        "Belgian STEM strategy"
    )
    for absent in ("Together for STEM", "Dutch STEM strategy", "European Year"):
        assert absent not in strategies
    # Sections in order: strategies, every initiative (with filters), EU-wide,
    # organisations.
    headings = [
        "strategies-heading",
        "country-initiatives-heading",
        "results-heading",
        "european-heading",
        "organisations-heading",
    ]
    positions = [markup.index(f'<h2 id="{heading}"') for heading in headings]
    assert positions == sorted(positions)


def test_country_page_lists_every_initiative_with_regional_ones_marked(
    client, belgium, belgian_catalogue
):
    response = client.get(belgium.get_absolute_url())

    # The filtered list agrees with the catalogue: strategies included.
    assert [i.title for i in response.context["object_list"]] == [
        "Belgian STEM strategy",
        "Kiezen voor STEM",
        "STEM agenda 2030",
        "Together for STEM",
    ]
    results = section(response, "results-heading")
    kiezen = results[results.index("Kiezen voor STEM") :]
    kiezen = kiezen[: kiezen.index("</article>")]
    assert (
        '<span class="tag tag--region"><span class="visually-hidden">Region: </span>'
        "Flanders</span>"
    ) in kiezen
    together = results[results.index("Together for STEM") :]
    assert "tag--region" not in together[: together.index("</article>")]


def test_country_page_has_eu_wide_initiatives_in_a_section_of_their_own(
    client, belgium, belgian_catalogue
):
    response = client.get(belgium.get_absolute_url())

    european = section_text(response, "european-heading")
    assert "European Year of Skills" in european
    assert "Draft EU plan" not in text(response)
    assert "European Year of Skills" not in section_text(response, "results-heading")


def test_country_page_filters_are_narrowed_to_the_country(
    client, belgium, belgian_catalogue
):
    response = client.get(belgium.get_absolute_url())
    markup = response.content.decode()

    assert re.search(r'<form [^>]*method="get" action="/countries/be/"', markup)
    assert 'name="country"' not in markup
    assert "Organisations based in Belgium VARIO" in text(response)


def test_country_page_without_strategies_or_organisations_says_so(client):
    malta = CountryFactory(code="MT", name="Malta", slug="malta")

    page = text(client.get(malta.get_absolute_url()))

    assert "No national or regional strategy for Malta is in the catalogue yet." in page
    assert "No EU-wide initiative is in the catalogue yet." in page
    assert "No organisation based in Malta is in the catalogue yet." in page


# --- Organisations ----------------------------------------------------------------


def test_organisation_list_searches_names_and_acronyms(client):
    OrganisationFactory(name="Flemish Government", slug="flemish-government")
    OrganisationFactory(
        name="Vlaamse Adviesraad voor Innoveren en Ondernemen",
        acronym="VARIO",
        slug="vario",
    )
    OrganisationFactory(name="CSR Europe", slug="csr-europe")

    def found(q):
        response = client.get(ORGANISATIONS, {"q": q})
        assert response.status_code == 200
        return [o.slug for o in response.context["organisations"]]

    assert found("flemish") == ["flemish-government"]
    assert found("vario") == ["vario"]
    assert found("  EUROPE ") == ["csr-europe"]
    assert found("") == ["csr-europe", "flemish-government", "vario"]
    assert found("nobody") == []
    assert found("a\x00b" + "x" * 5000) == []


def test_organisation_search_is_a_labelled_get_form_that_keeps_its_query(client):
    OrganisationFactory(name="CSR Europe")

    response = client.get(ORGANISATIONS, {"q": "csr"})
    markup = response.content.decode()

    assert '<form class="search-form" method="get" action="/organisations/"' in markup
    assert '<label for="organisation-search">' in markup
    assert 'name="q" id="organisation-search" value="csr"' in markup
    assert "1 organisation matches “csr”." in text(response)


def test_organisation_search_with_no_match_says_so(client):
    OrganisationFactory(name="CSR Europe")

    page = text(client.get(ORGANISATIONS, {"q": "zzz"}))

    assert "0 organisations match “zzz”." in page
    assert "Show all organisations" in page


def test_organisation_pagination_keeps_the_search(client):
    OrganisationFactory.create_batch(
        55, name=factory.Sequence(lambda n: f"Network {n:02d}")
    )

    markup = client.get(ORGANISATIONS, {"q": "network"}).content.decode()

    assert 'href="?q=network&amp;page=2"' in markup


def test_organisation_page_groups_what_it_does_by_role(client, belgium):
    vario = OrganisationFactory(
        name="VARIO",
        slug="vario",
        acronym="VARIO",
        kind=Organisation.Kind.GOVERNMENT,
        country=belgium,
        website="https://www.vario.be/",
        network_role=Organisation.NetworkRole.NATIONAL_PARTNER,
        description="The Flemish advisory council for innovation.",
    )
    roles = InitiativeOrganisation.Role
    for title, role in [
        ("Led", roles.LEAD),
        ("Authored", roles.AUTHOR),
        ("Responsible", roles.RESPONSIBLE),
        ("Partnered", roles.PARTNER),
        ("Funded by role", roles.FUNDER),
    ]:
        InitiativeOrganisationFactory(
            initiative=InitiativeFactory(title=title), organisation=vario, role=role
        )
    # Funding rows count as funding, once even with a funder role as well.
    FundingFactory(
        initiative=InitiativeFactory(title="Funded by a grant"), funder=vario
    )
    both = InitiativeFactory(title="Funded both ways")
    InitiativeOrganisationFactory(
        initiative=both, organisation=vario, role=roles.FUNDER
    )
    FundingFactory(initiative=both, funder=vario)
    FundingFactory(initiative=both, funder=vario)
    FundingFactory(
        initiative=InitiativeFactory(title="Draft grant", publication_state=DRAFT),
        funder=vario,
    )

    response = client.get(vario.get_absolute_url())
    page = text(response)

    assert "Kind Government body" in page
    assert "Based in Belgium" in page
    assert "Role in the EU STEM Coalition National (lead) partner" in page
    assert 'href="https://www.vario.be/"' in response.content.decode()
    assert "The Flemish advisory council for innovation." in page
    initiatives = page[page.index("Initiatives Leads or organises") :]
    for group in [
        "Leads or organises Led",
        "Author or source of Authored",
        "Responsible for Responsible",
        "Partner in Partnered",
    ]:
        assert group in initiatives
    funds = initiatives[initiatives.index("Funds Funded both ways") :]
    assert re.findall(r"Funded [a-z ]+?(?= Programme)", funds) == [
        "Funded both ways",
        "Funded by a grant",
        "Funded by role",
    ]
    assert "Draft grant" not in page


def test_organisation_without_initiatives_says_so(client):
    organisation = OrganisationFactory(name="Idle")

    page = text(client.get(organisation.get_absolute_url()))

    assert "No published initiatives name this organisation yet." in page
    assert "Based in Europe-wide / not tied to one country" in page


# --- One initiative -------------------------------------------------------------------


@pytest.fixture
def strategy(belgium, flanders):
    levels = [EducationLevelFactory(slug="vet", name="VET")]
    initiative = InitiativeFactory(
        title="STEM agenda 2030",
        kind=POLICY,
        scope=Initiative.Scope.REGIONAL,
        regions=[flanders],
        countries=[belgium],
        year_start=2021,
        year_end=2030,
        status=Initiative.Status.ONGOING,
        education_levels=levels,
        source=Initiative.Source.CEDEFOP,
        source_url="https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe/search/28498",
    )
    learners = TargetGroupFactory(slug="learners", name="Learners")
    initiative.target_groups.set(
        [TargetGroupFactory(slug="adults", name="Adult learners", parent=learners)]
    )
    governance = ThematicCategoryFactory(slug="governance", name="Governance")
    initiative.themes.set(
        [ThematicCategoryFactory(slug="skills", name="Skills", parent=governance)]
    )
    osnabrueck = EuropeanPriorityFactory(slug="osnabrueck", name="Osnabrück")
    initiative.priorities.set([osnabrueck])
    MilestoneFactory(
        initiative=initiative, year=2022, stage=Milestone.Stage.IMPLEMENTATION
    )
    MilestoneFactory(
        initiative=initiative,
        year=2020,
        stage=Milestone.Stage.DESIGN,
        note="Drawn up with several departments",
    )
    KPIFactory(
        initiative=initiative,
        indicator="Teachers surveyed",
        qualifier=KPI.Qualifier.ABOUT,
        value=100,
        unit="teachers",
        value_type=KPI.ValueType.TARGET,
        year_end=2023,
    )
    KPIFactory(initiative=initiative, indicator="Impact", value=None, unit="")
    return initiative


def test_initiative_key_facts_are_a_description_list(client, strategy):
    response = client.get(strategy.get_absolute_url())

    markup = response.content.decode()
    aside = re.search(r'<aside class="key-facts".*?</aside>', markup, re.S).group(0)
    facts = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", aside)).split())
    assert '<dl class="facts">' in aside
    assert facts == (
        "Key facts Kind Policy / strategy / action plan Geographic scope Regional "
        "Countries Belgium Regions Flanders ( Belgium ) Years 2021–2030 "
        "Status Ongoing Education levels VET Target groups Adult learners "
        "(Learners)"
    )
    assert 'href="/initiatives/?target_group=adults"' in aside
    assert 'href="/initiatives/?education_level=vet"' in aside


def test_initiative_kpis_are_a_table_with_caption_and_headers(client, strategy):
    response = client.get(strategy.get_absolute_url())

    table = section(response, "kpis-heading")
    assert "<caption" in table
    headers = re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', table)
    assert headers == [
        "What is measured",
        "Value",
        "Unit",
        "Period",
        "Target or achieved",
        "Kind",
        "Method and note",
    ]
    rows = re.findall(r"<tr role=\"row\">(.*?)</tr>", table, re.S)[1:]
    cells = [
        " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split()) for row in rows
    ]
    # Visible cell labels are for phones; here they read as the column names.
    assert cells == [
        "Teachers surveyed Value about 100 Unit teachers Period –2023 "
        "Target or achieved Target Kind Indicator Method and note —",
        "Impact Value — Unit — Period — Target or achieved — Kind Indicator "
        "Method and note —",
    ]
    assert '<th scope="row" role="rowheader">Teachers surveyed</th>' in table
    assert 'class="cell-label" aria-hidden="true"' in table


def test_initiative_milestones_are_an_ordered_timeline(client, strategy):
    response = client.get(strategy.get_absolute_url())

    timeline = section(response, "timeline-heading")
    assert '<ol class="timeline">' in timeline
    items = re.findall(r'<li class="timeline__item[^"]*">(.*?)</li>', timeline, re.S)
    assert [" ".join(re.sub(r"<[^>]+>", " ", i).split()) for i in items] == [
        "2020 Design Drawn up with several departments",
        "2022 Implementation",
    ]
    assert '<time datetime="2020">2020</time>' in timeline


def test_initiative_themes_and_priorities_link_to_the_filtered_catalogue(
    client, strategy
):
    response = client.get(strategy.get_absolute_url())

    themes = section(response, "themes-heading")
    priorities = section(response, "priorities-heading")
    assert '<a href="/initiatives/?theme=governance">Governance</a>' in themes
    assert '<a href="/initiatives/?theme=skills">Skills</a>' in themes
    assert '<a href="/initiatives/?priority=osnabrueck">Osnabrück</a>' in priorities


def test_initiative_source_links_to_the_record_it_came_from(client, strategy):
    response = client.get(strategy.get_absolute_url())

    source = section(response, "source-heading")
    assert (
        '<a href="https://www.cedefop.europa.eu/en/tools/timeline-vet-policies-europe'
        '/search/28498" rel="external">Cedefop Timeline of VET policies in Europe</a>'
    ) in source


def test_initiative_relations_read_both_ways(client, strategy):
    InitiativeRelationFactory(
        from_initiative=strategy,
        to_initiative=InitiativeFactory(title="STEM action plan"),
        kind=InitiativeRelation.Kind.FOLLOWS,
    )
    InitiativeRelationFactory(
        from_initiative=InitiativeFactory(title="State of the STEM"),
        to_initiative=strategy,
        kind=InitiativeRelation.Kind.PART_OF,
    )

    related = section_text(client.get(strategy.get_absolute_url()), "relations-heading")

    assert "This initiative follows STEM action plan" in related
    assert "This initiative includes State of the STEM" in related


# --- Home --------------------------------------------------------------------------


def test_home_has_a_search_box_for_the_catalogue(client):
    markup = client.get(HOME).content.decode()

    form = re.search(r'<form class="browse-form".*?</form>', markup, re.S).group(0)
    assert 'method="get" action="/initiatives/" role="search"' in form
    assert '<label for="home-search">Search initiatives</label>' in form
    assert '<input type="search" name="q" id="home-search"' in form


def test_home_browses_by_country_with_the_map_and_the_top_countries(
    client, belgium, flanders
):
    netherlands = CountryFactory(code="NL", name="Netherlands", slug="netherlands")
    CountryFactory(code="MT", name="Malta", slug="malta")
    InitiativeFactory.create_batch(2, countries=[netherlands])
    InitiativeFactory.create_batch(3, regions=[flanders])

    response = client.get(HOME)
    markup = response.content.decode()

    assert '<a href="/countries/be/" aria-label="Belgium: 3 initiatives">' in markup
    assert '<a href="/countries/mt/" aria-label="Malta: 0 initiatives">' in markup
    top = section_text(response, "by-country-heading")
    assert "Countries with most initiatives Belgium 3 initiatives Netherlands 2" in top
    assert "Malta 0" not in top
    assert response.context["total_countries"] == 2


def test_home_totals_count_published_initiatives_countries_and_organisations(
    client, belgium
):
    InitiativeFactory(countries=[belgium])
    InitiativeFactory(publication_state=DRAFT, countries=[CountryFactory(code="NL")])
    OrganisationFactory.create_batch(2)

    page = text(client.get(HOME))

    assert "1 initiative 1 country covered 2 organisations" in page


# --- Design rules ------------------------------------------------------------------


def relative_luminance(colour):
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    red, green, blue = linear
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one, other):
    lighter, darker = sorted(
        (relative_luminance(one), relative_luminance(other)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)


def test_colour_pairs_of_the_stylesheet_meet_wcag_aa():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    colours = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})", css))
    text_pairs = [
        ("ink", "paper"),
        ("ink", "tint"),
        ("muted", "paper"),
        ("muted", "tint"),
        ("link", "paper"),
        ("link", "tint"),
        ("link-visited", "paper"),
        ("brand", "tag"),
        ("ink", "warning-bg"),
        ("ink", "draft-bg"),
    ]
    for foreground, background in text_pairs:
        ratio = contrast(colours[foreground], colours[background])
        assert ratio >= 4.5, (foreground, background, round(ratio, 2))
    assert contrast("#ffffff", colours["brand"]) >= 4.5  # header text
    assert contrast("#ffffff", colours["link"]) >= 4.5  # button text
    # Borders of controls and the focus ring against the page: 3:1.
    for ui in ("line-strong", "focus"):
        assert contrast(colours[ui], colours["paper"]) >= 3, ui
    assert contrast(colours["accent"], colours["brand"]) >= 3  # focus in header
    # Fixed colours used for status tags.
    assert contrast("#14532d", "#dff3e4") >= 4.5
    assert contrast("#6b4500", "#fff4d6") >= 4.5
    assert contrast("#ffffff", "#003399") >= 4.5


def test_templates_use_no_inline_script_style_or_handlers():
    """A strict Content-Security-Policy needs code and styles in files only."""
    for template in (Path(settings.BASE_DIR) / "templates").rglob("*.html"):
        source = template.read_text()
        for tag, body in re.findall(r"(<script\b[^>]*>)(.*?)</script>", source, re.S):
            if 'type="application/ld+json"' in tag:
                continue  # data, which browsers do not run
            assert 'src="' in tag and not body.strip(), (template, tag)
        assert "<style" not in source, template
        assert not re.search(r"\sstyle=", source), template
        assert not re.search(r"\son[a-z]+=", source), template


def test_pages_serve_every_asset_themselves(client, belgium):
    initiative = InitiativeFactory(countries=[belgium])
    for url in [
        HOME,
        COUNTRIES,
        belgium.get_absolute_url(),
        initiative.get_absolute_url(),
    ]:
        markup = client.get(url).content.decode()
        for asset in re.findall(
            r'<(?:link|img|script)[^>]+(?:href|src)="([^"]+)"', markup
        ):
            if "canonical" in asset:
                continue
            assert not asset.startswith(
                ("http://", "https://", "//")
            ) or asset.startswith("http://testserver"), (url, asset)


# --- Queries per page ----------------------------------------------------------------


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.fixture
def grow(belgium, flanders):
    """Add `n` richly linked initiatives to every page measured; return the URLs."""
    secondary = EducationLevelFactory(slug="secondary", name="Secondary")
    upper = EducationLevelFactory(slug="upper", name="Upper", parent=secondary)
    vario = OrganisationFactory(name="VARIO", slug="vario", country=belgium)
    hub = InitiativeFactory(
        title="Hub", slug="hub", countries=[belgium], kind=POLICY, scope="national"
    )
    theme = ThematicCategoryFactory(slug="theme")
    priority = EuropeanPriorityFactory(slug="priority")
    group = TargetGroupFactory(slug="group")

    def add(n):
        for index in range(n):
            initiative = InitiativeFactory(
                countries=[belgium],
                regions=[flanders],
                education_levels=[upper, secondary],
                kind=POLICY if index % 2 else Initiative.Kind.PROGRAMME,
                scope="regional" if index % 2 else "",
            )
            InitiativeFactory(scope=Initiative.Scope.EUROPEAN, countries=[belgium])
            InitiativeOrganisationFactory(initiative=initiative, organisation=vario)
            InitiativeOrganisationFactory(
                initiative=initiative,
                organisation=vario,
                role=InitiativeOrganisation.Role.PARTNER,
            )
            FundingFactory(initiative=initiative, funder=vario)
            OrganisationFactory(country=belgium)
            ObjectiveFactory(initiative=hub, group=f"Group {index % 2}")
            KPIFactory(initiative=hub)
            FundingFactory(initiative=hub, funder=OrganisationFactory())
            MilestoneFactory(initiative=hub)
            InitiativeOrganisationFactory(
                initiative=hub,
                organisation=OrganisationFactory(country=belgium),
                role=InitiativeOrganisation.Role.PARTNER,
            )
            InitiativeRelationFactory(from_initiative=hub, to_initiative=initiative)
            InitiativeRelationFactory(
                from_initiative=initiative,
                to_initiative=hub,
                kind=InitiativeRelation.Kind.CONTRIBUTES_TO,
            )
            hub.themes.add(ThematicCategoryFactory(parent=theme))
            hub.priorities.add(EuropeanPriorityFactory(parent=priority))
            hub.target_groups.add(TargetGroupFactory(parent=group))
        return {
            "home": HOME,
            "country list": COUNTRIES,
            "country detail": belgium.get_absolute_url(),
            "organisation list": ORGANISATIONS,
            "organisation search": f"{ORGANISATIONS}?q=a",
            "organisation detail": vario.get_absolute_url(),
            "initiative detail": hub.get_absolute_url(),
        }

    return add


# Pinned: a change here is a change in what a page costs; say why in the commit.
# A list of initiatives (`for_listing`) costs 6: the initiatives, their
# countries, regions, the regions' countries, levels and leading roles.
EXPECTED_QUERIES = {
    # countries and their counts (2), levels and their counts (2), two
    # totals, the latest initiatives and their card lists (5)
    "home": 11,
    # every country, and the counts in one grouped query
    "country list": 2,
    # the country, the catalogue's filter, facets and page of results (the
    # list's machinery: 19; the result count comes from the kind facet),
    # strategies and EU-wide initiatives (the order on keys, then the rows
    # and their card lists: 6 each), organisations based there (2)
    "country detail": 34,
    # count, page, and the page's initiative counts in one grouped query
    "organisation list": 3,
    "organisation search": 3,
    # the organisation, its roles, its funding rows, its initiatives (5)
    "organisation detail": 8,
    # the initiative, its links to the vocabularies (1), its rows (7: one
    # per kind); the vocabularies' terms (7) are cached in production, where
    # a first visit costs 9 (test_facet_cache.py)
    "initiative detail": 16,
}


def test_query_counts_are_pinned_and_do_not_grow(client, grow):
    urls = grow(3)
    few = {name: count_queries(client, url) for name, url in urls.items()}

    grow(9)  # 12 in all
    many = {name: count_queries(client, url) for name, url in urls.items()}

    assert few == many
    assert few == EXPECTED_QUERIES


def test_not_found_page_offers_a_search_and_the_ways_in(client):
    response = client.get("/initiatives/no-such-initiative/")
    markup = response.content.decode()

    assert response.status_code == 404
    assert '<form class="search-form" method="get" action="/initiatives/"' in markup
    assert '<label for="not-found-search">Search initiatives</label>' in markup
    for url in (COUNTRIES, ORGANISATIONS, HOME):
        assert f'href="{url}"' in markup
