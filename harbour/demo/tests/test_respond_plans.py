"""The demo's response plans: one per demo working group, linked to the nearest demo services."""

from __future__ import annotations

import pytest

from harbour.demo.respond_plans import demo_plans_load
from harbour.directory import places
from harbour.directory.tests.factories import service_make
from harbour.network.models import WorkingGroup
from harbour.respond import plans
from harbour.respond.models import Plan
from harbour.testing import Cast

pytestmark = pytest.mark.django_db


def test_the_demo_gives_each_demo_working_group_a_plan_linked_to_nearby_services(cast: Cast):

    cast.cora.is_demo = True
    cast.cora.save(update_fields=["is_demo"])
    group = WorkingGroup.objects.create(name="Toronto (demo)", city="Toronto", province="ON", is_demo=True)
    shelter = service_make(
        name="Demo safe beds", needs=["shelter"], point=places.Point(43.65, -79.38), phone="+1 416 555 0177"
    )
    assert demo_plans_load() == 1
    assert demo_plans_load() == 0  # once
    plan = Plan.objects.get(working_group=group)
    rows = plans.plan_view(plan).rows
    linked = [row for row in rows if row.step.service_id]
    assert [row.service for row in linked] == [shelter]
    assert linked[0].step.phone == "+1 416 555 0177" and linked[0].problem == ""
    assert all(row.step.who_fr for row in rows)
