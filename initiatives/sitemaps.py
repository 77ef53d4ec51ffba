"""Discovery for search engines: /sitemap.xml and /robots.txt.

The sitemap lists every public page worth indexing: home, the catalogue, the
country and organisation lists, each country with published initiatives,
each organisation and each published initiative. Filtered views of the
catalogue are one page for search engines (their canonical URL has no query)
and stay out. Drafts and archived initiatives stay out.
"""

from django.contrib.sitemaps import Sitemap
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from .facets import published_country_counts
from .models import Country, Initiative, Organisation


class StaticPageSitemap(Sitemap):
    changefreq = "daily"
    priority = 0.8

    def items(self):
        return [
            "initiatives:home",
            "initiatives:initiative-list",
            "initiatives:country-list",
            "initiatives:organisation-list",
        ]

    def location(self, item):
        return reverse(item)


class CountrySitemap(Sitemap):
    """Country pages that show at least one published initiative."""

    changefreq = "weekly"
    priority = 0.7

    def items(self):
        counts = published_country_counts()
        return [
            country
            for country in Country.objects.order_by("code")
            if counts.get(country.pk)
        ]


class OrganisationSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Organisation.objects.order_by("pk")

    def lastmod(self, organisation):
        return organisation.updated


class InitiativeSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.6

    def items(self):
        return Initiative.objects.published().order_by("pk")

    def lastmod(self, initiative):
        return initiative.updated


SITEMAPS = {
    "pages": StaticPageSitemap,
    "countries": CountrySitemap,
    "organisations": OrganisationSitemap,
    "initiatives": InitiativeSitemap,
}


@require_safe
def robots_txt(request):
    """Crawlers may read the public pages; the sitemap says where they are."""
    return render(
        request,
        "robots.txt",
        {"sitemap_url": request.build_absolute_uri(reverse("sitemap"))},
        content_type="text/plain; charset=utf-8",
    )
