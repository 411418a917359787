"""Writes to cases, each with its audit entry."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from harbour.cases.models import Case
from harbour.core.audit import audit_record
from harbour.core.models import AuditEntry
from harbour.network.models import Member


def case_open(*, by: Member, summary: str) -> Case:
    if not by.may_see_person_data:
        raise PermissionError("this member cannot hold person data")
    for attempt in range(5):
        try:
            with transaction.atomic():
                case: Case = Case.objects.create(organisation=by.organisation, summary=summary, created_by=by)
                audit_record(actor=by, action=AuditEntry.Action.CREATE, record=case)
        except IntegrityError:
            # Two cases drew the same random reference; draw again.
            if attempt == 4:
                raise
        else:
            return case
    raise AssertionError("unreachable")


def case_update(*, by: Member, case: Case, summary: str) -> Case:
    with transaction.atomic():
        case.summary = summary
        case.save(update_fields=["summary", "updated_at"])
        audit_record(actor=by, action=AuditEntry.Action.UPDATE, record=case)
    return case
