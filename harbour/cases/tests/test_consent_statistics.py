"""Statistics read cases through the same consent rules as every share, and only the categories consented to."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.consent import CATEGORY_FIELDS, ConsentRefused, categories_in_force, check
from harbour.cases.models import Case, Category, Consent
from harbour.cases.statistics import consented_case_facts
from harbour.testing import Cast

pytestmark = pytest.mark.django_db

OPEN = actions.ConsentGiven(purpose="open_case", categories=tuple(Category.values))


def _case(cast: Cast) -> Case:
    return actions.open_case(
        by=cast.bob,
        consent=OPEN,
        summary="Needs a safe bed tonight",
        details=actions.CaseDetails(
            alias="Sun",
            gender="woman",
            age_group="25-39",
            province="ON",
            country_of_origin="mx",
            exploitation=("labour",),
            sector="agriculture",
            needs=("housing",),
        ),
    )


def _statistics(cast: Cast, case: Case, *categories: str, expires_at: object = None) -> Consent:
    return actions.record_consent(
        by=cast.bob,
        case=case,
        given=actions.ConsentGiven("statistics", categories, expires_at=expires_at),  # type: ignore[arg-type]
    )


def test_a_fact_whose_category_the_consent_does_not_name_is_not_released(cast: Cast) -> None:
    _statistics(cast, _case(cast), "case")
    (only_case,) = consented_case_facts()
    assert (only_case.gender, only_case.age_band, only_case.citizenship, only_case.province) == ("", "", "", "")
    assert (only_case.exploitation, only_case.sector, only_case.needs) == ((), "", ())
    _statistics(cast, _case(cast), "exploitation")
    _statistics(cast, _case(cast), "needs", "profile")
    _first, exploitation, needs = consented_case_facts()
    assert exploitation.exploitation == ("labour",) and exploitation.sector == "agriculture"
    assert exploitation.gender == "" and exploitation.needs == () and exploitation.citizenship == ""
    assert needs.needs == ("housing",) and needs.gender == "woman" and needs.citizenship == "MX"
    assert needs.age_band == "25-39" and needs.province == "ON"
    assert needs.exploitation == () and needs.sector == ""


def test_an_expired_statistics_consent_no_longer_counts_the_case(cast: Cast) -> None:
    ends = timezone.now() + timedelta(days=30)
    _statistics(cast, _case(cast), "profile", expires_at=ends)
    assert len(list(consented_case_facts())) == 1
    assert list(consented_case_facts(at=ends + timedelta(seconds=1))) == []


def test_a_withdrawn_statistics_consent_no_longer_counts_the_case(cast: Cast) -> None:
    kept, gone = _case(cast), _case(cast)
    _statistics(cast, kept, "profile")
    actions.withdraw_consent(by=cast.bob, consent=_statistics(cast, gone, "profile", "exploitation"))
    assert [fact.exploitation for fact in consented_case_facts()] == [()]
    assert set(categories_in_force(Consent.Purpose.STATISTICS)) == {kept.pk}


def test_the_bulk_rules_allow_exactly_what_check_allows(cast: Cast) -> None:
    later = timezone.now() + timedelta(days=10)
    cases = [_case(cast) for _ in range(5)]
    _statistics(cast, cases[0], "case", "profile")
    _statistics(cast, cases[1], "needs", expires_at=later)
    actions.withdraw_consent(by=cast.bob, consent=_statistics(cast, cases[2], "exploitation"))
    _statistics(cast, cases[2], "profile")  # asked again: only the new consent counts
    actions.withdraw_consent(by=cast.bob, consent=_statistics(cast, cases[3], "profile"))
    # cases[4]: no statistics consent at all
    for moment in (timezone.now(), later + timedelta(seconds=1)):
        allowed = categories_in_force(Consent.Purpose.STATISTICS, at=moment)
        for case in cases:
            for category in Category.values:
                try:
                    check(case, Consent.Purpose.STATISTICS, None, [category], at=moment)
                    by_check = True
                except ConsentRefused:
                    by_check = False
                assert (category in allowed.get(case.pk, frozenset())) is by_check, (case.pk, category, moment)
    assert set(categories_in_force(Consent.Purpose.STATISTICS)) == {cases[0].pk, cases[1].pk, cases[2].pk}
    with pytest.raises(ValueError):
        categories_in_force(Consent.Purpose.REFER)


def test_a_referral_carries_the_fields_of_its_categories_as_the_one_mapping_names_them(cast: Cast) -> None:
    case = _case(cast)
    for category in Category.values:
        values = actions.case_values(case, [category])
        expected = set(CATEGORY_FIELDS[category]) - {"screening"}  # this case has no screening answers
        if category == Category.PROTECTION:
            expected = {"protection"}
        assert set(values) - {"categories"} == expected, category
