"""The shipped vocabularies are complete and hold the sources' exact labels."""

import pytest

from initiatives.models import (
    EducationLevel,
    EuropeanPriority,
    TargetGroup,
    ThematicCategory,
)

VOCABULARIES = [EducationLevel, TargetGroup, ThematicCategory, EuropeanPriority]

pytestmark = pytest.mark.django_db


def children(model, parent_name):
    return list(
        model.objects.filter(parent__name=parent_name).values_list("name", flat=True)
    )


def term_for_label(model, label):
    """The term whose name or one of whose aliases is exactly `label`."""
    return [
        term for term in model.objects.all() if label in [term.name, *term.alias_list]
    ]


# --- all vocabularies --------------------------------------------------------


@pytest.mark.parametrize("model", VOCABULARIES)
def test_vocabularies_have_at_most_two_levels(catalogue, model):
    assert not model.objects.filter(parent__parent__isnull=False).exists()


@pytest.mark.parametrize("model", VOCABULARIES)
def test_every_term_has_a_description(catalogue, model):
    assert not model.objects.filter(description="").exists()


@pytest.mark.parametrize("model", VOCABULARIES)
def test_children_are_ordered_after_their_parent(catalogue, model):
    for term in model.objects.filter(parent__isnull=False).select_related("parent"):
        assert term.order > term.parent.order, term.slug


# --- education levels --------------------------------------------------------


def test_top_level_education_levels_follow_isced_order(catalogue):
    slugs = list(
        EducationLevel.objects.filter(parent__isnull=True).values_list(
            "slug", flat=True
        )
    )

    assert slugs == [
        "early-childhood",
        "primary",
        "secondary",
        "post-secondary-non-tertiary",
        "vet",
        "higher-education",
        "adult-learning",
    ]


@pytest.mark.parametrize(
    "label",
    [
        "Secondary Education",
        "Vocational Education and Training (VET)",
        "Higher Education",
        "Lifelong Learning / Upskilling",
    ],
)
def test_each_eu_stem_coalition_level_maps_to_one_term(catalogue, label):
    assert len(term_for_label(EducationLevel, label)) == 1


def test_secondary_education_has_lower_and_upper_secondary_below_it(catalogue):
    secondary = term_for_label(EducationLevel, "Secondary Education")[0]

    assert [child.slug for child in secondary.children.order_by("order")] == [
        "lower-secondary",
        "upper-secondary",
    ]
    assert [child.isced for child in secondary.children.order_by("order")] == ["2", "3"]


def test_isced_levels_are_recorded(catalogue):
    isced = dict(EducationLevel.objects.values_list("slug", "isced"))

    assert isced["early-childhood"] == "0"
    assert isced["primary"] == "1"
    assert isced["secondary"] == "2–3"
    assert isced["post-secondary-non-tertiary"] == "4"
    assert isced["higher-education"] == "5–8"
    assert [
        isced[s] for s in ["short-cycle-tertiary", "bachelor", "master", "doctoral"]
    ] == [
        "5",
        "6",
        "7",
        "8",
    ]


def test_vet_has_initial_and_continuing_vet(catalogue):
    assert children(EducationLevel, "Vocational education and training (VET)") == [
        "Initial VET (IVET)",
        "Continuing VET (CVET)",
    ]


# --- target groups -----------------------------------------------------------


def test_cedefop_learner_groups_sit_under_learners(catalogue):
    learners = children(TargetGroup, "Learners")

    for label in [
        "Learners in upper secondary, including apprentices",
        "Young people (15-29 years old)",
        "Adult learners",
        "Girls and women",
        "Higher education students",
        "Early leavers from education and training",
        "Unemployed people",
    ]:
        assert label in learners


def test_organisations_include_cedefop_smes_and_vet_providers(catalogue):
    organisations = children(TargetGroup, "Organisations")

    assert "Small and medium-sized enterprises (SMEs)" in organisations
    assert "VET providers (all kinds)" in organisations
    assert "Employers and companies" in organisations
    assert "Schools" in organisations
    assert "Social partners" in organisations


def test_teachers_trainers_and_guidance_practitioners_are_target_groups(catalogue):
    assert len(children(TargetGroup, "Teachers, trainers and school leaders")) >= 4
    assert TargetGroup.objects.filter(name="Guidance practitioners").exists()
    assert TargetGroup.objects.filter(name="Parents and families").exists()


# --- thematic categories -----------------------------------------------------


def test_the_five_cedefop_thematic_categories_are_top_level(catalogue):
    names = list(
        ThematicCategory.objects.filter(parent__isnull=True).values_list(
            "name", flat=True
        )
    )

    assert names == [
        "Governance of VET and lifelong learning",
        "Supporting lifelong learning culture and increasing participation",
        "Modernising VET offer and delivery",
        "Teachers, trainers and school leaders' competences",
        "Internationalisation and mobility",
    ]


def test_every_thematic_category_has_sub_categories(catalogue):
    for category in ThematicCategory.objects.filter(parent__isnull=True):
        assert category.children.count() >= 3, category.name


def test_governance_sub_categories(catalogue):
    assert children(ThematicCategory, "Governance of VET and lifelong learning") == [
        "Legal, strategic and financing frameworks",
        "Stakeholder engagement and cooperation",
        "Skills intelligence",
    ]


def test_lifelong_learning_sub_categories_include_the_seeds(catalogue):
    subs = children(
        ThematicCategory,
        "Supporting lifelong learning culture and increasing participation",
    )

    assert "Promotion of VET and lifelong learning and access to information" in subs
    assert "Inclusive VET and equal opportunities" in subs
    assert "Lifelong guidance" in subs
    assert "Validation of non-formal and informal learning" in subs


def test_modernising_vet_sub_categories(catalogue):
    subs = children(ThematicCategory, "Modernising VET offer and delivery")

    for name in [
        "Work-based learning and apprenticeships",
        "Digital transition in VET",
        "Green transition and sustainability",
        "Key competences",
        "Centres of vocational excellence",
        "Quality assurance",
    ]:
        assert name in subs


def test_cedefop_category_texts_are_summarised_on_the_categories(catalogue):
    governance = ThematicCategory.objects.get(slug="governance")
    stakeholders = ThematicCategory.objects.get(slug="stakeholder-engagement")
    inclusive = ThematicCategory.objects.get(slug="inclusive-vet")

    assert "social partners" in governance.description
    assert "European Alliance for Apprenticeships" in stakeholders.description
    assert "gender balance" in inclusive.description


# --- European priorities -----------------------------------------------------


def test_priority_frameworks_and_their_source_labels(catalogue):
    frameworks = EuropeanPriority.objects.filter(parent__isnull=True)

    assert [f.name for f in frameworks] == [
        "Council Recommendation on VET (2020)",
        "Osnabrück Declaration (2020)",
        "Riga conclusions (2015)",
    ]
    assert len(term_for_label(EuropeanPriority, "VET Recommendation")) == 1
    assert len(term_for_label(EuropeanPriority, "Osnabrück Declaration")) == 1


def test_vet_recommendation_priorities(catalogue):
    assert children(EuropeanPriority, "Council Recommendation on VET (2020)") == [
        "VET agile in adapting to labour market challenges",
        "Flexibility and progression opportunities at the core of VET",
        "VET as a driver for innovation and growth, preparing for the digital and "
        "green transitions",
        "VET as an attractive choice based on modern and digitalised provision",
        "VET promoting equality of opportunities",
        "VET underpinned by a culture of quality assurance",
    ]


def test_osnabruck_declaration_objectives(catalogue):
    assert children(EuropeanPriority, "Osnabrück Declaration (2020)") == [
        "Resilience and excellence through quality, inclusive and flexible VET",
        "Establishing a new lifelong learning culture – relevance of continuing VET "
        "and digitalisation",
        "Sustainability – a green link in VET",
        "European Education and Training Area and international VET",
    ]


def test_riga_conclusions_have_five_deliverables(catalogue):
    assert len(children(EuropeanPriority, "Riga conclusions (2015)")) == 5
