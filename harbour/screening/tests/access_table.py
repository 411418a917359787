"""Who may use each page of the screening app (collected by the access walk in core)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet

from harbour.testing import EVERYONE

# Person-data roles of any vetted organisation: the screening holds no one's record,
# so carol and omar (Prairie Legal Clinic) use it as Harbour House's staff do.
PERSON_DATA_STAFF = frozenset({"alice", "bob", "hana", "carol", "omar"})

EXPECTED: dict[str, AbstractSet[str]] = {
    "screening:self_check": EVERYONE,
    "screening:worker": PERSON_DATA_STAFF,
    "screening:resume": PERSON_DATA_STAFF,
    "screening:evaluate_json": PERSON_DATA_STAFF,
}
