"""/api/: the JSON API, its OpenAPI schema and its documentation."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("initiatives", views.InitiativeViewSet, basename="initiative")
router.register("countries", views.CountryViewSet, basename="country")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register(
    "education-levels", views.EducationLevelViewSet, basename="educationlevel"
)
router.register("target-groups", views.TargetGroupViewSet, basename="targetgroup")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("priorities", views.PriorityViewSet, basename="priority")

urlpatterns = [
    path("", views.ApiRootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.ApiDocsView.as_view(), name="docs"),
    path(
        "docs/reference/",
        # Our template: Redoc from drf-spectacular-sidecar, no CDN, no inline code.
        SpectacularRedocView.as_view(
            url_name="api:schema", template_name="api/redoc.html"
        ),
        name="reference",
    ),
    *router.urls,
    # Anything else under /api/ ending in a slash answers JSON, not an HTML page.
    re_path(r"^.*/$", views.api_not_found),
]
