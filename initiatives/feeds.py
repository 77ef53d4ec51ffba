"""RSS 2.0 and Atom feeds of the newest published initiatives.

- ``/initiatives/feed/`` (RSS) and ``/initiatives/feed/atom/`` (Atom): the
  newest initiatives of the catalogue, narrowed by the parameters of
  ``/initiatives/`` (``?country=be&education_level=vet``) through
  `InitiativeFilter`. ``sort`` and ``page`` are ignored: a feed is newest first.
- ``/countries/<code>/feed/`` and ``/countries/<code>/feed/atom/``: the same
  for one country (the EU STEM Coalition offers an RSS feed per country).

Atom sits on its own path rather than behind ``?format=atom`` so that the
feed's address is all a feed reader needs, and the query stays the
catalogue's. A value that is not understood is a 400 in plain text naming it.
"""

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.translation import gettext as _

from .exports import bad_request, filter_initiatives
from .models import Country, Initiative

FEED_LENGTH = 30
# Parameters that choose a page or an order of the HTML list, not initiatives.
NOT_FILTERS = ("page", "sort")


class FilterNotUnderstood(Exception):
    def __init__(self, problems):
        super().__init__(problems)
        self.problems = problems


class Selection:
    """What one request asks the feed for (the feed object is shared)."""

    def __init__(self, request, country=None):
        self.request = request
        self.country = country
        data = request.GET.copy()
        for name in NOT_FILTERS:
            data.pop(name, None)
        if country is not None:
            data.setlist("country", [country.code.lower()])
        self.query = data
        queryset, problems = filter_initiatives(data, feed_queryset())
        if problems:
            raise FilterNotUnderstood(problems)
        self.initiatives = queryset.newest_first()[:FEED_LENGTH]

    def query_string(self, without=()):
        query = self.query.copy()
        for name in without:
            query.pop(name, None)
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else ""


def feed_queryset():
    """What an item shows is what a card shows: `for_listing()`."""
    return Initiative.objects.published().for_listing()


class InitiativeFeed(Feed):
    """The newest initiatives a query of the catalogue selects (RSS 2.0)."""

    feed_type = Rss201rev2Feed
    author_name = "StemPortal"

    def __call__(self, request, *args, **kwargs):
        try:
            return super().__call__(request, *args, **kwargs)
        except FilterNotUnderstood as error:
            return bad_request(error.problems)

    def get_object(self, request, *args, **kwargs):
        return Selection(request)

    # --- The feed ----------------------------------------------------------

    def title(self, selection):
        if selection.query:
            return _("StemPortal: newest initiatives matching %(query)s") % {
                "query": selection.query.urlencode()
            }
        return _("StemPortal: newest STEM education initiatives in Europe")

    def description(self, selection):
        return _(
            "STEM education initiatives in Europe newly added to the StemPortal "
            "catalogue: programmes, policies and publications."
        )

    subtitle = description

    def link(self, selection):
        return reverse("initiatives:initiative-list") + selection.query_string()

    def feed_url(self, selection):
        return selection.request.get_full_path()

    def items(self, selection):
        return selection.initiatives

    # --- One item ----------------------------------------------------------

    def item_title(self, initiative):
        return initiative.title

    def item_description(self, initiative):
        # Feed readers take descriptions as HTML (Atom says type="html"): the
        # summary is text, so it is escaped, as the pages escape it.
        # Quotes need no escaping in text, and readers show them as typed.
        text = initiative.summary or initiative.get_kind_display()
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def item_link(self, initiative):
        return initiative.get_absolute_url()

    def item_pubdate(self, initiative):
        return initiative.created

    def item_updateddate(self, initiative):
        return initiative.updated

    def item_author_name(self, initiative):
        names = [role.organisation.name for role in initiative.leading_roles]
        return ", ".join(dict.fromkeys(names)) or None

    def item_categories(self, initiative):
        return [
            initiative.get_kind_display(),
            *(country.name for country in initiative.country_list),
            *(level.name for level in initiative.education_level_list),
        ]


class InitiativeAtomFeed(InitiativeFeed):
    feed_type = Atom1Feed


class CountryFeed(InitiativeFeed):
    """The newest initiatives in one country (or one of its regions)."""

    def get_object(self, request, code):
        if code != code.lower() or len(code) != 2:
            raise Http404
        country = get_object_or_404(Country, code=code.upper())
        return Selection(request, country=country)

    def title(self, selection):
        return _("StemPortal: newest STEM education initiatives in %(country)s") % {
            "country": selection.country.name
        }

    def description(self, selection):
        return _(
            "STEM education initiatives in %(country)s newly added to the "
            "StemPortal catalogue."
        ) % {"country": selection.country.name}

    subtitle = description

    def link(self, selection):
        return selection.country.get_absolute_url() + selection.query_string(
            without=["country"]
        )


class CountryAtomFeed(CountryFeed):
    feed_type = Atom1Feed
