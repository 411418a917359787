"""Who may use each cases page (collected by the access walk in core).

Samples belong to Harbour House: carol and omar (Prairie Legal Clinic) get a 404
for its case; liaisons, researchers, coordinators and pat (not vetted) never get in.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date
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
    "cases:consent_new": HARBOUR_HOUSE_WRITERS,
    "cases:consent_withdraw": HARBOUR_HOUSE_WRITERS,
    "cases:referral_new": HARBOUR_HOUSE_WRITERS,
    "cases:referral_withdraw": HARBOUR_HOUSE_WRITERS,
    "cases:case_export": HARBOUR_HOUSE_WRITERS,
    "cases:case_print": HARBOUR_HOUSE_WRITERS,
    "cases:note_new": HARBOUR_HOUSE_WRITERS,
    "cases:task_new": HARBOUR_HOUSE_WRITERS,
    "cases:task_done": HARBOUR_HOUSE_WRITERS,
    "cases:milestone_new": HARBOUR_HOUSE_WRITERS,
    "cases:case_close": HARBOUR_HOUSE_WRITERS,
    # Every person-data member has an inbox (their own organisation's).
    "cases:referrals_received": PERSON_DATA_STAFF,
    # The sample referral goes from Harbour House to Prairie Legal Clinic: only its writers open it.
    "cases:referral_received": frozenset({"carol", "omar"}),
    "cases:case_erase": HARBOUR_HOUSE_WRITERS,
    # Break-glass: anyone who may see person data may ask; the sample grant is carol's, on Harbour House's case.
    "cases:emergency_request": PERSON_DATA_STAFF,
    "cases:emergency_case": frozenset({"carol"}),
    # Ended by its holder or by the case organisation's administrator.
    "cases:emergency_end": frozenset({"carol", "alice"}),
    "cases:emergency_granted": frozenset({"alice", "omar"}),
    # Each administrator sets their own organisation's period (omar his clinic's); no one else, not case workers.
    "cases:retention_settings": frozenset({"alice", "omar"}),
}


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    from harbour.cases.actions import (
        CASE_CONSENT,
        ConsentGiven,
        case_open,
        emergency_access_request,
        record_consent,
        refer_case,
        task_add,
    )
    from harbour.cases.models import Case, Consent, EmergencyAccess, Referral, Task

    case = Case.system_objects.filter(organisation=cast.harbour_house).first()
    if case is None:
        case = case_open(by=cast.bob, summary="walk sample", consent=CASE_CONSENT)
    referral = Referral.system_objects.filter(case=case).first()
    if referral is None:
        record_consent(
            by=cast.bob,
            case=case,
            given=ConsentGiven("refer", ("case",), recipient_id=cast.prairie_clinic.pk),
        )
        referral = refer_case(by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"])
    consent = Consent.system_objects.filter(case=case).first()
    assert consent is not None
    task = Task.system_objects.filter(case=case).first()
    if task is None:
        task = task_add(by=cast.bob, case=case, title="Call the clinic", due_on=date(2030, 1, 1), owner=cast.bob)
    grant = EmergencyAccess.system_objects.filter(case=case, member=cast.carol).first()
    if grant is None:
        grant = emergency_access_request(
            by=cast.carol, reference=case.reference, reason="She is at our clinic tonight and afraid to go back"
        )
    reference = {"reference": case.reference}
    return {
        "cases:case_detail": reference,
        "cases:case_edit": reference,
        "cases:consent_new": {**reference, "purpose": "statistics"},
        "cases:consent_withdraw": {**reference, "consent_id": consent.pk},
        "cases:referral_new": reference,
        "cases:referral_withdraw": {**reference, "referral_id": referral.pk},
        "cases:case_export": reference,
        "cases:case_print": reference,
        "cases:note_new": reference,
        "cases:task_new": reference,
        "cases:task_done": {**reference, "task_id": task.pk},
        "cases:milestone_new": reference,
        "cases:case_close": reference,
        "cases:referral_received": {"referral_id": referral.pk},
        "cases:case_erase": reference,
        "cases:emergency_case": {"grant_id": grant.pk},
        "cases:emergency_end": {"grant_id": grant.pk},
    }
