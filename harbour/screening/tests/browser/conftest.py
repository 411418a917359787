"""Browser fixtures for the screening app, built from the core browser harness.

Only one sync Playwright can run in a thread, and core's `playwright` fixture is
session-scoped and visible only under harbour/core/tests/browser/. Importing it
here would register a second, independent session fixture and start a second
Playwright while core's is alive. So these fixtures are package-scoped (torn down
when this package's tests end) and this package's browser tests run before any
other's. The lead may prefer to lift core's fixtures into a shared conftest; then
this file shrinks to nothing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright
from pytest_django.live_server_helper import LiveServer

from harbour.core.tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, _static_files_through_whitenoise

HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """This package's tests first, so its Playwright has stopped before core's starts."""
    ours = [item for item in items if Path(str(item.path)).resolve().parent == HERE]
    if ours:
        items[:] = ours + [item for item in items if item not in ours]


@pytest.fixture(scope="package")
def live_server(request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    if not (Path(settings.STATIC_ROOT) / "staticfiles.json").exists():
        pytest.fail("static files are not collected: run `manage.py collectstatic` (make test-browser does)")
    address = request.config.getvalue("liveserver") or os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS", "localhost")
    server = LiveServer(address, start=False)
    server.thread.static_handler = _static_files_through_whitenoise  # type: ignore[assignment]
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="package")
def playwright() -> Iterator[Playwright]:
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # see core's fixture: safe while Playwright is alive
    with sync_playwright() as driver:
        yield driver
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield launched
    launched.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(locale="en-CA")
    made.set_default_timeout(10_000)
    yield made
    made.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()


@pytest.fixture
def no_script_context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(locale="en-CA", java_script_enabled=False)
    made.set_default_timeout(10_000)
    yield made
    made.close()
