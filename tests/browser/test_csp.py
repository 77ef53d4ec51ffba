"""Every page works under the site's own Content-Security-Policy.

The policy (settings.CONTENT_SECURITY_POLICY, sent by
stemportal.middleware.ContentSecurityPolicyMiddleware) allows no inline
``<script>``, event-handler attribute or ``style=`` attribute, and only assets
from the site itself. The browser reports any violation on the console; these
tests fail on the first one, on public pages, the API documentation and the
admin (login, index, changelist, change form with inlines and autocomplete,
history).
"""

import re

import pytest
from django.conf import settings
from playwright.sync_api import expect

from .conftest import PAGES

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "a-long-test-password"


def watch_csp(page):
    """A list that collects the browser's CSP violation reports."""
    reports = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and reports.append(f"{page.url}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: reports.append(f"{page.url}: {error}"))
    return reports


def visit(page, url, nonce=False):
    response = page.goto(url)
    assert response.status == 200, url
    csp = response.headers.get("content-security-policy", "")
    if nonce:
        assert re.search(r"style-src 'self' 'sha256-.*'nonce-[\w-]{20,}'", csp), csp
    else:
        assert csp == settings.CONTENT_SECURITY_POLICY, url
    assert "unsafe-inline" not in csp
    page.wait_for_load_state("networkidle")
    return response


def test_the_policy_forbids_inline_code():
    policy = dict(
        directive.split(" ", 1)
        for directive in settings.CONTENT_SECURITY_POLICY.split("; ")
    )
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"


def test_public_pages_raise_no_csp_violation(live_catalogue, page):
    reports = watch_csp(page)
    for _name, path in PAGES:
        visit(page, live_catalogue.url + path)
    assert not reports, "CSP violations:\n" + "\n".join(reports)


def test_api_documentation_works_under_the_policy(live_catalogue, page):
    reports = watch_csp(page)
    visit(page, live_catalogue.url + "/api/docs/")
    # Redoc's <style> elements carry a per-response nonce.
    visit(page, live_catalogue.url + "/api/docs/reference/", nonce=True)
    # Redoc rendered the schema: the operations are listed.
    expect(page.get_by_text("/api/initiatives/").first).to_be_visible()
    # Redoc always tries to show its maker's logo from cdn.redoc.ly; the policy
    # blocks it (no third-party requests), Redoc hides it. Nothing else.
    reports = [report for report in reports if "https://cdn.redoc.ly/" not in report]
    assert not reports, "CSP violations:\n" + "\n".join(reports)


def test_admin_works_under_the_policy(live_catalogue, page, django_user_model):
    from initiatives.models import Initiative

    django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password=PASSWORD
    )
    initiative = Initiative.objects.get(slug="stem-agenda-2030")
    reports = watch_csp(page)
    admin = live_catalogue.url + "/" + settings.ADMIN_URL

    visit(page, admin)  # redirected to the login page
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", name="Catalogue data entry")).to_be_visible()

    visit(page, admin + "initiatives/initiative/")
    expect(page.get_by_text("STEM agenda 2030").first).to_be_visible()

    visit(page, admin + f"initiatives/initiative/{initiative.pk}/change/")
    # The inline's "Add another" link and the autocomplete widgets are drawn by
    # the admin's scripts: they ran.
    expect(page.get_by_text(re.compile("Add another")).first).to_be_visible()
    autocomplete = page.locator(".select2-selection").first
    autocomplete.click()
    expect(page.locator(".select2-results__option").first).to_be_visible()
    page.keyboard.press("Escape")

    visit(page, admin + f"initiatives/initiative/{initiative.pk}/history/")
    assert not reports, "CSP violations:\n" + "\n".join(reports)
