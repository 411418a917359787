""" "Open now" reads each schedule on the clock of the place it is kept in, with or without a place searched.

Every service below is open 09:00 to 17:00 every day, on a schedule without a time zone (as most imported
schedules are). At one instant Halifax, Toronto and Vancouver read different hours, so each service is open
when, and only when, its own place's clock says so; none may be read on Toronto's clock unless it names no place.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from harbour.directory import places, search
from harbour.directory.models import Address, Location, Organization, Schedule, Service, ServiceArea, ServiceAtLocation
from harbour.directory.search import SearchQuery

pytestmark = pytest.mark.django_db

EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"
# Wednesday 2 December 2026 (standard time everywhere), as Halifax, Toronto and Vancouver read it:
HALIFAX_MORNING = datetime.datetime(2026, 12, 2, 13, 30, tzinfo=datetime.UTC)  # 09:30, 08:30, 05:30
TORONTO_LATE_MORNING = datetime.datetime(2026, 12, 2, 16, 0, tzinfo=datetime.UTC)  # 12:00, 11:00, 08:00
VANCOUVER_AFTERNOON = datetime.datetime(2026, 12, 3, 0, 30, tzinfo=datetime.UTC)  # 20:30, 19:30, 16:30


def organisation(key: str, province: str | None = None) -> Organization:
    """An organisation, with an office (its own location, serving nothing here) in `province` if given."""
    organization = Organization.objects.create(id=f"org-{key}", name=f"Organisation {key}")
    if province:
        office = Location.objects.create(id=f"office-{key}", organization=organization, name="Office")
        Address.objects.create(id=f"office-address-{key}", location=office, city="Somewhere", state_province=province)
    return organization


def service(key: str, organization: Organization, *, at: str | None = None, schedule_at_location: bool = False) -> None:
    """A service open 09:00–17:00, on its own schedule, or its location's; at a location in province `at`."""
    record = Service.objects.create(id=f"service-{key}", organization=organization, name=key, status="active")
    location = None
    if at:
        location = Location.objects.create(id=f"location-{key}", organization=organization, name=f"{key} site")
        Address.objects.create(id=f"address-{key}", location=location, city="Somewhere", state_province=at)
        ServiceAtLocation.objects.create(id=f"sal-{key}", service=record, location=location)
    Schedule.objects.create(
        id=f"schedule-{key}",
        service=None if schedule_at_location else record,
        location=location if schedule_at_location else None,
        byday=EVERY_DAY,
        opens_at="09:00",
        closes_at="17:00",
        freq="WEEKLY",
    )


@pytest.fixture
def services() -> None:
    # By its organisation's office, in Nova Scotia (no location of its own: a phone line).
    service("Halifax line", organisation("ns", "Nova Scotia"))
    # By its service area: nothing else names a place.
    bc_line = organisation("bc")
    service("Vancouver line", bc_line)
    ServiceArea.objects.create(id="area-bc", service_id="service-Vancouver line", name="British Columbia")
    # By its location, for the service's own schedule and for the location's.
    service("Vancouver drop-in", organisation("bc-2"), at="BC")
    service("Halifax drop-in", organisation("ns-2"), at="NS", schedule_at_location=True)
    # Nothing names a province: Harbour's own clock (America/Toronto).
    service("Unplaced line", organisation("none"))


def open_now(monkeypatch: pytest.MonkeyPatch, at: datetime.datetime) -> tuple[set[str], set[str]]:
    """The services the filter finds open, and those whose results say they are open, at `at`."""
    monkeypatch.setattr(timezone, "now", lambda: at)
    found = {result.service.name for result in search.search(SearchQuery(open_now=True)).results}
    every = list(Service.objects.order_by("id").values_list("id", flat=True))
    shown = {result.service.name for result in search.results_for(every, SearchQuery()) if result.open_now}
    return found, shown


@pytest.mark.parametrize(
    ("at", "open_services"),
    [
        (HALIFAX_MORNING, {"Halifax line", "Halifax drop-in"}),
        (TORONTO_LATE_MORNING, {"Halifax line", "Halifax drop-in", "Unplaced line"}),
        (VANCOUVER_AFTERNOON, {"Vancouver line", "Vancouver drop-in"}),
    ],
)
def test_a_search_with_no_place_reads_each_schedule_on_its_places_clock(
    services, monkeypatch: pytest.MonkeyPatch, at: datetime.datetime, open_services: set[str]
) -> None:
    found, shown = open_now(monkeypatch, at)
    assert found == open_services
    assert shown == open_services


def test_a_search_by_place_reads_a_services_own_schedule_on_its_locations_clock(
    services, monkeypatch: pytest.MonkeyPatch
) -> None:
    vancouver = SearchQuery(open_now=True, origin=places.Point(49.28, -123.12), radius_km=25)
    Location.objects.filter(id="location-Vancouver drop-in").update(latitude=49.2827, longitude=-123.1207)
    monkeypatch.setattr(timezone, "now", lambda: VANCOUVER_AFTERNOON)
    assert [result.service.name for result in search.search(vancouver).results] == ["Vancouver drop-in"]
    monkeypatch.setattr(timezone, "now", lambda: HALIFAX_MORNING)
    assert search.search(vancouver).total == 0


def test_a_schedules_own_zone_wins_over_its_place(services, monkeypatch: pytest.MonkeyPatch) -> None:
    # UTC-8 written on the Halifax line's schedule: Vancouver's clock, though its organisation is in Nova Scotia.
    Schedule.objects.filter(id="schedule-Halifax line").update(timezone=-8)
    found, shown = open_now(monkeypatch, VANCOUVER_AFTERNOON)
    assert "Halifax line" in found and "Halifax line" in shown
    found, shown = open_now(monkeypatch, HALIFAX_MORNING)
    assert "Halifax line" not in found and "Halifax line" not in shown
