"""The pages' cheaper reads give the same page, order and count as the straightforward ones.

Without a place, a page in name order either walks the name index (dense matches) or sorts the matches
(sparse ones); near a place the rows within reach are read from an index with the service's status
checked against the services that are not active. Each is compared here with a brute force in Python
on a generated set: ties in names, inactive services, services with several locations at different
distances, offsets past the first page and past the end.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

import pytest
from django.db import connection

from harbour.directory import places, query, search, vocabulary
from harbour.directory.models import Attribute, Location, Service, ServiceAtLocation
from harbour.directory.places import Point
from harbour.directory.search import SearchQuery
from harbour.directory.taxonomy_map import taxonomies_ensure

pytestmark = pytest.mark.django_db

CENTRE = Point(43.6426, -79.3871)
NAMES = ["Alpha", "Beta", "Beta", "Beta house", "Delta", "Echo", "Echo", "Foxtrot", "Gamma", "Gamma"]
# How many services of every ten carry each need: "shelter" is dense, "legal-aid" sparse.
DENSITY = {"shelter": 6, "legal-aid": 1}


@dataclass
class Facts:
    name: str
    active: bool
    needs: list[str]
    points: list[Point] = field(default_factory=list)


def _generated(count: int = 240, seed: int = 20, close_every: int = 0) -> dict[str, Facts]:
    """`count` services with tied names, some inactive, with needs and one to three locations; their facts.

    With `close_every`, one service in so many has its locations within about 3 km of the centre.
    """
    taxonomies_ensure()
    rng = random.Random(seed)
    facts: dict[str, Facts] = {}
    for number in range(count):
        service = Service(
            id=f"svc-{number:04d}",
            name=rng.choice(NAMES),
            status=Service.Status.ACTIVE if number % 9 else Service.Status.INACTIVE,
        )
        service.search_text = service.compute_search_text()
        service.save()
        needs = [code for code, tenths in DENSITY.items() if rng.randrange(10) < tenths]
        for code in needs:
            term = vocabulary.need(code)
            assert term is not None
            Attribute.objects.create(
                id=f"attr-{number}-{code}", link_id=service.id, link_entity="service", taxonomy_term_id=term.id
            )
        points = []
        for index in range(rng.choice([1, 1, 2, 3])):
            # Some exactly on the same point as another service (ties in distance), most spread up to ~70 km.
            if number % 7 == 0:
                point = Point(CENTRE.latitude + 0.1, CENTRE.longitude)
            elif close_every and number % close_every == 0:
                point = Point(CENTRE.latitude + rng.uniform(-0.02, 0.02), CENTRE.longitude + rng.uniform(-0.03, 0.03))
            else:
                point = Point(CENTRE.latitude + rng.uniform(-0.6, 0.6), CENTRE.longitude + rng.uniform(-0.8, 0.8))
            location = Location.objects.create(
                id=f"loc-{number:04d}-{index}", latitude=point.latitude, longitude=point.longitude
            )
            ServiceAtLocation.objects.create(id=f"sal-{number:04d}-{index}", service=service, location=location)
            points.append(point)
        facts[service.id] = Facts(service.name, service.status == Service.Status.ACTIVE, needs, points)
    return facts


def _in_name_order(facts: dict[str, Facts], ids: set[str]) -> list[str]:
    return sorted(ids, key=lambda sid: (facts[sid].name, sid))


def _by_name(facts: dict[str, Facts], need: str) -> list[str]:
    return _in_name_order(facts, {sid for sid, f in facts.items() if f.active and need in f.needs})


def _nearest(facts: dict[str, Facts], radius_km: float, need: str | None = None) -> list[str]:
    """By each service's nearest location within reach, the same approximate distance the database computes."""
    k = math.cos(math.radians(CENTRE.latitude))

    def d2(point: Point) -> float:
        dy = (point.latitude - CENTRE.latitude) * query.KM_PER_DEGREE
        dx = (point.longitude - CENTRE.longitude) * query.KM_PER_DEGREE * k
        return dy * dy + dx * dx

    best = {}
    for sid, f in facts.items():
        if not f.active or (need is not None and need not in f.needs):
            continue
        within = [d2(p) for p in f.points if d2(p) <= radius_km**2]
        if within:
            best[sid] = min(within)
    return sorted(best, key=lambda sid: (best[sid], sid))


def _ids(query_: SearchQuery, offset: int, limit: int = 20) -> tuple[int, list[str]]:
    found = search.search(query_, offset=offset, limit=limit)
    return found.total, [r.service.id for r in found.results]


def _offsets(total: int) -> list[int]:
    return sorted({0, 20, 40, max(total - 5, 0), total, total + 10})


@pytest.mark.parametrize("walk", [True, False])
def test_a_need_alone_gives_the_brute_force_name_order_whether_it_walks_the_names_or_sorts(monkeypatch, walk):
    facts = _generated()
    monkeypatch.setattr(search, "walks_name_order", lambda matches, services, wanted: walk)
    for need in DENSITY:
        expected = _by_name(facts, need)
        assert 10 < len(expected) < len(facts)
        for offset in _offsets(len(expected)):
            assert _ids(SearchQuery(needs=frozenset({need})), offset) == (
                len(expected),
                expected[offset : offset + 20],
            ), (need, offset)
    # Two needs: either one; with a text word too, the text narrows.
    both = _in_name_order(facts, set(_by_name(facts, "shelter")) | set(_by_name(facts, "legal-aid")))
    assert _ids(SearchQuery(needs=frozenset(DENSITY)), 20, 15) == (len(both), both[20:35])
    betas = [sid for sid in both if facts[sid].name.startswith("Beta")]
    assert _ids(SearchQuery(text="beta", needs=frozenset(DENSITY)), 3, 7) == (len(betas), betas[3:10])


@pytest.mark.parametrize("walk", [True, False])
def test_words_give_the_brute_force_name_order_whether_they_walk_the_names_or_sort(monkeypatch, walk):
    """A word matches a service's names or its organisation's: both checked on the name index's rows when the
    page walks it (on SQLite the text index then gives no row: `query.Unindexed`), or driving a sort."""
    from harbour.directory.models import Organization

    facts = _generated()
    aid = Organization.objects.create(id="org-beta", name="Beta Aid Network")
    others = [sid for sid, f in facts.items() if "Beta" not in f.name][::11]
    Service.objects.filter(id__in=others).update(organization=aid)
    monkeypatch.setattr(search, "walks_name_order", lambda matches, services, wanted: walk)
    beta = {sid for sid, f in facts.items() if f.active and ("Beta" in f.name or sid in others)}
    shelter_beta = beta & set(_by_name(facts, "shelter"))
    for asked, ids in [
        (SearchQuery(text="beta"), beta),
        (SearchQuery(text="beta", needs=frozenset({"shelter"})), shelter_beta),
        (SearchQuery(text="beta aid"), beta & set(others)),
    ]:
        expected = _in_name_order(facts, ids)
        assert len(expected) > 3
        for offset in _offsets(len(expected)):
            assert _ids(asked, offset) == (len(expected), expected[offset : offset + 20]), (asked, offset)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        walked = search._matching_services(SearchQuery(text="beta"), walk_names=True)
        sql, params = walked.values_list("id", flat=True)[:20].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "USING INDEX dir_service_status_name (status=?)" in plan and "MULTI-INDEX OR" not in plan, plan
        assert "TEMP B-TREE" not in plan, plan  # in the index's order: nothing sorted


def test_a_walk_of_the_names_stops_where_spread_matches_would_be_and_clustered_ones_are_sorted(monkeypatch):
    """ "gamma" names the last services in name order: a walk from the first name would read nearly all of
    them, so it stops at its reach and the page is sorted instead; "beta", early in the names, is walked."""
    from django.test.utils import CaptureQueriesContext

    facts = _generated()
    monkeypatch.setattr(search, "COUNT_BOUND", 30)  # past the bound: the first pages walk the names
    monkeypatch.setattr(search, "WALK_SLACK", 1)
    statements = {}
    for word, first in (("gamma", "Gamma"), ("beta", "Beta")):
        expected = _in_name_order(facts, {sid for sid, f in facts.items() if f.active and f.name.startswith(first)})
        assert len(expected) > 31
        with CaptureQueriesContext(connection) as captured:
            assert search._by_name(SearchQuery(text=word), 0, 21) == (31, expected[:21])
        statements[word] = len(captured.captured_queries)
    if connection.vendor == "sqlite":  # the count, the walk; for "gamma" the sort after the walk fell short
        assert statements == {"gamma": 3, "beta": 2}
    else:  # PostgreSQL's planner chooses between walking and sorting within the page's one query
        assert statements == {"gamma": 2, "beta": 2}


def test_the_name_index_is_walked_for_a_dense_need_and_the_keys_drive_for_a_sparse_one(
    django_assert_num_queries, monkeypatch
):
    facts = _generated()
    chosen: list[bool] = []
    decide = search.walks_name_order

    def noted(matches: int, services: int, wanted: int) -> bool:
        chosen.append(decide(matches, services, wanted))
        return chosen[-1]

    monkeypatch.setattr(search, "walks_name_order", noted)
    for need in ["shelter", "legal-aid"]:
        # The count, then the page (on SQLite the count also reads how many services there are at most).
        with django_assert_num_queries(2):
            total, page = search._by_name(SearchQuery(needs=frozenset({need})), 0, 20)
        assert (total, page) == (len(_by_name(facts, need)), _by_name(facts, need)[:20])
    if connection.vendor == "sqlite":
        # About 130 dense matches among 240 services: a page of 20 reads about 40 names; 25 sparse ones: not.
        assert chosen == [True, False]
        assert search.walks_name_order(16_000, 100_000, 20) and not search.walks_name_order(300, 100_000, 20)
        assert not search.walks_name_order(5_000, 100_000, 5_000) and not search.walks_name_order(0, 10, 20)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        walk = search._matching_services(SearchQuery(needs=frozenset({"shelter"})), terms_per_row=True)
        sql, params = walk.values_list("id", flat=True)[:20].query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        assert "dir_service_status_name" in plan and "TEMP B-TREE" not in plan, plan


@pytest.mark.parametrize("radius_km", [5, 25, 60])
def test_near_a_place_the_page_is_each_services_nearest_location_in_the_brute_force_order(radius_km):
    facts = _generated()
    for need in [None, "shelter"]:
        expected = _nearest(facts, radius_km, need)
        assert expected or radius_km == 5
        asked = SearchQuery(origin=CENTRE, radius_km=radius_km, needs=frozenset({need}) if need else frozenset())
        for offset in _offsets(len(expected)):
            assert _ids(asked, offset) == (len(expected), expected[offset : offset + 20]), (need, offset)
    # A service with several locations is shown at its nearest, with its distance measured exactly.
    several = next(s for s in _nearest(facts, 60) if len(facts[s].points) > 1)
    page = search.search(SearchQuery(origin=CENTRE, radius_km=60), limit=100).results
    shown = next(r for r in page if r.service.id == several)
    nearest = min(places.distance_km(CENTRE, p) for p in facts[several].points)
    assert shown.distance_km == pytest.approx(nearest)


@pytest.mark.parametrize("bound", [1000, 30])
def test_a_page_the_ring_holds_is_the_brute_force_page_and_the_count_stops_at_the_bound(monkeypatch, bound):
    # A third of the services within 3 km of the centre: the ring of a 60 km search (7.5 km) holds the first
    # pages; the later ones and a page past the end read the whole radius.
    facts = _generated(close_every=3)
    monkeypatch.setattr(search, "COUNT_BOUND", bound)
    reads: list[str] = []
    nearest_services, one_pass = search._nearest_services, search._nearest_in_one_pass

    def ring(rows, count, offset=0, *, counted=False):
        if not counted:  # the one pass reads its groups through the same function, counted
            reads.append(f"ring of {count}")
        return nearest_services(rows, count, offset, counted=counted)

    def whole(*args):
        reads.append("one pass")
        return one_pass(*args)

    monkeypatch.setattr(search, "_nearest_services", ring)
    monkeypatch.setattr(search, "_nearest_in_one_pass", whole)
    ways = set()
    for need in [None, "shelter"]:
        expected, in_ring = _nearest(facts, 60, need), len(_nearest(facts, 60 * search.RING_FRACTION, need))
        assert len(expected) > 30
        asked = SearchQuery(origin=CENTRE, radius_km=60, needs=frozenset({need}) if need else frozenset())
        for offset in _offsets(len(expected)):
            reads.clear()
            found = search.search(asked, offset=offset, limit=20)
            assert [r.service.id for r in found.results] == expected[offset : offset + 20], (need, offset)
            assert found.has_next == (offset + 20 < len(expected)), (need, offset)
            assert found.total == min(len(expected), bound + 1) and found.more_than_bound == (len(expected) > bound)
            # The page and the one after it: from the ring alone when it holds them, else one pass over the
            # whole radius too; with a need, from that one pass alone.
            if need is None:
                held = offset + 21 <= in_ring
                assert reads == [f"ring of {offset + 21}"] + ([] if held else ["one pass"]), offset
                ways.add(held)
            else:
                assert reads == ["one pass"], offset
    assert ways == {True, False}


@pytest.mark.parametrize("bound", [1000, 30])
def test_a_search_without_a_place_counts_up_to_the_bound_and_still_pages_past_it(monkeypatch, bound):
    facts = _generated()
    monkeypatch.setattr(search, "COUNT_BOUND", bound)
    betas = _in_name_order(facts, {sid for sid, f in facts.items() if f.active and "Beta" in f.name})
    for asked, expected in [
        (SearchQuery(needs=frozenset({"shelter"})), _by_name(facts, "shelter")),
        (SearchQuery(text="beta"), betas),
    ]:
        assert len(expected) > 30
        for offset in _offsets(len(expected)):
            found = search.search(asked, offset=offset, limit=20)
            assert [r.service.id for r in found.results] == expected[offset : offset + 20], (asked, offset)
            assert found.has_next == (offset + 20 < len(expected)), (asked, offset)
            assert found.total == min(len(expected), bound + 1) and found.more_than_bound == (len(expected) > bound)


def test_past_the_bound_sqlite_walks_the_names_for_the_first_pages_and_weighs_the_deeper_ones(monkeypatch):
    facts = _generated()
    monkeypatch.setattr(search, "COUNT_BOUND", 30)
    weighed: list[int] = []
    walks = search.walks_name_order

    def weigh(matches, services, wanted):
        weighed.append(wanted)
        return walks(matches, services, wanted)

    monkeypatch.setattr(search, "walks_name_order", weigh)
    expected = _by_name(facts, "shelter")
    for offset in (0, 10, 11, 40, len(expected) + 10):
        weighed.clear()
        found = search.search(SearchQuery(needs=frozenset({"shelter"})), offset=offset, limit=20)
        assert [r.service.id for r in found.results] == expected[offset : offset + 20], offset
        # A page and the one more within the bound's 31: walked; deeper, the walk is weighed against a sort.
        assert weighed == ([] if offset + 21 <= 31 or connection.vendor != "sqlite" else [offset + 21]), offset


def test_a_service_made_inactive_leaves_the_search_by_place_and_the_count():
    facts = _generated(60, seed=3)
    asked = SearchQuery(origin=CENTRE, radius_km=100)
    before = _ids(asked, 0, 100)
    first = before[1][0]
    Service.objects.filter(id=first).update(status=Service.Status.DEFUNCT)
    facts[first].active = False
    expected = _nearest(facts, 100)
    assert first not in expected and _ids(asked, 0, 100) == (before[0] - 1, expected)


def test_services_with_many_locations_in_reach_are_counted_exactly_below_the_bound(monkeypatch):
    # The count reads the distinct services among the first 2 x (bound + 1) rows in reach: here 8 rows that
    # name only 2 services, with a third service's rows after them, so every row is counted.
    monkeypatch.setattr(search, "COUNT_BOUND", 3)
    for number, locations in enumerate([6, 6, 1]):
        service = Service.objects.create(id=f"svc-many-{number}", name=f"Many {number}")
        for index in range(locations):
            north = (index + 7 * number) / 2000  # the index of the rows in reach is in latitude order
            location = Location.objects.create(
                id=f"loc-many-{number}-{index}", latitude=CENTRE.latitude + north, longitude=CENTRE.longitude
            )
            ServiceAtLocation.objects.create(id=f"sal-many-{number}-{index}", service=service, location=location)
    asked = SearchQuery(origin=CENTRE, radius_km=5)
    rows = search._nearby_rows(asked, CENTRE).order_by().values_list("service_id", flat=True)
    assert len(set(rows[:8])) == 2 and rows.count() == 13
    assert search._services_within_reach(asked, CENTRE) == 3
    found = search.search(asked, limit=1)
    assert (found.total, found.more_than_bound, found.has_next) == (3, False, True)
