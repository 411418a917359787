"""The indexed searches (migration 0020_search_speed) find exactly what a plain scan finds."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pytest

from harbour.directory import bench, places, query
from harbour.directory.confidential import protect_confidential_locations
from harbour.directory.interchange import ImportFailed, import_json, import_path
from harbour.directory.models import (
    CELL_ROW,
    CELLS_PER_DEGREE,
    Attribute,
    Location,
    Service,
    ServiceAtLocation,
    key_of,
)
from harbour.directory.places import Point

pytestmark = pytest.mark.django_db


def _service(number: int, name: str, description: str = "", name_fr: str = "") -> Service:
    service = Service(id=f"svc-{number:04d}", name=name, description=description, name_fr=name_fr)
    service.search_text = service.compute_search_text()
    service.save()
    return service


def _imported(tmp_path: Path, services: int, locations: int, seed: int) -> Path:
    """Generated benchmark services, written to a file and imported; the file's path."""
    path = tmp_path / "bench.ndjson"
    with path.open("w") as out:
        bench.generate(out, services, locations, seed=seed)
    import_path(path)
    return path


def _found(text: str) -> set[str]:
    return set(query.services(query.ServiceFilter(search=text)).values_list("id", flat=True))


def _scanned(text: str) -> set[str]:
    """What the search means: every folded word is a substring of the folded search text."""
    wanted = query.words(places.fold(text))
    return {s.id for s in Service.objects.all() if all(w in s.search_text for w in wanted)}


TEXTS = [
    "shelter",
    "SHELTER",
    "Shélter",
    "shel",  # a prefix
    "elte",  # inside a word
    "legal aid",
    "aid legal",
    "Montréal",
    "montreal",
    "Québec legal",
    "hébergement",
    "of",  # shorter than a trigram
    "of legal",
    "zzyzx",
    "a b",
    "24 7",
]


def test_text_search_finds_what_a_scan_finds_with_accents_case_and_several_words():
    _service(1, "Shelter for women", "Open 24/7 in Montréal")
    _service(2, "Legal Aid Clinic", "Help with immigration", name_fr="Aide juridique du Québec")
    _service(3, "Shelters of the North", "Legal aid and shelter")
    _service(4, "Counselling", "Bureau d'hébergement, Montreal")
    _service(5, "Food bank", "")
    for text in TEXTS:
        assert _found(text) == _scanned(text), text
    assert _found("shelter") == {"svc-0001", "svc-0003"}
    assert _found("Montreal legal") == set()
    assert _found("montréal") == {"svc-0001", "svc-0004"}
    assert _found("legal aid") == {"svc-0002", "svc-0003"}


def test_the_text_index_follows_changes_and_deletions():
    service = _service(1, "Shelter for women")
    _service(2, "Legal clinic")
    assert _found("shelter") == {"svc-0001"}
    service.name = "Drop-in centre"
    service.search_text = service.compute_search_text()
    service.save()
    assert _found("shelter") == set()
    assert _found("drop centre") == {"svc-0001"}
    Service.objects.filter(id="svc-0002").delete()
    assert _found("legal") == set()
    Service.objects.filter(id="svc-0001").update(search_text=" night shelter ")
    assert _found("shelter") == {"svc-0001"}


def test_text_search_through_the_locations_of_services_uses_the_same_index(tmp_path):
    _imported(tmp_path, 120, 180, seed=11)
    for text in ["shelter", "legal immigration", "winnipeg", "interpretation", "zzyzx", "of legal"]:
        found = set(query.service_at_locations(query.ServiceFilter(search=text)).values_list("service_id", flat=True))
        wanted = query.words(places.fold(text))
        scanned = {
            s
            for s, t in ServiceAtLocation.objects.values_list("service_id", "service__search_text")
            if all(w in t for w in wanted)
        }
        assert found == scanned, text
        assert _found(text) == _scanned(text), text


def test_a_location_cell_is_its_grid_square():
    _service(1, "Shelter")
    for number, (latitude, longitude) in enumerate([(45.5, -73.6), (-0.1, -0.1), (49.249, -123.001), (0.0, 0.0)]):
        Location.objects.create(id=f"loc-{number}", latitude=latitude, longitude=longitude)
        cell = Location.objects.get(id=f"loc-{number}").cell
        expected = math.floor(latitude * CELLS_PER_DEGREE) * CELL_ROW + math.floor(longitude * CELLS_PER_DEGREE)
        assert cell == expected
    Location.objects.create(id="loc-none")
    assert Location.objects.get(id="loc-none").cell is None


@pytest.mark.parametrize("radius_km", [1, 5, 20, 60, 150, 2000])
def test_nearby_searches_find_what_a_brute_force_finds_in_the_same_order(radius_km):
    rng = random.Random(radius_km)
    service = _service(1, "Shelter")
    centre = Point(45.42, -75.69)
    points = {}
    for number in range(400):
        # Dense around the centre, some far away, some exactly on cell edges.
        if number % 10 == 0:
            point = (
                round(centre.latitude + rng.uniform(-3, 3) * 4) / 4,
                round(centre.longitude + rng.uniform(-3, 3) * 4) / 4,
            )
        else:
            spread = rng.choice([0.05, 0.5, 2, 10])
            point = (centre.latitude + rng.uniform(-spread, spread), centre.longitude + rng.uniform(-spread, spread))
        location = Location.objects.create(id=f"loc-{number:04d}", latitude=point[0], longitude=point[1])
        ServiceAtLocation.objects.create(id=f"sal-{number:04d}", service=service, location=location)
        points[f"sal-{number:04d}"] = point
    k = math.cos(math.radians(centre.latitude))
    limit = (radius_km / query.KM_PER_DEGREE) ** 2

    def d2(point: tuple[float, float]) -> float:
        return (point[0] - centre.latitude) ** 2 + ((point[1] - centre.longitude) * k) ** 2

    expected = sorted(
        (sal for sal, point in points.items() if d2(point) <= limit), key=lambda sal: (d2(points[sal]), sal)
    )
    near = query.Near(centre, radius_km)
    found = list(query.service_at_locations(query.ServiceFilter(near=near)).values_list("id", flat=True))
    assert found == expected
    assert 0 < len(found) < 400 or radius_km == 2000
    services = list(query.services(query.ServiceFilter(near=near)).values_list("id", flat=True))
    assert services == (["svc-0001"] if expected else [])
    # The API's page and total, in one pass (a window count) and in two, agree with the order above.
    qs = query.service_at_locations(query.ServiceFilter(near=near))
    for offset in sorted({0, 7, max(len(expected) - 1, 0), len(expected), len(expected) + 20}):
        want = (len(expected), expected[offset : offset + 5])
        assert query.count_and_page(qs, offset, 5, one_pass=True) == want
        assert query.count_and_page(qs, offset, 5, one_pass=False) == want


def test_an_import_writes_the_search_text_and_a_reimport_keeps_the_french_in_it(tmp_path):
    path = _imported(tmp_path, 30, 45, seed=5)
    for service in Service.objects.all():
        assert service.search_text == service.compute_search_text()
    french = Service.objects.order_by("id").first()
    assert french is not None
    french.name_fr = "Hébergement d'urgence"
    french.search_text = french.compute_search_text()
    french.save()
    import_path(path)
    for service in Service.objects.all():
        assert service.search_text == service.compute_search_text()
    assert _found("hebergement urgence") == {french.id}


def test_a_problem_after_chunks_were_written_still_imports_nothing(tmp_path):
    path = tmp_path / "bench.ndjson"
    with path.open("w") as out:
        bench.generate(out, 12, 18, seed=5)
        out.write('{"id": "broken"}\n')
    with pytest.raises(ImportFailed) as failed:
        import_json(path, chunk=5)
    assert any("line 13" in str(problem) for problem in failed.value.problems)
    assert Service.objects.count() == 0
    assert Location.objects.count() == 0
    assert _found("shelter") == set()


def test_a_text_search_used_inside_another_query_reads_its_own_rows():
    _service(1, "Shelter for women")
    _service(2, "Legal clinic")
    inner = query.services(query.ServiceFilter(search="shelter"))
    assert set(Service.objects.filter(id__in=inner).values_list("id", flat=True)) == {"svc-0001"}
    outer = Service.objects.exclude(id__in=inner).filter(query.text_condition("legal"))
    assert list(outer.values_list("id", flat=True)) == ["svc-0002"]


def test_every_write_sets_the_search_keys_and_term_filters_follow_a_moved_link(tmp_path):
    _imported(tmp_path, 20, 30, seed=9)
    created = _service(1, "Shelter")
    Service.objects.bulk_create([Service(id="svc-bulk", name="Bulk")])
    attribute = Attribute.objects.create(id="attr-new", link_id="svc-bulk", taxonomy_term_id="term-x")
    assert created.key == key_of("svc-0001")
    for service in Service.objects.all():
        assert service.key == key_of(service.id) > 0
    for record in Attribute.objects.all():
        assert record.link_key == (key_of(record.link_id) if record.link_id else None)
    # The API's term filter now finds the record by its key; moving the attribute moves the match.
    shelter = bench._t("shelter")
    assert Service.objects.filter(key__in=query.with_term("term-x")).get().id == "svc-bulk"
    attribute.link_id = "svc-0001"
    attribute.save()
    assert Service.objects.filter(key__in=query.with_term("term-x")).get().id == "svc-0001"
    first = Service.objects.filter(id__in=Attribute.objects.filter(taxonomy_term_id=shelter).values("link_id"))
    assert set(query.services(query.ServiceFilter(taxonomy_term_ids=[shelter])).values_list("id", flat=True)) == set(
        first.values_list("id", flat=True)
    )
    # A re-import that moves a term to another service moves its key with it.
    moving = Attribute.objects.filter(taxonomy_term_id=shelter).first()
    assert moving is not None
    other = Service.objects.exclude(key__in=query.with_term(shelter)).exclude(id__in=["svc-0001", "svc-bulk"]).first()
    assert other is not None
    moved = {
        "id": moving.id,
        "link_id": other.id,
        "link_type": "service",
        "taxonomy_term_id": shelter,
        "link_entity": "service",
    }
    tabular = tmp_path / "moved"
    tabular.mkdir()
    (tabular / "attributes.csv").write_text(
        "id,link_id,link_type,taxonomy_term_id,link_entity\n" + ",".join(moved[k] for k in moved) + "\n",
        encoding="utf-8",
    )
    # A package names its organisation and service tables (the receiving service, as it is).
    owner = other.organization
    (tabular / "organizations.csv").write_text(
        f"id,name,description\n{owner.id},{owner.name},{owner.description or 'x'}\n", encoding="utf-8"
    )
    (tabular / "services.csv").write_text(
        f"id,organization_id,name,status\n{other.id},{owner.id},{other.name},{other.status}\n", encoding="utf-8"
    )
    import_path(tabular)
    moving.refresh_from_db()
    assert (moving.link_id, moving.link_key) == (other.id, key_of(other.id))
    found = query.services(query.ServiceFilter(taxonomy_term_ids=[shelter]))
    assert other.id in set(found.values_list("id", flat=True))


def _point_of(sal_id: str) -> tuple[float | None, float | None, int | None]:
    sal = ServiceAtLocation.objects.get(id=sal_id)
    return (sal.latitude, sal.longitude, sal.cell)


def _location_point(location_id: str) -> tuple[float | None, float | None, int | None]:
    location = Location.objects.get(id=location_id)
    return (location.latitude, location.longitude, location.cell)


def test_a_service_at_a_location_carries_its_locations_point_through_every_kind_of_write():
    service = _service(1, "Shelter")
    first = Location.objects.create(id="loc-1", latitude=45.42, longitude=-75.69)
    second = Location.objects.create(id="loc-2", latitude=49.28, longitude=-123.12)
    sal = ServiceAtLocation.objects.create(id="sal-1", service=service, location=first)
    assert _point_of("sal-1") == _location_point("loc-1") != (None, None, None)
    # The location moves (save, then a queryset update); the service at it follows.
    first.latitude, first.longitude = 45.5, -73.57
    first.save()
    assert _point_of("sal-1") == _location_point("loc-1")
    assert _point_of("sal-1")[:2] == (45.5, -73.57)
    Location.objects.filter(id="loc-1").update(latitude=43.65, longitude=-79.38)
    assert _point_of("sal-1") == _location_point("loc-1")
    # The service is offered at another location instead; then that location is deleted.
    sal.location = second
    sal.save()
    assert _point_of("sal-1") == _location_point("loc-2")
    ServiceAtLocation.objects.filter(id="sal-1").update(location_id="loc-1")
    assert _point_of("sal-1") == _location_point("loc-1")
    Location.objects.filter(id="loc-1")._raw_delete(Location.objects.db)
    assert _point_of("sal-1") == (None, None, None)
    # A service at a location written before its location takes the point when the location arrives.
    ServiceAtLocation.objects.create(id="sal-2", service=service, location_id="loc-3")
    assert _point_of("sal-2") == (None, None, None)
    Location.objects.create(id="loc-3", latitude=51.05, longitude=-114.07)
    assert _point_of("sal-2") == _location_point("loc-3")
    near = query.service_at_locations(query.ServiceFilter(near=query.Near(Point(51.05, -114.07), 5)))
    assert list(near.values_list("id", flat=True)) == ["sal-2"]


def test_a_confidential_locations_services_carry_only_its_public_point(tmp_path):
    _imported(tmp_path, 10, 15, seed=11)
    for sal in ServiceAtLocation.objects.select_related("location"):
        assert (sal.latitude, sal.longitude, sal.cell) == (
            sal.location.latitude,
            sal.location.longitude,
            sal.location.cell,
        )
    location = Location.objects.order_by("id").first()
    assert location is not None
    real = (location.latitude, location.longitude)
    Location.objects.filter(id=location.id).update(confidential=True)
    protect_confidential_locations(Location.objects.filter(id=location.id))
    location.refresh_from_db()
    assert (location.latitude, location.longitude) != real
    for sal in ServiceAtLocation.objects.filter(location=location):
        assert _point_of(sal.id) == _location_point(location.id)
