"""Closed cases go after their organisation's period, by the daily job; a dry run lists them and deletes nothing."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from harbour.cases import actions
from harbour.cases.models import Case, CaseRetention, Consent
from harbour.cases.retention import DRY_RUN, RULE
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


def test_the_dry_run_lists_each_case_due_by_reference_and_the_command_prints_it(cast: Cast) -> None:
    CaseRetention.objects.create(organisation=cast.harbour_house, closed_case_days=30)
    due = actions.open_case(by=cast.bob, consent=actions.CASE_CONSENT, summary="Anna, from the farm in Leamington")
    recent = actions.open_case(by=cast.bob, consent=actions.CASE_CONSENT, summary="closed last week")
    for case in (due, recent):
        actions.case_close(by=cast.bob, case=case, reason="goals_met")
    closed_on = timezone.now() - timedelta(days=40)
    Case.system_objects.filter(pk=due.pk).update(closed_at=closed_on)
    listed = next(o.listed for o in retention.run(dry_run=True) if o.name == RULE)
    assert listed == (f"Harbour House: case {due.reference}, closed {closed_on:%Y-%m-%d}",)
    printed = StringIO()
    call_command("run_retention", "--dry-run", stdout=printed)
    assert f"{RULE}: 1 due\n  {listed[0]}\n" in printed.getvalue()
    assert "Leamington" not in printed.getvalue() and recent.reference not in printed.getvalue()
    listings = AuditEntry.objects.filter(action="list", system_actor=DRY_RUN)
    assert {(e.organisation_id, e.record_id) for e in listings} == {(due.organisation_id, str(due.pk))}
    assert listings.count() == 2, "each dry run that lists the case leaves its entry"
    assert Case.system_objects.filter(pk=due.pk).exists()
