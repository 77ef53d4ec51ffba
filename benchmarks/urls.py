"""The site's URLs plus the benchmark's floor: a trivial view, same middleware."""

from django.http import HttpResponse
from django.urls import include, path


def floor(request):
    """The cheapest Django page: what every other page is compared with."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("bench/floor/", floor, name="bench-floor"),
    path("", include("stemportal.urls")),
]
