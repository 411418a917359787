"""The API and the search pages answer the same question the same way: one query layer under both."""

from __future__ import annotations

import pytest

from harbour.directory import places, query, vocabulary
from harbour.directory.search import SearchQuery, search
from harbour.directory.tests.factories import service_make

TORONTO = places.Point(43.6532, -79.3832)
HAMILTON = places.Point(43.2557, -79.8711)
OTTAWA = places.Point(45.4215, -75.6972)


def _need_term(code: str) -> str:
    term = vocabulary.term_by_code(vocabulary.NEEDS_TAXONOMY.key, code)
    assert term is not None
    return term.id


@pytest.fixture
def services(db: None) -> dict[str, str]:
    made = {
        "toronto shelter": service_make(name="Toronto shelter", point=TORONTO, needs=("shelter",)),
        "toronto lawyer": service_make(name="Toronto lawyer", point=TORONTO, needs=("legal-aid",)),
        "hamilton shelter": service_make(name="Hamilton shelter", point=HAMILTON, needs=("shelter", "legal-aid")),
        "ottawa shelter": service_make(name="Ottawa shelter", point=OTTAWA, needs=("shelter",)),
    }
    return {name: service.id for name, service in made.items()}


@pytest.mark.parametrize(
    ("radius_km", "need", "expected"),
    [
        (25, "shelter", ["toronto shelter"]),
        (100, "shelter", ["toronto shelter", "hamilton shelter"]),
        (100, "legal-aid", ["toronto lawyer", "hamilton shelter"]),
        (500, "shelter", ["toronto shelter", "hamilton shelter", "ottawa shelter"]),
    ],
)
def test_the_api_and_the_pages_find_the_same_services_nearest_first(
    services: dict[str, str], radius_km: float, need: str, expected: list[str]
) -> None:
    api = query.service_at_locations(
        query.ServiceFilter(taxonomy_term_ids=[_need_term(need)], near=query.Near(TORONTO, radius_km))
    )
    api_ids = list(dict.fromkeys(api.values_list("service_id", flat=True)))
    pages = search(SearchQuery(origin=TORONTO, radius_km=radius_km, needs=frozenset({need})))
    page_ids = [result.service.id for result in pages.results]
    assert api_ids == page_ids == [services[name] for name in expected]


def test_the_distance_is_in_kilometres(services: dict[str, str]) -> None:
    rows = query.service_at_locations(query.ServiceFilter(near=query.Near(TORONTO, 100)))
    by_service = dict(rows.values_list("service_id", "d2"))  # type: ignore[misc]
    # Toronto to Hamilton is about 58 km as the crow flies.
    assert 55**2 < by_service[services["hamilton shelter"]] < 61**2
    assert by_service[services["toronto shelter"]] == pytest.approx(0, abs=0.01)


def test_every_term_for_the_api_any_term_for_the_pages(services: dict[str, str]) -> None:
    both = [_need_term("shelter"), _need_term("legal-aid")]
    api = query.services(query.ServiceFilter(taxonomy_term_ids=both))
    assert list(api.values_list("id", flat=True)) == [services["hamilton shelter"]]
    pages = search(SearchQuery(needs=frozenset({"shelter", "legal-aid"})))
    assert {result.service.id for result in pages.results} == set(services.values())
