"""What a member's home shows of cases: the tasks and protection-path reminders due this week.

The home page belongs to the network, a lower layer that must not import cases; it names the
slot "network.dashboard" and cases fills it (`CasesConfig.ready`, see harbour/core/slots.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils import timezone

from harbour.cases.models import Milestone, Task
from harbour.core import access, crypto
from harbour.core.audit import audit_write
from harbour.core.models import AuditEntry
from harbour.network.models import Member

# "This week": today and the six days after it; anything overdue stays until it is done.
WEEK = timedelta(days=6)
# A home page is not a work list: past this many rows of each kind, the case list is the place.
SHOWN = 100

# A permit is renewed when a later step of its family is recorded (a new application or permit).
_FAMILIES: dict[str, tuple[str, ...]] = {
    Milestone.Kind.TRP_ISSUED: (Milestone.Kind.TRP_APPLIED, Milestone.Kind.TRP_ISSUED),
}


def due_tasks(member: Member, today: date) -> QuerySet[Task]:
    """Open tasks of the member's organisation's open cases, due by the end of the week (or overdue)."""
    return (
        Task.objects.visible_to(member)
        .filter(done_at__isnull=True, due_on__lte=today + WEEK, case__closed_at__isnull=True)
        .select_related("case", "owner")
        .order_by("due_on", "id")
    )


def renewals_due(member: Member, today: date) -> QuerySet[Milestone]:
    """Permits whose renewal reminder has come (by the end of the week), not yet renewed, on open cases."""
    renewed = Q()
    for kind in Milestone.Kind.values:
        later = Milestone.system_objects.filter(
            case_id=OuterRef("case_id"),
            happened_on__gt=OuterRef("happened_on"),
            kind__in=_FAMILIES.get(kind, (kind,)),
        )
        renewed |= Q(kind=kind) & Q(Exists(later))
    return (
        Milestone.objects.visible_to(member)
        .filter(remind_on__lte=today + WEEK, case__closed_at__isnull=True)
        .exclude(renewed)
        .select_related("case")
        .order_by("expires_on", "id")
    )


def due_this_week(request: HttpRequest, values: Mapping[str, Any]) -> str:
    """The "network.dashboard" slot: this week's tasks and renewals for the member's organisation."""
    if not access.may_use(request.user, "cases:case_list"):
        return ""
    member = access.signed_in_member(request)
    today = timezone.localdate()
    tasks = list(due_tasks(member, today)[: SHOWN + 1])
    renewals = list(renewals_due(member, today)[: SHOWN + 1])
    if tasks or renewals:
        # Task titles are about a person: showing them is a read of the organisation's cases.
        audit_write(
            actor=member,
            action=AuditEntry.Action.LIST,
            organisation_id=member.organisation_id,
            record_type="cases.task",
            record_id="due-this-week",
        )
    context = {
        "tasks": tasks[:SHOWN],
        "renewals": renewals[:SHOWN],
        "more": len(tasks) > SHOWN or len(renewals) > SHOWN,
        "today": today,
        "member": member,
        "shown": SHOWN,
    }
    with crypto.keys_read_once():
        return render_to_string("cases/_due_this_week.html", context, request=request)
