"""Who may use each cases page (collected by the access walk in core).

Samples belong to Harbour House: carol and omar (Prairie Legal Clinic) get a 404
for its case; liaisons, researchers, coordinators and pat (not vetted) never get in.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from harbour.testing import Cast

PERSON_DATA_STAFF = frozenset({"alice", "bob", "hana", "carol", "omar"})
CASE_WRITERS_ANYWHERE = frozenset({"alice", "bob", "carol", "omar"})
HARBOUR_HOUSE = frozenset({"alice", "bob", "hana"})
HARBOUR_HOUSE_WRITERS = frozenset({"alice", "bob"})

EXPECTED: dict[str, AbstractSet[str]] = {
    "cases:case_list": PERSON_DATA_STAFF,
    "cases:case_new": CASE_WRITERS_ANYWHERE,
    "cases:case_from_screening": CASE_WRITERS_ANYWHERE,
    "cases:case_detail": HARBOUR_HOUSE,
    "cases:case_edit": HARBOUR_HOUSE_WRITERS,
}


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    from harbour.cases.actions import CASE_CONSENT, case_open
    from harbour.cases.models import Case

    case = Case.system_objects.filter(organisation=cast.harbour_house).first()
    if case is None:
        case = case_open(by=cast.bob, summary="walk sample", consent=CASE_CONSENT)
    return {
        "cases:case_detail": {"reference": case.reference},
        "cases:case_edit": {"reference": case.reference},
    }
