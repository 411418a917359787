"""The retention job: every registered kind of expiring record goes on the day it is due, and only it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.utils import timezone

from harbour.core import retention
from harbour.core.audit import audit_write
from harbour.core.models import AuditEntry
from harbour.network.models import SignInThrottle
from harbour.testing import Cast

RULE = "test: stale sign-in throttles"
DAY = timedelta(days=1)


def stale_throttles(now: datetime) -> models.QuerySet[Any]:
    return SignInThrottle.objects.filter(window_started_at__lte=now - DAY)


@pytest.fixture
def throttle_rule() -> Iterator[retention.Rule]:
    rule = retention.register(RULE, due=stale_throttles)
    yield rule
    retention.unregister(RULE)


def throttles(*ages: timedelta) -> None:
    now = timezone.now()
    for index, age in enumerate(ages):
        SignInThrottle.objects.create(key=f"k{index}", window_started_at=now - age)


@pytest.mark.django_db
@pytest.mark.usefixtures("throttle_rule")
def test_what_is_due_is_deleted_and_nothing_else() -> None:
    throttles(2 * DAY, 3 * DAY, timedelta(hours=1))
    outcomes = {outcome.name: outcome for outcome in retention.run()}
    assert outcomes[RULE].count == 2
    assert list(SignInThrottle.objects.values_list("key", flat=True)) == ["k2"]


@pytest.mark.django_db
@pytest.mark.usefixtures("throttle_rule")
def test_a_dry_run_counts_and_keeps_everything() -> None:
    throttles(2 * DAY, timedelta(hours=1))
    out = StringIO()
    call_command("run_retention", "--dry-run", stdout=out)
    assert f"{RULE}: 1 due" in out.getvalue()
    assert SignInThrottle.objects.count() == 2


@pytest.mark.django_db
@pytest.mark.usefixtures("throttle_rule")
def test_the_command_reports_what_it_deleted() -> None:
    throttles(2 * DAY)
    out = StringIO()
    call_command("run_retention", stdout=out)
    assert f"{RULE}: 1 deleted" in out.getvalue()
    assert not SignInThrottle.objects.exists()


@pytest.mark.django_db
@pytest.mark.usefixtures("throttle_rule")
def test_a_failing_rule_deletes_nothing_of_its_own_and_does_not_stop_the_others() -> None:
    throttles(2 * DAY)

    def delete_then_fail(due: models.QuerySet[Any]) -> int:
        due.delete()
        raise RuntimeError("Elm Street")  # a value that must not reach the output

    retention.register("test: broken", due=stale_throttles, delete=delete_then_fail)
    try:
        out, err = StringIO(), StringIO()
        with pytest.raises(CommandError, match="1 retention rules failed"):
            call_command("run_retention", stdout=out, stderr=err)
    finally:
        retention.unregister("test: broken")
    assert "test: broken: failed (RuntimeError)" in err.getvalue()
    assert "Elm Street" not in err.getvalue() + out.getvalue()
    # The broken rule's deletion was rolled back; the good rule (run after it, by name) still ran.
    assert f"{RULE}: 1 deleted" in out.getvalue()
    assert not SignInThrottle.objects.exists()


@pytest.mark.usefixtures("throttle_rule")
def test_a_rule_name_is_registered_once() -> None:
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        retention.register(RULE, due=stale_throttles)


@pytest.mark.django_db
def test_a_rule_can_audit_its_deletions_with_no_signed_in_member(cast: Cast) -> None:
    def delete_audited(due: models.QuerySet[Any]) -> int:
        count = retention.delete_all(due)
        audit_write(
            actor=None,
            system_actor="retention: test",
            action=AuditEntry.Action.DELETE,
            organisation_id=cast.harbour_house.pk,
            record_type="network.signinthrottle",
            record_id="*",
        )
        return count

    throttles(2 * DAY)
    retention.register("test: audited", due=stale_throttles, delete=delete_audited)
    try:
        retention.run()
    finally:
        retention.unregister("test: audited")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.DELETE)
    assert (entry.actor_id, entry.actor_role, entry.system_actor) == (None, "", "retention: test")
