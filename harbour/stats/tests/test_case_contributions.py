"""Cases contribute through the real cases actions: with statistics consent only, once per person,
gone after withdrawal; publishing a release brings the records up to date first."""

from __future__ import annotations

from typing import Any

import pytest

from harbour.cases import actions as cases
from harbour.cases.models import Case, Consent
from harbour.stats import engine
from harbour.stats import vocabulary as v
from harbour.stats.records import StatisticsRecord
from harbour.stats.tests.factories import published
from harbour.testing import Cast

pytestmark = pytest.mark.django_db

OPEN = cases.ConsentGiven(
    purpose="open_case", categories=("case", "contact", "profile", "exploitation", "needs"), language="fr"
)
STATISTICS = cases.ConsentGiven("statistics", ("profile",))


def _case(cast: Cast, **details: Any) -> Case:
    facts = {
        "alias": "Sun", "contact": "+1 555 0100", "gender": "woman", "age_group": "0-17", "province": "ON",
        "country_of_origin": "mx", "exploitation": ("labour",), "sector": "agriculture", "needs": ("housing",),
    }  # fmt: skip
    return cases.open_case(
        by=cast.bob, consent=OPEN, summary="Needs a safe bed", details=cases.CaseDetails(**{**facts, **details})
    )


def _year() -> int:
    return int(StatisticsRecord.objects.get().year_of_registration)


def _gender_counts(year: int) -> dict[str, int]:
    return dict(engine.true_counts(v.BREAKDOWNS["gender"], year, year))


def test_a_case_with_statistics_consent_counts_in_the_next_release_in_the_public_vocabulary(cast: Cast) -> None:
    case = _case(cast)
    cases.record_consent(by=cast.bob, case=case, given=cases.ConsentGiven("statistics", ("profile", "exploitation")))
    assert not StatisticsRecord.objects.exists()
    year = case.created_at.year
    published(cast.cora, ["gender"], years=(year, year))
    record = StatisticsRecord.objects.get()
    assert (record.source, record.organisation_id) == (StatisticsRecord.Source.CASE, cast.harbour_house.pk)
    assert (record.gender, record.citizenship, record.citizenship_region, record.province) == (
        "female", "MX", v.region_of("MX"), "ON",
    )  # fmt: skip
    assert (record.majority_at_exploitation, record.age_band, record.sector) == ("minor", v.UNKNOWN, "agriculture")
    assert record.is_forced_labour and not record.is_sexual_exploitation
    assert record.person_key != case.person_key
    assert _gender_counts(year)["female"] == 1


def test_only_the_categories_the_statistics_consent_names_reach_the_record(cast: Cast) -> None:
    case = _case(cast)
    cases.record_consent(by=cast.bob, case=case, given=STATISTICS)  # the profile, not the exploitation
    published(cast.cora, ["gender"], years=(case.created_at.year, case.created_at.year))
    record = StatisticsRecord.objects.get()
    assert (record.gender, record.citizenship, record.province) == ("female", "MX", "ON")
    assert record.sector == v.UNKNOWN and not record.is_forced_labour


def test_a_person_referred_to_a_second_organisation_counts_once(cast: Cast) -> None:
    case = _case(cast, gender="man")
    cases.record_consent(by=cast.bob, case=case, given=STATISTICS)
    cases.record_consent(
        by=cast.bob,
        case=case,
        given=cases.ConsentGiven(purpose="refer", categories=("case", "profile"), recipient_id=cast.prairie_clinic.pk),
    )
    referral = cases.refer_case(
        by=cast.bob, case=case, recipient=cast.prairie_clinic, need="legal", categories=["case", "profile"]
    )
    received = cases.referral_accept(by=cast.carol, referral=referral)
    cases.record_consent(by=cast.carol, case=received, given=STATISTICS)
    published(cast.cora, ["gender"], years=(case.created_at.year, case.created_at.year))
    assert StatisticsRecord.objects.count() == 1
    assert _gender_counts(_year())["male"] == 1


def test_after_withdrawal_the_record_is_gone_from_future_releases(
    cast: Cast, django_capture_on_commit_callbacks: Any
) -> None:
    case = _case(cast)
    cases.record_consent(by=cast.bob, case=case, given=STATISTICS)
    year = case.created_at.year
    published(cast.cora, ["gender"], years=(year, year), title="First")
    assert _gender_counts(year)["female"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        cases.withdraw_consent(by=cast.bob, consent=Consent.system_objects.get(case=case, purpose="statistics"))
    assert not StatisticsRecord.objects.exists()  # at once, before any release
    published(cast.cora, ["gender"], years=(year, year), title="Second")
    assert not StatisticsRecord.objects.exists()
    assert _gender_counts(year)["female"] == 0


def test_a_case_without_statistics_consent_never_contributes(cast: Cast) -> None:
    case = _case(cast)
    cases.record_consent(
        by=cast.bob,
        case=case,
        given=cases.ConsentGiven(purpose="refer", categories=("case", "profile"), recipient_id=cast.prairie_clinic.pk),
    )
    published(cast.cora, ["gender"], years=(case.created_at.year, case.created_at.year))
    assert not StatisticsRecord.objects.exists()
    assert sum(_gender_counts(case.created_at.year).values()) == 0
