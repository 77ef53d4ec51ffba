"""A small catalogue the open-data tests share (API, exports, feeds, discovery).

More initiatives than one page of the catalogue (20), in two countries and a
region, at several education levels, with start years that tie and some that
are missing, and drafts that must never leave through any open-data door.
"""

from dataclasses import dataclass, field

from django.test import Client
from django.urls import reverse

from initiatives.models import Initiative, InitiativeOrganisation, InitiativeRelation
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

DRAFT = Initiative.PublicationState.DRAFT
LIST_URL = reverse("initiatives:initiative-list")
API_LIST_URL = reverse("api:initiative-list")

# Query strings the catalogue page, the API and the exports must agree on.
QUERIES = [
    "",
    "country=be",
    "country=BE",
    "country=be&country=nl",
    "country=nl",
    "education_level=secondary",
    "education_level=upper-secondary",
    "education_level=higher&education_level=lower-secondary",
    "country=be&education_level=secondary",
    "country=nl&education_level=higher",
    "sort=title",
    "sort=-year_start",
    "sort=-updated",
    "country=be&sort=-year_start",
    "page=2",
    "sort=-year_start&page=2",
    "country=be&education_level=secondary&sort=-year_start&page=1",
    "page=last",
    # The parameters the catalogue learnt later: the API and exports follow.
    "q=agenda",
    "q=initiative&sort=relevance",
    "target_group=educators",
    "theme=governance&country=be",
    "priority=osnabrueck",
    "kind=policy&kind=programme&sort=-year_start",
    "status=ongoing",
    "organisation=vario",
    "year_from=2012&year_to=2014",
]


@dataclass
class Catalogue:
    belgium: object
    netherlands: object
    flanders: object
    levels: dict
    organisation: object
    hub: object
    drafts: list = field(default_factory=list)


def build_catalogue():
    belgium = CountryFactory(code="BE", name="Belgium", slug="belgium")
    netherlands = CountryFactory(code="NL", name="Netherlands", slug="netherlands")
    CountryFactory(code="LU", name="Luxembourg", slug="luxembourg")
    flanders = RegionFactory(country=belgium, name="Flanders", slug="flanders")
    secondary = EducationLevelFactory(slug="secondary", name="Secondary education")
    levels = {
        "secondary": secondary,
        "lower-secondary": EducationLevelFactory(
            slug="lower-secondary", name="Lower secondary", parent=secondary
        ),
        "upper-secondary": EducationLevelFactory(
            slug="upper-secondary", name="Upper secondary", parent=secondary
        ),
        "higher": EducationLevelFactory(slug="higher", name="Higher education"),
    }
    organisation = OrganisationFactory(
        name="VARIO", slug="vario", acronym="VARIO", country=belgium
    )
    level_cycle = [
        [levels["upper-secondary"]],
        [levels["lower-secondary"], levels["higher"]],
        [levels["higher"]],
        [],
    ]
    for n in range(26):
        place = {
            0: {"countries": [belgium]},
            1: {"regions": [flanders]},
            2: {"countries": [netherlands]},
        }[n % 3]
        initiative = InitiativeFactory(
            title=f"Initiative {n:02d}",
            slug=f"initiative-{n:02d}",
            # Ties and gaps: the sort must stay stable across pages.
            year_start=None if n % 5 == 0 else 2010 + n % 7,
            education_levels=level_cycle[n % 4],
            **place,
        )
        if n % 4 == 0:
            InitiativeOrganisationFactory(
                initiative=initiative, organisation=organisation
            )
    hub = rich_initiative(belgium, flanders, levels, organisation)
    drafts = [
        InitiativeFactory(
            title="Draft in Belgium",
            slug="draft-in-belgium",
            publication_state=DRAFT,
            countries=[belgium],
            education_levels=[secondary],
        ),
        InitiativeFactory(
            title="Draft in Flanders",
            slug="draft-in-flanders",
            publication_state=DRAFT,
            regions=[flanders],
        ),
    ]
    InitiativeOrganisationFactory(initiative=drafts[0], organisation=organisation)
    InitiativeRelationFactory(from_initiative=hub, to_initiative=drafts[0])
    InitiativeRelationFactory(
        from_initiative=drafts[1],
        to_initiative=hub,
        kind=InitiativeRelation.Kind.EVALUATES,
    )
    return Catalogue(belgium, netherlands, flanders, levels, organisation, hub, drafts)


def rich_initiative(belgium, flanders, levels, organisation):
    """An initiative with every kind of related row (the STEM agenda's shape)."""
    category = ThematicCategoryFactory(slug="governance", name="Governance")
    framework = EuropeanPriorityFactory(slug="osnabrueck", name="Osnabrück")
    hub = InitiativeFactory(
        title="STEM agenda 2030",
        slug="stem-agenda-2030",
        original_title="STEM-agenda 2030",
        kind=Initiative.Kind.POLICY,
        summary="Flanders' plan for STEM education.",
        description="Longer description.",
        year_start=2020,
        year_end=2030,
        status=Initiative.Status.ONGOING,
        scope=Initiative.Scope.REGIONAL,
        website="https://example.org/stem-agenda",
        countries=[belgium],
        regions=[flanders],
        education_levels=[levels["upper-secondary"]],
        target_groups=[
            TargetGroupFactory(
                slug="teachers",
                name="Teachers",
                parent=TargetGroupFactory(slug="educators", name="Educators"),
            )
        ],
        themes=[
            category,
            ThematicCategoryFactory(
                slug="stakeholders", name="Stakeholders", parent=category
            ),
        ],
        priorities=[
            EuropeanPriorityFactory(
                slug="green-vet", name="Green VET", parent=framework
            )
        ],
        source=Initiative.Source.CEDEFOP,
        source_url="https://example.org/cedefop/stem-agenda",
        source_reference="BE-2020-01",
    )
    hub.languages.set([LanguageFactory(code="nl", name="Dutch")])
    InitiativeOrganisationFactory(
        initiative=hub,
        organisation=organisation,
        role=InitiativeOrganisation.Role.RESPONSIBLE,
    )
    funder = OrganisationFactory(name="Flemish Government", slug="flemish-government")
    InitiativeOrganisationFactory(
        initiative=hub, organisation=funder, role=InitiativeOrganisation.Role.FUNDER
    )
    ObjectiveFactory(
        initiative=hub, group="Pupils", text="More pupils choose STEM.", order=1
    )
    KPIFactory(
        initiative=hub,
        indicator="website users",
        value=2200,
        unit="users a year",
        qualifier="about",
        year_start=2020,
        year_end=2023,
    )
    FundingFactory(initiative=hub, funder=funder, model="public-regional")
    MilestoneFactory(initiative=hub, year=2021, stage="approved")
    earlier = InitiativeFactory(
        title="STEM action plan 2012-2020", slug="stem-action-plan", countries=[belgium]
    )
    InitiativeRelationFactory(from_initiative=hub, to_initiative=earlier)
    InitiativeRelationFactory(
        from_initiative=InitiativeFactory(
            title="Evaluation of the agenda", slug="agenda-evaluation"
        ),
        to_initiative=hub,
        kind=InitiativeRelation.Kind.EVALUATES,
    )
    return hub


def html_list(query, url=LIST_URL):
    """Slugs of the initiatives the catalogue page shows, and its total count.

    Checks that each one is rendered on the page, not only in the context.
    """
    response = Client().get(f"{url}?{query}")
    assert response.status_code == 200, query
    page = response.content.decode()
    slugs = [initiative.slug for initiative in response.context["object_list"]]
    for slug in slugs:
        assert reverse("initiatives:initiative-detail", args=[slug]) in page
    return slugs, response.context["paginator"].count


def all_html_slugs(query):
    """Every initiative the catalogue lists for a query, page after page."""
    client = Client()
    slugs, page = [], 1
    while True:
        response = client.get(f"{LIST_URL}?{query}&page={page}")
        slugs += [initiative.slug for initiative in response.context["object_list"]]
        if not response.context["page_obj"].has_next():
            return slugs
        page += 1
