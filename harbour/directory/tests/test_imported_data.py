"""Directory pages on data nobody here wrote: services imported from another directory's HSDS file."""

from __future__ import annotations

import datetime
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from harbour.directory import places, search, taxonomy_map, vocabulary
from harbour.directory.interchange import import_path
from harbour.directory.models import Attribute
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


def test_the_language_filter_reads_location_languages_and_any_iso_639_code(tmp_path):
    location = {
        "id": LOCATION_ID,
        "location_type": "physical",
        "name": "Office",
        "latitude": 49.2827,
        "longitude": -123.1207,
        "languages": [{"id": "6a1f3b0e-8888-4a2b-9c3d-000000000001", "code": "spa", "name": "Spanish"}],
    }
    imported(
        tmp_path,
        languages=[{"id": "6a1f3b0e-8888-4a2b-9c3d-000000000002", "code": "yue", "name": "Cantonese"}],
        service_at_locations=[{"id": "6a1f3b0e-6666-4a2b-9c3d-000000000001", "location": location}],
    )
    near = places.Point(49.28, -123.12)
    for codes in ({"es"}, {"zh"}):
        assert [r.service.id for r in search.search(SearchQuery(languages=frozenset(codes))).results] == [SERVICE_ID]
        by_place = SearchQuery(languages=frozenset(codes), origin=near, radius_km=25)
        assert [r.service.id for r in search.search(by_place).results] == [SERVICE_ID]
    assert search.search(SearchQuery(languages=frozenset({"ar"}))).total == 0
    assert _result().languages == ["es", "zh"]


@pytest.mark.parametrize(
    ("given", "harbour"),
    [("cmn", "zh"), ("zh-Hant", "zh"), ("ZHO", "zh"), ("es_MX", "es"), ("fil", "tl"), ("crk", "cr"), ("xx", "xx")],
)
def test_iso_639_codes_are_read_as_harbours(given, harbour):
    from harbour.directory.vocabulary import language_code

    assert language_code(given) == harbour


def _open_eligibility(term_id: str, code: str, name: str) -> dict[str, Any]:
    return {
        "id": f"6a1f3b0e-9999-4a2b-9c3d-{term_id}",
        "link_entity": "service",
        "link_type": "service_type",
        "taxonomy_term": {
            "id": f"6a1f3b0e-aaaa-4a2b-9c3d-{term_id}",
            "code": code,
            "name": name,
            "description": name,
            "taxonomy": "Open Eligibility",
        },
    }


OE_ATTRIBUTES = [
    _open_eligibility("000000000001", "1121", "Emergency Shelter"),
    # Kol-Zchut's fork names the term without the numeric id.
    _open_eligibility("000000000002", "human_situations:gender:women", "Women"),
]


def test_open_eligibility_terms_reach_the_need_and_population_filters(tmp_path):
    assert search.search(SearchQuery(needs=frozenset({"shelter"}))).total == 0
    imported(tmp_path, attributes=OE_ATTRIBUTES)
    for query in (SearchQuery(needs=frozenset({"shelter"})), SearchQuery(populations=frozenset({"women"}))):
        assert [r.service.id for r in search.search(query).results] == [SERVICE_ID]
    assert search.search(SearchQuery(needs=frozenset({"food"}))).total == 0
    reach = {(term.code): (services, mapped) for term, services, mapped in taxonomy_map.reach()}
    assert reach["shelter"] == (1, 1) and reach["women"] == (1, 1) and reach["food"] == (0, 0)


def test_a_second_import_keeps_the_mapped_terms_without_adding_more(tmp_path):
    imported(tmp_path, attributes=OE_ATTRIBUTES)
    before = sorted(Attribute.objects.values_list("id", flat=True))
    imported(tmp_path, attributes=OE_ATTRIBUTES)
    assert sorted(Attribute.objects.values_list("id", flat=True)) == before
    assert search.search(SearchQuery(needs=frozenset({"shelter"}))).total == 1
    # The file dropping the term drops what it mapped to.
    imported(tmp_path, attributes=OE_ATTRIBUTES[1:])
    assert search.search(SearchQuery(needs=frozenset({"shelter"}))).total == 0
    assert search.search(SearchQuery(populations=frozenset({"women"}))).total == 1


def test_a_term_of_an_unrecognised_taxonomy_is_not_mapped(tmp_path):
    other = json.loads(json.dumps(OE_ATTRIBUTES[0]))
    other["taxonomy_term"]["taxonomy"] = "Some local list"
    imported(tmp_path, attributes=[other])
    assert search.search(SearchQuery(needs=frozenset({"shelter"}))).total == 0


def test_the_map_refuses_a_harbour_code_that_does_not_exist(tmp_path):
    path = tmp_path / "map.toml"
    path.write_text('[[taxonomies]]\nid = "x"\nrecognise = ["x"]\n[taxonomies.needs]\nbeds = ["1121"]\n')
    with pytest.raises(taxonomy_map.MapError, match="unknown Harbour code 'beds'"):
        taxonomy_map._read(path)


def test_the_command_applies_the_map_to_what_is_already_imported_and_reports_reach(tmp_path):
    imported(tmp_path, attributes=OE_ATTRIBUTES)
    Attribute.objects.filter(taxonomy_term_id=vocabulary.need("shelter").id).delete()  # type: ignore[union-attr]
    out = io.StringIO()
    call_command("directory_taxonomy_map", stdout=out)
    assert "Gave 1 Harbour terms" in out.getvalue()
    assert search.search(SearchQuery(needs=frozenset({"shelter"}))).total == 1
    line = next(line for line in out.getvalue().splitlines() if line.startswith("harbour-needs shelter "))
    assert line.split()[-2:] == ["1", "1"]


def test_the_map_reads_the_services_ids_in_one_pass_however_many_there_are():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from harbour.directory.models import Service

    # More than two of the map's batches of 900: paging with `id > last` read (and sorted) the services
    # once per batch, which at a million services was 1,100 sorts of a million rows.
    Service.objects.bulk_create(Service(id=f"svc-{number:05d}", name=f"Service {number}") for number in range(1901))
    with CaptureQueriesContext(connection) as queries:
        assert taxonomy_map.map_services(Service.objects.all()) == 0
    reads = [q["sql"] for q in queries if 'FROM "directory_service"' in q["sql"]]
    assert len(reads) == 1, reads
