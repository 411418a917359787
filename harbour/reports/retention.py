"""Reports expire after their last activity (ReportReceiver.retention_days, 90 by default)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone

from harbour.core import retention
from harbour.reports import actions
from harbour.reports.models import MemberKey, Report, ReportKey

EXPIRED = "reports: expired reports"
LEFT = "reports: keys of members who left"


def _expired(now: datetime) -> models.QuerySet[Report]:
    return Report.system_objects.filter(expires_on__lt=timezone.localdate(now))


def _keys_of_members_who_left(now: datetime) -> models.QuerySet[MemberKey]:
    return MemberKey.objects.filter(member__is_active=False)


def _delete_keys(due: models.QuerySet[Any]) -> int:
    # A member who left keeps no copy of any report key, nor a key pair of their own.
    members = list(due.values_list("member_id", flat=True))
    ReportKey.objects.filter(member_id__in=members).delete()
    deleted, _ = due.delete()
    return deleted


retention.register(EXPIRED, due=_expired, delete=lambda due: actions.reports_delete(due, system_actor=EXPIRED))
retention.register(LEFT, due=_keys_of_members_who_left, delete=_delete_keys)
