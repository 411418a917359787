"""Who may use each page of the directory app (collected by the access walk in core)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from harbour.testing import EVERYONE, Cast

# --- Pages for people: search, services, hotline, beds, upkeep, coverage (directory-find) ---
# Confidential addresses and beds: the front line of vetted organisations and coordinators;
# never a liaison or a researcher.
FRONT_LINE = frozenset({"alice", "bob", "hana", "carol", "omar", "cora"})
EXPECTED: dict[str, AbstractSet[str]] = {
    "directory:search": EVERYONE,
    "directory:service": EVERYONE,
    "directory:member_search": FRONT_LINE,
    "directory:member_service": FRONT_LINE,
    "directory:hotline": FRONT_LINE,
    "directory:beds": frozenset({"alice", "bob", "hana", "carol", "omar"}),
    "directory:my_services": frozenset({"alice", "omar"}),
    # Scoped to the administrator's own organisation: the sample is Harbour House's service.
    "directory:service_edit": frozenset({"alice"}),
    "directory:service_verify": frozenset({"alice"}),
    "directory:stale": frozenset({"cora"}),
    "directory:gaps": frozenset({"cora"}),
    "directory:gaps_csv": frozenset({"cora"}),
}


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    from harbour.directory.tests.factories import service_make

    service = service_make(name="Access walk shelter", organisation=cast.harbour_house, confidential=True)
    return {
        "directory:service": {"service_id": service.id},
        "directory:member_service": {"service_id": service.id},
        "directory:service_edit": {"service_id": service.id},
        "directory:service_verify": {"service_id": service.id},
    }
