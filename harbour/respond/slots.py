"""What respond puts on lower apps' pages: the region's plan after a screening and on a case.

Registered in `RespondConfig.ready` for slots named by screening and cases (see
harbour/core/slots.py); those apps pass plain values and never import respond.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from harbour.core import access
from harbour.respond import plans


def _plans_html(request: HttpRequest, found: list[Any], *, heading_level: int, console_link: bool = False) -> str:
    shown = [plans.plan_view(plan) for plan in found]
    context = {
        "shown": shown,
        "heading_level": heading_level,
        # A hotline operator who started the screening from the console finds the way back.
        "console_link": console_link and access.may_use(request.user, "respond:console"),
    }
    return render_to_string("respond/_plan_slot.html", context, request=request)


def plan_after_screening(request: HttpRequest, values: Mapping[str, Any]) -> str:
    """The response plan of the worker's region, when the screening shows indicators."""
    if not values.get("indicators_present") or not access.may_use(request.user, "respond:plan_detail"):
        return ""
    member = access.signed_in_member(request)
    found = plans.plans_for_region(organisation_id=member.organisation_id, province=values.get("province") or "")
    return _plans_html(request, found, heading_level=3, console_link=True)


def plan_for_case(request: HttpRequest, values: Mapping[str, Any]) -> str:
    """The response plan of the region of the organisation holding the case."""
    if not access.may_use(request.user, "respond:plan_detail"):
        return ""
    found = plans.plans_for_region(organisation_id=values.get("organisation_id"))
    return _plans_html(request, found, heading_level=2)
