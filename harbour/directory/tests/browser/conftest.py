"""The browser fixtures of the core tests (one Chromium, the live server with collected static files)."""

from harbour.core.tests.browser.conftest import (  # noqa: F401 - fixtures, found by name
    browser,
    context,
    live_server,
    no_script_context,
    page,
    playwright,
)
