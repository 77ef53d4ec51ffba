"""Browser tests: Playwright driving Debian's Chromium against a live server.

Chromium comes from Debian's `chromium` package (never a Playwright browser
download). Where it is missing, browser tests are skipped with the reason, except
when REQUIRE_BROWSER is set (CI sets it), where they fail instead.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))

# Playwright's sync API runs an event loop in the test thread; the ORM calls the
# tests make around it are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (Debian: apt-get install chromium)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def live_catalogue(live_server):
    """A live server with the shipped catalogue loaded."""
    call_command("load_catalogue", verbosity=0)
    return live_server


def new_page(browser, viewport=DESKTOP, javascript=True):
    context = browser.new_context(viewport=viewport, java_script_enabled=javascript)
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def page(browser):
    page = new_page(browser)
    yield page
    page.context.close()


@pytest.fixture
def page_without_js(browser):
    page = new_page(browser, javascript=False)
    yield page
    page.context.close()


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "screenshots: regenerates docs/screenshots/ (skipped unless SCREENSHOTS=1)",
    )


def pytest_collection_modifyitems(config, items):
    if os.environ.get("SCREENSHOTS"):
        return
    skip = pytest.mark.skip(reason="set SCREENSHOTS=1 to regenerate docs/screenshots/")
    for item in items:
        if item.get_closest_marker("screenshots"):
            item.add_marker(skip)


# The pages the accessibility checks and the screenshots cover: (id, path).
PAGES = [
    ("home", "/"),
    ("list-filtered", "/initiatives/?education_level=vet&country=be"),
    ("countries", "/countries/"),
    ("country-be", "/countries/be/"),
    ("organisation", "/organisations/vdab/"),
    ("initiative", "/initiatives/stem-agenda-2030/"),
]

VIEWPORTS = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def open_page(browser):
    """``open_page(viewport=..., javascript=...)``: a page in a fresh context."""
    pages = []

    def open_(viewport=DESKTOP, javascript=True):
        pages.append(new_page(browser, viewport=viewport, javascript=javascript))
        return pages[-1]

    yield open_
    for page in pages:
        page.context.close()


# Enough extra published Belgian VET initiatives for the filtered country page
# and list to need a second page, whatever the page size up to 30.
EXTRA_VET_INITIATIVES = 30


@pytest.fixture
def vet_catalogue(live_catalogue):
    """The shipped catalogue plus enough Belgian VET initiatives to paginate."""
    from initiatives.models import Country, EducationLevel
    from tests.factories import InitiativeFactory

    belgium = Country.objects.get(code="BE")
    vet = EducationLevel.objects.get(slug="vet")
    for number in range(1, EXTRA_VET_INITIATIVES + 1):
        InitiativeFactory(
            title=f"Vocational STEM pathway {number:02d}",
            slug=f"vocational-stem-pathway-{number:02d}",
            countries=[belgium],
            education_levels=[vet],
        )
    return live_catalogue
