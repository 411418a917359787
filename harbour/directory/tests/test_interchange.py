"""HSDS import and export: every official example round-trips; bad input changes nothing."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from harbour.directory import hsds
from harbour.directory.actions import location_make_confidential
from harbour.directory.interchange import ImportFailed, import_path, read_json, rows_from_csv, rows_from_json, save_rows
from harbour.directory.models import Address, ConfidentialAddress, Location, Phone, Service
from harbour.directory.tests.hsds_helpers import EXAMPLES, example, missing, normalise

pytestmark = pytest.mark.django_db

ROOTS = [
    ("service_full.json", "service"),
    ("organization_full.json", "organization"),
    ("service_at_location_full.json", "service_at_location"),
    ("location.json", "location"),
    ("taxonomy.json", "taxonomy"),
    ("taxonomy_term.json", "taxonomy_term"),
    ("service_list.json", "service_list"),
    ("organization_list.json", "organization_list"),
    ("service_at_location_list.json", "service_at_location_list"),
    ("taxonomy_list.json", "taxonomy"),
    ("taxonomy_term_list.json", "taxonomy_term"),
]


def _round_trip(name: str, kind: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    path = EXAMPLES / name
    records = list(read_json(path))
    save_rows(rows_from_json(path, kind=kind))
    node = hsds.root_node(kind)
    ids = [obj["id"] for _label, obj in records]
    rows = {r.id: r for r in node.model._default_manager.filter(id__in=ids)}
    out = hsds.render([rows[i] for i in ids], node)
    return [obj for _label, obj in records], out


@pytest.mark.parametrize(("name", "kind"), ROOTS)
def test_every_official_example_round_trips_without_losing_a_field(name, kind):
    given, exported = _round_trip(name, kind)
    assert len(given) == len(exported)
    for before, after in zip(given, exported, strict=True):
        assert missing(before, after) == []
        assert normalise(before) == normalise(after)
        assert hsds.schema_problems(after, hsds.ROOT_SCHEMAS[kind], file="export", record=after["id"]) == []


def test_the_round_trip_comparison_notices_a_lost_field():
    before = example("service_full.json")
    after = json.loads(json.dumps(before))
    del after["phones"][0]["languages"][0]["note"]
    assert missing(before, after) == [
        ".phones[1554f2e2-a373-45db-a3fa-9fc48a61c15e].languages[2989d3ed-c547-48f8-8f9d-432d81c7892e].note: missing"
    ]
    assert normalise(before) != normalise(after)


def _csv_tables(folder: Path) -> dict[str, list[dict[str, str]]]:
    tables = {}
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as f:
            tables[path.name] = sorted(
                ({k: v for k, v in row.items() if v != ""} for row in csv.DictReader(f)), key=lambda r: r["id"]
            )
    return tables


def test_the_official_csv_package_round_trips_cell_for_cell(tmp_path):
    import_path(EXAMPLES / "csv")
    call_command("hsds_export", str(tmp_path / "out"), stdout=io.StringIO())
    given = _csv_tables(EXAMPLES / "csv")
    written = _csv_tables(tmp_path / "out")
    assert given == written
    # The written package reads back without a problem (it validates).
    rows_from_csv(tmp_path / "out")


def test_json_and_ndjson_exports_validate_against_the_compiled_service_schema(tmp_path):
    import_path(EXAMPLES / "service_full.json")
    other = example("service_full.json")
    other["id"] = "5f1b0d8e-2d1e-4c1c-9a51-0c0f3c5b6a11"
    (tmp_path / "other.json").write_text(json.dumps(other))
    import_path(tmp_path / "other.json")
    call_command("hsds_export", str(tmp_path / "all.json"), stdout=io.StringIO())
    call_command("hsds_export", str(tmp_path / "all.ndjson"), stdout=io.StringIO())
    as_list = json.loads((tmp_path / "all.json").read_text())
    as_lines = [json.loads(line) for line in (tmp_path / "all.ndjson").read_text().splitlines()]
    assert as_list == as_lines
    assert len(as_list) == Service.objects.count() >= 2
    for obj in as_list:
        assert hsds.schema_problems(obj, "compiled/service.json", file="export", record=obj["id"]) == []


def test_an_export_imports_again_into_the_same_records(tmp_path):
    import_path(EXAMPLES / "service_full.json")
    call_command("hsds_export", str(tmp_path / "a.ndjson"), stdout=io.StringIO())
    import_path(tmp_path / "a.ndjson")
    call_command("hsds_export", str(tmp_path / "b.ndjson"), stdout=io.StringIO())
    assert (tmp_path / "a.ndjson").read_text() == (tmp_path / "b.ndjson").read_text()


def test_reimporting_updates_records_by_id(tmp_path):
    import_path(EXAMPLES / "service_full.json")
    # The phone appears in several places of the file: change it everywhere.
    text = (EXAMPLES / "service_full.json").read_text().replace('\\"+44 1234 234567\\"', "+1 416 555 0100")
    service = json.loads(text)
    service["name"] = "Community Counselling (renamed)"
    (tmp_path / "s.json").write_text(json.dumps(service))
    import_path(tmp_path / "s.json")
    assert Service.objects.count() == 1
    assert Service.objects.get().name == "Community Counselling (renamed)"
    assert Phone.objects.get(id=service["phones"][0]["id"]).number == "+1 416 555 0100"


def test_a_record_given_twice_with_different_values_is_a_problem(tmp_path):
    service = example("service_full.json")
    service["phones"][0]["number"] = "+1 416 555 0100"
    (tmp_path / "s.json").write_text(json.dumps(service))
    with pytest.raises(ImportFailed) as failed:
        import_path(tmp_path / "s.json")
    assert [(p.field, p.reason) for p in failed.value.problems] == [
        ("number", "phone 1554f2e2-a373-45db-a3fa-9fc48a61c15e appears more than once with different values")
    ]


def _bad_files(tmp_path: Path) -> Path:
    good = example("service_full.json")
    missing_name = json.loads(json.dumps(good))
    missing_name["id"] = "0b2f6a9e-4f59-4f55-9a3a-6b6a3a8c1f01"
    del missing_name["name"]
    bad_status = json.loads(json.dumps(good))
    bad_status["id"] = "0b2f6a9e-4f59-4f55-9a3a-6b6a3a8c1f02"
    bad_status["status"] = "open"
    bad_status["phones"][0]["number"] = 5
    path = tmp_path / "bad.ndjson"
    path.write_text("\n".join(json.dumps(o) for o in (good, missing_name, bad_status)) + "\n")
    return path


def test_bad_input_reports_every_problem_with_file_record_field_and_reason_and_changes_nothing(tmp_path):
    path = _bad_files(tmp_path)
    with pytest.raises(ImportFailed) as failed:
        import_path(path)
    lines = [str(p) for p in failed.value.problems]
    assert f"{path}: line 2 (id 0b2f6a9e-4f59-4f55-9a3a-6b6a3a8c1f01): (record): 'name' is required" in lines
    assert any(line.startswith(f"{path}: line 3 (id 0b2f6a9e-4f59-4f55-9a3a-6b6a3a8c1f02): status: ") for line in lines)
    assert any("line 3" in line and "phones[0].number: should be of type string" in line for line in lines)
    # The first, valid, record was not imported either.
    assert Service.objects.count() == 0


def test_the_import_command_exits_non_zero_and_prints_problems(tmp_path):
    path = _bad_files(tmp_path)
    err = io.StringIO()
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("hsds_import", str(path), "--quiet", stderr=err)
    assert "line 2 (id 0b2f6a9e-4f59-4f55-9a3a-6b6a3a8c1f01): (record): 'name' is required" in err.getvalue()
    assert Service.objects.count() == 0


def test_a_bad_csv_row_is_reported_by_file_row_and_column_and_nothing_is_imported(tmp_path):
    folder = tmp_path / "pkg"
    shutil.copytree(EXAMPLES / "csv", folder)
    services = (folder / "services.csv").read_text().splitlines()
    services[1] = services[1].replace(",active,", ",open,").replace(",12,100,", ",twelve,100,")
    (folder / "services.csv").write_text("\n".join(services) + "\n")
    with pytest.raises(ImportFailed) as failed:
        import_path(folder)
    lines = [str(p) for p in failed.value.problems]
    assert any(
        line.startswith(f"{folder / 'services.csv'}: row 2 (id ac148810") and "minimum_age" in line for line in lines
    )
    assert Service.objects.count() == 0 and Location.objects.count() == 0


def test_a_file_that_is_not_json_is_one_clear_problem(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(ImportFailed) as failed:
        import_path(path)
    assert [p.reason[:8] for p in failed.value.problems] == ["not JSON"]


def test_an_invalid_last_verified_date_is_refused(tmp_path):
    service = example("service_full.json")
    service["assured_date"] = "last spring"
    (tmp_path / "s.json").write_text(json.dumps(service))
    with pytest.raises(ImportFailed) as failed:
        import_path(tmp_path / "s.json")
    assert [p.field for p in failed.value.problems] == ["assured_date"]


STREET = "77 Rue Cachée"
POSTCODE = "H2X 1Y4"


def _confidential_shelter() -> Location:
    import_path(EXAMPLES / "service_full.json")
    location = Location.objects.get()
    location.latitude, location.longitude = 45.51234, -73.56789
    location.save()
    Address.objects.filter(location=location).update(
        address_1=STREET, city="Montréal", state_province="QC", postal_code=POSTCODE, country="CA"
    )
    return location_make_confidential(by=None, location=location)


def test_a_confidential_address_lives_only_in_its_own_record():
    location = _confidential_shelter()
    secret = ConfidentialAddress.objects.get(location=location)
    assert (secret.address_1, secret.postal_code, secret.latitude, secret.longitude) == (
        STREET,
        POSTCODE,
        45.51234,
        -73.56789,
    )
    location.refresh_from_db()
    address = Address.objects.get(location=location)
    assert (address.city, address.state_province, address.address_1, address.postal_code) == ("Montréal", "QC", "", "")
    # The public point is the postal area's centre, so distance sorting still works.
    assert (location.latitude, location.longitude) == (45.5115, -73.5683)


def test_confidential_addresses_are_never_exported(tmp_path):
    _confidential_shelter()
    call_command("hsds_export", str(tmp_path / "x.json"), stdout=io.StringIO())
    call_command("hsds_export", str(tmp_path / "x.ndjson"), stdout=io.StringIO())
    call_command("hsds_export", str(tmp_path / "csv"), stdout=io.StringIO())
    written = [(tmp_path / "x.json").read_text(), (tmp_path / "x.ndjson").read_text()]
    written += [p.read_text() for p in (tmp_path / "csv").glob("*.csv")]
    for text in written:
        for secret in (STREET, "Rue Cach", POSTCODE, "H2X1Y4", "1Y4", "45.51234", "-73.56789"):
            assert secret not in text


def test_reimporting_a_confidential_location_keeps_its_address_out_of_public_rows(tmp_path):
    _confidential_shelter()
    service = example("service_full.json")
    # The same location appears twice in the example: at the service and in its organisation.
    for place in (service["service_at_locations"][0]["location"], service["organization"]["locations"][0]):
        place["addresses"][0].update(
            address_1="12 New Street", postal_code="H2X 2B2", city="Montréal", state_province="QC"
        )
        place["latitude"], place["longitude"] = 45.52, -73.57
    (tmp_path / "s.json").write_text(json.dumps(service))
    import_path(tmp_path / "s.json")
    secret = ConfidentialAddress.objects.get()
    assert (secret.address_1, secret.postal_code, secret.latitude) == ("12 New Street", "H2X 2B2", 45.52)
    assert not Address.objects.filter(address_1="12 New Street").exists()
    assert not Location.objects.filter(latitude=45.52).exists()
