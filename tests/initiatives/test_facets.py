"""Facet counts, on their own: one grouped query per facet, each initiative once."""

import pytest
from django.db import connection
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext

from initiatives.facets import (
    catalogue_facets,
    choice_counts,
    country_counts,
    organisation_counts,
    term_counts,
)
from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative, InitiativeOrganisation
from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    OrganisationFactory,
    RegionFactory,
    ThematicCategoryFactory,
)

pytestmark = pytest.mark.django_db


def published():
    return Initiative.objects.published()


@pytest.fixture
def themes():
    governance = ThematicCategoryFactory(slug="governance", name="Governance")
    return {
        "governance": governance,
        "cooperation": ThematicCategoryFactory(
            slug="cooperation", name="Cooperation", parent=governance
        ),
        "intelligence": ThematicCategoryFactory(
            slug="intelligence", name="Skills intelligence", parent=governance
        ),
        "teachers": ThematicCategoryFactory(slug="teachers", name="Teachers"),
    }


def test_a_top_term_counts_itself_and_its_sub_terms_each_initiative_once(themes):
    InitiativeFactory(themes=[themes["governance"]])
    InitiativeFactory(themes=[themes["cooperation"]])
    InitiativeFactory(themes=[themes["cooperation"], themes["intelligence"]])
    InitiativeFactory(themes=[themes["governance"], themes["intelligence"]])
    InitiativeFactory(themes=[themes["teachers"]])
    InitiativeFactory(
        themes=[themes["teachers"]], publication_state=Initiative.PublicationState.DRAFT
    )

    with CaptureQueriesContext(connection) as queries:
        counts = term_counts(published(), "themes")

    assert len(queries) == 1
    assert counts == {
        themes["governance"].pk: 4,
        themes["cooperation"].pk: 2,
        themes["intelligence"].pk: 2,
        themes["teachers"].pk: 1,
    }


def test_term_counts_follow_the_initiatives_given(themes):
    InitiativeFactory(title="A", themes=[themes["cooperation"]])
    InitiativeFactory(title="B", themes=[themes["cooperation"]])

    counts = term_counts(published().filter(title="A"), "themes")

    assert counts == {themes["governance"].pk: 1, themes["cooperation"].pk: 1}


def test_country_counts_count_regions_once():
    belgium = CountryFactory(code="BE", name="Belgium", slug="belgium")
    flanders = RegionFactory(country=belgium)
    InitiativeFactory(countries=[belgium], regions=[flanders])
    InitiativeFactory(regions=[flanders])
    InitiativeFactory()

    with CaptureQueriesContext(connection) as queries:
        counts = {c.code: c.initiative_count for c in country_counts(published())}

    assert len(queries) == 1
    assert counts == {"BE": 2}


def test_organisation_counts_count_an_initiative_once_whatever_its_roles():
    vario = OrganisationFactory(slug="vario")
    both = InitiativeFactory()
    InitiativeOrganisationFactory(initiative=both, organisation=vario)
    InitiativeOrganisationFactory(
        initiative=both, organisation=vario, role=InitiativeOrganisation.Role.FUNDER
    )
    InitiativeOrganisationFactory(organisation=vario)

    with CaptureQueriesContext(connection) as queries:
        counts = organisation_counts(published())

    assert len(queries) == 1
    assert counts == {vario.pk: 2}


def choice_counts_for(query):
    return choice_counts(InitiativeFilter(QueryDict(query), queryset=published()))


def test_choice_counts_group_by_value():
    InitiativeFactory(kind=Initiative.Kind.PROGRAMME, status="ongoing")
    InitiativeFactory(kind=Initiative.Kind.PROGRAMME, scope="european")
    InitiativeFactory(kind=Initiative.Kind.PUBLICATION)

    counts = choice_counts_for("")

    assert counts["kind"] == {"programme": 2, "publication": 1}
    assert counts["status"] == {"ongoing": 1, "": 2}
    assert counts["scope"] == {"european": 1, "": 2}


def test_each_choice_facet_counts_next_to_the_other_choices_not_its_own():
    InitiativeFactory(kind=Initiative.Kind.PROGRAMME, status="ongoing")
    InitiativeFactory(kind=Initiative.Kind.PROGRAMME, status="completed")
    InitiativeFactory(kind=Initiative.Kind.EVENT, status="ongoing", scope="european")
    InitiativeFactory(kind=Initiative.Kind.PUBLICATION, scope="european")

    counts = choice_counts_for("kind=programme&kind=event&status=ongoing")

    # Kinds among the ongoing; statuses among programmes and events; scopes
    # among ongoing programmes and events.
    assert counts["kind"] == {"programme": 1, "event": 1}
    assert counts["status"] == {"ongoing": 2, "completed": 1}
    assert counts["scope"] == {"": 1, "european": 1}


def test_choice_counts_of_a_text_search_count_each_initiative_once():
    organisation = OrganisationFactory(name="STEM platform")
    initiative = InitiativeFactory(title="STEM week", kind=Initiative.Kind.EVENT)
    InitiativeOrganisationFactory(initiative=initiative, organisation=organisation)
    InitiativeOrganisationFactory(
        initiative=initiative,
        organisation=organisation,
        role=InitiativeOrganisation.Role.FUNDER,
    )

    assert choice_counts_for("q=stem")["kind"] == {"event": 1}


# --- A facet counts with the other filters, not its own ---------------------------


def facets_for(query):
    filterset = InitiativeFilter(QueryDict(query), queryset=published())
    return {facet.name: facet for facet in catalogue_facets(filterset)}


def counts_of(facet):
    counts = {}
    for option in facet.options:
        counts[option.value] = option.count
        for child in option.children:
            counts[child.value] = child.count
    return counts


@pytest.fixture
def catalogue(themes):
    belgium = CountryFactory(code="BE", name="Belgium", slug="belgium")
    netherlands = CountryFactory(code="NL", name="Netherlands", slug="netherlands")
    CountryFactory(code="FR", name="France", slug="france")
    upper = EducationLevelFactory(slug="upper-secondary", name="Upper secondary")
    InitiativeFactory(
        countries=[belgium],
        themes=[themes["cooperation"]],
        education_levels=[upper],
        kind=Initiative.Kind.POLICY,
    )
    InitiativeFactory(countries=[belgium], themes=[themes["teachers"]])
    InitiativeFactory(countries=[netherlands], themes=[themes["cooperation"]])
    InitiativeOrganisationFactory(
        initiative=InitiativeFactory(countries=[belgium]),
        organisation=OrganisationFactory(slug="vario", name="VARIO"),
    )


def test_a_facet_ignores_its_own_selection_and_applies_the_others(catalogue):
    facets = facets_for("country=be&theme=cooperation")

    # Countries: counted with theme=cooperation, not with country=be.
    assert counts_of(facets["country"]) == {"be": 1, "nl": 1}
    # Themes: counted with country=be, not with theme=cooperation.
    assert counts_of(facets["theme"]) == {
        "governance": 1,
        "cooperation": 1,
        "intelligence": 0,
        "teachers": 1,
    }
    # Other facets: counted with both.
    assert counts_of(facets["kind"])["policy"] == 1
    assert counts_of(facets["kind"])["programme"] == 0
    assert counts_of(facets["education_level"]) == {"upper-secondary": 1}
    assert counts_of(facets["organisation"]) == {}


def test_organisations_are_counted_with_the_other_filters(catalogue):
    facets = facets_for("country=be")

    assert counts_of(facets["organisation"]) == {"vario": 1}
    assert [
        (o.label, o.selected)
        for o in facets_for("organisation=vario")["organisation"].options
    ] == [("VARIO", True)]


def test_options_show_the_two_levels_and_what_is_selected(catalogue):
    facets = facets_for("theme=intelligence")

    theme = facets["theme"]
    assert [(o.value, [c.value for c in o.children]) for o in theme.options] == [
        ("governance", ["cooperation", "intelligence"]),
        ("teachers", []),
    ]
    assert theme.options[0].children[1].selected
    assert theme.selected_count == 1


def test_countries_without_results_are_hidden_unless_selected(catalogue):
    assert [o.value for o in facets_for("")["country"].options] == ["be", "nl"]
    france = facets_for("country=FR")["country"].options
    assert [(o.value, o.count, o.selected) for o in france] == [
        ("be", 3, False),
        ("fr", 0, True),
        ("nl", 1, False),
    ]


def test_every_facet_costs_a_fixed_number_of_queries(catalogue):
    filterset = InitiativeFilter(
        QueryDict(
            "country=be&theme=governance&kind=policy&q=initiative&organisation=vario"
        ),
        queryset=published(),
    )
    filterset.form.is_valid()

    with CaptureQueriesContext(connection) as queries:
        catalogue_facets(filterset)

    # The search's keys 1; country 1; four vocabularies, terms and counts
    # 2 each; kind, status and scope together 1; organisations, counts and
    # names 2.
    assert len(queries) == 13


def test_a_search_that_finds_nothing_gives_zero_counts(catalogue):
    filterset = InitiativeFilter(
        QueryDict("q=nothing-like-this&country=fr"), queryset=published()
    )

    facets = {facet.name: facet for facet in catalogue_facets(filterset)}

    assert [(o.value, o.count) for o in facets["country"].options] == [("fr", 0)]
    assert set(counts_of(facets["kind"]).values()) == {0}
