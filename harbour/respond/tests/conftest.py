from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english_urls() -> Iterator[None]:
    # A request to a /fr/ page leaves French active in the thread; each test starts in English.
    with translation.override("en"):
        yield
