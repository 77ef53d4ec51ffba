"""Site-wide middleware: the Content-Security-Policy header, and a 503 page
when the database is unavailable.

Both live here, not in the initiatives app: they concern the whole site
(public pages, API, admin), not the catalogue's domain.
"""

import logging
import secrets
from functools import wraps

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

#: Seconds a client is asked to wait before trying again after a 503.
RETRY_AFTER = 30

#: Errors meaning "the database cannot be reached or dropped the connection".
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


class CSPNonce:
    """A per-request nonce, made only when a template uses it.

    Our own pages never need one. Redoc (/api/docs/reference/) does: its
    styled-components insert ``<style>`` elements, which a strict policy only
    allows with a nonce; Redoc's ``nonce`` option puts it on them.
    """

    def __init__(self):
        self.value = None

    def __str__(self):
        if self.value is None:
            self.value = secrets.token_urlsafe(18)
        return self.value


def extend_policy(policy, additions):
    """`policy` with sources added: `additions` maps a directive to a list."""
    directives = []
    for directive in policy.split("; "):
        name = directive.split(" ", 1)[0]
        directives.append(" ".join([directive, *additions.get(name, [])]))
    return "; ".join(directives)


def csp_allow(**additions):
    """View decorator: add sources to a directive for this view's responses,
    e.g. ``csp_allow(style_src=["'sha256-…'"])``. Never 'unsafe-inline'."""
    additions = {name.replace("_", "-"): list(v) for name, v in additions.items()}
    if any("unsafe" in source for v in additions.values() for source in v):
        raise ValueError("csp_allow adds hashes, nonces or hosts, never 'unsafe-…'.")

    def decorator(view):
        def wrapped(request, *args, **kwargs):
            response = view(request, *args, **kwargs)
            response.csp_additions = additions
            return response

        return wraps(view)(wrapped)

    return decorator


class ContentSecurityPolicyMiddleware:
    """Sends settings.CONTENT_SECURITY_POLICY with every response.

    A view that needs a stricter policy (uploaded media) sets its own header,
    which is kept. A page whose template used ``request.csp_nonce`` gets that
    nonce added to script-src and style-src, for that response only.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.csp_nonce = CSPNonce()
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", "")
        if policy and "Content-Security-Policy" not in response:
            additions = {
                name: list(sources)
                for name, sources in getattr(response, "csp_additions", {}).items()
            }
            if request.csp_nonce.value is not None:
                for name in ("script-src", "style-src"):
                    additions.setdefault(name, []).append(
                        f"'nonce-{request.csp_nonce.value}'"
                    )
            response["Content-Security-Policy"] = extend_policy(policy, additions)
        return response


def is_database_unavailable(error):
    return isinstance(error, DATABASE_UNAVAILABLE)


def database_unavailable_response(request):
    """503 with Retry-After: JSON under /api/, otherwise a page that needs no
    database (no context processors, no user, no queries)."""
    if request is not None and request.path.startswith("/api/"):
        response = JsonResponse(
            {
                "detail": _(
                    "The catalogue is temporarily unavailable. "
                    "Please try again in a moment."
                ),
                "retry_after": RETRY_AFTER,
            },
            status=503,
        )
    else:
        response = HttpResponse(
            render_to_string("503.html", {"retry_after": RETRY_AFTER}), status=503
        )
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a lost or unreachable database during a view into a 503 page.

    The connection that failed is marked unusable by Django and replaced on the
    next request (CONN_HEALTH_CHECKS), so the site recovers by itself when the
    database is back. Errors raised outside views (in middleware) reach
    `server_error` below, which answers the same way.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_database_unavailable(exception):
            logger.error(
                "Database unavailable while serving %s: %s", request.path, exception
            )
            return database_unavailable_response(request)
        return None
