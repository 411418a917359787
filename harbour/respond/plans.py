"""Reading response plans: the plan for a region, a version's steps with their directory links checked."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from harbour.core.roles import Role
from harbour.directory.actions import VERIFY_EVERY
from harbour.directory.models import Service
from harbour.network.models import Member, Organisation, WorkingGroup
from harbour.respond.models import Plan, PlanStep, PlanVersion

# Why a step's directory link needs its owner's attention.
LINK_MISSING = "missing"
LINK_HIDDEN = "hidden"
LINK_OUT_OF_DATE = "out_of_date"
LINK_PROBLEMS = {
    LINK_MISSING: _("The linked directory entry no longer exists."),
    LINK_HIDDEN: _("The linked directory entry is hidden: it is not active."),
    LINK_OUT_OF_DATE: _("The linked directory entry has not been verified for six months."),
}


@dataclass
class StepRow:
    """A step as pages show it: the step, its linked service (if any) and what is wrong with the link."""

    step: PlanStep
    service: Service | None = None
    problem: str = ""

    @property
    def problem_label(self) -> str:
        return str(LINK_PROBLEMS[self.problem]) if self.problem else ""


@dataclass
class PlanView:
    """A plan with the version shown and its step rows."""

    plan: Plan
    version: PlanVersion
    rows: list[StepRow] = field(default_factory=list)

    @property
    def problems(self) -> list[StepRow]:
        return [row for row in self.rows if row.problem]


def link_problem(service: Service | None, today: datetime.date | None = None) -> str:
    if service is None:
        return LINK_MISSING
    if service.status != Service.Status.ACTIVE:
        return LINK_HIDDEN
    today = today or timezone.localdate()
    if service.assured_date is None or service.assured_date <= today - VERIFY_EVERY:
        return LINK_OUT_OF_DATE
    return ""


def step_rows(steps: list[PlanStep], today: datetime.date | None = None) -> list[StepRow]:
    """Each step with its directory service, read in one query for all of them."""
    ids = {step.service_id for step in steps if step.service_id}
    services = {
        s.id: s for s in Service.objects.filter(id__in=ids).only("id", "name", "name_fr", "status", "assured_date")
    }
    rows = []
    for step in steps:
        if not step.service_id:
            rows.append(StepRow(step))
            continue
        service = services.get(step.service_id)
        rows.append(StepRow(step, service, link_problem(service, today)))
    return rows


def _with_current_version(plans: Any) -> Any:
    return plans.select_related("working_group", "owner").prefetch_related(
        Prefetch("versions", queryset=PlanVersion.objects.order_by("-number"), to_attr="newest_first")
    )


def plan_view(plan: Plan, version: PlanVersion | None = None, today: datetime.date | None = None) -> PlanView:
    """The plan at `version` (default: its newest), with its steps and links checked."""
    if version is None:
        newest = getattr(plan, "newest_first", None)
        version = newest[0] if newest else plan.versions.order_by("-number").first()
    if version is None:
        raise PlanVersion.DoesNotExist(f"plan {plan.pk} has no version")  # plan_create always writes one
    steps = list(PlanStep.objects.filter(version=version).order_by("position", "id"))
    return PlanView(plan, version, step_rows(steps, today))


def plans_listed() -> list[Plan]:
    """Every plan with its working group, owner and versions (newest first) in three queries."""
    return list(_with_current_version(Plan.objects.all()))


def plans_for_region(*, organisation_id: int | None = None, province: str = "") -> list[Plan]:
    """The plans of the organisation's working groups; when it has none, the plans of the province."""
    if organisation_id is not None:
        found = list(_with_current_version(Plan.objects.for_organisation(organisation_id)))
        if found:
            return found
    if province:
        return list(_with_current_version(Plan.objects.filter(working_group__province=province)))
    return []


def may_edit(member: Member, working_group: WorkingGroup, plan: Plan | None = None) -> bool:
    """Coordinators, the plan's owner, and administrators of the working group's organisations keep a plan."""
    if not member.is_active or not member.organisation.is_vetted or member.organisation.is_state:
        return False
    if member.is_coordinator or (plan is not None and plan.owner_id == member.pk):
        return True
    return member.is_org_admin and working_group.organisations.filter(pk=member.organisation_id).exists()


def groups_to_plan(member: Member) -> Any:
    """Working groups without a plan whose plan this member may write (one query)."""
    groups = WorkingGroup.objects.filter(response_plan__isnull=True).order_by("province", "city")
    if not member.is_active or not member.organisation.is_vetted or member.organisation.is_state:
        return groups.none()
    if member.is_coordinator:
        return groups
    if member.is_org_admin:
        return groups.filter(organisations=member.organisation_id).distinct()
    return groups.none()


def owner_choices(working_group: WorkingGroup) -> Any:
    """Who may own a plan: the network's coordinators and the front line of the group's organisations."""
    front_line = (Role.ORG_ADMIN, Role.CASE_WORKER, Role.HOTLINE_OPERATOR)
    return (
        Member.objects.filter(is_active=True, organisation__vetting_status=Organisation.Vetting.VETTED)
        .filter(Q(role=Role.COORDINATOR) | Q(role__in=front_line, organisation__working_groups=working_group))
        .exclude(organisation__kind__in=Organisation.STATE_KINDS)
        .select_related("organisation")
        .distinct()
        .order_by("full_name")
    )
