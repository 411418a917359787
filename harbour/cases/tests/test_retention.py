"""Closed cases go after their organisation's period, by the daily job; a dry run only counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.models import Case, CaseRetention, Consent
from harbour.cases.retention import RULE
from harbour.core import retention
from harbour.core.models import AuditEntry
from harbour.testing import Cast

pytestmark = pytest.mark.django_db


def _outcome(**kwargs: object) -> int:
    return next(o.count for o in retention.run(**kwargs) if o.name == RULE)  # type: ignore[arg-type]


def test_closed_cases_are_deleted_after_the_organisations_period_and_a_dry_run_lists_them(cast: Cast) -> None:
    CaseRetention.objects.create(organisation=cast.harbour_house, closed_case_days=30)
    closed = actions.open_case(by=cast.bob, consent=actions.CASE_CONSENT, summary="closed")
    still_open = actions.open_case(by=cast.bob, consent=actions.CASE_CONSENT, summary="open")
    elsewhere = actions.open_case(by=cast.carol, consent=actions.CASE_CONSENT, summary="default period")
    for case in (closed, elsewhere):
        actions.case_close(by=cast.bob if case is closed else cast.carol, case=case, reason="goals_met")
    later = timezone.now() + timedelta(days=31)
    assert _outcome(now=later, dry_run=True) == 1
    assert Case.system_objects.count() == 3
    assert _outcome(now=later) == 1
    assert set(Case.system_objects.values_list("pk", flat=True)) == {still_open.pk, elsewhere.pk}
    assert not Consent.system_objects.filter(case_id=closed.pk).exists()
    entry = AuditEntry.objects.get(action="delete", record_id=str(closed.pk))
    assert entry.actor_id is None and entry.system_actor == "retention: closed cases"
    assert _outcome(now=timezone.now() + timedelta(days=7 * 365 + 1)) == 1  # the default period, elsewhere
