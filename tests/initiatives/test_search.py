"""Text search (`q`): full-text on PostgreSQL, word by word elsewhere."""

import pytest
from django.db import connection
from django.urls import reverse

from initiatives.models import Initiative, InitiativeOrganisation
from tests.factories import (
    InitiativeFactory,
    InitiativeOrganisationFactory,
    ObjectiveFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("initiatives:initiative-list")
on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="ranking is PostgreSQL's"
)


def found(text):
    return [i.title for i in Initiative.objects.published().search(text)]


@pytest.fixture
def catalogue():
    together = InitiativeFactory(
        title="Together for STEM",
        summary="Companies and schools promote science careers.",
    )
    agenda = InitiativeFactory(
        title="STEM agenda 2030",
        original_title="STEM-agenda 2030",
        summary="Flanders' plan.",
        description="More pupils choose mathematics in upper secondary.",
    )
    kiezen = InitiativeFactory(
        title="Kiezen voor STEM",
        summary="A study of the choice of study.",
    )
    ObjectiveFactory(initiative=agenda, text="Train primary teachers in robotics")
    ObjectiveFactory(initiative=agenda, text="More robotics clubs")
    csr = OrganisationFactory(name="CSR Europe", acronym="CSR")
    vario = OrganisationFactory(name="Vlaamse Adviesraad", acronym="VARIO")
    InitiativeOrganisationFactory(initiative=together, organisation=csr)
    InitiativeOrganisationFactory(
        initiative=together,
        organisation=csr,
        role=InitiativeOrganisation.Role.FUNDER,
    )
    InitiativeOrganisationFactory(
        initiative=kiezen, organisation=vario, role=InitiativeOrganisation.Role.AUTHOR
    )
    InitiativeFactory(
        title="Draft about robotics",
        publication_state=Initiative.PublicationState.DRAFT,
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("together", ["Together for STEM"]),  # title
        ("careers", ["Together for STEM"]),  # summary
        ("mathematics", ["STEM agenda 2030"]),  # description
        ("robotics", ["STEM agenda 2030"]),  # objectives, twice: listed once
        ("CSR", ["Together for STEM"]),  # organisation acronym, two roles: once
        ("Adviesraad", ["Kiezen voor STEM"]),  # organisation name
        ("KIEZEN", ["Kiezen voor STEM"]),  # any case
        ("nothing-like-this", []),
    ],
)
def test_search_finds_words_in_every_field_once(catalogue, text, expected):
    assert sorted(found(text)) == expected


def test_every_word_must_match_somewhere(catalogue):
    assert found("stem flanders") == ["STEM agenda 2030"]
    assert found("stem careers mathematics") == []


def test_a_search_without_any_word_filters_nothing(catalogue):
    assert len(found('- " &|!')) == 3
    assert sorted(found("careers & | !")) == ["Together for STEM"]


def test_search_does_not_reach_drafts(catalogue):
    assert "Draft about robotics" not in found("robotics")


@on_postgresql
def test_postgresql_stems_words_and_reads_web_search_syntax(catalogue):
    assert found("teacher") == ["STEM agenda 2030"]
    assert sorted(found("stem -agenda")) == ["Kiezen voor STEM", "Together for STEM"]
    assert found('"science careers"') == ["Together for STEM"]


@on_postgresql
def test_postgresql_ranks_a_title_match_above_a_description_match():
    InitiativeFactory(title="A plan", description="Robotics for everyone.")
    InitiativeFactory(title="Robotics week", description="A week.")
    InitiativeFactory(title="B plan", summary="Robotics in school.")

    ranked = list(Initiative.objects.published().search("robotics"))

    assert [i.title for i in sorted(ranked, key=lambda i: -i.search_rank)] == [
        "Robotics week",
        "B plan",
        "A plan",
    ]


def test_the_list_sorts_by_relevance_when_searching(client):
    InitiativeFactory(title="A plan", description="Robotics for everyone.")
    InitiativeFactory(title="Robotics week")
    InitiativeFactory(title="C plan", summary="Robotics in school.")

    response = client.get(LIST_URL, {"q": "robotics"})
    titles = [i.title for i in response.context["object_list"]]

    assert titles == ["Robotics week", "C plan", "A plan"]
    assert 'value="relevance" selected' in response.content.decode()
    by_title = client.get(LIST_URL, {"q": "robotics", "sort": "title"})
    assert [i.title for i in by_title.context["object_list"]] == [
        "A plan",
        "C plan",
        "Robotics week",
    ]


def test_relevance_is_offered_only_when_searching(client):
    InitiativeFactory()

    assert 'value="relevance"' not in client.get(LIST_URL).content.decode()


@pytest.mark.parametrize(
    "text", ['"', "-", "&|!():*", "' OR 1=1 --", "stem & | !", "ß漢字🙂", "a" * 200]
)
def test_odd_searches_are_not_errors(client, catalogue, text):
    response = client.get(LIST_URL, {"q": text})

    assert response.status_code == 200
