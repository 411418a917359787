"""Who may use each page of the directory app (collected by the access walk in core)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from harbour.testing import Cast

EXPECTED: dict[str, AbstractSet[str]] = {
    # Not built yet: the page is not found for everyone.
    "directory:search": set(),
}


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    return {}
