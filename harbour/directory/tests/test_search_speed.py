"""The indexed searches (migration 0020_search_speed) find exactly what a plain scan finds."""

from __future__ import annotations

import math
import random

import pytest

from harbour.directory import bench, places, query
from harbour.directory.interchange import ImportFailed, import_json, import_path
from harbour.directory.models import CELL_ROW, CELLS_PER_DEGREE, Location, Service, ServiceAtLocation
from harbour.directory.places import Point

pytestmark = pytest.mark.django_db


def _service(number: int, name: str, description: str = "", name_fr: str = "") -> Service:
    service = Service(id=f"svc-{number:04d}", name=name, description=description, name_fr=name_fr)
    service.search_text = service.compute_search_text()
    service.save()
    return service


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
    path = tmp_path / "bench.ndjson"
    with path.open("w") as out:
        bench.generate(out, 120, 180, seed=11)
    import_path(path)
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
    path = tmp_path / "bench.ndjson"
    with path.open("w") as out:
        bench.generate(out, 30, 45, seed=5)
    import_path(path)
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
