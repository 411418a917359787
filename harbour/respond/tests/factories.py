"""Response plans for tests: a working group's plan with the steps a test names."""

from __future__ import annotations

from collections.abc import Iterable

from harbour.network.models import Member, Organisation, WorkingGroup
from harbour.respond import actions
from harbour.respond.models import Plan


def group_make(name: str, *, city: str, province: str, organisations: Iterable[Organisation] = ()) -> WorkingGroup:
    group, _created = WorkingGroup.objects.get_or_create(name=name, defaults={"city": city, "province": province})
    group.organisations.add(*organisations)
    return group


def plan_make(
    *,
    group: WorkingGroup,
    by: Member,
    owner: Member | None = None,
    title: str = "Toronto response plan",
    steps: Iterable[actions.StepText] = (),
) -> Plan:
    steps = tuple(steps) or (
        actions.StepText(who="Shelter intake line", who_fr="Ligne d'accueil du refuge", phone="+1 416 555 0100"),
    )
    return actions.plan_create(
        by=by,
        working_group=group,
        owner=owner or by,
        text=actions.PlanText(title=title, title_fr="Plan d'intervention de Toronto", steps=steps),
    )
