"""Headless Chromium through Playwright, for the browser tests."""

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
WIDTHS = {"desktop": 1280, "phone": 390}


def require_chromium() -> None:
    """Skip where no browser is installed, but never in CI, where one must be."""
    if Path(CHROMIUM).exists() or shutil.which(CHROMIUM):
        return
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the browser tests, but {CHROMIUM} is missing (.ci/run installs it).")
    pytest.skip(f"no Chromium at {CHROMIUM}: apt-get install chromium to run the browser tests")


@pytest.fixture(scope="session")
def browser():
    require_chromium()
    # Playwright's sync API runs an event loop in this thread; the ORM calls
    # the tests make around it are still synchronous and safe.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def screenshot(page, name: str, full_page: bool = True) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


# Every kind of reader's page, on the demo data: (address, the first result a reader came for).
PAGE_TYPES = {
    "timeline": ("/", ".meeting-row"),
    "meeting": ("/meetings/2024-08-anama-tmac-thailand/", ".facts"),
    "organisations": ("/organisations/", ".table tbody tr"),
    "organisation": ("/organisations/anama/", ".meeting-row"),
    "organisation-pair": ("/organisations/anama/with/tmac/", ".meeting-row"),
    "countries": ("/countries/", ".table tbody tr"),
    "country": ("/countries/KH/", ".meeting-row"),
    "country-pair": ("/countries/AZ/with/TH/", ".meeting-row"),
    "delegations": ("/delegations/", ".table tbody tr"),
    "delegation": ("/delegations/2025-10-azerbaijan-nato/", ".facts"),
    "people": ("/people/", ".people li"),
    "person": ("/people/vugar-suleymanov/", ".table tbody tr"),
    "topics": ("/topics/", ".topic-list li"),
    "topic": ("/topics/training/", ".meeting-row"),
    "network": ("/network/", ".network-svg"),
    "commitments": ("/commitments/", ".commitments li.outcome"),
    "not-found": ("/meetings/anama-tmac-thailand/", ".nearest-matches li"),
}
# Phones a reader holds: (width, height) in CSS pixels.
PHONES = {"small-phone": (360, 740), "phone": (390, 844)}
