"""Accessibility in a real browser: axe-core, phone widths, the keyboard."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from .conftest import PAGES, PHONE, VIEWPORTS

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

PAGE_PARAMS = [pytest.param(path, id=name) for name, path in PAGES]
VIEWPORT_PARAMS = [pytest.param(size, id=name) for name, size in VIEWPORTS.items()]


def describe(violations):
    """One readable line per violation: rule, impact, what, where."""
    lines = []
    for violation in violations:
        targets = [
            " ".join(str(part) for part in node["target"])
            for node in violation["nodes"][:3]
        ]
        more = len(violation["nodes"]) - len(targets)
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}"
            f" [{len(violation['nodes'])} element(s)] at {', '.join(targets)}"
            + (f" and {more} more" if more > 0 else "")
            + f"\n  {violation['helpUrl']}"
        )
    return "\n".join(lines)


@pytest.fixture(scope="session")
def axe():
    return Axe()


@pytest.mark.parametrize("viewport", VIEWPORT_PARAMS)
@pytest.mark.parametrize("path", PAGE_PARAMS)
def test_no_wcag_21_aa_violation(live_catalogue, open_page, axe, path, viewport):
    page = open_page(viewport=viewport)
    response = page.goto(live_catalogue.url + path)
    assert response.status == 200, f"{path}: HTTP {response.status}"
    results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
    violations = results.response["violations"]
    assert not violations, (
        f"axe-core found {len(violations)} WCAG 2.1 AA violation(s) on {path} "
        f"at {viewport['width']} px:\n{describe(violations)}"
    )


@pytest.mark.parametrize("path", PAGE_PARAMS)
def test_no_horizontal_scroll_on_a_phone(live_catalogue, open_page, path):
    page = open_page(viewport=PHONE)
    page.goto(live_catalogue.url + path)
    widths = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth,"
        " client: document.documentElement.clientWidth})"
    )
    if widths["scroll"] > widths["client"] + 1:
        culprits = page.evaluate(
            """() => {
                const limit = document.documentElement.clientWidth + 1;
                return [...document.querySelectorAll('body *')]
                    .filter(el => el.getBoundingClientRect().right > limit)
                    .filter(el => !el.parentElement
                        || el.parentElement.getBoundingClientRect().right <= limit)
                    .slice(0, 5)
                    .map(el => el.tagName.toLowerCase()
                        + (el.id ? '#' + el.id : '')
                        + (el.className && typeof el.className === 'string'
                            ? '.' + el.className.trim().split(/\\s+/).join('.') : '')
                        + ' (right edge ' + Math.round(el.getBoundingClientRect().right)
                        + ' px)');
            }"""
        )
        pytest.fail(
            f"{path} scrolls sideways at {PHONE['width']} px: scrollWidth "
            f"{widths['scroll']} > clientWidth {widths['client']}; "
            f"overflowing: {culprits}"
        )


def tab_to_the_skip_link_and_follow_it(page):
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_count(1)
    expect(focused).to_have_role("link")
    expect(focused).to_have_accessible_name("Skip to content")
    expect(focused).to_be_visible()  # a skip link shows itself when focused
    page.keyboard.press("Enter")
    main_id = page.get_by_role("main").get_attribute("id")
    assert main_id and page.url.endswith(f"#{main_id}"), page.url


@pytest.mark.parametrize("viewport", VIEWPORT_PARAMS)
def test_skip_link_is_the_first_tab_stop_and_leads_into_main(
    live_catalogue, open_page, viewport
):
    page = open_page(viewport=viewport)
    page.goto(live_catalogue.url + "/initiatives/stem-agenda-2030/")
    tab_to_the_skip_link_and_follow_it(page)
    # The next Tab stop is inside main, not back in the header.
    page.keyboard.press("Tab")
    assert page.evaluate(
        "() => document.querySelector('main').contains(document.activeElement)"
    ), "the Tab stop after the skip link is outside main"


def test_skip_link_moves_focus_to_main(live_catalogue, page):
    """Focus lands on main itself, so screen readers start reading there.

    Following a link to ``#content`` only moves focus when the target can take
    it: ``<main id="content" tabindex="-1">``.
    """
    page.goto(live_catalogue.url + "/")
    tab_to_the_skip_link_and_follow_it(page)
    expect(page.get_by_role("main")).to_be_focused(timeout=1_000)
