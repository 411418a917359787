"""Consent decides every share: refused without it, after expiry, after withdrawal, outside its categories."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.consent import ConsentRefused, check
from harbour.cases.models import Case, Consent, Referral
from harbour.cases.signals import consent_withdrawn
from harbour.cases.statistics import consented_case_facts
from harbour.core.models import AuditEntry
from harbour.testing import Cast

pytestmark = pytest.mark.django_db

# The case keeps what the person agreed to keep; the referral consents below decide what travels.
KEPT = ("case", "contact", "needs", "profile", "exploitation", "safety_plan")
OPEN = actions.ConsentGiven(purpose="open_case", categories=KEPT, language="fr")


def _case(cast: Cast, **details: Any) -> Case:
    return actions.open_case(
        by=cast.bob,
        consent=OPEN,
        summary="Needs a safe bed tonight",
        details=actions.CaseDetails(
            alias="Sun",
            contact="+1 555 0100",
            gender="woman",
            age_group="25-39",
            province="ON",
            country_of_origin="mx",
            exploitation=("labour",),
            sector="agriculture",
            needs=("housing",),
            **details,
        ),
    )


def _refer_consent(cast: Cast, case: Case, *categories: str, expires_in: timedelta | None = None) -> Consent:
    return actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven(
            purpose="refer",
            categories=categories,
            recipient_id=cast.prairie_clinic.pk,
            expires_at=timezone.now() + expires_in if expires_in else None,
        ),
    )


def test_no_case_opens_without_consent_to_open_it(cast: Cast) -> None:
    with pytest.raises(actions.ConsentMissing):
        actions.open_case(by=cast.bob, consent=actions.ConsentGiven("refer", ("case",)), summary="s")
    with pytest.raises(actions.ConsentMissing):
        actions.case_open(by=cast.bob, summary="s")
    assert Case.system_objects.count() == 0


def test_consent_keeps_the_wording_shown_in_the_persons_language_with_its_version(cast: Cast) -> None:
    case = _case(cast)
    consent = Consent.objects.visible_to(cast.bob).get(case=case)
    assert consent.language == "fr" and consent.wording_version == "open_case-2026-1"
    assert "Vous pouvez" in consent.wording
    assert consent.recorded_by_id == cast.bob.pk and consent.categories == set(KEPT)


def test_a_draft_language_records_its_own_wording(cast: Cast) -> None:
    case = _case(cast)
    consent = actions.record_consent(
        by=cast.bob, case=case, given=actions.ConsentGiven("statistics", ("profile",), language="th")
    )
    assert consent.language == "th" and consent.wording_version == "statistics-2026-1"
    assert consent.wording.startswith("คุณเลือกได้ว่า") and "Canada" not in consent.wording


def test_sharing_is_refused_without_any_referral_consent(cast: Cast) -> None:
    case = _case(cast)
    with pytest.raises(ConsentRefused) as refused:
        actions.refer_case(by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case"])
    assert refused.value.reason == ConsentRefused.NONE
    assert Referral.system_objects.count() == 0


def test_sharing_is_refused_to_an_organisation_the_consent_does_not_name(cast: Cast) -> None:
    case = _case(cast)
    _refer_consent(cast, case, "case")
    with pytest.raises(ConsentRefused) as refused:
        check(case, "refer", cast.secretariat, ["case"])
    assert refused.value.reason == ConsentRefused.RECIPIENT


def test_sharing_is_refused_after_expiry(cast: Cast) -> None:
    case = _case(cast)
    _refer_consent(cast, case, "case", expires_in=timedelta(days=1))
    assert check(case, "refer", cast.prairie_clinic, ["case"])
    with pytest.raises(ConsentRefused) as refused:
        check(case, "refer", cast.prairie_clinic, ["case"], at=timezone.now() + timedelta(days=2))
    assert refused.value.reason == ConsentRefused.EXPIRED


def test_sharing_is_refused_after_withdrawal_and_waiting_referrals_lose_their_copy(cast: Cast) -> None:
    case = _case(cast)
    consent = _refer_consent(cast, case, "case", "needs")
    referral = actions.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case", "needs"]
    )
    heard: list[dict[str, Any]] = []

    def listener(**kwargs: Any) -> None:
        heard.append(kwargs)

    consent_withdrawn.connect(listener)
    try:
        actions.withdraw_consent(by=cast.bob, consent=consent)
    finally:
        consent_withdrawn.disconnect(listener)
    with pytest.raises(ConsentRefused) as refused:
        check(case, "refer", cast.prairie_clinic, ["case"])
    assert refused.value.reason == ConsentRefused.WITHDRAWN
    referral.refresh_from_db()
    assert referral.shared is None
    with pytest.raises(ConsentRefused):
        actions.referral_accept(by=cast.carol, referral=referral)
    assert heard == [] or heard[0]["purpose"] == "refer"


def test_sharing_is_refused_for_a_field_the_consent_does_not_name(cast: Cast) -> None:
    case = _case(cast)
    _refer_consent(cast, case, "case", "needs")
    with pytest.raises(ConsentRefused) as refused:
        actions.refer_case(
            by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case", "contact"]
        )
    assert refused.value.reason == ConsentRefused.CATEGORY
    assert "contact" in refused.value.message


def test_only_the_consented_fields_travel_sealed_for_the_recipient(cast: Cast) -> None:
    case = _case(cast)
    _refer_consent(cast, case, "case", "needs")
    referral = actions.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case", "needs"]
    )
    shared = json.loads(referral.shared or "")
    assert shared["needs"] == ["housing"] and "alias" not in shared and "contact" not in shared
    with connection.cursor() as cursor:
        cursor.execute("SELECT shared FROM cases_referral WHERE id = %s", [referral.pk])
        (raw,) = cursor.fetchone()
    assert raw.startswith("hb1:") and "housing" not in raw
    assert AuditEntry.objects.filter(action="share", record_id=str(referral.pk)).count() == 1


def test_a_referral_to_an_organisation_that_left_the_network_is_refused(cast: Cast) -> None:
    case = _case(cast)
    with pytest.raises(actions.ReferralRefused):
        actions.refer_case(by=cast.bob, case=case, recipient=cast.pending_org, need="legal", categories=["case"])


def test_every_state_change_of_a_referral(cast: Cast) -> None:
    case = _case(cast)
    _refer_consent(cast, case, "case", "needs", "contact")

    def send() -> Referral:
        return actions.refer_case(
            by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case", "needs"]
        )

    accepted = send()
    assert accepted.state == "sent"
    with pytest.raises(PermissionError):
        actions.referral_accept(by=cast.bob, referral=accepted)  # the sender cannot answer its own referral
    received = actions.referral_accept(by=cast.carol, referral=accepted)
    assert accepted.state == "accepted" and received.organisation_id == cast.prairie_clinic.pk
    assert received.person_key == case.person_key and received.summary == "Needs a safe bed tonight"
    assert received.alias == ""  # contact was consented to but not sent
    with pytest.raises(actions.ReferralRefused):
        actions.referral_decline(by=cast.carol, referral=accepted, reason="late")
    actions.referral_complete(by=cast.carol, referral=accepted)
    assert accepted.state == "completed"

    declined = send()
    with pytest.raises(ValueError):
        actions.referral_decline(by=cast.carol, referral=declined, reason=" ")
    actions.referral_decline(by=cast.carol, referral=declined, reason="No space until March")
    declined.refresh_from_db()
    assert declined.state == "declined" and declined.decline_reason == "No space until March" and not declined.shared

    withdrawn = send()
    with pytest.raises(PermissionError):
        actions.referral_withdraw(by=cast.carol, referral=withdrawn)
    actions.referral_withdraw(by=cast.bob, referral=withdrawn)
    assert withdrawn.state == "withdrawn" and withdrawn.shared is None
    with pytest.raises(actions.ReferralRefused):
        actions.referral_complete(by=cast.carol, referral=withdrawn)


def test_warm_referral_by_a_hotline_operator_records_both_consents(cast: Cast) -> None:
    referral = actions.warm_referral(
        by=cast.hana, recipient=cast.prairie_clinic, need="legal", summary="Caller needs a lawyer", language="es"
    )
    purposes = sorted(Consent.system_objects.filter(case=referral.case).values_list("purpose", flat=True))
    assert purposes == ["open_case", "refer"]
    assert referral.state == "sent" and referral.case.organisation_id == cast.harbour_house.pk


def test_open_case_from_report_needs_consent_given_in_the_thread(cast: Cast) -> None:
    with pytest.raises(actions.ConsentMissing):
        actions.open_case_from_report(by=cast.bob, summary="s", consent=OPEN)
    case = actions.open_case_from_report(
        by=cast.bob,
        summary="From a report",
        consent=actions.ConsentGiven("open_case", ("case",), means="report_thread"),
    )
    assert Consent.system_objects.get(case=case).means == "report_thread"


def test_statistics_read_only_consented_cases_and_count_a_referred_person_once(cast: Cast) -> None:
    consented = _case(cast)
    _case(cast)  # no consent to statistics: never counted
    actions.record_consent(
        by=cast.bob, case=consented, given=actions.ConsentGiven("statistics", ("profile", "exploitation"))
    )
    _refer_consent(cast, consented, "case", "profile")
    referral = actions.refer_case(
        by=cast.bob, case=consented, recipient=cast.prairie_clinic, need="legal", categories=["case", "profile"]
    )
    received = actions.referral_accept(by=cast.carol, referral=referral)
    actions.record_consent(by=cast.carol, case=received, given=actions.ConsentGiven("statistics", ("profile",)))
    facts = list(consented_case_facts())
    assert len(facts) == 2 and len({fact.dedup_key for fact in facts}) == 1
    assert facts[0].gender == "woman" and facts[0].citizenship == "MX" and facts[0].exploitation == ("labour",)
    # The second organisation's statistics consent covers the profile only: no exploitation, no sector.
    assert facts[1].gender == "woman" and facts[1].exploitation == () and facts[1].sector == ""
    assert consented.person_key not in {fact.dedup_key for fact in facts}
    statistics = Consent.system_objects.get(case=received, purpose="statistics")
    actions.withdraw_consent(by=cast.carol, consent=statistics)
    assert len(list(consented_case_facts())) == 1


def test_liaison_and_researcher_cannot_record_or_share(cast: Cast) -> None:
    case = _case(cast)
    for outsider in (cast.lee, cast.rhea, cast.carol):
        with pytest.raises(PermissionError):
            actions.record_consent(by=outsider, case=case, given=actions.ConsentGiven("refer", ("case",)))
        with pytest.raises(PermissionError):
            actions.refer_case(by=outsider, case=case, recipient=cast.prairie_clinic, need="legal", categories=[])
    assert Case.objects.visible_to(cast.lee).count() == 0 and Referral.objects.received_by(cast.rhea).count() == 0


def test_the_database_holds_only_ciphertext_for_notes_and_contact(cast: Cast) -> None:
    case = _case(cast)
    actions.note_add(by=cast.bob, case=case, text="Met at the clinic on Tuesday")
    with connection.cursor() as cursor:
        cursor.execute("SELECT alias, contact, summary FROM cases_case")
        rows = cursor.fetchall()
        cursor.execute("SELECT text FROM cases_note")
        rows += cursor.fetchall()
    flat = " ".join(value for row in rows for value in row)
    assert all(value.startswith("hb2:") for row in rows for value in row)
    for secret in ("Sun", "555 0100", "safe bed", "Tuesday"):
        assert secret not in flat
