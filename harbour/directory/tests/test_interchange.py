"""HSDS import and export: every official example round-trips; bad input changes nothing."""

from __future__ import annotations

import csv
import datetime
import gzip
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
from harbour.directory.interchange import (
    ImportFailed,
    import_json,
    import_path,
    read_json,
    rows_from_csv,
    rows_from_json,
    save_rows,
)
from harbour.directory.models import (
    Address,
    ConfidentialAddress,
    Location,
    Organization,
    Phone,
    Service,
    ServiceArea,
)
from harbour.directory.tests.hsds_helpers import (
    EXAMPLES,
    OFFICIAL_CSV_ELSEWHERE,
    example,
    hold_what_the_official_csv_names_elsewhere,
    missing,
    normalise,
)

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
    hold_what_the_official_csv_names_elsewhere()
    import_path(EXAMPLES / "csv")
    call_command("hsds_export", str(tmp_path / "out"), stdout=io.StringIO())
    given = _csv_tables(EXAMPLES / "csv")
    written = _csv_tables(tmp_path / "out")
    for name, ids in OFFICIAL_CSV_ELSEWHERE.items():
        written[name] = [row for row in written[name] if row["id"] not in ids]
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


def test_a_confidential_address_lives_only_in_its_own_record(cast):
    location = _confidential_shelter()
    secret = ConfidentialAddress.objects.get(location=location)
    # No member organisation keeps this listing: the coordinators' organisation holds its key.
    assert secret.key_owner_id == cast.secretariat.pk
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


def test_a_listing_kept_by_a_member_organisation_has_its_address_under_that_organisations_key(cast):
    import_path(EXAMPLES / "service_full.json")
    location = Location.objects.get()
    Organization.objects.filter(id=location.organization_id).update(network_organisation=cast.harbour_house)
    Address.objects.filter(location=location).update(address_1=STREET, postal_code=POSTCODE, city="Montréal")
    location_make_confidential(by=None, location=location)
    secret = ConfidentialAddress.objects.get(location=location)
    assert secret.key_owner_id == cast.harbour_house.pk and secret.address_1 == STREET


def test_with_no_organisation_to_hold_a_key_the_street_address_is_not_kept_at_all():
    location = _confidential_shelter()
    assert not ConfidentialAddress.objects.exists()
    location.refresh_from_db()
    assert not Address.objects.filter(address_1=STREET).exists()
    assert (location.latitude, location.longitude) == (45.5115, -73.5683)


def test_confidential_addresses_are_never_exported(tmp_path, cast):
    _confidential_shelter()
    call_command("hsds_export", str(tmp_path / "x.json"), stdout=io.StringIO())
    call_command("hsds_export", str(tmp_path / "x.ndjson"), stdout=io.StringIO())
    call_command("hsds_export", str(tmp_path / "csv"), stdout=io.StringIO())
    written = [(tmp_path / "x.json").read_text(), (tmp_path / "x.ndjson").read_text()]
    written += [p.read_text() for p in (tmp_path / "csv").glob("*.csv")]
    for text in written:
        for secret in (STREET, "Rue Cach", POSTCODE, "H2X1Y4", "1Y4", "45.51234", "-73.56789"):
            assert secret not in text


def test_reimporting_a_confidential_location_keeps_its_address_out_of_public_rows(tmp_path, cast):
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


# --- real files from other directories (issue 17) -------------------------------------------


def _write_ndjson(path: Path, *objects: dict[str, Any]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects))
    return path


def test_two_records_with_the_same_id_and_different_content_are_refused_naming_both_lines(tmp_path):
    first = example("service_full.json")
    renamed = json.loads(json.dumps(first))
    renamed["name"] = "Another name"
    path = _write_ndjson(tmp_path / "s.ndjson", first, renamed)
    with pytest.raises(ImportFailed) as failed:
        import_path(path)
    [problem] = failed.value.problems
    assert problem.record == f"line 2 (id {first['id']})"
    assert f"service {first['id']} is also given at line 1 with different values" in problem.reason
    assert Service.objects.count() == 0


def test_a_nested_record_changed_in_a_later_record_is_refused(tmp_path):
    first = example("service_full.json")
    # The same phone, with a different number everywhere the second record gives it.
    second = json.loads(json.dumps(first).replace('\\"+44 1234 234567\\"', "+1 416 555 0199"))
    second["id"] = "5f1b0d8e-2d1e-4c1c-9a51-0c0f3c5b6a12"
    with pytest.raises(ImportFailed) as failed:
        import_path(_write_ndjson(tmp_path / "s.ndjson", first, second))
    reasons = [p.reason for p in failed.value.problems]
    assert any(r.startswith(f"phone {first['phones'][0]['id']} is also given at line 1") for r in reasons)


def test_the_same_record_repeated_unchanged_is_counted_once_across_chunks(tmp_path):
    first = example("service_full.json")
    second = json.loads(json.dumps(first))
    second["id"] = "5f1b0d8e-2d1e-4c1c-9a51-0c0f3c5b6a13"
    for nested in ("phones", "schedules", "service_areas", "languages", "funding", "cost_options", "contacts"):
        second.pop(nested, None)
    second.pop("service_at_locations", None)
    second.pop("attributes", None)
    second.pop("metadata", None)
    second.pop("required_documents", None)
    path = _write_ndjson(tmp_path / "s.ndjson", first, second)
    result = import_json(path, chunk=1)
    assert result.counts["service"] == 2
    assert result.counts["organization"] == 1 == Organization.objects.count()


def test_a_reimported_record_replaces_its_nested_records(tmp_path):
    service = example("service_full.json")
    service["service_areas"].append({**service["service_areas"][0], "id": "7e3c2a10-1b2c-4d5e-8f90-a1b2c3d4e5f6"})
    import_path(_write_ndjson(tmp_path / "a.ndjson", service))
    assert ServiceArea.objects.filter(service_id=service["id"]).count() == 2
    service["service_areas"] = service["service_areas"][:1]
    result = import_path(_write_ndjson(tmp_path / "b.ndjson", service))
    assert list(ServiceArea.objects.filter(service_id=service["id"]).values_list("id", flat=True)) == [
        service["service_areas"][0]["id"]
    ]
    assert result.removed == {"service_area": 1}
    call_command("hsds_export", str(tmp_path / "out.json"), stdout=io.StringIO())
    assert "7e3c2a10-1b2c-4d5e-8f90-a1b2c3d4e5f6" not in (tmp_path / "out.json").read_text()


def test_a_first_load_looks_up_no_parent_for_stale_nested_records(tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from harbour.directory.interchange import nested_pairs, replace_nested

    service = example("service_full.json")
    import_path(_write_ndjson(tmp_path / "a.ndjson", service))
    stamp = Service.objects.get(id=service["id"]).modified_at
    pairs = nested_pairs(hsds.root_node("service"))
    with CaptureQueriesContext(connection) as queries:
        assert replace_nested(stamp, pairs) == {}
    # One look per pair for a record older than the import, and nothing else: no parent read, no delete.
    assert len(queries) == len(pairs) and not any("DELETE" in q["sql"] for q in queries)
    # A record older than the import makes its table's parents looked up again (the test above: replaced).
    ServiceArea.objects.filter(service_id=service["id"]).update(modified_at=stamp - datetime.timedelta(days=1))
    with CaptureQueriesContext(connection) as queries:
        assert replace_nested(stamp, pairs) == {"service_area": len(service["service_areas"])}
    assert len(queries) > len(pairs)


def test_a_json_link_to_a_record_that_exists_nowhere_is_refused(tmp_path):
    service = example("service_full.json")
    del service["organization"]
    service["organization_id"] = "11111111-2222-4333-8444-555555555555"
    with pytest.raises(ImportFailed) as failed:
        import_path(_write_ndjson(tmp_path / "s.ndjson", service))
    assert [(p.record, p.field) for p in failed.value.problems] == [(f"service {service['id']}", "organization_id")]
    assert "neither in the file nor in the directory" in failed.value.problems[0].reason
    assert Service.objects.count() == 0 and Phone.objects.count() == 0


def _package(tmp_path: Path) -> Path:
    folder = tmp_path / "pkg"
    shutil.copytree(EXAMPLES / "csv", folder)
    hold_what_the_official_csv_names_elsewhere()
    return folder


def test_a_csv_package_without_organizations_is_refused(tmp_path):
    folder = _package(tmp_path)
    (folder / "organizations.csv").unlink()
    with pytest.raises(ImportFailed) as failed:
        import_path(folder)
    assert any(p.reason == "missing: every HSDS package has a organization table" for p in failed.value.problems)
    assert Service.objects.count() == 0


def test_a_csv_package_with_an_empty_services_table_is_refused(tmp_path):
    folder = _package(tmp_path)
    header = (folder / "services.csv").read_text().splitlines()[0]
    (folder / "services.csv").write_text(header + "\n")
    with pytest.raises(ImportFailed) as failed:
        import_path(folder)
    assert [(Path(p.file).name, p.reason) for p in failed.value.problems] == [
        ("services.csv", "has no rows: the package must list at least one")
    ]


def test_a_csv_service_of_an_organisation_that_exists_nowhere_is_refused(tmp_path):
    folder = _package(tmp_path)
    text = (folder / "services.csv").read_text()
    given = next(csv.DictReader(io.StringIO(text)))["organization_id"]
    (folder / "services.csv").write_text(text.replace(given, "99999999-2222-4333-8444-555555555555"))
    with pytest.raises(ImportFailed) as failed:
        import_path(folder)
    assert any(p.field == "organization_id" and p.record.startswith("service ") for p in failed.value.problems)
    assert Service.objects.count() == 0 and Location.objects.count() == 0


def test_a_csv_header_without_a_required_column_is_refused(tmp_path):
    folder = _package(tmp_path)
    rows = list(csv.DictReader((folder / "services.csv").open(encoding="utf-8")))
    with (folder / "services.csv").open("w", encoding="utf-8", newline="") as f:
        columns = [c for c in rows[0] if c != "status"]
        writer = csv.DictWriter(f, columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    with pytest.raises(ImportFailed) as failed:
        import_path(folder)
    assert ("header", "status", "required column missing") in [
        (p.record, p.field, p.reason) for p in failed.value.problems
    ]


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "the file is empty"),
        (b"  \n\n ", "the file is empty (only blank space)"),
        ('[{"name": "Café"}]'.encode("latin-1"), "the file is not UTF-8 text"),
        ('[{"name": "x"}]'.encode("utf-16"), "the file is UTF-16 text"),
        # A fixed mtime: the bytes are the test's id, which must be the same in every xdist worker.
        (gzip.compress(b"[]", mtime=0), "the file is gzip-compressed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "the file is an image (PNG)"),
    ],
)
def test_a_file_that_is_not_utf8_json_is_one_plain_problem(tmp_path, content, reason):
    path = tmp_path / "in.json"
    path.write_bytes(content)
    with pytest.raises(ImportFailed) as failed:
        import_path(path)
    [problem] = failed.value.problems
    assert problem.file == str(path) and problem.reason.startswith(reason)


def test_a_bad_first_ndjson_line_does_not_hide_the_later_ones(tmp_path):
    good = example("service_full.json")
    bad = json.loads(json.dumps(good))
    bad["id"] = "0b2f6a9e-4f59-4f55-9a3a-6b6a3a8c1f09"
    bad["status"] = "open"
    path = tmp_path / "in.ndjson"
    path.write_text('{"id": "cut short", \n' + json.dumps(good) + "\n" + json.dumps(bad) + "\n")
    with pytest.raises(ImportFailed) as failed:
        import_path(path)
    records = [p.record for p in failed.value.problems]
    assert records[0] == "line 1" and failed.value.problems[0].reason.startswith("not JSON:")
    assert any(r.startswith("line 3") for r in records)


def test_a_list_is_streamed_and_a_broken_one_says_after_which_record(tmp_path):
    service = example("service_full.json")
    path = tmp_path / "list.json"
    path.write_text("[" + json.dumps(service) + ', {"id": ')
    labels = []
    with pytest.raises(ImportFailed) as failed:
        for label, _obj in read_json(path):
            labels.append(label)
    assert labels == ["record 1"]
    [problem] = failed.value.problems
    assert problem.record == "after record 1" and problem.reason.startswith("not JSON: ")
    assert problem.reason.endswith(".")


def test_a_long_bad_value_is_shortened_inside_a_whole_sentence(tmp_path):
    service = example("service_full.json")
    service["status"] = "closed for the winter " * 20
    with pytest.raises(ImportFailed) as failed:
        import_path(_write_ndjson(tmp_path / "s.ndjson", service))
    [reason] = [p.reason for p in failed.value.problems if p.field == "status"]
    assert "…" in reason and len(reason) < 200 and reason.rstrip().endswith(("]", "'", ".", '…" is not one of'))


def test_records_are_compared_across_the_seen_tables_flushes(tmp_path, monkeypatch):
    monkeypatch.setattr("harbour.directory.interchange._Seen.FLUSH_EVERY", 3)
    first = example("service_full.json")
    renamed = json.loads(json.dumps(first))
    renamed["name"] = "Another name"
    others = []
    for n in range(3):
        other = example("service_full.json")
        other["id"] = f"5f1b0d8e-2d1e-4c1c-9a51-0c0f3c5b6b1{n}"
        for nested in ("phones", "schedules", "service_areas", "languages", "funding", "cost_options", "contacts"):
            other.pop(nested, None)
        for nested in ("service_at_locations", "attributes", "metadata", "required_documents"):
            other.pop(nested, None)
        others.append(other)
    with pytest.raises(ImportFailed) as failed:
        import_path(_write_ndjson(tmp_path / "s.ndjson", first, *others, renamed))
    [problem] = failed.value.problems
    assert problem.record == f"line 5 (id {first['id']})" and "is also given at line 1" in problem.reason
    result = import_json(_write_ndjson(tmp_path / "ok.ndjson", first, *others), chunk=1)
    assert result.counts["service"] == 4 and result.counts["organization"] == 1


def test_after_its_first_chunk_an_import_gives_postgresql_statistics_of_its_own_rows(tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from harbour.directory import interchange
    from harbour.directory.models import ServiceAtLocation

    if connection.vendor != "postgresql":  # SQLite's plans do not come from the tables' row counts
        with CaptureQueriesContext(connection) as queries:
            interchange._analyse_first_chunk()
        assert len(queries) == 0
        return
    table = ServiceAtLocation._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")  # analysed empty, as autovacuum leaves a wiped table
        for number in range(300):
            Location.objects.create(id=f"loc-{number}", latitude=43.6, longitude=-79.4)
        ServiceAtLocation.objects.bulk_create(
            ServiceAtLocation(id=f"sal-{number}", location_id=f"loc-{number}") for number in range(300)
        )
        interchange._analyse_first_chunk()
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = %s", [table])
        assert cursor.fetchone()[0] == 300  # the transaction's own rows, counted
        # The trigger's lookup of a location's rows uses the index that leads with the link (300 rows would
        # be read whole by choice: what matters is which index serves the lookup).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN UPDATE {table} SET latitude = 1 WHERE location_id = 'loc-7'")  # noqa: S608 - a model's table
        plan = " ".join(row[0] for row in cursor.fetchall())
    assert "directory_sal_location_service" in plan, plan


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["service_full.json", "csv"])
def test_an_import_leaves_the_planner_statistics_of_the_directory(source):
    """SQLite keeps none unless asked (its planner then guesses every index alike): each import analyses the
    directory's tables, as PostgreSQL's autovacuum would later (interchange.analyse_directory)."""
    from django.db import connection

    def services_counted() -> float | None:
        with connection.cursor() as cursor:
            if connection.vendor == "sqlite":
                cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
                if cursor.fetchone() is None:
                    return None
                cursor.execute("SELECT stat FROM sqlite_stat1 WHERE tbl = 'directory_service' LIMIT 1")
                found = cursor.fetchone()
                return float(found[0].split()[0]) if found else None
            cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'directory_service'")
            tuples = float(cursor.fetchone()[0])
            return None if tuples < 0 else tuples  # -1: never analysed

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE directory_service")  # empty: PostgreSQL's count survives an earlier test's rollback
    assert services_counted() in (None, 0.0)
    if source == "csv":
        hold_what_the_official_csv_names_elsewhere()
    import_path(EXAMPLES / source)
    assert Service.objects.count() > 0
    assert services_counted() == Service.objects.count()
