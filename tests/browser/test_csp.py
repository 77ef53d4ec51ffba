"""The pages work under a strict Content-Security-Policy.

No inline ``<script>``, event-handler attribute or ``style=`` attribute, and every
asset from the app itself: the browser reports nothing when the header is on.
The header is added here, in the browser, since deploying it is not the app's
job in tests.
"""

import pytest

from .conftest import PAGES

pytestmark = pytest.mark.django_db(transaction=True)

STRICT_CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def with_strict_csp(route):
    response = route.fetch()
    headers = {**response.headers, "content-security-policy": STRICT_CSP}
    route.fulfill(response=response, headers=headers)


def test_pages_raise_no_csp_violation(live_catalogue, page):
    page.route(
        lambda url: url.startswith(live_catalogue.url),
        lambda route: (
            with_strict_csp(route)
            if route.request.resource_type == "document"
            else route.continue_()
        ),
    )
    reports = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and reports.append(f"{page.url}: {message.text}")
        ),
    )
    for _name, path in PAGES:
        response = page.goto(live_catalogue.url + path)
        assert response.headers.get("content-security-policy") == STRICT_CSP
        page.wait_for_load_state("networkidle")
    assert not reports, "CSP violations:\n" + "\n".join(reports)
