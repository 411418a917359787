"""What the search pages ask the database: the words search's shape on each database, and the page's details.

The timings are in docs/performance.md (measured by `manage.py bench_directory --endpoints`); what is checked
here is the shape that made them: on PostgreSQL a words search no longer counts every match in the page's
own query (which read and counted all 16,121 matches of "counselling" in name order, 180 ms of the server's
time per page), and a page's details are read with the same statements whatever the number of services.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from harbour.directory import places, search
from harbour.directory.tests.factories import service_make

pytestmark = pytest.mark.django_db


def _services(count: int, **extra: object) -> None:
    for index in range(count):
        service_make(name=f"Counselling {index:03d}", description="Counselling and shelter.", **extra)  # type: ignore[arg-type]


def test_a_words_search_counts_as_each_database_counts_best():
    _services(25, organisation_name="Harbour counselling network")
    with CaptureQueriesContext(connection) as captured:
        found = search.search(search.SearchQuery(text="counselling"), limit=20)
    assert found.total == 25 and len(found.results) == 20
    sql = [query["sql"] for query in captured.captured_queries]
    searches = [each for each in sql if "directory_organization" in each and '"directory_service"."status"' in each]
    if connection.vendor == "postgresql":
        # A count read from the indexes (the organisations as one array) and a page with no count of its own.
        assert len(searches) == 2, searches
        assert all("= ANY(ARRAY(SELECT" in each for each in searches)
        assert searches[0].startswith("SELECT COUNT(*)")
        assert not any("OVER ()" in each for each in searches)
    else:
        # The count to the bound from the text index's matches; then, the matches being dense (all 25), the page
        # walks the names, each checked against the text index's matches (not driven by them: "+(rowid)").
        assert len(searches) == 2, searches
        assert searches[0].startswith('SELECT COUNT(*), (SELECT MAX(rowid) FROM "directory_service")')
        assert '+("directory_service".rowid) IN' in searches[1] and "OVER ()" not in searches[1]
        assert not any("ANY(" in each for each in searches)
        # Words and a filter: the text's matches each checked for it, counted and sorted in one pass.
        with CaptureQueriesContext(connection) as captured:
            found = search.search(search.SearchQuery(text="counselling", free=True), limit=20)
        assert found.total == 0
        filtered = [q["sql"] for q in captured.captured_queries if "directory_organization" in q["sql"]]
        assert len(filtered) == 1 and "COUNT(*) OVER ()" in filtered[0], filtered


def test_near_a_place_the_organisations_stay_a_subquery():
    """Rows within reach are tested one by one: a hash of the organisations, not an array searched per row."""
    _services(3)
    toronto = places.Point(43.6532, -79.3832)
    with CaptureQueriesContext(connection) as captured:
        found = search.search(search.SearchQuery(text="counselling", origin=toronto), limit=20)
    assert found.total == 3
    near = [q["sql"] for q in captured.captured_queries if "directory_organization" in q["sql"]]
    assert near and not any("ANY(ARRAY" in each for each in near)


@pytest.mark.parametrize("count", [1, 20])
def test_a_pages_details_are_the_same_statements_whatever_the_number_of_services(count: int):
    _services(count, free=True, hours=("MO,TU", "09:00", "17:00"))
    ids = search.search(search.SearchQuery(text="counselling"), limit=20).results
    assert len(ids) == count
    with CaptureQueriesContext(connection) as captured:
        results = search.results_for([r.service.id for r in ids], search.SearchQuery())
    assert [r.service.id for r in results] == [r.service.id for r in ids]
    # One round trip on PostgreSQL (the eight reads sent together), one statement per table on SQLite.
    assert len(captured.captured_queries) == (1 if connection.vendor == "postgresql" else 8)
    # The cards read nothing more: every field they show was read (the rest is deferred, never touched).
    with CaptureQueriesContext(connection) as more:
        for result in results:
            assert result.service.name.startswith("Counselling") and result.service.organization is not None
            assert result.website and result.phones[0].number
            assert [(s.byday, (s.opens_at or "")[:5], (s.closes_at or "")[:5]) for s in result.schedules] == [
                ("MO,TU", "09:00", "17:00")
            ]
            assert result.location is not None and result.location.name and result.free
    assert more.captured_queries == []
