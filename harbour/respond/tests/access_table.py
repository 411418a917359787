"""Who may use each page of respond (collected by the access walk in core)."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from harbour.testing import Cast

# Plans: the front line of vetted organisations and the coordinators; never a liaison or a researcher.
PLAN_READERS = frozenset({"alice", "bob", "hana", "carol", "omar", "cora"})
# The console and the call log are person-data pages: the person-data roles of vetted organisations.
PERSON_DATA = frozenset({"alice", "bob", "hana", "carol", "omar"})

EXPECTED: dict[str, AbstractSet[str]] = {
    "respond:plan_list": PLAN_READERS,
    # The sample's group without a plan is Winnipeg's: its administrator (omar) and coordinators write it.
    "respond:plan_new": frozenset({"omar", "cora"}),
    "respond:plan_detail": PLAN_READERS,
    "respond:plan_version": PLAN_READERS,
    "respond:plan_history": PLAN_READERS,
    # Toronto's plan: alice owns it (and administers a member organisation); coordinators keep every plan.
    "respond:plan_edit": frozenset({"alice", "cora"}),
    "respond:plan_review": frozenset({"alice", "cora"}),
    "respond:console": PERSON_DATA,
    "respond:call_new": PERSON_DATA,
    "respond:referral_new": PERSON_DATA,
    "respond:call_list": frozenset({"alice", "hana", "omar"}),
}


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    from harbour.respond.models import Plan
    from harbour.respond.tests.factories import group_make, plan_make

    toronto = group_make("Toronto", city="Toronto", province="ON", organisations=[cast.harbour_house])
    group_make("Winnipeg", city="Winnipeg", province="MB", organisations=[cast.prairie_clinic])
    plan = Plan.objects.filter(working_group=toronto).first() or plan_make(group=toronto, by=cast.alice)
    return {
        "respond:plan_detail": {"plan_id": plan.pk},
        "respond:plan_version": {"plan_id": plan.pk, "number": 1},
        "respond:plan_history": {"plan_id": plan.pk},
        "respond:plan_edit": {"plan_id": plan.pk},
        "respond:plan_review": {"plan_id": plan.pk},
    }
