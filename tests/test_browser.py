"""A reader's path through the timeline in headless Chromium, with screenshots."""

import re

import pytest
from django.core.management import call_command

from .browser import WIDTHS, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo_data", verbosity=0)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": WIDTHS["desktop"], "height": 900})
    page = context.new_page()
    yield page
    context.close()


def shown_count(page) -> int:
    return int(re.match(r"(\d+)", page.locator(".lede").first.inner_text()).group(1))


def test_reader_narrows_searches_and_follows_links(page, demo_site):
    page.goto(demo_site + "/")
    everything = shown_count(page)
    assert everything == 30

    # Narrow by a country facet: a chip appears and the list shrinks.
    page.locator('section[aria-labelledby="facet-country"] a', has_text="Thailand").click()
    page.wait_for_url(re.compile(r"country=TH"))
    assert page.locator(".chips a.chip", has_text="Thailand").is_visible()
    in_thailand = shown_count(page)
    assert 0 < in_thailand < everything

    # Add a topic: the filters combine.
    page.locator('section[aria-labelledby="facet-topic"] a', has_text="Training").first.click()
    page.wait_for_url(re.compile(r"topic=training"))
    assert "country=TH" in page.url
    assert shown_count(page) <= in_thailand

    # Search a word, keeping the facets chosen.
    page.get_by_label("Search").fill("TMAC")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url(re.compile(r"q=TMAC"))
    assert "country=TH" in page.url and "topic=training" in page.url
    screenshot(page, "timeline-filtered-desktop")

    # Open the seed meeting, then its host's profile, then a partner's pair page.
    page.get_by_role("link", name="Azerbaijani delegation meets TMAC in Thailand").click()
    assert (
        page.get_by_role("heading", level=1).inner_text() == "Azerbaijani delegation meets TMAC in Thailand"
    )
    assert page.get_by_role("cell", name="Nattavut Sabyeroop").is_visible()
    screenshot(page, "meeting-desktop")
    page.locator(".facts").get_by_role("link", name="Thailand Mine Action Centre").click()
    assert "Thailand Mine Action Centre" in page.get_by_role("heading", level=1).inner_text()
    page.locator("#partners ~ ul").get_by_role("link", name="ANAMA", exact=True).click()
    assert page.url.endswith("/organisations/tmac/with/anama/")
    assert "both took part" in page.locator(".lede").inner_text()
    screenshot(page, "pair-desktop")


def test_keyboard_user_can_skip_to_content_and_reach_filters(page, demo_site):
    page.goto(demo_site + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/meetings/2024-08-anama-tmac-thailand/",
        "/organisations/anama/",
        "/countries/KH/",
        "/delegations/",
    ],
)
def test_pages_fit_the_screen(browser, demo_site, width, path):
    context = browser.new_context(viewport={"width": WIDTHS[width], "height": 900})
    page = context.new_page()
    page.goto(demo_site + path)
    # Nothing overflows sideways: a reader never scrolls horizontally.
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} overflows by {overflow}px at {WIDTHS[width]}px"
    name = path.strip("/").replace("/", "-") or "timeline"
    screenshot(page, f"{name}-{width}")
    context.close()


def test_keyboard_user_opens_a_broad_topics_specific_topics(page, demo_site):
    page.goto(demo_site + "/")
    facet = page.locator('section[aria-labelledby="facet-topic"]')
    summary = facet.locator("details.facet-children summary").first
    specific = facet.locator("details.facet-children li a").first
    assert not specific.is_visible()
    summary.focus()
    page.keyboard.press("Enter")
    assert specific.is_visible()
    screenshot(page, "timeline-topic-facet-open", full_page=False)
    count = int(specific.locator(".facet-count").inner_text())
    specific.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"topic="))
    assert shown_count(page) == count
    # Chosen, the specific topic stays in sight: its disclosure is open.
    assert page.locator('section[aria-labelledby="facet-topic"] details[open] li.selected').is_visible()


def test_commitments_page_with_its_facets(page, demo_site):
    page.goto(demo_site + "/commitments/")
    status = page.locator('section[aria-labelledby="facet-status"] li a').first
    count = int(status.locator(".facet-count").inner_text())
    screenshot(page, "commitments-facets-desktop", full_page=False)
    status.click()
    page.wait_for_url(re.compile(r"status="))
    assert page.locator(".commitments li.outcome").count() == min(count, 25)
