"""Browser fixtures for the rights pages: the core's live server and Chromium, and the content loaded for them."""

from __future__ import annotations

import pytest

from harbour.core.tests.browser.conftest import (  # noqa: F401 - fixtures, found by name
    browser,
    context,
    live_server,
    no_script_context,
    page,
    playwright,
)
from harbour.rights.loading import LoadReport, load_content


@pytest.fixture
def rights_content(transactional_db: None) -> LoadReport:
    return load_content()
