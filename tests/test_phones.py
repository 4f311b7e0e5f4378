"""Every page type on a phone in headless Chromium: nothing sideways, the first result on the first screen."""

import pytest
from django.core.management import call_command

from .browser import PAGE_TYPES, PHONES, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def phones(browser):
    pages = {}
    for name, (width, height) in PHONES.items():
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
        )
        pages[name] = context.new_page()
    yield pages
    for page in pages.values():
        page.context.close()


@pytest.fixture
def demo_site(live_server):
    call_command("load_demo_data", verbosity=0)
    return live_server.url


def test_every_page_type_fits_a_phone_with_its_first_result_on_the_first_screen(phones, demo_site):
    failures = []
    for phone, page in phones.items():
        width, height = PHONES[phone]
        for name, (path, first_result) in PAGE_TYPES.items():
            response = page.goto(demo_site + path)
            assert response.status == (404 if name == "not-found" else 200), path
            page_width = page.evaluate("document.documentElement.scrollWidth")
            if page_width != width:
                failures.append(f"{name} at {width}px is {page_width}px wide")
            top = page.locator(first_result).first.evaluate("element => element.getBoundingClientRect().top")
            if not 0 <= top < height:
                failures.append(f"{name} at {width}x{height}: the first result starts at {top:.0f}px")
            screenshot(page, f"phone-{name}-{width}", full_page=False)
    assert failures == [], "\n".join(failures)


def test_the_filters_open_from_a_disclosure_and_the_chips_sit_above_the_list(phones, demo_site):
    page = phones["phone"]
    page.goto(demo_site + "/?country=TH")
    search = page.get_by_label("Search")
    assert not search.is_visible()  # behind the "Filter" disclosure
    chip = page.locator(".chips a.chip", has_text="Thailand")
    assert chip.is_visible()
    chip_box, first_box = chip.bounding_box(), page.locator(".meeting-row").first.bounding_box()
    assert chip_box["y"] < first_box["y"]
    page.locator("summary", has_text="Filter").click()
    assert search.is_visible()
    assert page.locator('section[aria-labelledby="facet-country"]').is_visible()
    search.fill("TMAC")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_url("**q=TMAC**")
    assert "country=TH" in page.url
    screenshot(page, "phone-timeline-filtered-390", full_page=False)


def test_the_filters_are_open_on_a_wide_screen_without_javascript(browser, demo_site):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=False)
    page = context.new_page()
    for path in ("/", "/organisations/", "/people/"):
        page.goto(demo_site + path)
        assert page.locator("input[type=search]").is_visible(), path
        assert not page.locator("summary.filters-toggle").is_visible(), path
    context.close()


def test_a_table_reflows_as_stacked_rows_on_a_phone(phones, demo_site):
    page = phones["small-phone"]
    page.goto(demo_site + PAGE_TYPES["meeting"][0])
    cells = page.locator("#participants ~ table tbody tr").first.locator("td")
    boxes = [cells.nth(number).bounding_box() for number in range(cells.count())]
    # One above another, each the width of the row, the role labelled.
    assert [box["y"] for box in boxes] == sorted(box["y"] for box in boxes)
    assert len({round(box["x"]) for box in boxes}) == 1
    labels = cells.evaluate_all("cells => cells.map(cell => getComputedStyle(cell, '::before').content)")
    assert labels[1:] == ['"Title at the time: "', '"Organisation: "', '"Role: "']
