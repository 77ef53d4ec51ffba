"""InitiativeFilter: the catalogue's one filter language, on its own."""

import pytest
from django.http import QueryDict

from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative
from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    InitiativeFactory,
    RegionFactory,
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
