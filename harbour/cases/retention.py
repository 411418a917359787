"""Closed cases are deleted after the period their organisation sets (`CaseRetention`, seven years by default)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Q

from harbour.cases.actions import case_erase_expired
from harbour.cases.models import Case, CaseRetention
from harbour.core import retention
from harbour.core.audit import audit_write
from harbour.core.models import AuditEntry

RULE = "cases: closed cases past their organisation's period"
DRY_RUN = "retention: dry run of closed cases"


def closed_cases_due(now: datetime) -> models.QuerySet[Any]:
    periods = dict(CaseRetention.objects.values_list("organisation_id", "closed_case_days"))
    due = Q(closed_at__lte=now - timedelta(days=CaseRetention.DEFAULT_DAYS)) & ~Q(organisation_id__in=list(periods))
    for organisation_id, days in periods.items():
        due |= Q(organisation_id=organisation_id, closed_at__lte=now - timedelta(days=days))
    return Case.system_objects.filter(closed_at__isnull=False).filter(due)


def closed_cases_delete(due: models.QuerySet[Any]) -> int:
    """Erases each case (its key destroyed) with its consents, referrals, notes, tasks; the audit names its id only."""
    count = 0
    for case in due.only("pk", "organisation_id", "key"):
        case_erase_expired(case=case, system_actor="retention: closed cases")
        count += 1
    return count


def closed_cases_describe(due: models.QuerySet[Any]) -> list[str]:
    """What a dry run lists: each case by its reference, organisation and closing day, nothing from inside it.

    Listing a case is a read like any other, so each one listed is in its organisation's audit log."""
    rows = due.order_by("organisation_id", "closed_at").values_list(
        "pk", "organisation_id", "organisation__name", "reference", "closed_at"
    )
    listed = []
    for pk, organisation_id, organisation, reference, closed in rows:
        audit_write(
            actor=None,
            system_actor=DRY_RUN,
            action=AuditEntry.Action.LIST,
            organisation_id=organisation_id,
            record_type=Case._meta.label_lower,
            record_id=str(pk),
        )
        listed.append(f"{organisation}: case {reference}, closed {closed:%Y-%m-%d}")
    return listed


retention.register(RULE, due=closed_cases_due, delete=closed_cases_delete, describe=closed_cases_describe)
