"""The core browser fixtures (one Chromium, a live server serving collected static files), reused here."""

from harbour.core.tests.browser.conftest import (  # noqa: F401
    browser,
    context,
    live_server,
    no_script_context,
    page,
    playwright,
)
