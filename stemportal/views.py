"""Site-wide views: the server error page and uploaded media."""

import sys
from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponseServerError
from django.template.loader import render_to_string
from django.utils._os import safe_join
from django.views.decorators.http import require_safe

from .middleware import database_unavailable_response, is_database_unavailable

#: The only files served from MEDIA_ROOT, by extension: the image types that
#: `initiatives.validators.validate_image` accepts (it checks the content).
MEDIA_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}

#: An uploaded file runs nothing and loads nothing, even if opened on its own.
MEDIA_CSP = "default-src 'none'; img-src 'self'; sandbox"


def server_error(request):
    """handler500: a 503 when the database is gone (the error happened outside
    a view, e.g. loading the session), otherwise the standalone 500 page."""
    error = sys.exc_info()[1]
    if is_database_unavailable(error):
        return database_unavailable_response(request)
    return HttpResponseServerError(render_to_string("500.html"))


@require_safe
def serve_media(request, path):
    """Serve an uploaded image with its real type and a sandboxing policy.

    Anything else under MEDIA_ROOT (or outside it) is a 404. In production a
    web server can serve MEDIA_ROOT instead, with the same headers (README).
    """
    content_type = MEDIA_TYPES.get(Path(path).suffix.lower())
    if content_type is None:
        raise Http404("Not an image.")
    try:
        full_path = Path(safe_join(settings.MEDIA_ROOT, path))
    except Exception as error:  # SuspiciousFileOperation: ../ out of MEDIA_ROOT
        raise Http404("Not found.") from error
    if not full_path.is_file():
        raise Http404("Not found.")
    response = FileResponse(full_path.open("rb"), content_type=content_type)
    response["Content-Security-Policy"] = MEDIA_CSP
    response["X-Content-Type-Options"] = "nosniff"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
