"""Directory pages on data nobody here wrote: services imported from another directory's HSDS file."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from harbour.directory import places, search
from harbour.directory.interchange import import_path
from harbour.directory.search import SearchQuery

pytestmark = pytest.mark.django_db

SERVICE_ID = "6a1f3b0e-1111-4a2b-9c3d-000000000001"
ORG_ID = "6a1f3b0e-2222-4a2b-9c3d-000000000001"
LOCATION_ID = "6a1f3b0e-3333-4a2b-9c3d-000000000001"


def imported(tmp_path: Path, **changes: Any) -> dict[str, Any]:
    """One compiled service as another directory exports it, imported with the real importer."""
    service: dict[str, Any] = {
        "id": SERVICE_ID,
        "name": "Prairie outreach",
        "status": "active",
        "organization": {
            "id": ORG_ID,
            "name": "Prairie Outreach Society",
            "description": "Outreach.",
            "phones": [{"id": "6a1f3b0e-4444-4a2b-9c3d-000000000001", "number": "+1 306 555 0100"}],
        },
        "schedules": [
            {"id": "6a1f3b0e-5555-4a2b-9c3d-000000000001", "description": "Closed on public holidays"},
        ],
        "service_at_locations": [
            {
                "id": "6a1f3b0e-6666-4a2b-9c3d-000000000001",
                "location": {
                    "id": LOCATION_ID,
                    "location_type": "physical",
                    "name": "Field office",
                    "latitude": 58.5,  # northern Saskatchewan: no place of a thousand people within 30 km
                    "longitude": -104.0,
                },
            }
        ],
    }
    service.update(changes)
    path = tmp_path / "other-directory.ndjson"
    path.write_text(json.dumps(service) + "\n")
    import_path(path)
    return service


def _result() -> search.Result:
    [result] = search.results_for([SERVICE_ID], SearchQuery())
    return result


def test_a_service_without_its_own_phone_is_reached_through_its_organisations(tmp_path):
    imported(tmp_path)
    assert [phone.number for phone in _result().phones] == ["+1 306 555 0100"]
    page = Client().get(reverse("directory:service", kwargs={"service_id": SERVICE_ID})).content.decode()
    assert "+1 306 555 0100" in page and "No phone listed" not in page


def test_a_service_phone_comes_before_the_organisations(tmp_path):
    imported(tmp_path, phones=[{"id": "6a1f3b0e-4444-4a2b-9c3d-000000000002", "number": "+1 306 555 0199"}])
    assert [phone.number for phone in _result().phones] == ["+1 306 555 0199"]


def test_a_schedule_with_only_a_description_shows_its_text(tmp_path):
    imported(tmp_path)
    page = Client().get(reverse("directory:service", kwargs={"service_id": SERVICE_ID})).content.decode()
    assert "Closed on public holidays" in page
    assert "None–None" not in page and "None" not in page.split("Closed on public holidays")[0][-80:]


def test_a_point_far_from_any_place_is_not_named_after_the_nearest_one(tmp_path):
    imported(tmp_path)
    assert _result().city == ""
    far = places.Point(58.5, -104.0)
    assert places.nearest_city(far) is not None and places.nearby_place(far) is None
    toronto = places.nearby_place(places.Point(43.65, -79.38))
    assert toronto is not None and toronto.name == "Toronto"


def test_open_now_reads_a_schedule_without_a_zone_in_the_locations_own(tmp_path, monkeypatch):
    vancouver = {
        "id": LOCATION_ID,
        "location_type": "physical",
        "name": "Office",
        "latitude": 49.2827,
        "longitude": -123.1207,
        "addresses": [
            {
                "id": "6a1f3b0e-7777-4a2b-9c3d-000000000001",
                "address_1": "1 Main St",
                "city": "Vancouver",
                "state_province": "British Columbia",
                "postal_code": "V6B 1A1",
                "country": "CA",
                "address_type": "physical",
            }
        ],
    }
    schedule = {
        "id": "6a1f3b0e-5555-4a2b-9c3d-000000000002",
        "location_id": LOCATION_ID,
        "freq": "WEEKLY",
        "byday": "MO,TU,WE,TH,FR,SA,SU",
        "opens_at": "09:00",
        "closes_at": "17:00",
    }
    vancouver["schedules"] = [schedule]
    imported(
        tmp_path,
        schedules=[],
        service_at_locations=[{"id": "6a1f3b0e-6666-4a2b-9c3d-000000000001", "location": vancouver}],
    )
    # 18:00 in Toronto is 15:00 in Vancouver: open there, though closed on Toronto's clock.
    at = datetime.datetime(2026, 12, 2, 23, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr("django.utils.timezone.now", lambda: at)
    assert _result().open_now
    near = SearchQuery(open_now=True, origin=places.Point(49.28, -123.12), radius_km=25)
    found = search.search(near)
    assert [r.service.id for r in found.results] == [SERVICE_ID]
    # 21:00 in Toronto is 18:00 in Vancouver: closed.
    later = at + datetime.timedelta(hours=3)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    assert not _result().open_now
    assert search.search(near).total == 0
