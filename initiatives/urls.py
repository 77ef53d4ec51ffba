from django.urls import path

from . import views

app_name = "initiatives"

urlpatterns = [
    path("", views.home, name="home"),
    path("initiatives/", views.InitiativeListView.as_view(), name="initiative-list"),
    path(
        "initiatives/<slug:slug>/",
        views.InitiativeDetailView.as_view(),
        name="initiative-detail",
    ),
    path("countries/", views.CountryListView.as_view(), name="country-list"),
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
