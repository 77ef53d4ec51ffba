"""Whatever an editor types is text on every output, never markup or script.

Script and markup payloads go into every text field an editor can type into
(initiative, organisation, objective, KPI, funding, milestone, role, relation,
vocabularies, country and region names); every public page, the search
results, the feeds, the exports, the API, the sitemap and the admin lists are
then read back: the payload is shown escaped (so the check is not vacuous) and
never as markup. Web addresses are refused unless http(s), and a ``javascript:``
address that reached the database anyway is never a link.
"""

import csv
import io
import json
from xml.etree import ElementTree

import feedparser
import pytest
from django.db import models
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
    Milestone,
    Objective,
    Organisation,
    Region,
    TargetGroup,
    ThematicCategory,
)

pytestmark = pytest.mark.django_db

PAYLOAD = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
SHORT = "'\"><svg onload=alert(1)>"  # for fields too short for PAYLOAD
JAVASCRIPT_URL = "javascript:alert(document.cookie)"

#: Raw markup that must never reach an HTML or XML document.
FORBIDDEN = ["<script>alert", "<img src=x", "<svg onload", 'href="javascript:']
#: How the payloads read once escaped for HTML.
ESCAPED = ["&lt;script&gt;alert(1)", "&lt;svg onload=alert(1)&gt;"]


def fill(model, /, **values):
    """An instance with every free-text field set to a payload."""
    for field in model._meta.fields:
        if field.name in values or field.choices:
            continue
        if isinstance(field, models.SlugField | models.URLField):
            continue
        if isinstance(field, models.CharField | models.TextField):
            if field.max_length is None or field.max_length >= len(PAYLOAD):
                values[field.name] = PAYLOAD
            elif field.max_length >= len(SHORT):
                values[field.name] = SHORT
    return model.objects.create(**values)


@pytest.fixture
def poisoned():
    country = fill(Country, code="BE", slug="belgium")
    region = fill(Region, country=country, slug="flanders")
    terms = {
        model: fill(model, slug=f"{model._meta.model_name}-term")
        for model in (EducationLevel, TargetGroup, ThematicCategory, EuropeanPriority)
    }
    organisation = fill(
        Organisation,
        slug="evil-org",
        country=country,
        website=JAVASCRIPT_URL,  # as if it had bypassed the form's check
    )
    initiative = fill(
        Initiative,
        slug="evil",
        kind=Initiative.Kind.PROGRAMME,
        publication_state=Initiative.PublicationState.PUBLISHED,
        year_start=2020,
        website=JAVASCRIPT_URL,
        source_url=JAVASCRIPT_URL,
    )
    other = fill(
        Initiative,
        slug="other",
        kind=Initiative.Kind.POLICY,
        publication_state=Initiative.PublicationState.PUBLISHED,
        source_reference="other-reference",
    )
    initiative.countries.set([country])
    initiative.regions.set([region])
    initiative.education_levels.set([terms[EducationLevel]])
    initiative.target_groups.set([terms[TargetGroup]])
    initiative.themes.set([terms[ThematicCategory]])
    initiative.priorities.set([terms[EuropeanPriority]])
    other.countries.set([country])
    for role in InitiativeOrganisation.Role:
        fill(
            InitiativeOrganisation,
            initiative=initiative,
            organisation=organisation,
            role=role,
        )
    fill(Objective, initiative=initiative, order=1)
    fill(KPI, initiative=initiative, kind=KPI.Kind.REACH, value=10)
    fill(Funding, initiative=initiative, funder=organisation, model="private")
    fill(Milestone, initiative=initiative, year=2021, stage="design")
    fill(
        InitiativeRelation,
        from_initiative=initiative,
        to_initiative=other,
        kind=InitiativeRelation.Kind.FOLLOWS,
    )
    return initiative


PUBLIC_PAGES = [
    "/",
    "/initiatives/",
    "/initiatives/evil/",
    "/initiatives/other/",
    "/countries/",
    "/countries/be/",
    "/organisations/",
    "/organisations/evil-org/",
    # Search results, with the payload in the query too (it is shown back).
    "/initiatives/?q=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "/initiatives/?q=alert",
    "/organisations/?q=%3Csvg+onload%3Dalert(1)%3E",
]


def assert_no_markup(text, where):
    for forbidden in FORBIDDEN:
        assert forbidden not in text, (where, forbidden)


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_public_pages_show_payloads_as_text(client, poisoned, path):
    response = client.get(path)

    assert response.status_code == 200
    body = response.text
    assert_no_markup(body, path)
    assert any(escaped in body for escaped in ESCAPED), path


def test_detail_page_shows_every_field_escaped(client, poisoned):
    body = client.get("/initiatives/evil/").text
    # Title, summary, description, background, objectives, KPIs, funding,
    # milestones, roles, relations, vocabularies, country and region: each
    # field holds the payload, so it is shown (escaped) many times.
    assert body.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 15
    assert "javascript:" not in body, "a javascript: address is never a link"


@pytest.mark.parametrize(
    "path",
    [
        "/initiatives/feed/",
        "/initiatives/feed/atom/",
        "/countries/be/feed/",
        "/countries/be/feed/atom/",
    ],
)
def test_feeds_carry_payloads_as_text(client, poisoned, path):
    response = client.get(path)

    assert response.status_code == 200
    body = response.content.decode()
    ElementTree.fromstring(response.content)  # well-formed XML
    assert_no_markup(body, path)
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    entry = next(e for e in feed.entries if e.link.endswith("/initiatives/evil/"))
    # Descriptions are HTML for feed readers: markup arrives escaped, as text.
    assert "<script" not in entry.summary and "<img" not in entry.summary
    assert "alert(1)" in entry.summary


def test_csv_export_keeps_payloads_as_data(client, poisoned):
    response = client.get("/initiatives/export.csv")

    assert response["Content-Type"].startswith("text/csv")
    assert response["X-Content-Type-Options"] == "nosniff"
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    )
    evil = next(row for row in rows if row["slug"] == "evil")
    assert evil["summary"] == PAYLOAD
    assert evil["organisations_lead"] == PAYLOAD


def test_json_outputs_are_json_not_html(client, poisoned):
    export = client.get("/initiatives/export.json")
    api_list = client.get("/api/initiatives/")
    api_detail = client.get("/api/initiatives/evil/")
    api_org = client.get("/api/organisations/evil-org/")

    for response in (export, api_list, api_detail, api_org):
        assert response["Content-Type"].startswith("application/json")
        assert response["X-Content-Type-Options"] == "nosniff"
    rows = json.loads(b"".join(export.streaming_content))
    assert next(r for r in rows if r["slug"] == "evil")["summary"] == PAYLOAD
    detail = api_detail.json()
    assert detail["summary"] == detail["description"] == detail["background"] == PAYLOAD
    assert api_org.json()["name"] == PAYLOAD
    # The API refuses a JSONP-style or HTML rendering of the data.
    assert client.get("/api/initiatives/evil/?format=html").status_code == 404


def test_api_error_messages_do_not_reflect_markup_as_html(client, poisoned):
    response = client.get("/api/initiatives/?country=%3Cscript%3Ealert(1)%3C/script%3E")

    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")


def test_sitemap_is_well_formed(client, poisoned):
    response = client.get("/sitemap.xml")

    ElementTree.fromstring(response.content)
    assert_no_markup(response.content.decode(), "sitemap")


@pytest.mark.parametrize(
    "model", [Initiative, Organisation, Country, Region, EducationLevel, TargetGroup]
)
def test_admin_lists_and_forms_show_payloads_as_text(staff_client, poisoned, model):
    opts = model._meta
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    instance = model.objects.order_by("pk").first()
    change = reverse(
        f"admin:{opts.app_label}_{opts.model_name}_change", args=[instance.pk]
    )

    for url in (changelist, change):
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert_no_markup(response.text, url)
        assert any(escaped in response.text for escaped in ESCAPED), url


@pytest.mark.parametrize(
    "address",
    [JAVASCRIPT_URL, "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"],
)
def test_admin_refuses_addresses_that_are_not_web_pages(staff_client, address):
    response = staff_client.post(
        reverse("admin:initiatives_organisation_add"),
        {"name": "Org", "slug": "org", "website": address},
    )

    assert response.status_code == 200
    assert "Enter a valid URL." in response.text
    assert not Organisation.objects.filter(slug="org").exists()


@pytest.mark.parametrize(
    "formula",
    [
        '=HYPERLINK("https://evil.example","Click")',
        "+1+2",
        "-3+cmd|' /C calc'!A0",
        "@SUM(A1)",
    ],
)
def test_csv_export_defuses_spreadsheet_formulas(client, formula):
    initiative = fill(
        Initiative,
        slug="formula",
        kind=Initiative.Kind.PROGRAMME,
        publication_state=Initiative.PublicationState.PUBLISHED,
        title=formula,
        summary=formula,
        year_start=2020,
    )

    csv_rows = list(
        csv.DictReader(
            io.StringIO(
                b"".join(
                    client.get("/initiatives/export.csv").streaming_content
                ).decode()
            )
        )
    )
    json_rows = json.loads(
        b"".join(client.get("/initiatives/export.json").streaming_content)
    )

    (row,) = csv_rows
    assert row["title"] == row["summary"] == "'" + formula
    assert row["year_start"] == "2020"  # numbers stay numbers
    # JSON is data for programs, not a spreadsheet: exactly as typed.
    assert json_rows[0]["title"] == initiative.title == formula
