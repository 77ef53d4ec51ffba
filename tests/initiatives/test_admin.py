"""The admin lets an editor do the whole job: enter, find, publish."""

import re

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

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
from tests.admin_forms import admin_url
from tests.admin_forms import errors as _errors
from tests.admin_forms import form_values as _form_values
from tests.admin_forms import formset as _formset
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

CATALOGUE_MODELS = [
    Country,
    Region,
    Organisation,
    Initiative,
    InitiativeOrganisation,
    Objective,
    KPI,
    Funding,
    Milestone,
    InitiativeRelation,
    EducationLevel,
    TargetGroup,
    ThematicCategory,
    EuropeanPriority,
    Language,
]

REGISTERED = list(admin.site._registry)
# django-axes' login records are written by the login view, never by hand.
ADDABLE = [model for model in REGISTERED if model._meta.app_label != "axes"]


@pytest.fixture
def rows():
    """One row of every catalogue model, wired together like a real entry."""
    belgium = CountryFactory(code="BE", name="Belgium", slug="belgium")
    flanders = RegionFactory(country=belgium, name="Flanders", slug="flanders")
    secondary = EducationLevelFactory(name="Secondary education", slug="secondary")
    upper = EducationLevelFactory(
        name="Upper secondary", slug="upper-secondary", parent=secondary
    )
    learners = TargetGroupFactory(name="Learners", slug="learners")
    governance = ThematicCategoryFactory(name="Governance", slug="governance")
    osnabrueck = EuropeanPriorityFactory(name="Osnabrück", slug="osnabrueck")
    dutch = LanguageFactory(code="nl", name="Dutch")
    vario = OrganisationFactory(
        name="Advisory Council for Innovation and Entrepreneurship",
        acronym="VARIO",
        slug="vario",
        country=belgium,
    )
    agenda = InitiativeFactory(
        title="STEM agenda 2030",
        slug="stem-agenda-2030",
        kind=Initiative.Kind.POLICY,
        year_start=2020,
        countries=[belgium],
        regions=[flanders],
        education_levels=[upper],
        target_groups=[learners],
        themes=[governance],
        priorities=[osnabrueck],
    )
    agenda.languages.set([dutch])
    action_plan = InitiativeFactory(
        title="STEM action plan 2012-2020", slug="stem-action-plan"
    )
    follow_up = InitiativeFactory(title="STEM agenda evaluation", slug="evaluation")
    return {
        Country: belgium,
        Region: flanders,
        EducationLevel: upper,
        TargetGroup: learners,
        ThematicCategory: governance,
        EuropeanPriority: osnabrueck,
        Language: dutch,
        Organisation: vario,
        Initiative: agenda,
        InitiativeOrganisation: InitiativeOrganisationFactory(
            initiative=agenda,
            organisation=vario,
            role=InitiativeOrganisation.Role.RESPONSIBLE,
        ),
        Objective: ObjectiveFactory(initiative=agenda, text="More STEM graduates"),
        KPI: KPIFactory(initiative=agenda, indicator="STEM graduates"),
        Funding: FundingFactory(initiative=agenda, funder=vario),
        Milestone: MilestoneFactory(
            initiative=agenda, year=2021, stage=Milestone.Stage.APPROVED
        ),
        InitiativeRelation: InitiativeRelationFactory(
            from_initiative=agenda,
            to_initiative=action_plan,
            kind=InitiativeRelation.Kind.FOLLOWS,
        ),
        # An incoming relation, so the read-only inline has a row too.
        "incoming": InitiativeRelationFactory(
            from_initiative=follow_up,
            to_initiative=agenda,
            kind=InitiativeRelation.Kind.EVALUATES,
        ),
    }


# --- Registration and rendering -------------------------------------------------


def test_every_catalogue_model_is_in_the_admin():
    missing = [m.__name__ for m in CATALOGUE_MODELS if m not in admin.site._registry]
    assert missing == []


def test_admin_pages_carry_the_stemportal_header(staff_client):
    response = staff_client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "StemPortal administration" in response.text


@pytest.mark.parametrize(
    "model", REGISTERED, ids=[m._meta.label_lower for m in REGISTERED]
)
def test_changelist_renders_with_data(staff_client, rows, model):
    response = staff_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200
    if model in rows:
        assert 'class="action-checkbox"' in response.text  # at least one row


@pytest.mark.parametrize("model", ADDABLE, ids=[m._meta.label_lower for m in ADDABLE])
def test_add_page_renders(staff_client, model):
    response = staff_client.get(admin_url(model, "add"))
    assert response.status_code == 200


def test_login_records_cannot_be_added_by_hand_but_can_be_read(staff_client):
    from axes.models import AccessAttempt

    response = staff_client.get(admin_url(AccessAttempt, "add"))
    assert response.status_code == 403
    attempt = AccessAttempt.objects.create(
        username="mallory",
        ip_address="192.0.2.1",
        user_agent="test",
        failures_since_start=3,
    )
    response = staff_client.get(admin_url(AccessAttempt, "change", attempt.pk))
    assert response.status_code == 200
    assert "mallory" in response.text


@pytest.mark.parametrize("model", ADDABLE, ids=[m._meta.label_lower for m in ADDABLE])
def test_change_page_renders(staff_client, rows, model):
    obj = rows.get(model) or model.objects.first() or Group.objects.create(name="x")
    response = staff_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200


def test_initiative_change_page_shows_every_inline(staff_client, rows):
    agenda = rows[Initiative]
    response = staff_client.get(admin_url(Initiative, "change", agenda.pk))
    assert response.status_code == 200
    text = response.text
    for prefix in [
        "organisation_roles",
        "objectives",
        "kpis",
        "fundings",
        "milestones",
        "relations_from",
        "relations_to",
    ]:
        assert f'name="{prefix}-TOTAL_FORMS" value="1"' in text, prefix
    assert "More STEM graduates" in text
    assert "STEM graduates" in text
    # The incoming relation reads from this initiative's side.
    assert "is evaluated by" in text
    assert "STEM agenda evaluation" in text
    content_type = ContentType.objects.get_for_model(Initiative)
    view_on_site = reverse("admin:view_on_site", args=[content_type.pk, agenda.pk])
    assert f'href="{view_on_site}"' in text


def test_initiative_form_uses_autocomplete_for_long_lists(staff_client):
    text = staff_client.get(admin_url(Initiative, "add")).text
    for field in [
        "countries",
        "regions",
        "education_levels",
        "target_groups",
        "themes",
        "priorities",
        "languages",
        "organisation_roles-__prefix__-organisation",
        "relations_from-__prefix__-to_initiative",
        "fundings-__prefix__-funder",
    ]:
        tag = re.search(rf'<select[^>]*\sname="{re.escape(field)}"[^>]*>', text)
        assert tag, field
        assert "admin-autocomplete" in tag.group(0), field


# --- Entering an initiative -------------------------------------------------------


def _management_prefixes(response):
    return set(re.findall(r'name="([\w-]+)-TOTAL_FORMS"', response.text))


def _initiative_post(**overrides):
    data = {
        "title": "Together for STEM",
        "slug": "together-for-stem",
        "kind": Initiative.Kind.PROGRAMME,
        "publication_state": Initiative.PublicationState.DRAFT,
        "year_start": "2016",
        "status": Initiative.Status.ONGOING,
    }
    data.update(overrides)
    for prefix in [
        "organisation_roles",
        "objectives",
        "kpis",
        "fundings",
        "milestones",
        "relations_from",
    ]:
        data.update(_formset(prefix, []))
    return data


def test_add_form_has_one_formset_per_inline(staff_client):
    response = staff_client.get(admin_url(Initiative, "add"))
    assert _management_prefixes(response) == {
        "organisation_roles",
        "objectives",
        "kpis",
        "fundings",
        "milestones",
        "relations_from",
    }


def test_initiative_with_every_inline_is_created_in_one_post(staff_client):
    belgium = CountryFactory(code="BE", name="Belgium", slug="belgium")
    csr = OrganisationFactory(name="CSR Europe", slug="csr-europe")
    pact = InitiativeFactory(title="European Pact for Youth", slug="pact-for-youth")
    data = _initiative_post(countries=[str(belgium.pk)])
    data.update(
        _formset(
            "organisation_roles",
            [{"organisation": str(csr.pk), "role": InitiativeOrganisation.Role.LEAD}],
        )
    )
    data.update(
        _formset(
            "objectives",
            [
                {"order": "1", "group": "Workstream 1", "text": "Inspire young people"},
                {"order": "2", "group": "Workstream 2", "text": "Smooth transition"},
            ],
        )
    )
    data.update(
        _formset(
            "kpis",
            [
                {
                    "order": "0",
                    "kind": KPI.Kind.REACH,
                    "indicator": "Users of the STEM@Home website",
                    "qualifier": KPI.Qualifier.ABOUT,
                    "value": "2200",
                    "unit": "users a year",
                    "year_start": "2020",
                    "year_end": "2023",
                }
            ],
        )
    )
    data.update(
        _formset(
            "fundings",
            [{"funder": str(csr.pk), "model": Funding.Model.PRIVATE, "currency": ""}],
        )
    )
    data.update(
        _formset(
            "milestones", [{"year": "2022", "stage": Milestone.Stage.IMPLEMENTATION}]
        )
    )
    data.update(
        _formset(
            "relations_from",
            [
                {
                    "kind": InitiativeRelation.Kind.EMERGED_FROM,
                    "to_initiative": str(pact.pk),
                }
            ],
        )
    )

    response = staff_client.post(admin_url(Initiative, "add"), data)

    assert response.status_code == 302, _errors(response)
    created = Initiative.objects.get(slug="together-for-stem")
    assert list(created.countries.all()) == [belgium]
    assert list(created.organisation_roles.values_list("organisation", "role")) == [
        (csr.pk, "lead")
    ]
    assert list(created.objectives.values_list("text", flat=True)) == [
        "Inspire young people",
        "Smooth transition",
    ]
    kpi = created.kpis.get()
    assert (kpi.kind, kpi.value, kpi.period) == ("reach", 2200, "2020–2023")
    assert created.fundings.get().funder == csr
    assert created.milestones.get().stage == "implementation"
    relation = created.relations_from.get()
    assert (relation.kind, relation.to_initiative) == ("emerged-from", pact)
    assert LogEntry.objects.filter(object_id=str(created.pk)).exists()


def test_end_year_before_start_year_is_refused_with_a_friendly_message(staff_client):
    data = _initiative_post(year_start="2021", year_end="2020")
    data.update(
        _formset(
            "objectives", [{"order": "0", "group": "", "text": "Should not be saved"}]
        )
    )

    response = staff_client.post(admin_url(Initiative, "add"), data)

    assert response.status_code == 200
    assert "The end year cannot be before the start year." in response.text
    assert "Constraint" not in response.text
    assert not Initiative.objects.exists()
    assert not Objective.objects.exists()


def test_kpi_period_is_checked_inside_the_inline(staff_client):
    data = _initiative_post()
    data.update(
        _formset(
            "kpis",
            [
                {
                    "order": "0",
                    "kind": KPI.Kind.INDICATOR,
                    "indicator": "Teachers surveyed",
                    "year_start": "2023",
                    "year_end": "2020",
                }
            ],
        )
    )

    response = staff_client.post(admin_url(Initiative, "add"), data)

    assert response.status_code == 200
    assert "The end year cannot be before the start year." in response.text
    assert not Initiative.objects.exists()


def test_existing_initiative_is_edited_and_saved_with_its_inlines(staff_client, rows):
    agenda = rows[Initiative]
    url = admin_url(Initiative, "change", agenda.pk)
    data = _form_values(staff_client.get(url).text)
    data["title"] = "STEM agenda 2030 (Flanders)"
    data["objectives-0-text"] = "More STEM graduates in VET"

    response = staff_client.post(url, data)

    assert response.status_code == 302, _errors(response)
    agenda.refresh_from_db()
    assert agenda.title == "STEM agenda 2030 (Flanders)"
    assert agenda.objectives.get().text == "More STEM graduates in VET"
    # Every other row survives the round trip, the incoming relation included.
    assert agenda.kpis.count() == agenda.fundings.count() == 1
    assert agenda.relations_to.count() == 1
    assert list(agenda.countries.all()) == [rows[Country]]
    assert list(agenda.education_levels.all()) == [rows[EducationLevel]]


def test_initiative_cannot_be_related_to_itself(staff_client, rows):
    agenda = rows[Initiative]
    url = admin_url(Initiative, "change", agenda.pk)
    text = staff_client.get(url).text
    # Resubmit the page as rendered, plus a relation to itself.
    data = _form_values(text)
    data.update(
        {
            "relations_from-TOTAL_FORMS": "2",
            "relations_from-1-kind": InitiativeRelation.Kind.PART_OF,
            "relations_from-1-to_initiative": str(agenda.pk),
            "relations_from-1-from_initiative": str(agenda.pk),
        }
    )

    response = staff_client.post(url, data)

    assert response.status_code == 200
    assert "An initiative cannot be related to itself." in response.text
    assert agenda.relations_from.count() == 1


# --- Publishing -----------------------------------------------------------------


def _run_action(client, action, initiatives):
    return client.post(
        admin_url(Initiative, "changelist"),
        {"action": action, "_selected_action": [str(i.pk) for i in initiatives]},
        follow=True,
    )


def test_publish_action_publishes_drafts_and_says_how_many(staff_client):
    drafts = InitiativeFactory.create_batch(
        2, publication_state=Initiative.PublicationState.DRAFT
    )
    already = InitiativeFactory(publication_state=Initiative.PublicationState.PUBLISHED)

    response = _run_action(staff_client, "publish", [*drafts, already])

    assert response.status_code == 200
    assert "2 initiatives were published. 1 was already published." in response.text
    assert set(Initiative.objects.values_list("publication_state", flat=True)) == {
        "published"
    }
    assert LogEntry.objects.filter(object_id=str(drafts[0].pk)).exists()
    assert not LogEntry.objects.filter(object_id=str(already.pk)).exists()


def test_unpublish_action_moves_initiatives_back_to_draft(staff_client):
    published = InitiativeFactory.create_batch(
        3, publication_state=Initiative.PublicationState.PUBLISHED
    )

    response = _run_action(staff_client, "unpublish", published[:2])

    assert "2 initiatives were moved back to draft." in response.text
    states = {i.pk: i.publication_state for i in Initiative.objects.all()}
    assert [states[i.pk] for i in published] == ["draft", "draft", "published"]


def test_unpublish_action_reports_a_single_initiative_in_the_singular(staff_client):
    initiative = InitiativeFactory()

    response = _run_action(staff_client, "unpublish", [initiative])

    assert "1 initiative was moved back to draft." in response.text


# --- Finding things -------------------------------------------------------------


def _page_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _initiatives_in_two_countries(count):
    first = CountryFactory(code="BE", name="Belgium", slug="belgium")
    second = CountryFactory(code="NL", name="Netherlands", slug="netherlands")
    level = EducationLevelFactory(slug="vet", name="VET")
    for _ in range(count):
        InitiativeFactory(countries=[first, second], education_levels=[level])


def test_initiative_changelist_query_count_does_not_grow_with_rows(staff_client):
    url = admin_url(Initiative, "changelist")
    _initiatives_in_two_countries(3)
    staff_client.get(url)  # warm up session and content-type caches
    with_three = _page_queries(staff_client, url)
    _initiatives_in_two_countries(12)
    with_fifteen = _page_queries(staff_client, url)

    assert Initiative.objects.count() == 15
    assert with_fifteen == with_three


@pytest.mark.parametrize("model", [Organisation, Region, EducationLevel, Funding])
def test_other_changelists_query_count_does_not_grow_with_rows(staff_client, model):
    def add_rows(count):
        for _ in range(count):
            country = CountryFactory()
            parent = EducationLevelFactory()
            OrganisationFactory(country=country)
            RegionFactory(country=country)
            EducationLevelFactory(parent=parent)
            FundingFactory(funder=OrganisationFactory())

    url = admin_url(model, "changelist")
    add_rows(2)
    staff_client.get(url)
    few = _page_queries(staff_client, url)
    add_rows(8)
    many = _page_queries(staff_client, url)
    assert many == few


def test_initiative_changelist_shows_the_columns_editors_scan(staff_client, rows):
    response = staff_client.get(admin_url(Initiative, "changelist"))
    text = response.text
    assert "STEM agenda 2030" in text
    assert "Policy / strategy / action plan" in text
    assert '<td class="field-country_list">BE</td>' in text
    assert '<td class="field-year_start">2020</td>' in text


def test_initiative_changelist_filters_by_country_and_education_level(
    staff_client, rows
):
    belgium, upper = rows[Country], rows[EducationLevel]
    url = admin_url(Initiative, "changelist")

    by_country = staff_client.get(url, {"countries__id__exact": belgium.pk})
    by_level = staff_client.get(url, {"education_levels__id__exact": upper.pk})

    for response in (by_country, by_level):
        assert response.status_code == 200
        assert list(response.context["cl"].result_list) == [rows[Initiative]]


def test_initiative_search_finds_organisations_once(staff_client, rows):
    agenda = rows[Initiative]
    InitiativeOrganisationFactory(
        initiative=agenda, organisation=rows[Organisation], role="partner"
    )

    response = staff_client.get(admin_url(Initiative, "changelist"), {"q": "VARIO"})

    assert list(response.context["cl"].result_list) == [agenda]


def test_organisation_changelist_counts_initiatives(staff_client, rows):
    OrganisationFactory(name="Idle organisation", slug="idle")
    InitiativeOrganisationFactory(organisation=rows[Organisation])

    response = staff_client.get(
        admin_url(Organisation, "changelist"), {"o": "-6"}
    )  # sorted by the initiative count, largest first

    results = list(response.context["cl"].result_list)
    assert [(o.slug, o.initiative_count) for o in results] == [
        ("vario", 2),
        ("idle", 0),
    ]
    assert '<td class="field-initiative_count">2</td>' in response.text


def test_vocabulary_changelist_filters_top_level_terms(staff_client, rows):
    url = admin_url(EducationLevel, "changelist")

    top = staff_client.get(url, {"parent": "none"})
    children = staff_client.get(url, {"parent": str(rows[EducationLevel].parent_id)})

    assert [t.slug for t in top.context["cl"].result_list] == ["secondary"]
    assert [t.slug for t in children.context["cl"].result_list] == ["upper-secondary"]


def test_vocabulary_order_is_editable_in_the_list(staff_client):
    first = TargetGroupFactory(name="Learners", slug="learners", order=1)
    second = TargetGroupFactory(name="Teachers", slug="teachers", order=2)

    response = staff_client.post(
        admin_url(TargetGroup, "changelist"),
        {
            "form-TOTAL_FORMS": "2",
            "form-INITIAL_FORMS": "2",
            "form-MIN_NUM_FORMS": "0",
            "form-MAX_NUM_FORMS": "1000",
            "form-0-id": str(first.pk),
            "form-0-order": "5",
            "form-1-id": str(second.pk),
            "form-1-order": "2",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    first.refresh_from_db()
    assert first.order == 5


def test_vocabulary_parent_choices_are_top_level_terms(staff_client, rows):
    upper = rows[EducationLevel]

    response = staff_client.get(admin_url(EducationLevel, "add"))

    choices = list(response.context["adminform"].form.fields["parent"].queryset)
    assert choices == [upper.parent]


# --- Autocomplete ---------------------------------------------------------------


def _autocomplete(client, model_name, field_name, term):
    return client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "initiatives",
            "model_name": model_name,
            "field_name": field_name,
            "term": term,
        },
    )


@pytest.mark.parametrize(
    ("model_name", "field_name"),
    [
        ("initiative", "organisations"),
        ("initiativeorganisation", "organisation"),  # the role inline's widget
    ],
)
def test_organisation_autocomplete_answers_staff(
    staff_client, rows, model_name, field_name
):
    OrganisationFactory(name="CSR Europe", slug="csr-europe")

    response = _autocomplete(staff_client, model_name, field_name, "vario")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [r["text"] for r in results] == [str(rows[Organisation])]


def test_vocabulary_autocomplete_finds_terms_by_alias(staff_client, rows):
    upper = rows[EducationLevel]
    upper.aliases = "Upper secondary education\nISCED 3"
    upper.save()

    response = _autocomplete(staff_client, "initiative", "education_levels", "ISCED 3")

    assert response.json()["results"] == [
        {"id": str(upper.pk), "text": "Secondary education › Upper secondary"}
    ]


def test_autocomplete_is_closed_to_anonymous_users(client, rows):
    response = _autocomplete(client, "initiative", "organisations", "vario")
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


# --- Access ---------------------------------------------------------------------

PROTECTED_PAGES = [
    ("admin:index", None),
    ("admin:initiatives_initiative_changelist", None),
    ("admin:initiatives_initiative_add", None),
    ("admin:initiatives_organisation_changelist", None),
]


@pytest.mark.parametrize("name", [name for name, _ in PROTECTED_PAGES])
def test_anonymous_users_are_sent_to_the_login_page(client, name):
    url = reverse(name)
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={url}"


@pytest.mark.parametrize("name", [name for name, _ in PROTECTED_PAGES])
def test_non_staff_users_are_sent_to_the_login_page(client, django_user_model, name):
    user = django_user_model.objects.create_user(
        username="reader", password="a-long-test-password"
    )
    client.force_login(user)
    url = reverse(name)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"{reverse('admin:login')}?next={url}"


def test_non_staff_users_cannot_run_actions(client, django_user_model):
    user = django_user_model.objects.create_user(
        username="reader", password="a-long-test-password"
    )
    client.force_login(user)
    draft = InitiativeFactory(publication_state=Initiative.PublicationState.DRAFT)

    _run_action(client, "publish", [draft])

    draft.refresh_from_db()
    assert draft.publication_state == "draft"


def test_initiative_change_page_query_count_does_not_grow_with_terms(staff_client):
    """Selected terms print "Parent › Term" and regions "Flanders (Belgium)"."""
    initiative = InitiativeFactory()
    url = admin_url(Initiative, "change", initiative.pk)

    def add_terms(count):
        for _ in range(count):
            parent = EducationLevelFactory()
            initiative.education_levels.add(EducationLevelFactory(parent=parent))
            initiative.regions.add(RegionFactory())

    add_terms(1)
    staff_client.get(url)
    few = _page_queries(staff_client, url)
    add_terms(5)
    many = _page_queries(staff_client, url)

    assert many == few
