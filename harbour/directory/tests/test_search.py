"""The search engine every directory page uses: distance order, no duplicates, filters that combine."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from harbour.directory import places
from harbour.directory.models import BedAvailability
from harbour.directory.search import SearchQuery, search
from harbour.directory.tests.factories import service_make

pytestmark = pytest.mark.django_db

DOWNTOWN = places.Point(43.6426, -79.3871)  # near M5V
NORTH_YORK = places.Point(43.7615, -79.4111)  # about 13 km north
HAMILTON = places.Point(43.2557, -79.8711)  # about 60 km away
WINNIPEG = places.Point(49.8951, -97.1384)


def names(query: SearchQuery, **kwargs: int) -> list[str]:
    return [result.service.name for result in search(query, **kwargs).results]


def test_results_are_nearest_first_and_beyond_the_radius_are_left_out():
    service_make(name="Far", point=HAMILTON)
    service_make(name="Near", point=DOWNTOWN)
    service_make(name="Middle", point=NORTH_YORK)
    service_make(name="Prairie", point=WINNIPEG)
    assert names(SearchQuery(origin=DOWNTOWN, radius_km=100)) == ["Near", "Middle", "Far"]
    assert names(SearchQuery(origin=DOWNTOWN, radius_km=25)) == ["Near", "Middle"]


def test_a_service_with_many_locations_appears_once_at_its_nearest():
    service_make(name="Two sites", points=[HAMILTON, NORTH_YORK])
    service_make(name="Downtown only", point=DOWNTOWN)
    results = search(SearchQuery(origin=DOWNTOWN, radius_km=100)).results
    assert [r.service.name for r in results] == ["Downtown only", "Two sites"]
    two = results[1]
    assert two.distance_km is not None and 10 < two.distance_km < 16
    assert two.other_locations == 1


def test_the_total_counts_services_not_locations_and_pages_follow_on():
    for number in range(5):
        service_make(name=f"Service {number}", points=[DOWNTOWN, NORTH_YORK])
    results = search(SearchQuery(origin=DOWNTOWN), limit=2, offset=2)
    assert results.total == 5
    assert len(results.results) == 2 and results.has_next and results.has_previous
    past_the_end = search(SearchQuery(origin=DOWNTOWN), limit=2, offset=6)
    assert past_the_end.total == 5 and past_the_end.results == [] and not past_the_end.has_next
    inactive = service_make(name="Closed", point=DOWNTOWN, status="inactive")
    assert search(SearchQuery(origin=DOWNTOWN), offset=9).total == 5
    assert inactive.name not in names(SearchQuery(origin=DOWNTOWN))


def test_filters_of_different_kinds_combine_and_choices_of_one_kind_widen():
    service_make(name="Women's shelter", needs=["shelter"], populations=["women"], status_safe=True, free=True)
    service_make(name="Men's shelter", needs=["shelter"], populations=["men"], free=True)
    service_make(name="Legal clinic", needs=["legal-aid"], populations=["women"], status_safe=True, free=False)
    assert set(names(SearchQuery(origin=DOWNTOWN, needs=frozenset({"shelter"})))) == {
        "Women's shelter",
        "Men's shelter",
    }
    assert names(SearchQuery(origin=DOWNTOWN, needs=frozenset({"shelter"}), populations=frozenset({"women"}))) == [
        "Women's shelter"
    ]
    assert set(names(SearchQuery(origin=DOWNTOWN, needs=frozenset({"shelter", "legal-aid"})))) == {
        "Women's shelter",
        "Men's shelter",
        "Legal clinic",
    }
    assert set(names(SearchQuery(origin=DOWNTOWN, status_safe=True))) == {"Women's shelter", "Legal clinic"}
    assert set(names(SearchQuery(origin=DOWNTOWN, free=True))) == {"Women's shelter", "Men's shelter"}
    assert names(SearchQuery(origin=DOWNTOWN, status_safe=True, free=True, populations=frozenset({"women"}))) == [
        "Women's shelter"
    ]


def test_safe_regardless_of_status_needs_both_commitments():
    from harbour.directory import vocabulary
    from harbour.directory.models import Attribute

    only_asks = service_make(name="Does not ask, but may share")
    Attribute.objects.create(
        id="only-one",
        link_id=only_asks.id,
        link_entity="service",
        taxonomy_term_id=vocabulary.SAFETY[0].id,
    )
    service_make(name="Both", status_safe=True)
    assert names(SearchQuery(origin=DOWNTOWN, status_safe=True)) == ["Both"]


def test_language_filter_matches_languages_spoken():
    service_make(name="Tagalog spoken", languages=["en", "tl"])
    service_make(name="English only", languages=["en"])
    assert names(SearchQuery(origin=DOWNTOWN, languages=frozenset({"tl"}))) == ["Tagalog spoken"]


def test_open_day_and_night_and_open_now(monkeypatch: pytest.MonkeyPatch):
    service_make(name="Always", always_open=True)
    service_make(name="Office hours", hours=("MO,TU,WE,TH,FR", "09:00:00", "17:00:00"))
    assert names(SearchQuery(origin=DOWNTOWN, always_open=True)) == ["Always"]
    # Schedules without a time zone are read in Harbour's zone (America/Toronto).
    tuesday_noon = datetime.datetime(2026, 11, 24, 17, 0, tzinfo=datetime.UTC)
    sunday_noon = datetime.datetime(2026, 11, 22, 17, 0, tzinfo=datetime.UTC)
    monkeypatch.setattr(timezone, "now", lambda: tuesday_noon)
    assert set(names(SearchQuery(origin=DOWNTOWN, open_now=True))) == {"Always", "Office hours"}
    monkeypatch.setattr(timezone, "now", lambda: sunday_noon)
    assert names(SearchQuery(origin=DOWNTOWN, open_now=True)) == ["Always"]


def test_text_matches_english_french_and_organisation_names():
    service_make(name="Clinique", name_fr="Clinique juridique", organisation_name="Maple Legal")
    service_make(name="Food bank")
    assert names(SearchQuery(text="juridique")) == ["Clinique"]
    assert names(SearchQuery(text="maple")) == ["Clinique"]
    assert names(SearchQuery(text="food bank")) == ["Food bank"]


def test_has_a_place_now_needs_a_count_above_zero_posted_within_a_day():
    fresh = service_make(name="Fresh count", needs=["shelter"])
    old = service_make(name="Old count", needs=["shelter"])
    full = service_make(name="Full", needs=["shelter"])
    now = timezone.now()
    for service, places_available, age in ((fresh, 2, 3), (old, 5, 30), (full, 0, 1)):
        location = service.service_at_locations.get().location
        BedAvailability.objects.create(
            location=location, places_available=places_available, updated_at=now - datetime.timedelta(hours=age)
        )
    # An older, higher count does not count once a newer one says zero.
    BedAvailability.objects.create(
        location=full.service_at_locations.get().location,
        places_available=4,
        updated_at=now - datetime.timedelta(hours=5),
    )
    query = SearchQuery(origin=DOWNTOWN, has_place_now=True, include_confidential=True)
    assert names(query) == ["Fresh count"]
    assert names(SearchQuery(has_place_now=True, include_confidential=True)) == ["Fresh count"]
    results = {r.service.name: r for r in search(SearchQuery(origin=DOWNTOWN, include_confidential=True)).results}
    assert results["Fresh count"].beds is not None and results["Fresh count"].beds.places_available == 2
    assert results["Old count"].beds is not None and results["Old count"].beds.places_available is None


def test_the_public_gets_no_confidential_address_and_the_distance_of_the_coarse_point():
    # The real address is downtown; the public point is Toronto's centre (from the city).
    service_make(name="Safe house", confidential=True, point=DOWNTOWN, street="12 Secret Street")
    public = search(SearchQuery(origin=DOWNTOWN)).results[0]
    assert public.confidential and public.address is None and public.confidential_address is None
    assert public.beds is None
    assert public.city == "Toronto"
    assert public.distance_km is not None and public.distance_km > 5
    member = search(SearchQuery(origin=DOWNTOWN, include_confidential=True)).results[0]
    assert member.confidential_address is not None
    assert member.confidential_address.address_1 == "12 Secret Street"
    assert member.distance_km is not None and member.distance_km < 0.5


def test_inactive_services_are_not_found():
    service_make(name="Closed", status="defunct")
    service_make(name="Open")
    assert names(SearchQuery(origin=DOWNTOWN)) == ["Open"]


def test_every_result_says_how_to_reach_the_service():
    service_make(name="Reachable", phone="+1 416 555 0199", hours=("MO", "09:00", "12:00"))
    result = search(SearchQuery(origin=DOWNTOWN)).results[0]
    assert [p.number for p in result.phones] == ["+1 416 555 0199"]
    assert result.address and "Toronto" in result.address
    assert result.schedules and result.website
