"""The rights content for browser tests (the live server and Chromium come from core's browser harness)."""

from __future__ import annotations

import pytest

from harbour.rights.loading import LoadReport, load_content


@pytest.fixture
def rights_content(transactional_db: None) -> LoadReport:
    return load_content()
