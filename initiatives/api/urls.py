"""/api/: the JSON API, its OpenAPI schema and its documentation."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView
from rest_framework.routers import SimpleRouter

from stemportal.middleware import csp_allow

from . import views

#: Redoc (drf-spectacular-sidecar) inserts two <style> elements before it can
#: be given the page's nonce: perfect-scrollbar's stylesheet and an empty one.
#: The Content-Security-Policy allows exactly these by hash, no other inline
#: style (tests/browser/test_csp.py fails if an upgrade changes them).
REDOC_STYLE_HASHES = [
    "'sha256-QMIg+bpjm3JdElJ388KYke01izlUW0UoNOeKjpMxdgc='",
    "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='",
]

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
        csp_allow(style_src=REDOC_STYLE_HASHES)(
            SpectacularRedocView.as_view(
                url_name="api:schema", template_name="api/redoc.html"
            )
        ),
        name="reference",
    ),
    *router.urls,
    # Anything else under /api/ ending in a slash answers JSON, not an HTML page.
    re_path(r"^.*/$", views.api_not_found),
]
