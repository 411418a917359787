"""Writes to cases, each with its audit entry."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from harbour.cases.models import Case, Consent
from harbour.core.audit import audit_record
from harbour.core.models import AuditEntry
from harbour.network.models import Member


@dataclass(frozen=True)
class ConsentTerms:
    """What the person agreed to, as the worker recorded it with them."""

    purpose: str
    scope: tuple[str, ...]
    wording: str
    expires_at: datetime | None = None


class ConsentMissing(ValueError):
    """Screening answers reach a case only with the person's consent to keep them."""


def case_open(*, by: Member, summary: str, screening: str | None = None, consent: ConsentTerms | None = None) -> Case:
    """Opens a case; screening answers (JSON) are kept only when `consent` covers them."""
    if not by.may_see_person_data:
        raise PermissionError("this member cannot hold person data")
    if screening is not None and (consent is None or Consent.Scope.SCREENING not in consent.scope):
        raise ConsentMissing("screening answers are kept only with the person's consent")
    for attempt in range(5):
        try:
            with transaction.atomic():
                case: Case = Case.objects.create(
                    organisation=by.organisation, summary=summary, screening=screening, created_by=by
                )
                audit_record(actor=by, action=AuditEntry.Action.CREATE, record=case)
                if consent is not None:
                    consent_record(by=by, case=case, terms=consent)
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


def consent_record(*, by: Member, case: Case, terms: ConsentTerms) -> Consent:
    """Records a consent the person gave, with its audit entry."""
    unknown = set(terms.scope) - set(Consent.Scope.values)
    if unknown or not terms.scope:
        raise ValueError(f"consent scope must name {sorted(Consent.Scope.values)}, not {sorted(unknown)}")
    if terms.purpose not in Consent.Purpose.values:
        raise ValueError(f"unknown consent purpose {terms.purpose!r}")
    with transaction.atomic():
        consent: Consent = Consent.objects.create(
            organisation=case.organisation,
            case=case,
            purpose=terms.purpose,
            scope=",".join(terms.scope),
            wording=terms.wording,
            recorded_by=by,
            given_at=timezone.now(),
            expires_at=terms.expires_at,
        )
        audit_record(actor=by, action=AuditEntry.Action.CREATE, record=consent)
    return consent
