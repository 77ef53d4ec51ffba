"""factory_boy factories for the catalogue's models."""

import factory
from factory.django import DjangoModelFactory

from initiatives.models import (
    KPI,
    Country,
    EducationLevel,
    EuropeanPriority,
    Funding,
    Initiative,
    InitiativeOrganisation,
    InitiativeRelation,
    Language,
    Milestone,
    Objective,
    Organisation,
    Region,
    TargetGroup,
    ThematicCategory,
)


class CountryFactory(DjangoModelFactory):
    class Meta:
        model = Country
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"Q{chr(65 + n % 26)}")
    name = factory.LazyAttribute(lambda o: f"Country {o.code}")
    slug = factory.LazyAttribute(lambda o: f"country-{o.code.lower()}")
    is_eu_member = True


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region

    country = factory.SubFactory(CountryFactory)
    name = factory.Sequence(lambda n: f"Region {n}")
    slug = factory.Sequence(lambda n: f"region-{n}")


class VocabularyFactory(DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Term {n}")
    slug = factory.Sequence(lambda n: f"term-{n}")


class EducationLevelFactory(VocabularyFactory):
    class Meta:
        model = EducationLevel
        django_get_or_create = ("slug",)


class TargetGroupFactory(VocabularyFactory):
    class Meta:
        model = TargetGroup
        django_get_or_create = ("slug",)


class ThematicCategoryFactory(VocabularyFactory):
    class Meta:
        model = ThematicCategory
        django_get_or_create = ("slug",)


class EuropeanPriorityFactory(VocabularyFactory):
    class Meta:
        model = EuropeanPriority
        django_get_or_create = ("slug",)


class LanguageFactory(DjangoModelFactory):
    class Meta:
        model = Language
        django_get_or_create = ("code",)

    code = "en"
    name = "English"


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.NGO


class InitiativeFactory(DjangoModelFactory):
    class Meta:
        model = Initiative
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Initiative {n}")
    slug = factory.Sequence(lambda n: f"initiative-{n}")
    kind = Initiative.Kind.PROGRAMME
    summary = "A short plain-language summary."
    publication_state = Initiative.PublicationState.PUBLISHED

    @factory.post_generation
    def countries(self, create, extracted, **kwargs):
        if create and extracted:
            self.countries.set(extracted)

    @factory.post_generation
    def regions(self, create, extracted, **kwargs):
        if create and extracted:
            self.regions.set(extracted)

    @factory.post_generation
    def education_levels(self, create, extracted, **kwargs):
        if create and extracted:
            self.education_levels.set(extracted)

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_groups.set(extracted)

    @factory.post_generation
    def themes(self, create, extracted, **kwargs):
        if create and extracted:
            self.themes.set(extracted)

    @factory.post_generation
    def priorities(self, create, extracted, **kwargs):
        if create and extracted:
            self.priorities.set(extracted)


class InitiativeOrganisationFactory(DjangoModelFactory):
    class Meta:
        model = InitiativeOrganisation

    initiative = factory.SubFactory(InitiativeFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = InitiativeOrganisation.Role.LEAD


class ObjectiveFactory(DjangoModelFactory):
    class Meta:
        model = Objective

    initiative = factory.SubFactory(InitiativeFactory)
    text = factory.Sequence(lambda n: f"Objective {n}")
    order = factory.Sequence(lambda n: n)


class KPIFactory(DjangoModelFactory):
    class Meta:
        model = KPI

    initiative = factory.SubFactory(InitiativeFactory)
    indicator = factory.Sequence(lambda n: f"Indicator {n}")
    value = 100
    unit = "participants"


class FundingFactory(DjangoModelFactory):
    class Meta:
        model = Funding

    initiative = factory.SubFactory(InitiativeFactory)
    model = Funding.Model.PRIVATE


class MilestoneFactory(DjangoModelFactory):
    class Meta:
        model = Milestone

    initiative = factory.SubFactory(InitiativeFactory)
    year = 2020
    stage = Milestone.Stage.DESIGN


class InitiativeRelationFactory(DjangoModelFactory):
    class Meta:
        model = InitiativeRelation

    from_initiative = factory.SubFactory(InitiativeFactory)
    to_initiative = factory.SubFactory(InitiativeFactory)
    kind = InitiativeRelation.Kind.FOLLOWS
