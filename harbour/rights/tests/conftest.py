from __future__ import annotations

import pytest

from harbour.rights.loading import LoadReport, load_content


@pytest.fixture
def rights_content(db: None) -> LoadReport:
    """The fact sheets, packages, course and library items of harbour/rights/content/."""
    return load_content()
