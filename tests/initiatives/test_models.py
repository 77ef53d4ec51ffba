"""The database and the models' clean() refuse data users would call wrong."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from initiatives.models import (
    Country,
    Initiative,
    InitiativeOrganisation,
    InitiativeRelation,
)
from tests.factories import (
    CountryFactory,
    EducationLevelFactory,
    FundingFactory,
    InitiativeFactory,
    InitiativeOrganisationFactory,
    KPIFactory,
    MilestoneFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db


def assert_integrity_error(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_database_refuses_year_end_before_year_start():
    assert_integrity_error(lambda: InitiativeFactory(year_start=2021, year_end=2019))


def test_open_ended_and_single_year_initiatives_are_allowed():
    assert InitiativeFactory(year_start=2019, year_end=None).years == "2019–"
    assert InitiativeFactory(year_start=2022, year_end=2022).years == "2022"
    assert InitiativeFactory(year_start=2012, year_end=2020).years == "2012–2020"


def test_clean_explains_year_end_before_year_start():
    initiative = InitiativeFactory.build(year_start=2021, year_end=2019)
    with pytest.raises(ValidationError) as error:
        initiative.full_clean()
    assert "year_end" in error.value.message_dict


def test_database_refuses_duplicate_initiative_slug():
    InitiativeFactory(slug="stem-agenda-2030")
    assert_integrity_error(lambda: InitiativeFactory(slug="stem-agenda-2030"))


def test_database_refuses_duplicate_country_code():
    Country.objects.create(code="BE", name="Belgium", slug="belgium")
    assert_integrity_error(
        lambda: Country.objects.create(code="BE", name="Belgique", slug="belgique")
    )


def test_database_refuses_country_code_that_is_not_two_capitals():
    assert_integrity_error(
        lambda: Country.objects.create(code="be", name="Belgium", slug="belgium")
    )
    assert_integrity_error(
        lambda: Country.objects.create(code="B1", name="Belgium", slug="belgium")
    )


def test_one_row_per_initiative_organisation_and_role():
    role = InitiativeOrganisationFactory(role=InitiativeOrganisation.Role.FUNDER)
    assert_integrity_error(
        lambda: InitiativeOrganisationFactory(
            initiative=role.initiative,
            organisation=role.organisation,
            role=InitiativeOrganisation.Role.FUNDER,
        )
    )
    # The same organisation may hold another role in the same initiative.
    InitiativeOrganisationFactory(
        initiative=role.initiative,
        organisation=role.organisation,
        role=InitiativeOrganisation.Role.LEAD,
    )
    assert role.initiative.organisation_roles.count() == 2


def test_initiative_cannot_be_related_to_itself():
    initiative = InitiativeFactory()
    assert_integrity_error(
        lambda: InitiativeRelation.objects.create(
            from_initiative=initiative,
            to_initiative=initiative,
            kind=InitiativeRelation.Kind.FOLLOWS,
        )
    )


def test_relation_is_unique_per_kind():
    a, b = InitiativeFactory(), InitiativeFactory()
    InitiativeRelation.objects.create(
        from_initiative=a, to_initiative=b, kind="follows"
    )
    assert_integrity_error(
        lambda: InitiativeRelation.objects.create(
            from_initiative=a, to_initiative=b, kind="follows"
        )
    )


def test_only_publications_have_a_publication_type():
    assert_integrity_error(
        lambda: InitiativeFactory(
            kind=Initiative.Kind.PROGRAMME,
            publication_type=Initiative.PublicationType.REPORT,
        )
    )
    publication = InitiativeFactory(
        kind=Initiative.Kind.PUBLICATION,
        publication_type=Initiative.PublicationType.MONITORING,
    )
    assert publication.get_publication_type_display() == "Monitoring instrument"


def test_kpi_period_and_funding_amount_are_checked():
    assert_integrity_error(lambda: KPIFactory(year_start=2023, year_end=2020))
    assert_integrity_error(lambda: FundingFactory(amount=-5, currency="EUR"))


def test_funding_amount_needs_a_currency():
    funding = FundingFactory.build(
        initiative=InitiativeFactory(), amount=1000, currency=""
    )
    with pytest.raises(ValidationError) as error:
        funding.full_clean()
    assert "currency" in error.value.message_dict


def test_milestone_date_must_fall_in_its_year():
    import datetime

    milestone = MilestoneFactory.build(
        initiative=InitiativeFactory(), year=2022, date=datetime.date(2021, 10, 3)
    )
    with pytest.raises(ValidationError):
        milestone.full_clean()


def test_kpi_value_reads_as_the_source_says_it():
    kpi = KPIFactory(value=2200, qualifier="about", unit="website users a year")
    assert kpi.display_value == "about 2,200 website users a year"
    assert KPIFactory(
        value=15, qualifier="at-least", unit="teachers"
    ).display_value == ("at least 15 teachers")
    assert KPIFactory(value=None).display_value == ""


def test_vocabulary_has_two_levels_only():
    top = EducationLevelFactory(slug="secondary", name="Secondary education")
    child = EducationLevelFactory(slug="upper-secondary", name="Upper", parent=top)
    grandchild = EducationLevelFactory.build(slug="x", name="X", parent=child)
    with pytest.raises(ValidationError):
        grandchild.full_clean()
    assert str(child) == "Secondary education › Upper"


def test_organisation_region_must_be_in_its_country():
    from tests.factories import RegionFactory

    be = CountryFactory(code="BE", name="Belgium", slug="belgium")
    nl = CountryFactory(code="NL", name="Netherlands", slug="netherlands")
    flanders = RegionFactory(country=be, slug="flanders", name="Flanders")
    organisation = OrganisationFactory.build(country=nl, region=flanders)
    with pytest.raises(ValidationError):
        organisation.full_clean()


def test_public_urls_of_entities():
    country = CountryFactory(code="BE", name="Belgium", slug="belgium")
    assert country.get_absolute_url() == "/countries/be/"
    assert InitiativeFactory(slug="kiezen-voor-stem").get_absolute_url() == (
        "/initiatives/kiezen-voor-stem/"
    )
    assert OrganisationFactory(slug="vario").get_absolute_url() == (
        "/organisations/vario/"
    )
    level = EducationLevelFactory(slug="upper-secondary")
    assert level.get_absolute_url() == "/initiatives/?education_level=upper-secondary"
