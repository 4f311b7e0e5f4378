"""The pictures in headless Chromium: clicking the map filters, focus says what is where, screenshots."""

import re

import pytest
from django.core.management import call_command

from .browser import ARTIFACTS, WIDTHS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROUTE = "/delegations/2024-08-azerbaijan-southeast-asia/"


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo_data", verbosity=0)
    return live_server.url


def open_page(browser, width: str = "desktop", javascript: bool = True):
    context = browser.new_context(
        viewport={"width": WIDTHS[width], "height": 900}, java_script_enabled=javascript
    )
    return context, context.new_page()


def shown_count(page) -> int:
    return int(re.match(r"(\d+)", page.locator(".lede").first.inner_text()).group(1))


def picture_screenshot(page, selector: str, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator(selector).first.screenshot(path=str(ARTIFACTS / f"{name}.png"))


def test_clicking_a_country_on_the_map_applies_the_filter(browser, demo_site):
    context, page = open_page(browser)
    page.goto(demo_site + "/")
    cambodia = page.locator('.world-map a.map-country[data-country="KH"]')
    on_the_map = int(cambodia.get_attribute("data-count"))
    cambodia.click()
    page.wait_for_url(re.compile(r"country=KH"))
    assert page.locator(".chips a.chip", has_text="Cambodia").is_visible()
    assert shown_count(page) == on_the_map
    # The map now shows Cambodia's partners; Cambodia is marked, and a second click takes it off.
    selected = page.locator('.world-map a.map-country.is-selected[data-country="KH"]')
    assert selected.count() == 1
    selected.click()
    page.wait_for_url(re.compile(r"/\??$"))
    assert shown_count(page) == 30
    context.close()


def test_focusing_or_pointing_at_a_country_shows_its_name_and_count(browser, demo_site):
    context, page = open_page(browser)
    page.goto(demo_site + "/")
    readout = page.locator(".world-map [data-picture-readout]")
    page.locator('.world-map a.map-country[data-country="TH"]').focus()
    assert readout.inner_text() == "Thailand: 4 meetings"
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"country=TH"))
    # Now the map counts Thailand's meetings: one of them was with Azerbaijan.
    page.locator('.world-map a.map-country[data-country="AZ"]').hover()
    assert page.locator(".world-map [data-picture-readout]").inner_text() == "Azerbaijan: 1 meeting"
    context.close()


def test_the_map_works_without_javascript(browser, demo_site):
    context, page = open_page(browser, javascript=False)
    page.goto(demo_site + "/countries/")
    assert "Point at or tab to a country" in page.locator(".world-map [data-picture-readout]").inner_text()
    page.locator('.world-map a.map-country[data-country="KH"]').click()
    page.wait_for_url(re.compile(r"/countries/\?country=KH"))
    assert page.locator(".chips a.chip", has_text="Cambodia").is_visible()
    context.close()


def test_route_stops_and_network_nodes_open_their_pages(browser, demo_site):
    context, page = open_page(browser)
    page.goto(demo_site + ROUTE)
    page.locator('.route-map a.route-stop[data-stop="2"]').click()
    page.wait_for_url(re.compile(r"/meetings/"))
    assert "CMAC" in page.get_by_role("heading", level=1).inner_text()
    page.goto(demo_site + "/network/")
    page.locator('.network a.net-node[data-org="tmac"]').click()
    page.wait_for_url(re.compile(r"/organisations/tmac/$"))
    assert "Thailand Mine Action Centre" in page.get_by_role("heading", level=1).inner_text()
    context.close()


@pytest.mark.parametrize("width", ["desktop", "phone"])
@pytest.mark.parametrize(
    ("path", "selector", "name"),
    [
        ("/", "figure.world-map", "map-timeline"),
        ("/countries/?year=2024", "figure.world-map", "map-countries-2024"),
        (ROUTE, "figure.route-map", "route"),
        ("/network/", "figure.network", "network"),
        ("/organisations/anama/", "figure.network", "network-anama"),
        ("/", "figure.chart", "chart-timeline"),
        ("/topics/", "figure.topic-grid", "topics-over-time"),
    ],
)
def test_pictures_fit_the_screen(browser, demo_site, width, path, selector, name):
    context, page = open_page(browser, width)
    page.goto(demo_site + path)
    figure = page.locator(selector).first
    assert figure.is_visible()
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"{path} overflows by {overflow}px at {WIDTHS[width]}px"
    box = figure.bounding_box()
    assert box["width"] <= WIDTHS[width]
    picture_screenshot(page, selector, f"picture-{name}-{width}")
    context.close()
