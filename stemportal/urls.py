from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from initiatives.sitemaps import SITEMAPS, robots_txt

from . import views

urlpatterns = [
    # ADMIN_URL (default "admin/") is configurable; links use reverse("admin:…").
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("initiatives.api.urls")),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", robots_txt, name="robots-txt"),
    # Uploaded images, served safely (stemportal/views.py); a web server in
    # front may serve MEDIA_ROOT itself with the same headers.
    path(
        f"{settings.MEDIA_URL.strip('/')}/<path:path>",
        views.serve_media,
        name="media",
    ),
    path("", include("initiatives.urls")),
]

handler500 = "stemportal.views.server_error"
