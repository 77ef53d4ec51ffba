"""InitiativeFilter: the catalogue's one filter language, on its own."""

import pytest
from django.http import QueryDict

from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative, InitiativeOrganisation
from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    EuropeanPriorityFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    OrganisationFactory,
    RegionFactory,
    TargetGroupFactory,
    ThematicCategoryFactory,
)

pytestmark = pytest.mark.django_db


def filtered(query):
    """(titles the filter keeps, in order; the filter) for a query string."""
    filterset = InitiativeFilter(
        QueryDict(query), queryset=Initiative.objects.published().for_listing()
    )
    return [initiative.title for initiative in filterset.qs], filterset


@pytest.fixture
def belgium():
    return CountryFactory(code="BE", name="Belgium", slug="belgium")


@pytest.fixture
def netherlands():
    return CountryFactory(code="NL", name="Netherlands", slug="netherlands")


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


def test_country_code_is_understood_in_any_case(belgium, netherlands):
    InitiativeFactory(title="Belgian", countries=[belgium])
    InitiativeFactory(title="Dutch", countries=[netherlands])

    for query in ("country=be", "country=BE", "country=Be"):
        titles, filterset = filtered(query)
        assert titles == ["Belgian"]
        assert filterset.rejected == []


def test_initiative_in_a_region_counts_for_its_country(belgium):
    flanders = RegionFactory(country=belgium, name="Flanders", slug="flanders")
    InitiativeFactory(title="Flemish", regions=[flanders])
    InitiativeFactory(title="Elsewhere")

    assert filtered("country=be")[0] == ["Flemish"]


def test_initiative_linked_directly_and_through_a_region_is_listed_once(belgium):
    flanders = RegionFactory(country=belgium, name="Flanders", slug="flanders")
    InitiativeFactory(title="Both", countries=[belgium], regions=[flanders])

    assert filtered("country=be")[0] == ["Both"]


def test_several_countries_select_initiatives_in_any_of_them(belgium, netherlands):
    france = CountryFactory(code="FR", name="France", slug="france")
    InitiativeFactory(title="Belgian", countries=[belgium])
    InitiativeFactory(title="Dutch", countries=[netherlands])
    InitiativeFactory(title="French", countries=[france])
    InitiativeFactory(title="Benelux", countries=[belgium, netherlands])

    titles, _ = filtered("country=be&country=nl")

    assert titles == ["Belgian", "Benelux", "Dutch"]


def test_broad_education_level_finds_its_sub_levels(levels):
    InitiativeFactory(title="Broad", education_levels=[levels["secondary"]])
    InitiativeFactory(title="Lower", education_levels=[levels["lower-secondary"]])
    InitiativeFactory(title="Upper", education_levels=[levels["upper-secondary"]])
    InitiativeFactory(title="Higher", education_levels=[levels["higher"]])
    InitiativeFactory(title="Unknown level")

    assert filtered("education_level=secondary")[0] == ["Broad", "Lower", "Upper"]
    assert filtered("education_level=upper-secondary")[0] == ["Upper"]
    assert filtered("education_level=upper-secondary&education_level=higher")[0] == [
        "Higher",
        "Upper",
    ]


def test_initiative_tagged_with_level_and_sub_level_is_listed_once(levels):
    InitiativeFactory(
        title="Both",
        education_levels=[levels["secondary"], levels["upper-secondary"]],
    )

    assert filtered("education_level=secondary")[0] == ["Both"]


def test_country_and_education_level_narrow_each_other(belgium, netherlands, levels):
    upper = levels["upper-secondary"]
    InitiativeFactory(
        title="Belgian upper", countries=[belgium], education_levels=[upper]
    )
    InitiativeFactory(title="Belgian higher", countries=[belgium])
    InitiativeFactory(
        title="Dutch upper", countries=[netherlands], education_levels=[upper]
    )

    titles, _ = filtered("country=be&education_level=secondary")

    assert titles == ["Belgian upper"]


def test_unknown_country_is_set_aside_and_named(belgium, levels):
    InitiativeFactory(title="Upper", education_levels=[levels["upper-secondary"]])
    InitiativeFactory(title="Higher", education_levels=[levels["higher"]])

    titles, filterset = filtered("country=zz&education_level=upper-secondary")

    assert titles == ["Upper"]
    assert [(r.parameter, r.value) for r in filterset.rejected] == [("country", "zz")]
    assert filterset.rejected[0].message == "“zz” is not a country code we know."
    assert filterset.form.non_field_errors() == ["“zz” is not a country code we know."]


def test_known_values_of_a_parameter_still_apply_next_to_an_unknown_one(
    belgium, netherlands
):
    InitiativeFactory(title="Belgian", countries=[belgium])
    InitiativeFactory(title="Dutch", countries=[netherlands])

    titles, filterset = filtered("country=be&country=zz&country=%3Cb%3E")

    assert titles == ["Belgian"]
    assert [r.value for r in filterset.rejected] == ["zz", "<b>"]
    assert filterset.data.getlist("country") == ["be"]


def test_unknown_education_level_and_sort_are_named(levels):
    InitiativeFactory(title="A")

    titles, filterset = filtered("education_level=primary-ish&sort=shoe-size")

    assert titles == ["A"]
    assert [r.message for r in filterset.rejected] == [
        "“primary-ish” is not an education level we know.",
        "“shoe-size” is not a sort order we offer.",
    ]


def test_empty_values_are_no_filter_and_no_error(belgium):
    InitiativeFactory(title="A")
    InitiativeFactory(title="B", countries=[belgium])

    titles, filterset = filtered("country=&education_level=&sort=")

    assert titles == ["A", "B"]
    assert filterset.rejected == []


def test_value_with_a_null_character_is_rejected_not_sent_to_the_database(belgium):
    InitiativeFactory(title="Belgian", countries=[belgium])

    titles, filterset = filtered("country=b%00e&education_level=x%00")

    assert titles == ["Belgian"]
    assert len(filterset.rejected) == 2


def test_sorting_by_start_year_puts_the_newest_first_and_unknown_years_last():
    InitiativeFactory(title="Undated")
    InitiativeFactory(title="Old", year_start=2012)
    InitiativeFactory(title="New", year_start=2022)

    assert filtered("sort=-year_start")[0] == ["New", "Old", "Undated"]
    assert filtered("sort=title")[0] == ["New", "Old", "Undated"]


def test_sorting_by_last_update_puts_the_latest_first():
    first = InitiativeFactory(title="B first")
    InitiativeFactory(title="A second")
    first.summary = "Edited"
    first.save()

    assert filtered("sort=-updated")[0] == ["B first", "A second"]


def test_parameters_that_are_not_filters_are_kept():
    titles, filterset = filtered("page=2&country=zz")

    assert filterset.data.get("page") == "2"
    assert "country" in filterset.data and filterset.data.getlist("country") == []


def test_repeated_values_are_read_once_and_their_number_is_bounded(belgium):
    InitiativeFactory(title="Belgian", countries=[belgium])
    many = "&".join(f"country=z{n}" for n in range(150))

    titles, filterset = filtered(f"country=be&country=be&{many}")

    assert titles == ["Belgian"]
    assert filterset.data.getlist("country") == ["be"]
    assert filterset.rejected[0].message == (
        "Only the first 100 values of “country” are used."
    )
    assert len(filterset.rejected) == 1 + 99


# --- Every parameter of the URL contract -------------------------------------------


def test_parent_terms_of_every_vocabulary_find_their_children():
    for factory, parameter, relation in [
        (TargetGroupFactory, "target_group", "target_groups"),
        (ThematicCategoryFactory, "theme", "themes"),
        (EuropeanPriorityFactory, "priority", "priorities"),
    ]:
        parent = factory(slug=f"{parameter}-parent", name="Parent")
        child = factory(slug=f"{parameter}-child", name="Child", parent=parent)
        other = factory(slug=f"{parameter}-other", name="Other")
        InitiativeFactory(title=f"{parameter} parent", **{relation: [parent]})
        InitiativeFactory(title=f"{parameter} child", **{relation: [child]})
        InitiativeFactory(title=f"{parameter} both", **{relation: [parent, child]})
        InitiativeFactory(title=f"{parameter} other", **{relation: [other]})

        assert filtered(f"{parameter}={parameter}-parent")[0] == [
            f"{parameter} both",
            f"{parameter} child",
            f"{parameter} parent",
        ]
        assert filtered(f"{parameter}={parameter}-child")[0] == [
            f"{parameter} both",
            f"{parameter} child",
        ]
        titles, filterset = filtered(f"{parameter}=nope&{parameter}={parameter}-other")
        assert titles == [f"{parameter} other"]
        assert [r.value for r in filterset.rejected] == ["nope"]


def test_kind_and_status_take_several_values():
    InitiativeFactory(title="Programme", kind="programme", status="ongoing")
    InitiativeFactory(title="Policy", kind="policy", status="completed")
    InitiativeFactory(title="Publication", kind="publication")

    assert filtered("kind=programme&kind=policy")[0] == ["Policy", "Programme"]
    assert filtered("status=ongoing")[0] == ["Programme"]
    titles, filterset = filtered("kind=policy&status=sleeping&kind=poem")
    assert titles == ["Policy"]
    assert [r.message for r in filterset.rejected] == [
        "“poem” is not a kind of initiative we know.",
        "“sleeping” is not a status we know.",
    ]


def test_organisation_matches_any_role_once():
    vario = OrganisationFactory(slug="vario", name="VARIO")
    led = InitiativeFactory(title="Led")
    funded = InitiativeFactory(title="Funded and partnered")
    InitiativeFactory(title="Not theirs")
    InitiativeOrganisationFactory(initiative=led, organisation=vario)
    for role in (
        InitiativeOrganisation.Role.FUNDER,
        InitiativeOrganisation.Role.PARTNER,
    ):
        InitiativeOrganisationFactory(initiative=funded, organisation=vario, role=role)

    assert filtered("organisation=vario")[0] == ["Funded and partnered", "Led"]
    titles, filterset = filtered("organisation=nobody")
    assert len(titles) == 3
    assert filterset.rejected[0].message == "“nobody” is not an organisation we know."


@pytest.fixture
def timeline():
    InitiativeFactory(title="2012–2020", year_start=2012, year_end=2020)
    InitiativeFactory(title="2021–2030", year_start=2021, year_end=2030)
    InitiativeFactory(title="Since 2018", year_start=2018)
    InitiativeFactory(title="Paper 2016", year_start=2016, kind="publication")
    InitiativeFactory(title="Until 2015", year_end=2015)
    InitiativeFactory(title="Undated")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (
            "",
            [
                "2012–2020",
                "2021–2030",
                "Paper 2016",
                "Since 2018",
                "Undated",
                "Until 2015",
            ],
        ),
        ("year_from=2021", ["2021–2030", "Since 2018"]),
        ("year_to=2016", ["2012–2020", "Paper 2016", "Until 2015"]),
        ("year_from=2016&year_to=2016", ["2012–2020", "Paper 2016"]),
        ("year_from=2019&year_to=2020", ["2012–2020", "Since 2018"]),
        ("year_from=2031", ["Since 2018"]),
        ("year_to=2011", []),
    ],
)
def test_years_select_initiatives_whose_period_overlaps(timeline, query, expected):
    assert filtered(query)[0] == expected


@pytest.mark.parametrize(
    "value", ["abc", "20.5", "-3", "99999", "1e3", "2020%00", "9" * 5000]
)
def test_a_year_that_is_not_a_year_is_named_and_ignored(timeline, value):
    titles, filterset = filtered(f"year_from={value}&year_to=2016")

    assert titles == ["2012–2020", "Paper 2016", "Until 2015"]
    assert [r.parameter for r in filterset.rejected] == ["year_from"]
    assert "is not a year" in filterset.rejected[0].message


def test_text_search_narrows_like_any_other_filter(belgium):
    InitiativeFactory(title="Together for STEM", countries=[belgium])
    InitiativeFactory(title="STEM agenda")
    InitiativeFactory(title="Code club", countries=[belgium])

    assert filtered("q=stem&country=be")[0] == ["Together for STEM"]


def test_an_overlong_search_is_cut_with_a_notice():
    InitiativeFactory(title="Together for STEM")

    titles, filterset = filtered("q=" + "stem " + "x" * 400)

    assert len(filterset.data["q"]) == 200
    assert [r.parameter for r in filterset.rejected] == ["q"]
    assert "first 200 characters" in filterset.rejected[0].message
    assert titles == []


def test_a_search_with_a_null_character_is_named_and_ignored():
    InitiativeFactory(title="A")

    titles, filterset = filtered("q=st%00em")

    assert titles == ["A"]
    assert [r.parameter for r in filterset.rejected] == ["q"]


def test_sort_defaults_to_relevance_when_searching_and_title_otherwise():
    assert filtered("")[1].sort_order == "title"
    assert filtered("q=stem")[1].sort_order == "relevance"
    assert filtered("q=stem&sort=-updated")[1].sort_order == "-updated"
    # Nothing to rank without a search.
    assert filtered("sort=relevance")[1].sort_order == "title"


def test_without_leaves_out_only_the_named_parameters(belgium, levels):
    InitiativeFactory(
        title="Belgian upper",
        countries=[belgium],
        education_levels=[levels["upper-secondary"]],
    )
    InitiativeFactory(title="Belgian", countries=[belgium])
    InitiativeFactory(title="Upper", education_levels=[levels["upper-secondary"]])
    _, filterset = filtered("country=be&education_level=secondary")

    assert sorted(i.title for i in filterset.without("country")) == [
        "Belgian upper",
        "Upper",
    ]
    assert sorted(i.title for i in filterset.without("education_level")) == [
        "Belgian",
        "Belgian upper",
    ]
