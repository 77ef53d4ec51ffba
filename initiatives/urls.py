from django.urls import path

from . import exports, feeds, views

app_name = "initiatives"

urlpatterns = [
    path("", views.home, name="home"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    # Open data: before initiatives/<slug>/, since "feed" is a valid slug.
    path("initiatives/export.csv", exports.export_csv, name="initiative-export-csv"),
    path("initiatives/export.json", exports.export_json, name="initiative-export-json"),
    path("initiatives/feed/", feeds.InitiativeFeed(), name="initiative-feed"),
    path(
        "initiatives/feed/atom/",
        feeds.InitiativeAtomFeed(),
        name="initiative-feed-atom",
    ),
    path(
        "initiatives/<slug:slug>/",
        views.InitiativeDetailView.as_view(),
        name="initiative-detail",
    ),
    path("countries/", views.CountryListView.as_view(), name="country-list"),
    path("countries/<str:code>/feed/", feeds.CountryFeed(), name="country-feed"),
    path(
        "countries/<str:code>/feed/atom/",
        feeds.CountryAtomFeed(),
        name="country-feed-atom",
    ),
    path(
        "countries/<str:code>/",
        views.CountryDetailView.as_view(),
        name="country-detail",
    ),
    path(
        "organisations/",
        views.OrganisationListView.as_view(),
        name="organisation-list",
    ),
    path(
        "organisations/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
]
