"""Browser tests: pytest-django's live server driven by Playwright in Debian's headless Chromium.

Skipped when Chromium is not installed (`make e2e` and `.ci/run` install it). Screenshots are saved
under var/screenshots/ as test artifacts.
"""

import os
import shutil
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or shutil.which("chromium-browser")
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
# Chromium's own background traffic is refused on this network; these flags keep it quiet and fast.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]

# Playwright's sync API runs an event loop in the test's thread; Django's ORM calls made by the test
# itself (arranging data) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)
            if CHROMIUM is None:
                item.add_marker(pytest.mark.skip(reason="Chromium is not installed (apt-get install chromium)"))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser):
    """Opens pages in fresh browser contexts (separate cookies), closed at the end of the test."""
    contexts = []

    def open_page(width=1280, height=900, **options):
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def screenshot(request):
    """screenshot(page, "name") saves a full-page PNG under var/screenshots/<test name>-<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def save(page, name):
        path = SCREENSHOTS / f"{request.node.name}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save


@pytest.fixture
def sign_in(live_server):
    """sign_in(page, username, staff=False): a session for that user through /auto_auth/."""

    def sign_in_as(page, username, *, staff=False, superuser=False):
        flags = f"staff={str(staff).lower()}&superuser={str(superuser).lower()}"
        page.goto(f"{live_server.url}/auto_auth/?username={username}&{flags}&next=/health/")

    return sign_in_as
