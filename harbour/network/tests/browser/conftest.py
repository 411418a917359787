"""The core browser fixtures (one Chromium, the live server with collected static files), reused here."""

from harbour.core.tests.browser.conftest import (  # noqa: F401 - pytest finds fixtures by name
    browser,
    context,
    live_server,
    no_script_context,
    page,
    playwright,
)
