"""A visitor's journey, with and without JavaScript.

Home → Belgium on the map → filter by an education level → page 2 with the
filter kept → an initiative → one of its organisations. Locators use roles and
accessible names only, so that the markup may change under them.
"""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from .conftest import EXTRA_VET_INITIATIVES, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

VET_LABEL = re.compile(r"^\s*Vocational education and training \(VET\)")
NEXT = re.compile(r"^\s*next\b", re.IGNORECASE)
PREVIOUS = re.compile(r"^\s*previous\b", re.IGNORECASE)
STEM_AGENDA = re.compile(r"^\s*STEM agenda 2030\s*$")
VDAB = re.compile(r"^\s*Flemish public employment service\b")


def query(page):
    return parse_qs(urlsplit(page.url).query)


def reveal(control):
    """Open the disclosures (``<details>``) around ``control``, as a visitor would.

    The filters may sit in a collapsed panel (on a phone, or without
    JavaScript) and each facet may be collapsed too.
    """
    closed = control.locator("xpath=ancestor::details[not(@open)]")
    for _ in range(5):
        if closed.count() == 0:
            break
        closed.first.locator("xpath=./summary").click()
    expect(control).to_be_visible()


def submit_button(control):
    """The visible submit button of the form ``control`` belongs to."""
    form = control.locator("xpath=ancestor::form[1]")
    return (
        form.get_by_role("button")
        .and_(form.locator("button:not([type]), [type=submit]"))
        .filter(visible=True)
        .first
    )


FILTERED = re.compile(r"[?&]education_level=vet(&|$)")


def tick_and_apply(page, control, javascript):
    """Tick a filter and see the results follow.

    With JavaScript an enhanced form updates the results in place as soon as
    the box is ticked, and the address bar follows: no full reload. A form
    without the enhancement is submitted with its button, as without
    JavaScript.
    """
    reveal(control)
    if javascript:
        page.evaluate("() => { window.journeyMarker = 'no reload' }")
    control.check()
    if javascript:
        try:
            page.wait_for_url(FILTERED, timeout=3_000)
        except PlaywrightTimeoutError:
            pass  # not enhanced here: submit below
        else:
            assert page.evaluate("() => window.journeyMarker") == "no reload", (
                "ticking a filter reloaded the whole page"
            )
            return
    submit_button(control).click()
    page.wait_for_url(FILTERED)


RESULTS = re.compile(r"^\s*\d+ initiatives?\b")


def results(page):
    """The result list: a region named by its count ("31 initiatives")."""
    return page.get_by_role("region", name=RESULTS)


def result_link(page, name):
    return results(page).get_by_role("link", name=name)


def walk_the_journey(page, base_url, javascript):
    # Home: Belgium on the map of Europe.
    page.goto(base_url + "/")
    belgium = page.locator("svg").get_by_role("link", name=re.compile(r"^Belgium\b"))
    expect(belgium).to_have_count(1)
    expect(belgium).to_have_accessible_name(re.compile(r"^Belgium: \d+ initiatives?$"))
    belgium.click()

    # The country page.
    page.wait_for_url(re.compile(r"/countries/be/(\?.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Belgium")
    expect(result_link(page, "Kiezen voor STEM")).to_be_visible()

    # Filter by an education level.
    vet = page.get_by_role("checkbox", name=VET_LABEL, include_hidden=True)
    expect(vet).to_have_count(1)
    tick_and_apply(page, vet, javascript)
    expect(
        page.get_by_role("checkbox", name=VET_LABEL, include_hidden=True)
    ).to_be_checked()
    # Kiezen voor STEM states no education level: the filter has removed it.
    expect(result_link(page, "Kiezen voor STEM")).to_have_count(0)
    total = EXTRA_VET_INITIATIVES + 1  # and the STEM agenda 2030
    expect(results(page)).to_have_accessible_name(
        re.compile(rf"^\s*{total} initiatives\b")
    )

    # Page 2 keeps the filter.
    agenda_on_first_page = result_link(page, STEM_AGENDA).count() > 0
    page.get_by_role("link", name=NEXT).first.click()
    page.wait_for_url(re.compile(r"[?&]page=2(&|$)"))
    assert query(page).get("education_level") == ["vet"], page.url
    expect(
        page.get_by_role("checkbox", name=VET_LABEL, include_hidden=True)
    ).to_be_checked()
    expect(result_link(page, "Kiezen voor STEM")).to_have_count(0)
    expect(
        result_link(page, re.compile(r"^Vocational STEM pathway")).first
    ).to_be_visible()

    # The results show the STEM agenda 2030 (on page 1 when sorted by title);
    # going back keeps the filter too.
    if agenda_on_first_page:
        page.get_by_role("link", name=PREVIOUS).first.click()
        page.wait_for_url(lambda url: "page=2" not in url)
        assert query(page).get("education_level") == ["vet"], page.url
    agenda = result_link(page, STEM_AGENDA)
    expect(agenda).to_be_visible()

    # The initiative.
    agenda.click()
    page.wait_for_url(re.compile(r"/initiatives/stem-agenda-2030/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(STEM_AGENDA)

    # One of its organisations.
    page.get_by_role("main").get_by_role("link", name=VDAB).first.click()
    page.wait_for_url(re.compile(r"/organisations/vdab/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Flemish public employment service"
    )
    # …which leads back to the initiative.
    expect(
        page.get_by_role("main").get_by_role("link", name=STEM_AGENDA).first
    ).to_be_visible()


def test_journey_with_javascript(vet_catalogue, page):
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on(
        "console",
        lambda message: message.type == "error" and errors.append(message.text),
    )
    walk_the_journey(page, vet_catalogue.url, javascript=True)
    assert errors == [], f"JavaScript errors during the journey: {errors}"


def test_journey_without_javascript(vet_catalogue, page_without_js):
    walk_the_journey(page_without_js, vet_catalogue.url, javascript=False)


def test_journey_on_a_phone(vet_catalogue, open_page):
    """At 360 px the filters are collapsed and the map is small: still usable."""
    walk_the_journey(open_page(viewport=PHONE), vet_catalogue.url, javascript=True)


def test_catalogue_filters_update_in_place_with_javascript(live_catalogue, page):
    """On /initiatives/, ticking a filter updates the results without a reload;
    the address bar follows, and Back returns to the previous state."""
    page.goto(live_catalogue.url + "/initiatives/")
    expect(results(page)).to_have_accessible_name(RESULTS)
    everything = page.get_by_role("heading", name=RESULTS).first.inner_text().strip()
    page.evaluate("() => { window.journeyMarker = 'no reload' }")

    vet = page.get_by_role("checkbox", name=VET_LABEL, include_hidden=True)
    reveal(vet)
    vet.check()
    page.wait_for_url(FILTERED)
    assert page.evaluate("() => window.journeyMarker") == "no reload"
    # The seeds' STEM agenda 2030 and the nine VET entries of the source pages
    # (issue 6): the VET filter also finds its sub-level initial VET.
    expect(results(page)).to_have_accessible_name(re.compile(r"^\s*10 initiatives\b"))
    expect(result_link(page, STEM_AGENDA)).to_be_visible()
    expect(result_link(page, "Kiezen voor STEM")).to_have_count(0)
    # Screen readers hear the new count.
    expect(page.get_by_role("status").filter(has_text="10 initiatives")).to_have_count(
        1
    )

    page.go_back()
    page.wait_for_url(lambda url: "education_level" not in url)
    expect(results(page)).to_have_accessible_name(everything)
    expect(
        page.get_by_role("checkbox", name=VET_LABEL, include_hidden=True)
    ).not_to_be_checked()
    assert page.evaluate("() => window.journeyMarker") == "no reload"
