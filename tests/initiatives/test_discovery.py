"""Discovery: sitemap, robots.txt, JSON-LD, Open Graph, feed links, API docs."""

import html
import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve, reverse

from initiatives.exports import COLUMNS
from initiatives.filters import InitiativeFilter
from initiatives.models import Initiative, Organisation
from tests.factories import InitiativeFactory, OrganisationFactory
from tests.initiatives.open_data import LIST_URL, build_catalogue

pytestmark = pytest.mark.django_db

SITEMAP_NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


@pytest.fixture
def catalogue_data():
    return build_catalogue()


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def json_ld(markup):
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', markup, re.DOTALL
    )
    return [json.loads(block) for block in blocks]


def meta(markup, prop):
    match = re.search(rf'<meta property="{prop}" content="([^"]*)">', markup)
    return html.unescape(match.group(1)) if match else None


def alternates(markup):
    return [
        (kind, html.unescape(href))
        for kind, href in re.findall(
            r'<link rel="alternate" type="(application/(?:rss|atom)\+xml)"'
            r' title="[^"]*" href="([^"]*)">',
            markup,
        )
    ]


# --- sitemap.xml and robots.txt -------------------------------------------------------


def test_sitemap_lists_every_public_page_and_no_draft(client, catalogue_data):
    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    root = ET.fromstring(response.content)
    locations = {loc.text for loc in root.findall("s:url/s:loc", SITEMAP_NS)}
    expected = {
        "http://testserver" + url
        for url in [
            reverse("initiatives:home"),
            LIST_URL,
            reverse("initiatives:country-list"),
            reverse("initiatives:organisation-list"),
            "/countries/be/",
            "/countries/nl/",
            *(o.get_absolute_url() for o in Organisation.objects.all()),
            *(i.get_absolute_url() for i in Initiative.objects.published()),
        ]
    }
    assert locations == expected
    assert not any("draft" in location for location in locations)
    # Luxembourg has no initiative: its page is not worth a search engine's time.
    assert "http://testserver/countries/lu/" not in locations


def test_sitemap_gives_initiatives_their_last_change(client, catalogue_data):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    hub = catalogue_data.hub
    for url in root.findall("s:url", SITEMAP_NS):
        if url.find("s:loc", SITEMAP_NS).text.endswith(hub.get_absolute_url()):
            lastmod = url.find("s:lastmod", SITEMAP_NS).text
            assert lastmod == hub.updated.date().isoformat()
            return
    pytest.fail("the initiative is not in the sitemap")


def test_robots_txt_points_to_the_sitemap_and_keeps_out_of_admin(client):
    response = client.get("/robots.txt")
    body = response.content.decode()

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    assert "User-agent: *" in body
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://testserver/sitemap.xml" in body.splitlines()


# --- JSON-LD --------------------------------------------------------------------------


def test_initiative_page_describes_itself_in_json_ld(client, catalogue_data):
    [data] = json_ld(page(client, catalogue_data.hub.get_absolute_url()))

    assert data["@context"] == "https://schema.org"
    # A policy is a CreativeWork: schema.org has no "policy" type.
    assert data["@type"] == "CreativeWork"
    assert data["name"] == "STEM agenda 2030"
    assert data["alternateName"] == "STEM-agenda 2030"
    assert data["url"] == "http://testserver/initiatives/stem-agenda-2030/"
    assert data["description"] == "Flanders' plan for STEM education."
    assert data["sameAs"] == "https://example.org/stem-agenda"
    assert data["temporalCoverage"] == "2020/2030"
    assert {place["name"] for place in data["spatialCoverage"]} == {
        "Belgium",
        "Flanders",
    }
    assert [a["name"] for a in data["author"]] == ["VARIO"]
    assert [f["name"] for f in data["funder"]] == ["Flemish Government"]
    assert data["educationalLevel"] == ["Upper secondary"]
    assert data["inLanguage"] == ["nl"]


@pytest.mark.parametrize(
    ("kind", "publication_type", "schema_type"),
    [
        ("programme", "", "Project"),
        ("project", "", "Project"),
        ("measure", "", "Project"),
        ("legislation", "", "Legislation"),
        ("publication", "report-study", "Report"),
        ("publication", "news", "CreativeWork"),
        ("network", "", "Organization"),
        ("event", "", "Event"),
    ],
)
def test_json_ld_type_follows_the_kind(client, kind, publication_type, schema_type):
    initiative = InitiativeFactory(
        kind=kind, publication_type=publication_type, year_start=2019
    )

    [data] = json_ld(page(client, initiative.get_absolute_url()))

    assert data["@type"] == schema_type


def test_json_ld_cannot_close_its_script(client):
    title = "</script><script>alert(1)</script> & more"
    initiative = InitiativeFactory(title=title)

    markup = page(client, initiative.get_absolute_url())
    ld = markup.split('<script type="application/ld+json">', 1)[1].split("</script>")[0]

    assert "<" not in ld and ">" not in ld
    assert json.loads(ld)["name"] == title


def test_organisation_page_describes_it_in_json_ld(client, catalogue_data):
    [data] = json_ld(page(client, catalogue_data.organisation.get_absolute_url()))

    assert data["@type"] == "NGO"
    assert data["name"] == "VARIO"
    assert data["alternateName"] == "VARIO"
    assert data["url"] == "http://testserver/organisations/vario/"
    assert data["address"] == {"@type": "PostalAddress", "addressCountry": "BE"}


def test_list_pages_have_no_json_ld(client, catalogue_data):
    for url in [LIST_URL, "/countries/be/", "/organisations/", "/"]:
        assert json_ld(page(client, url)) == [], url


def test_head_tags_run_no_query(catalogue_data, django_assert_num_queries):
    """What the tag reads, the detail view has prefetched."""
    initiative = Initiative.objects.detail(pk=catalogue_data.hub.pk)
    request = RequestFactory().get(initiative.get_absolute_url())
    request.resolver_match = resolve(request.path)
    template = Template("{% load structured_data %}{% open_data_head %}")

    with django_assert_num_queries(0):
        markup = template.render(
            Context({"request": request, "initiative": initiative})
        )

    assert json_ld(markup)


# --- Open Graph and feed autodiscovery ------------------------------------------------


def test_every_page_has_open_graph_tags(client, catalogue_data):
    hub = catalogue_data.hub
    for url, title in [
        ("/", "STEM education initiatives in Europe"),
        (LIST_URL, "Initiatives"),
        (hub.get_absolute_url(), "STEM agenda 2030"),
        ("/countries/", "Countries"),
        ("/countries/be/", "STEM initiatives in Belgium"),
        ("/organisations/", "Organisations"),
        ("/organisations/vario/", "VARIO"),
        (reverse("api:docs"), "Open data: API, exports and feeds"),
    ]:
        markup = page(client, url)
        assert meta(markup, "og:title") == title, url
        assert meta(markup, "og:description"), url
        assert meta(markup, "og:type") == "website", url
        assert meta(markup, "og:site_name") == "StemPortal", url
        assert meta(markup, "og:url") == f"http://testserver{url}", url

    markup = page(client, hub.get_absolute_url())
    assert meta(markup, "og:description") == "Flanders' plan for STEM education."


def test_list_page_offers_the_feed_of_its_filters(client, catalogue_data):
    markup = page(
        client, f"{LIST_URL}?country=be&country=zz&education_level=secondary&page=2"
    )

    # The value not understood (zz), the page and the sort stay out.
    assert alternates(markup) == [
        (
            "application/rss+xml",
            "/initiatives/feed/?country=be&education_level=secondary",
        ),
        (
            "application/atom+xml",
            "/initiatives/feed/atom/?country=be&education_level=secondary",
        ),
    ]


def test_country_page_offers_the_country_feed(client, catalogue_data):
    markup = page(client, "/countries/be/?education_level=higher")

    assert alternates(markup) == [
        ("application/rss+xml", "/countries/be/feed/?education_level=higher"),
        ("application/atom+xml", "/countries/be/feed/atom/?education_level=higher"),
    ]


def test_other_pages_offer_the_newest_initiatives(client, catalogue_data):
    for url in ["/", catalogue_data.hub.get_absolute_url(), "/organisations/"]:
        assert alternates(page(client, url)) == [
            ("application/rss+xml", "/initiatives/feed/"),
            ("application/atom+xml", "/initiatives/feed/atom/"),
        ], url


def test_list_page_links_to_feeds_and_exports_of_its_filters(client, catalogue_data):
    markup = html.unescape(
        page(client, f"{LIST_URL}?country=be&sort=-year_start&page=2")
    )

    assert 'href="/initiatives/feed/?country=be"' in markup
    assert 'href="/initiatives/export.csv?country=be&sort=-year_start"' in markup
    assert 'href="/initiatives/export.json?country=be&sort=-year_start"' in markup
    assert "Subscribe (RSS)" in markup and "Download CSV" in markup


def test_in_place_updates_carry_links_with_the_new_filters(client, catalogue_data):
    """catalogue.js swaps the results in: the links inside follow the filters."""
    response = client.get(f"{LIST_URL}?country=nl", headers={"X-Fragment": "catalogue"})
    markup = html.unescape(response.content.decode())

    assert 'href="/initiatives/export.csv?country=nl"' in markup
    assert 'href="/initiatives/feed/?country=nl"' in markup


def test_country_page_links_to_its_feed_and_exports(client, catalogue_data):
    markup = html.unescape(page(client, "/countries/be/?education_level=higher"))

    assert 'href="/countries/be/feed/?education_level=higher"' in markup
    assert 'href="/initiatives/export.csv?education_level=higher&country=be"' in markup


def test_footer_links_to_the_open_data_docs(client, catalogue_data):
    for url in ["/", LIST_URL, "/countries/be/", "/no-such-page/"]:
        markup = client.get(url).content.decode()
        assert f'href="{reverse("api:docs")}"' in markup, url


def test_pages_have_no_inline_code_but_json_ld(client, catalogue_data):
    for url in [
        "/",
        LIST_URL,
        catalogue_data.hub.get_absolute_url(),
        "/countries/be/",
        "/organisations/vario/",
        reverse("api:docs"),
    ]:
        markup = page(client, url)
        for tag, body in re.findall(r"<script([^>]*)>(.*?)</script>", markup, re.S):
            # JSON-LD is data; any other script is a file, never inline code.
            assert tag == ' type="application/ld+json"' or (
                " src=" in tag and not body.strip()
            ), (url, tag)
        assert "style=" not in markup, url


# --- The open-data documentation page -------------------------------------------------


def test_docs_page_documents_parameters_columns_and_doors(client):
    markup = page(client, reverse("api:docs"))

    for name in InitiativeFilter.base_filters:
        assert f"<code>{name}</code>" in markup, name
    for column in COLUMNS:
        assert f"<code>{column}</code>" in markup, column
    for url in [
        reverse("api:reference"),
        reverse("api:schema"),
        reverse("initiatives:initiative-feed"),
        reverse("initiatives:initiative-export-csv"),
    ]:
        assert f'href="{url}"' in markup, url


def test_organisation_types_follow_their_kind(client):
    government = OrganisationFactory(kind=Organisation.Kind.GOVERNMENT)
    other = OrganisationFactory(kind=Organisation.Kind.NETWORK)

    assert json_ld(page(client, government.get_absolute_url()))[0]["@type"] == (
        "GovernmentOrganization"
    )
    assert json_ld(page(client, other.get_absolute_url()))[0]["@type"] == "Organization"
