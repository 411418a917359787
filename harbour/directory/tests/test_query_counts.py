"""Every directory list that grows (search pages, members' tools, the API) makes as many queries with 50
services as with 1."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from harbour.directory import places
from harbour.directory.tests.factories import service_make
from harbour.testing import AssertNumQueries, Cast, assert_queries_do_not_grow, queries_of_page, signed_in


def shelters(count: int, **extra: Any) -> None:
    for index in range(count):
        service_make(
            name=f"Shelter {index}",
            needs=("shelter", "legal-aid"),
            populations=("women",),
            languages=("en", "fr"),
            free=True,
            phone="416-555-0100",
            confidential=index % 2 == 0,
            **extra,
        )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query", ["", "?city=Toronto&need=shelter", "?postcode=M5V%202T6&radius=25", "?q=shelter&language=fr"]
)
def test_public_search(query: str, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:search") + query
    assert_queries_do_not_grow(django_assert_num_queries, Client(), url, shelters)


@pytest.mark.django_db
def test_members_search_with_confidential_addresses(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:member_search") + "?city=Toronto&need=shelter"
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.bob), url, shelters)


@pytest.mark.django_db
def test_hotline_quick_search(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:hotline") + "?city=Toronto&need=shelter"
    assert_queries_do_not_grow(django_assert_num_queries, signed_in(cast.hana), url, shelters)


@pytest.mark.django_db
def test_beds_tonight(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:beds")
    assert_queries_do_not_grow(
        django_assert_num_queries,
        signed_in(cast.alice),
        url,
        lambda count: shelters(count, organisation=cast.harbour_house),
    )


@pytest.mark.django_db
def test_an_organisations_own_services(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    url = reverse("directory:my_services")
    assert_queries_do_not_grow(
        django_assert_num_queries,
        signed_in(cast.alice),
        url,
        lambda count: shelters(count, organisation=cast.harbour_house),
    )


@pytest.mark.django_db
def test_listings_out_of_date(cast: Cast, django_assert_num_queries: AssertNumQueries) -> None:
    long_ago = timezone.localdate() - datetime.timedelta(days=400)
    url = reverse("directory:stale")
    assert_queries_do_not_grow(
        django_assert_num_queries, signed_in(cast.cora), url, lambda count: shelters(count, assured_date=long_ago)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ["hsds:services", "hsds:organizations", "hsds:service_at_locations"])
def test_api_lists(endpoint: str, django_assert_num_queries: AssertNumQueries) -> None:
    assert_queries_do_not_grow(django_assert_num_queries, Client(), reverse(endpoint), shelters)


# ---------------------------------------------------------------------------
# A record by id: as many queries with hundreds of nested records of each kind as with one.

SERVICE = "ac148810-d857-441c-9679-408f346de14b"  # the official full example's records
ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE_AT_LOCATION = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
LOCATION = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"
# At most this many queries for any record by id: one for the record, then one per table and link the
# standard nests in it, per depth (attributes and metadata at every depth), whatever the number of nested records.
RECORD_QUERIES = 60


def more_children(count: int, tag: str) -> None:
    """`count` more of every kind of nested record on the example's service, location and organisation."""
    from harbour.directory.models import (
        Accessibility,
        Address,
        Attribute,
        Contact,
        CostOption,
        Funding,
        Language,
        Location,
        Metadata,
        OrganizationIdentifier,
        Phone,
        Program,
        RequiredDocument,
        Schedule,
        Service,
        ServiceArea,
        ServiceAtLocation,
    )

    def ids(kind: str) -> list[str]:
        return [f"{tag}-{kind}-{index}" for index in range(count)]

    service, location, org = {"service_id": SERVICE}, {"location_id": LOCATION}, {"organization_id": ORGANIZATION}
    Contact.objects.bulk_create(Contact(id=i, name="Intake", **service) for i in ids("contact"))
    Contact.objects.bulk_create(Contact(id=i, name="Desk", **location) for i in ids("lcontact"))
    phones = [
        *(Phone(id=i, number="416-555-0100", **service) for i in ids("phone")),
        *(Phone(id=i, number="416-555-0101", **location) for i in ids("lphone")),
        *(Phone(id=i, number="416-555-0102", **org) for i in ids("ophone")),
        *(Phone(id=i, number="416-555-0103", contact_id=c) for i, c in zip(ids("cphone"), ids("contact"), strict=True)),
    ]
    Phone.objects.bulk_create(phones)
    Language.objects.bulk_create(Language(id=f"{p.id}-fr", name="French", code="fr", phone_id=p.id) for p in phones)
    Language.objects.bulk_create(Language(id=i, name="Tagalog", code="tl", **service) for i in ids("language"))
    Language.objects.bulk_create(Language(id=i, name="Punjabi", code="pa", **location) for i in ids("llanguage"))
    Schedule.objects.bulk_create(Schedule(id=i, byday="MO", **service) for i in ids("schedule"))
    Schedule.objects.bulk_create(Schedule(id=i, byday="TU", **location) for i in ids("lschedule"))
    ServiceArea.objects.bulk_create(ServiceArea(id=i, name="Ontario", **service) for i in ids("area"))
    Funding.objects.bulk_create(Funding(id=i, source="City", **service) for i in ids("funding"))
    Funding.objects.bulk_create(Funding(id=i, source="Province", **org) for i in ids("ofunding"))
    CostOption.objects.bulk_create(CostOption(id=i, option="Free", **service) for i in ids("cost"))
    RequiredDocument.objects.bulk_create(RequiredDocument(id=i, document="None", **service) for i in ids("document"))
    Attribute.objects.bulk_create(
        Attribute(id=i, link_id=SERVICE, link_type="need", taxonomy_term_id=TERM) for i in ids("attribute")
    )
    Metadata.objects.bulk_create(Metadata(id=i, resource_id=SERVICE, resource_type="service") for i in ids("meta"))
    Address.objects.bulk_create(Address(id=i, address_1="1 Main St", **location) for i in ids("address"))
    Accessibility.objects.bulk_create(Accessibility(id=i, description="Ramp", **location) for i in ids("access"))
    OrganizationIdentifier.objects.bulk_create(
        OrganizationIdentifier(id=i, identifier_type="CRA", identifier="1", **org) for i in ids("identifier")
    )
    Program.objects.bulk_create(Program(id=i, name="Outreach", **org) for i in ids("program"))
    # The organisation's other services, each at a location of its own (at the example's location, each
    # would carry that location's thousands of nested records: a response of millions of objects).
    Service.objects.bulk_create(Service(id=i, name="Drop-in", **org) for i in ids("service"))
    Location.objects.bulk_create(Location(id=f"{i}-place", name="Hall", **org) for i in ids("service"))
    ServiceAtLocation.objects.bulk_create(
        ServiceAtLocation(id=f"{i}-at", service_id=i, location_id=f"{i}-place") for i in ids("service")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        f"/api/hsds/services/{SERVICE}",
        f"/api/hsds/service_at_locations/{SERVICE_AT_LOCATION}",
        f"/api/hsds/organizations/{ORGANIZATION}",
        f"/api/hsds/organizations/{ORGANIZATION}?full_service=true",
    ],
)
def test_a_record_by_id_makes_as_many_queries_with_hundreds_of_nested_records(
    path: str, django_assert_max_num_queries: AssertNumQueries, django_assert_num_queries: AssertNumQueries
) -> None:
    from harbour.directory.interchange import import_path
    from harbour.directory.tests.hsds_helpers import EXAMPLES

    import_path(EXAMPLES / "service_full.json")
    client = Client()
    with django_assert_max_num_queries(RECORD_QUERIES) as context:
        small = client.get(path)
    assert small.status_code == 200
    with_one_each = len(context.captured_queries)
    more_children(250, "many")  # 1,000 phones, so their languages are read for more than 900 phones at once
    with django_assert_num_queries(with_one_each):
        large = client.get(path)
    assert large.status_code == 200
    body = large.json()
    if "services/" in path:  # the thousand phones are there, each with its language
        assert len(body["phones"]) == 251
        assert all(phone["languages"] for phone in body["phones"] if phone["id"].startswith("many-"))
    elif "full_service" in path:
        assert len(body["services"]) == 251
        assert len(body["phones"]) == 250 + len(small.json()["phones"])


def _nested_reads() -> set[tuple[Any, str]]:
    """Every (model, link column) by which `hsds.render` reads nested records, for every root object."""
    from harbour.directory import hsds

    found: set[tuple[Any, str]] = set()

    def walk(node: hsds.Node, seen: set[int]) -> None:
        for sub in [*node.arrays.values(), *node.objects.values()]:
            link = hsds.child_link(node, sub) if sub in node.arrays.values() else None
            if link:
                found.add((sub.model, sub.model.hsds_links[link]))
            if id(sub) not in seen:
                seen.add(id(sub))
                walk(sub, seen)

    for kind in hsds.ROOT_SCHEMAS:
        walk(hsds.root_node(kind), set())
    return found


@pytest.mark.django_db
def test_every_nested_read_uses_an_index_after_analyze_when_most_links_are_empty() -> None:
    """The plans of the nested reads, with the statistics a bulk load leaves: links empty in nearly every row.

    With a plain index on each link, SQLite took `language.location_id IN (...)` (no language at any
    location) to match every language and read the whole table.
    """
    from django.db import connection

    from harbour.directory import hsds
    from harbour.directory.interchange import import_path
    from harbour.directory.tests.hsds_helpers import EXAMPLES

    reads = _nested_reads()
    # 300 records of each table, each on a parent of its own through the table's first link, every other
    # link empty (the official example adds one record with the links it uses).
    for model in {model for model, _column in reads}:
        first = min(column for read, column in reads if read is model)
        required = {
            field.attname: "x"
            for field in model._meta.concrete_fields
            if not (field.null or field.has_default() or field.primary_key or getattr(field, "auto_now", False))
        }
        model._default_manager.bulk_create(
            model(id=f"{model.__name__}-{index}", **{**required, first: f"parent-{index}"}) for index in range(300)
        )
    import_path(EXAMPLES / "service_full.json")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        assert len(reads) > 25
        for model, column in sorted(reads, key=str):
            sql = hsds._select_sql(model, column, connection.vendor)
            param: Any = '["x"]' if connection.vendor == "sqlite" else ["x"]
            if connection.vendor == "sqlite":
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}", [param])
                plan = " ".join(str(row[-1]) for row in cursor.fetchall())
                assert f"SCAN {model._meta.db_table}" not in plan, (model, column, plan)
                assert f"SEARCH {model._meta.db_table} USING" in plan, (model, column, plan)
            else:  # tiny tables are read whole by choice: what matters is that an index can serve the read
                cursor.execute("SET LOCAL enable_seqscan = off")
                cursor.execute(f"EXPLAIN {sql}", [param])
                plan = " ".join(row[0] for row in cursor.fetchall())
                assert "Index" in plan and "Seq Scan" not in plan, (model, column, plan)


# One query for the count, one for the page (on SQLite the count also reads how many services there are at
# most: search._by_name), with text as without it; then the page's details, eight reads (services,
# their locations, phones, hours, addresses, languages, costs, terms), sent together in one round trip on
# PostgreSQL. (SQLite, PostgreSQL.) Near a place: the next test.
FIXED_QUERIES = {
    "?need=shelter": (10, 3),
    "?need=shelter&offset=20": (10, 3),
    "?q=shelter": (10, 3),
}


def _on_this_database(counts: tuple[int, int]) -> int:
    return counts[1] if connection.vendor == "postgresql" else counts[0]


@pytest.mark.django_db
@pytest.mark.parametrize("query", sorted(FIXED_QUERIES))
def test_the_public_search_makes_a_fixed_number_of_queries(query: str) -> None:
    url = reverse("directory:search") + query
    client = Client()
    for count in (21, 23):  # a result past the first page, then more than two pages
        shelters(count)
        assert queries_of_page(client, url) == _on_this_database(FIXED_QUERIES[query])


@pytest.mark.django_db
def test_the_search_by_place_makes_two_queries_whether_its_ring_holds_the_page_or_not() -> None:
    # The ring is an eighth of the 25 km: 3.1 km. Every other shelter is confidential, so its public point is
    # Toronto's centre, 11.5 km from M5V 2T6; the others are 1.9 km away, in the ring. A page wants 21
    # services: its 20 and one more, which tells whether another page follows (search._nearest_page).
    url = reverse("directory:search") + "?postcode=M5V%202T6&radius=25"
    client = Client()
    shelters(5)  # 2 in the ring: the ring, then one pass over the whole radius for the page and the count
    assert queries_of_page(client, url) == _on_this_database((10, 3))
    shelters(16)  # 10 in the ring, 21 within reach: the same
    assert queries_of_page(client, url) == _on_this_database((10, 3))
    shelters(23)  # 21 in the ring: the ring holds the page, then the count
    assert queries_of_page(client, url) == _on_this_database((10, 3))


@pytest.mark.django_db
def test_words_near_a_place_are_checked_on_the_services_index_not_their_rows() -> None:
    """Near a place, each row within reach joins its service for its words: its text (SQLite's text index gives
    rowids) and its organisation's name. `(id, key, organization)` answers both without the service's wide row
    (migration 0029): 44 instead of 54 ms of CPU for "shelter" within 50 km of Toronto at 100,000 services."""
    from django.test.utils import CaptureQueriesContext

    from harbour.directory import search

    for index in range(30):
        service_make(name=f"Shelter {index}", organisation_name=f"Aid {index}", points=[places.Point(43.65, -79.38)])
    query = search.SearchQuery(text="shelter", origin=places.Point(43.64, -79.40), radius_km=50)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    with CaptureQueriesContext(connection) as captured:
        assert search.search(query).total == 30
    nearest = captured.captured_queries[0]["sql"]
    assert "GROUP BY nearby.service_id" in nearest  # the rows within reach, grouped by service
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {nearest}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
            assert "SEARCH directory_service USING COVERING INDEX dir_service_id_key_org (id=?)" in plan, plan
        else:  # PostgreSQL reads each row's text from the table for LIKE: the index must still hold the link
            constraints = connection.introspection.get_constraints(cursor, "directory_service")
            assert constraints["dir_service_id_key_org"]["columns"] == ["id", "key", "organization_id"]


@pytest.mark.django_db
def test_a_service_page_reads_the_service_once() -> None:
    service = service_make(name="Shelter", points=[places.Point(43.65, -79.38), places.Point(43.76, -79.41)])
    url = reverse("directory:service", kwargs={"service_id": service.id})
    # The service (with its organisation), then its locations, phones, hours, addresses, languages, costs, terms
    # (in one round trip on PostgreSQL).
    assert queries_of_page(Client(), url) == _on_this_database((8, 2))


@pytest.mark.django_db
def test_a_word_of_an_organisations_name_finds_its_services_and_postgresql_reads_the_names_by_their_index() -> None:
    from harbour.directory import search
    from harbour.directory.models import Organization

    found = service_make(name="Night bus", description="Rides home.", organisation_name="Kestrelwood Aid")
    service_make(name="Day bus", description="Rides to work.", organisation_name="Other Aid")
    results = search.search(search.SearchQuery(text="kestrelwood"))
    assert [result.service.id for result in results.results] == [found.id]
    assert results.total == 1
    names = Organization.objects.filter(name__icontains="kestrelwood").values("id")
    sql, params = names.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # no trigram index there: the names are scanned (migration 0028)
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            assert "SCAN directory_organization" in " ".join(str(row[-1]) for row in cursor.fetchall())
        else:  # the planner may read a tiny table whole: what matters is that the index can serve the match
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = " ".join(row[0] for row in cursor.fetchall())
            assert "directory_organization_name_trgm" in plan, plan
