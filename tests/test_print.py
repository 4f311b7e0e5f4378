"""Pages printed to PDF on A4 by Chromium: no navigation, filters or forms; links keep their address.

Each PDF's pages are kept as PNGs in test-artifacts/ (pdftoppm, from poppler-utils) to look at.
"""

import os
import shutil
import subprocess

import pytest
from django.core.management import call_command

from .browser import ARTIFACTS, PAGE_TYPES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The pages a reader prints, with the most pages each may take on A4.
PRINTED = {
    "timeline": 10,
    "meeting": 3,
    "organisation": 10,
    "country": 5,
    "country-pair": 3,
    "organisation-pair": 3,
}
# Words of the screen that have no place on paper.
SCREEN_ONLY = ["Skip to content", "Download CSV", "Add to calendar", "Apply", "Show as a table", "Filter"]


def require_poppler() -> None:
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        return
    if os.environ.get("CI"):
        pytest.fail("CI must print the pages, but poppler-utils is missing (.ci/run installs it).")
    pytest.skip("no pdftoppm: apt-get install poppler-utils to run the print tests")


@pytest.fixture
def demo_site(live_server):
    require_poppler()
    call_command("load_demo_data", verbosity=0)
    return live_server.url


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


def print_to_pdf(page, url: str, name: str) -> tuple[int, str]:
    """(pages, text) of ``url`` printed on A4; its pages are kept as PNGs."""
    page.goto(url)
    ARTIFACTS.mkdir(exist_ok=True)
    pdf = ARTIFACTS / f"print-{name}.pdf"
    page.pdf(path=str(pdf), format="A4", prefer_css_page_size=True)
    for old in ARTIFACTS.glob(f"print-{name}-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(pdf), str(ARTIFACTS / f"print-{name}")], check=True)
    pages = len(list(ARTIFACTS.glob(f"print-{name}-*.png")))
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    return pages, text


@pytest.mark.parametrize("name", list(PRINTED))
def test_a_page_prints_on_a4_without_navigation_or_forms(page, demo_site, name):
    path, _ = PAGE_TYPES[name]
    pages, text = print_to_pdf(page, demo_site + path, name)
    assert 1 <= pages <= PRINTED[name], f"{name}: {pages} pages"
    heading = page.locator("h1").inner_text().split("(")[0].strip()
    assert " ".join(heading.split()[:3]) in " ".join(text.split())
    for word in SCREEN_ONLY:
        assert word not in text, f"{name} prints {word!r}"
    assert "Organisations Countries Delegations" not in " ".join(text.split())  # the navigation
    # The address the page was printed from heads it.
    assert f"{demo_site}{path}" in text.replace(" ", "")


def test_links_print_their_address(page, demo_site):
    _, text = print_to_pdf(page, demo_site + PAGE_TYPES["meeting"][0], "meeting-links")
    flat = "".join(text.split())
    assert "<https://" in flat  # a source's address
    assert "<http://" in flat or "<https://" in flat
    assert "<http" in flat and "Permanentaddress" in flat


def test_meetings_never_split_and_pictures_fit_the_page(page, demo_site):
    page.goto(demo_site + "/")
    page.emulate_media(media="print")
    breaks = page.locator(".meeting-row").evaluate_all(
        "rows => rows.map(r => getComputedStyle(r).breakInside)"
    )
    assert breaks and set(breaks) == {"avoid"}
    assert page.locator(".filters").first.evaluate("e => getComputedStyle(e).display") == "none"
    page_width = page.evaluate("document.documentElement.clientWidth")
    for picture in (".map-svg", ".chart-svg"):
        box = page.locator(picture).first.bounding_box()
        assert box["width"] <= page_width, picture
    page.goto(demo_site + PAGE_TYPES["organisation"][0])
    page.emulate_media(media="print")
    box = page.locator(".network-svg").first.bounding_box()
    assert box["width"] <= page.evaluate("document.documentElement.clientWidth")
