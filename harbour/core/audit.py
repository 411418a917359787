"""Writing and reading the audit log of person-level records."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar, cast

from django.db import connection
from django.http import Http404, HttpRequest

from harbour.core import access
from harbour.core.models import AuditEntry, PersonRecord, PersonRecordManager, PersonRecordQuerySet

if TYPE_CHECKING:
    from harbour.network.models import Member

P = TypeVar("P", bound=PersonRecord)
SYSTEM_ACTOR_MAX_LENGTH = 64


def audit_write(
    *,
    actor: Member | None,
    action: str,
    organisation_id: int,
    record_type: str,
    record_id: str,
    system_actor: str = "",
) -> AuditEntry:
    """One audit entry: `actor` did `action` to a record, under `organisation_id` (whose administrators see it).

    With no signed-in member (`actor=None`), `system_actor` names what acted instead, for
    example "retention: expired screening codes"; one of the two is required, never both.
    """
    if (actor is None) == (not system_actor):
        raise ValueError("an audit entry names either a member or a system actor")
    if len(system_actor) > SYSTEM_ACTOR_MAX_LENGTH:
        raise ValueError(f"a system actor is named in at most {SYSTEM_ACTOR_MAX_LENGTH} characters")
    return AuditEntry.objects.create(
        actor=actor,
        actor_role=actor.role if actor is not None else "",
        system_actor=system_actor or None,
        organisation_id=organisation_id,
        action=action,
        record_type=record_type,
        record_id=record_id,
    )


def audit_record(*, actor: Member | None, action: str, record: PersonRecord, system_actor: str = "") -> AuditEntry:
    return audit_write(
        actor=actor,
        system_actor=system_actor,
        action=action,
        organisation_id=record.organisation_id,
        record_type=record._meta.label_lower,
        record_id=str(record.pk),
    )


def _visible(request: HttpRequest, model: type[P]) -> tuple[Member, PersonRecordQuerySet[P]]:
    member = access.signed_in_member(request)
    manager = cast(PersonRecordManager[P], model.objects)
    return member, manager.visible_to(member)


def person_records_listed(request: HttpRequest, model: type[P]) -> PersonRecordQuerySet[P]:
    """The records of the member's organisation they may see, with the listing written to the audit log."""
    member, records = _visible(request, model)
    audit_write(
        actor=member,
        action=AuditEntry.Action.LIST,
        organisation_id=member.organisation_id,
        record_type=model._meta.label_lower,
        record_id="*",
    )
    return records


def person_record_or_404(
    request: HttpRequest, model: type[P], *, action: str = AuditEntry.Action.VIEW, **lookup: Any
) -> P:
    """One record the member may see, with its read written to the audit log; 404 to anyone else."""
    member, records = _visible(request, model)
    record = records.filter(**lookup).first()
    if record is None:
        raise Http404
    audit_record(actor=member, action=action, record=record)
    return record


def audit_purge_window_set(*, allowed: bool) -> None:
    """Opens or closes the window in which the database lets audit rows be deleted.

    Only retention jobs, inside their own transaction, and the test suite's
    database flush use this.
    """
    with connection.cursor() as cursor:
        cursor.execute("UPDATE core_audit_purge SET allowed = %s WHERE id = 1", [allowed])
