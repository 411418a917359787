"""Demo action response plans for the demo network's working groups (load_demo loads them once)."""

from __future__ import annotations

import json
from pathlib import Path

from django.db import transaction

from harbour.core.roles import Role
from harbour.directory import places, search
from harbour.network.models import Member, WorkingGroup
from harbour.respond import actions

DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_plans.json"


def _nearest(need: str, city: str, province: str) -> search.Result | None:
    origin = places.place_point(f"{city}, {province}") or places.place_point(city)
    if origin is None:
        return None
    found = search.search(search.SearchQuery(origin=origin, radius_km=100.0, needs=frozenset({need})), limit=1)
    return found.results[0] if found.results else None


def demo_plans_load() -> int:
    """A plan for each demo working group that has none, its steps linked to the nearest demo services."""
    steps = json.loads(DATA_FILE.read_text(encoding="utf-8"))["steps"]
    coordinator = Member.objects.filter(is_demo=True, role=Role.COORDINATOR, is_active=True).order_by("pk").first()
    if coordinator is None:
        return 0
    made = 0
    for group in WorkingGroup.objects.filter(is_demo=True, response_plan__isnull=True).order_by("pk"):
        texts = []
        for step in steps:
            nearest = _nearest(step["need"], group.city, group.province)
            texts.append(
                actions.StepText(
                    who=step["who"],
                    who_fr=step["who_fr"],
                    action=step["action"],
                    action_fr=step["action_fr"],
                    phone=nearest.phones[0].number if nearest and nearest.phones else "",
                    hours="24/7" if nearest and nearest.always_open else "",
                    service_id=nearest.service.id if nearest else "",
                    situations=tuple(step["situations"]),
                )
            )
        with transaction.atomic():
            actions.plan_create(
                by=coordinator,
                working_group=group,
                owner=group.representative or coordinator,
                text=actions.PlanText(
                    title=f"{group.city}: action response plan (demo)",
                    title_fr=f"{group.city} : plan d'intervention (démo)",
                    change_note="Demo plan.",
                    steps=tuple(texts),
                ),
            )
        made += 1
    return made
