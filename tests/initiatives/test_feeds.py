"""RSS 2.0 and Atom feeds: the newest initiatives, per country and per query."""

import xml.etree.ElementTree as ET

import feedparser
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from initiatives.feeds import FEED_LENGTH
from initiatives.models import Initiative
from tests.factories import InitiativeFactory
from tests.initiatives.open_data import all_html_slugs, build_catalogue

pytestmark = pytest.mark.django_db

RSS_URL = reverse("initiatives:initiative-feed")
ATOM_URL = reverse("initiatives:initiative-feed-atom")


@pytest.fixture
def catalogue_data():
    return build_catalogue()


def parse(client, url, version):
    response = client.get(url)
    assert response.status_code == 200, url
    content_type = (
        "application/rss+xml" if version == "rss20" else "application/atom+xml"
    )
    assert response["Content-Type"].startswith(content_type)
    ET.fromstring(response.content)  # well-formed XML
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == version
    return feed


def slugs(feed):
    return [entry.link.rstrip("/").rsplit("/", 1)[-1] for entry in feed.entries]


def newest(query=""):
    """The catalogue's initiatives for a query, newest first, as a feed lists them."""
    selected = set(all_html_slugs(query))
    ordered = (
        Initiative.objects.published().newest_first().values_list("slug", flat=True)
    )
    return [slug for slug in ordered if slug in selected][:FEED_LENGTH]


@pytest.mark.parametrize(("url", "version"), [(RSS_URL, "rss20"), (ATOM_URL, "atom10")])
def test_feed_lists_the_newest_published_initiatives(
    client, catalogue_data, url, version
):
    feed = parse(client, url, version)

    assert slugs(feed) == newest()
    assert len(feed.entries) == 29  # fewer than FEED_LENGTH
    assert "StemPortal" in feed.feed.title
    entry = next(e for e in feed.entries if e.title == "STEM agenda 2030")
    assert entry.link == "http://testserver/initiatives/stem-agenda-2030/"
    assert entry.summary == "Flanders' plan for STEM education."
    assert entry.author == "VARIO"
    assert {"Belgium", "Upper secondary"} <= {tag.term for tag in entry.tags}


def test_feed_keeps_to_its_length(client, catalogue_data):
    for _ in range(FEED_LENGTH):
        InitiativeFactory()

    feed = parse(client, RSS_URL, "rss20")

    assert len(feed.entries) == FEED_LENGTH
    assert slugs(feed) == newest()


@pytest.mark.parametrize(
    "query",
    [
        "country=be",
        "country=nl&country=lu",
        "education_level=secondary",
        "country=be&education_level=higher",
        "q=agenda",
        "kind=policy&status=ongoing",
        # An order or a page of the HTML list changes nothing: newest first.
        "country=be&sort=title&page=2",
    ],
)
def test_filtered_feed_takes_the_catalogue_parameters(client, catalogue_data, query):
    rss = parse(client, f"{RSS_URL}?{query}", "rss20")
    atom = parse(client, f"{ATOM_URL}?{query}", "atom10")

    assert slugs(rss) == slugs(atom) == newest(query)
    assert rss.feed.link.startswith("http://testserver/initiatives/?")


def test_country_feed_lists_that_country_and_its_regions(client, catalogue_data):
    rss = parse(client, reverse("initiatives:country-feed", args=["be"]), "rss20")
    atom = parse(
        client, reverse("initiatives:country-feed-atom", args=["be"]), "atom10"
    )

    assert slugs(rss) == slugs(atom) == newest("country=be")
    assert "Belgium" in rss.feed.title
    assert rss.feed.link == "http://testserver/countries/be/"
    assert atom.feed.links[0].href.endswith("/countries/be/feed/atom/") or any(
        link.rel == "self" for link in atom.feed.links
    )


def test_country_feed_takes_the_other_parameters(client, catalogue_data):
    url = reverse("initiatives:country-feed", args=["be"]) + "?education_level=higher"
    feed = parse(client, url, "rss20")

    assert slugs(feed) == newest("country=be&education_level=higher")
    assert feed.feed.link == "http://testserver/countries/be/?education_level=higher"


def test_drafts_are_in_no_feed(client, catalogue_data):
    urls = [
        (RSS_URL, "rss20"),
        (ATOM_URL, "atom10"),
        (reverse("initiatives:country-feed", args=["be"]), "rss20"),
        (f"{RSS_URL}?education_level=secondary", "rss20"),
    ]
    for url, version in urls:
        assert not {"draft-in-belgium", "draft-in-flanders"} & set(
            slugs(parse(client, url, version))
        )


def test_unknown_country_has_no_feed(client, catalogue_data):
    for code in ["zz", "BE", "bel"]:
        url = f"/countries/{code}/feed/"
        assert client.get(url).status_code == 404, url


def test_values_not_understood_are_a_plain_400_naming_them(client, catalogue_data):
    for url in [f"{RSS_URL}?country=zz", "/countries/be/feed/atom/?education_level=x"]:
        response = client.get(url)
        assert response.status_code == 400
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        assert "not understood" in response.content.decode()


def test_feed_is_not_mistaken_for_an_initiative_called_feed(client, catalogue_data):
    InitiativeFactory(title="Feed", slug="feed")

    parse(client, RSS_URL, "rss20")
    assert client.get("/initiatives/feed/").status_code == 200


def test_feed_query_count_does_not_grow(client, catalogue_data):
    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    urls = [RSS_URL, f"{ATOM_URL}?country=be", "/countries/be/feed/"]
    few = [count(url) for url in urls]
    for _ in range(FEED_LENGTH):
        InitiativeFactory(
            countries=[catalogue_data.belgium], regions=[catalogue_data.flanders]
        )

    assert [count(url) for url in urls] == few
