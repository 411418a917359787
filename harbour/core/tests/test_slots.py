"""Slots: a lower app's page names a place, a higher app fills it, and nothing else is allowed."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from harbour.core import slots


def test_a_filler_for_a_slot_no_page_names_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured):
        slots.slot_fill("screening.no_such_place", lambda request, values: "")


def test_a_page_cannot_name_an_undeclared_slot() -> None:
    with pytest.raises(ImproperlyConfigured):
        slots.slot_render("cases.nowhere", RequestFactory().get("/"), {})


def test_fillers_receive_the_plain_values_and_render_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(slots, "_fillers", {})
    slots.slot_fill("cases.case_detail", lambda request, values: f"<p>first {values['organisation_id']}</p>")
    slots.slot_fill("cases.case_detail", lambda request, values: "")
    slots.slot_fill("cases.case_detail", lambda request, values: "<p>second</p>")
    assert slots.slot_render("cases.case_detail", RequestFactory().get("/"), {"organisation_id": 7}) == (
        "<p>first 7</p><p>second</p>"
    )
    assert slots.slot_render("screening.result", RequestFactory().get("/"), {}) == ""
