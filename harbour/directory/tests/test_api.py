"""The HSDS 3.0 API: responses validate, parameters combine with AND, bad input is a 400, secrets stay out."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from harbour.directory import hsds
from harbour.directory.actions import location_make_confidential
from harbour.directory.interchange import import_path
from harbour.directory.models import (
    Address,
    Attribute,
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)
from harbour.directory.tests.hsds_helpers import EXAMPLES

pytestmark = pytest.mark.django_db

API = "/api/hsds"
TAXONOMY = "7b0e3f3c-7c34-4d4e-9d0a-6a1c4a0e0001"
SHELTER = "7b0e3f3c-7c34-4d4e-9d0a-6a1c4a0e0002"
LEGAL = "7b0e3f3c-7c34-4d4e-9d0a-6a1c4a0e0003"


def _uuid(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def _place(n: int, name: str, org: Organization, lat: float, lon: float, city: str, terms: list[str]) -> Service:
    service = Service(id=_uuid(n), name=name, organization=org, description=f"{name} in {city}")
    service.search_text = service.compute_search_text()
    service.save()
    location = Location.objects.create(id=_uuid(n + 1), name=name, latitude=lat, longitude=lon, organization=org)
    Address.objects.create(
        id=_uuid(n + 2),
        location=location,
        address_1=f"{n} Main Street",
        city=city,
        state_province="ON",
        postal_code=f"M5V 1A{n // 100}",
        country="CA",
        address_type="physical",
    )
    ServiceAtLocation.objects.create(id=_uuid(n + 3), service=service, location=location)
    for i, term in enumerate(terms):
        Attribute.objects.create(id=_uuid(n + 4 + i), link_id=service.id, link_entity="service", taxonomy_term_id=term)
    return service


@pytest.fixture
def directory() -> dict[str, Any]:
    taxonomy = Taxonomy.objects.create(id=TAXONOMY, name="Harbour needs", description="Needs")
    TaxonomyTerm.objects.create(
        id=SHELTER, code="shelter", name="Shelter", description="A bed", taxonomy_detail=taxonomy
    )
    TaxonomyTerm.objects.create(id=LEGAL, code="legal", name="Legal help", description="Law", taxonomy_detail=taxonomy)
    north = Organization.objects.create(id=_uuid(1), name="North Harbour", description="North")
    south = Organization.objects.create(id=_uuid(2), name="South Harbour", description="South")
    return {
        "toronto_shelter": _place(100, "Safe Beds Toronto", north, 43.645, -79.39, "Toronto", [SHELTER]),
        "toronto_legal": _place(200, "Workers Legal Clinic", north, 43.65, -79.38, "Toronto", [LEGAL, SHELTER]),
        "hamilton_legal": _place(300, "Hamilton Legal Clinic", south, 43.25, -79.87, "Hamilton", [LEGAL]),
        "ottawa_shelter": _place(400, "Safe Beds Ottawa", south, 45.42, -75.69, "Ottawa", [SHELTER]),
        "north": north,
        "south": south,
    }


def get(path: str, **params: str | int) -> Any:
    response = Client().get(f"{API}{path}", params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return json.loads(response.content)


def ids(page: dict[str, Any]) -> list[str]:
    return [item["id"] for item in page["contents"]]


def test_the_root_names_the_version_and_the_openapi_document():
    body = get("/")
    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/api/hsds/openapi.json")


def test_the_openapi_document_is_served_self_contained():
    doc = get("/openapi.json")
    assert doc["openapi"].startswith("3.1")
    assert doc["servers"] == [{"url": "/api/hsds"}]
    assert "raw.githubusercontent.com" not in json.dumps(doc["paths"])
    assert "compiled_service" in doc["components"]["schemas"]


def test_service_pages_follow_the_hsds_page_shape_and_validate(directory):
    page = get("/services", per_page=3, page=1)
    assert {k: v for k, v in page.items() if k != "contents"} == {
        "total_items": 4,
        "total_pages": 2,
        "page_number": 1,
        "size": 3,
        "first_page": True,
        "last_page": False,
        "empty": False,
    }
    second = get("/services", per_page=3, page=2)
    assert second["size"] == 1 and second["last_page"]
    for item in page["contents"] + second["contents"]:
        assert hsds.schema_problems(item, "compiled/service_list.json", file="api", record=item["id"]) == []
    assert item["organization"]["name"] in ("North Harbour", "South Harbour")


def test_one_service_is_fully_nested_and_validates(directory):
    body = get(f"/services/{directory['toronto_legal'].id}")
    assert hsds.schema_problems(body, "compiled/service.json", file="api", record=body["id"]) == []
    assert body["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Toronto"
    assert {a["taxonomy_term"]["code"] for a in body["attributes"]} == {"legal", "shelter"}


def test_filters_combine_with_and(directory):
    assert set(ids(get("/services", taxonomy_term_id=SHELTER))) == {
        directory[k].id for k in ("toronto_shelter", "toronto_legal", "ottawa_shelter")
    }
    assert ids(get("/services", taxonomy_term_id=f"{SHELTER},{LEGAL}")) == [directory["toronto_legal"].id]
    assert ids(get("/services", taxonomy_term_id=SHELTER, organization_id=directory["south"].id)) == [
        directory["ottawa_shelter"].id
    ]
    assert ids(get("/services", search="legal clinic", organization_id=directory["south"].id)) == [
        directory["hamilton_legal"].id
    ]
    assert ids(get("/services", search="legal", taxonomy_term_id=SHELTER, organization_id=directory["south"].id)) == []
    assert len(ids(get("/services", taxonomy_id=TAXONOMY))) == 4


def test_modified_after_accepts_any_offset_and_refuses_what_is_out_of_range(directory):
    assert len(ids(get("/services", modified_after="1015-02-01T09:46:53-18:56"))) == 4
    response = Client().get(f"{API}/services", {"modified_after": "0001-01-01T00:00:00+05:00"})
    assert response.status_code == 400


def test_modified_after_returns_only_what_changed_since(directory):
    cutoff = timezone.now()
    Service.objects.filter(id=directory["ottawa_shelter"].id).update(modified_at=timezone.now())
    assert ids(get("/services", modified_after=cutoff.isoformat())) == [directory["ottawa_shelter"].id]
    assert len(ids(get("/services", modified_after="2000-01-01T00:00:00Z"))) == 4


def test_service_at_locations_near_a_postcode_come_nearest_first_within_the_proximity(directory):
    page = get("/service_at_locations", postcode="M5V 3L9", proximity=10_000)
    assert ids(page) == [_uuid(103), _uuid(203)]
    wider = get("/service_at_locations", postcode="M5V", proximity=100_000)
    assert ids(wider) == [_uuid(103), _uuid(203), _uuid(303)]
    shelters = get("/service_at_locations", postcode="M5V", proximity=100_000, taxonomy_term_id=LEGAL)
    assert ids(shelters) == [_uuid(203), _uuid(303)]
    for item in wider["contents"]:
        schema = "compiled/service_at_location_list.json"
        assert hsds.schema_problems(item, schema, file="api", record=item["id"]) == []


def test_organizations_and_taxonomies_are_listed_and_fetched(directory):
    assert ids(get("/organizations", search="north")) == [directory["north"].id]
    org = get(f"/organizations/{directory['north'].id}")
    assert hsds.schema_problems(org, "compiled/organization.json", file="api", record=org["id"]) == []
    assert {s["name"] for s in org["services"]} == {"Safe Beds Toronto", "Workers Legal Clinic"}
    assert ids(get("/taxonomies")) == [TAXONOMY]
    assert ids(get("/taxonomy_terms", search="shelter")) == [SHELTER]
    term = get(f"/taxonomy_terms/{SHELTER}")
    assert term["taxonomy_detail"]["id"] == TAXONOMY
    assert get(f"/taxonomies/{TAXONOMY}")["name"] == "Harbour needs"
    sal = get(f"/service_at_locations/{_uuid(103)}")
    assert hsds.schema_problems(sal, "compiled/service_at_location.json", file="api", record=sal["id"]) == []


def test_ndjson_streams_every_result_without_pages(directory):
    response = Client().get(f"{API}/services", {"format": "ndjson", "per_page": "1"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/x-ndjson"
    lines = b"".join(response.streaming_content).decode().splitlines()  # type: ignore[attr-defined]
    assert sorted(json.loads(line)["id"] for line in lines) == sorted(Service.objects.values_list("id", flat=True))


@pytest.mark.parametrize(
    ("query", "parameter"),
    [
        ("page=0", "page"),
        ("page=two", "page"),
        ("per_page=100000", "per_page"),
        ("modified_after=yesterday", "modified_after"),
        ("format=xml", "format"),
        ("full=perhaps", "full"),
        ("postcode=12345", "postcode"),
        ("proximity=1000", "proximity"),
        ("postcode=M5V&proximity=far", "proximity"),
        ("search=" + "x" * 500, "search"),
    ],
)
def test_a_bad_parameter_is_a_400_naming_it(query, parameter):
    path = "/service_at_locations" if "postcode" in query or "proximity" in query else "/services"
    response = Client().get(f"{API}{path}?{query}")
    assert response.status_code == 400
    body = json.loads(response.content)
    assert body["status"] == 400
    assert [e["parameter"] for e in body["errors"]] == [parameter]


def test_an_unknown_id_is_a_404_in_json():
    response = Client().get(f"{API}/services/no-such-service")
    assert response.status_code == 404
    assert json.loads(response.content)["status"] == 404


def test_no_confidential_address_in_any_api_response(directory):
    import_path(EXAMPLES / "service_full.json")
    shelter = Location.objects.get(id=_uuid(101))
    location_make_confidential(by=None, location=shelter)
    shelter.refresh_from_db()
    assert (shelter.latitude, shelter.longitude) == (43.6404, -79.3995)  # the M5V postal area's centre
    service = directory["toronto_shelter"].id
    queries: list[tuple[str, dict[str, str | int]]] = [
        ("/services", {}),
        ("/services", {"full": "true"}),
        ("/services", {"format": "ndjson", "full": "true"}),
        (f"/services/{service}", {}),
        ("/service_at_locations", {"full": "true"}),
        ("/service_at_locations", {"postcode": "M5V", "proximity": 5000}),
        (f"/service_at_locations/{_uuid(103)}", {}),
        (f"/organizations/{directory['north'].id}", {"full_service": "true"}),
        ("/organizations", {"full": "true"}),
    ]
    responses = [Client().get(f"{API}{path}", params) for path, params in queries]
    for response in responses:
        assert response.status_code == 200
        text = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
        for secret in (b"101 Main Street", b"M5V 1A1", b"43.645", b"-79.39,", b"-79.39}"):
            assert secret not in text
    # The shelter is still found near its postal area, with its city.
    near = get("/service_at_locations", postcode="M5V", proximity=5000, full="true")
    shelter_item = next(i for i in near["contents"] if i["id"] == _uuid(103))
    assert shelter_item["location"]["addresses"][0]["city"] == "Toronto"


def test_text_search_ignores_case_and_accents_and_reads_the_french_text(directory):
    service = directory["hamilton_legal"]
    service.name_fr = "Clinique juridique de Hamilton — travailleurs étrangers"
    service.search_text = service.compute_search_text()
    service.save()
    assert ids(get("/services", search="ÉTRANGERS")) == [service.id]
    assert ids(get("/services", search="etrangers juridique")) == [service.id]
    assert ids(get("/services", search="etrangers ottawa")) == []


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
@pytest.mark.parametrize("path", ["/api/hsds/services", "/api/hsds/services/x", "/api/hsds/openapi.json"])
def test_other_methods_get_405_in_json_not_the_form_expired_page(method, path):
    response = getattr(Client(enforce_csrf_checks=True), method)(path, "{}", content_type="application/json")
    assert response.status_code == 405
    assert response["Content-Type"] == "application/json"
    assert response["Allow"] == "GET, HEAD"
    assert response.json()["status"] == 405 and method.upper() in response.json()["detail"]
    assert Client().head("/api/hsds/services").status_code == 200


def test_the_openapi_document_names_the_400_404_and_414_answers():
    document = Client().get("/api/hsds/openapi.json").json()
    service = document["paths"]["/services/{id}"]["get"]["responses"]
    assert {"400", "404", "414"} <= set(service)
    listing = document["paths"]["/services"]["get"]["responses"]
    assert {"400", "414"} <= set(listing) and "404" not in listing
    assert "405" in document["info"]["description"]


# Ids as an HSDS file may give them: the keys of every nested read are written into the statement on
# PostgreSQL (hsds._pg_text_array), so none of these may change what is read.
AWKWARD_IDS = [
    'quote"d',
    "back\\slash",
    "it's",
    "a,b",
    "{braces}",
    "NULL",
    " spaced ",
    "$k$dollar$k1$",
    "ends with $k",
    "Ünïcødé 北",
    "%s and %(name)s",
]


def test_records_are_found_whatever_their_ids_hold():
    from urllib.parse import quote

    for index, awkward in enumerate(AWKWARD_IDS):
        org = Organization.objects.create(id=f"org {awkward}", name=f"Org {index}", description="d")
        Service.objects.create(id=awkward, name=f"Service {index}", organization=org)
    for index, awkward in enumerate(AWKWARD_IDS):
        service = get(f"/services/{quote(awkward, safe='')}")
        assert (service["id"], service["name"]) == (awkward, f"Service {index}")
        assert service["organization"]["id"] == f"org {awkward}"
        org = get(f"/organizations/{quote(f'org {awkward}', safe='')}", full_service="true")
        assert [s["id"] for s in org["services"]] == [awkward]
    page = get("/services", per_page=50)
    assert sorted(s["id"] for s in page["contents"]) == sorted(AWKWARD_IDS)


def test_an_id_holding_a_nul_character_is_not_found():
    Service.objects.create(id="plain", name="Plain")
    for path in ("/services/pla%00in", "/organizations/a%00b", "/service_at_locations/%00"):
        response = Client().get(f"{API}{path}")
        assert response.status_code == 404, path
        assert response.json()["title"] == "Not found"
