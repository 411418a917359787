"""The API's answers, byte for byte: what a record by id (and a listing or an export of the same records) returns.

The other API tests compare records with the HSDS examples after normalising them (order, implied
links); these pin the exact bytes, so that work on how the records are read and written cannot
change a single one: key order, numbers (1.0 written as 1), dates, non-ASCII text, properties the
standard does not name (kept in `extra`), empty lists, and the parts left out (an organisation's
own services brief, a record that would repeat one it is nested in).

The records: the official full example (every kind of nested record the standard defines), a copy
of it with new ids and properties of its own at several depths, and three generated benchmark
services. The expected answers are in `api_bytes/` (one file per database: PostgreSQL keeps the
keys of a JSON column in an order of its own). After a deliberate change of the output, write
them again with `HARBOUR_WRITE_API_BYTES=1 pytest harbour/directory/tests/test_api_bytes.py` (on
each database) and review the difference.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from harbour.directory import bench
from harbour.directory.interchange import import_path
from harbour.directory.tests.hsds_helpers import EXAMPLES

pytestmark = pytest.mark.django_db

EXPECTED = Path(__file__).resolve().parent / "api_bytes"
SERVICE = "ac148810-d857-441c-9679-408f346de14b"  # the official full example's records
ORGANIZATION = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SERVICE_AT_LOCATION = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
TAXONOMY = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
TERM = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


def _other_ids(text: str) -> str:
    """The example's text with every id changed (the same way everywhere, so its links still hold)."""
    return re.sub(r'"([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-)([0-9a-f]{12})"', _reversed_tail, text)


def _reversed_tail(match: re.Match[str]) -> str:
    return f'"{match.group(1)}{match.group(2)[::-1]}"'


def _with_extras(obj: Any, depth: int = 0) -> None:
    """Properties the standard does not name, of every JSON kind, on every object down to a few levels."""
    if isinstance(obj, dict):
        if "id" in obj and depth < 5:
            # Values of the record alone (the same record appears at several places in the example).
            number = int(obj["id"][:2], 16)
            obj["zeta_note"] = f"Ça marche — nº {number} ✓ « 北 »"
            obj["alpha_count"] = number
            obj["ratio"] = 2.0
            obj["fraction"] = 0.125
            obj["flag"] = number % 2 == 0
            obj["nothing"] = None
            obj["nested"] = {"b": [1, 2.5, None, "ü"], "a": {}}
        if "latitude" in obj:  # a whole number stored as a float, and more digits than a float holds
            obj["latitude"], obj["longitude"] = 43.0, -79.12345678901234567
        for value in list(obj.values()):
            _with_extras(value, depth + 1)
    elif isinstance(obj, list):
        for item in obj:
            _with_extras(item, depth)


def _load(tmp_path: Path) -> dict[str, str]:
    """The records the answers below are about; the copy's and the generated records' ids."""
    import_path(EXAMPLES / "service_full.json")
    copy = json.loads(_other_ids((EXAMPLES / "service_full.json").read_text(encoding="utf-8")))
    _with_extras(copy)
    copy["description"] = "Aide juridique et hébergement d'urgence — 24 h/24, « sans frais »"
    (tmp_path / "copy.json").write_text(json.dumps(copy, ensure_ascii=False), encoding="utf-8")
    import_path(tmp_path / "copy.json")
    generated = io.StringIO()
    bench.generate(generated, services=3, locations=5, seed=7)
    (tmp_path / "generated.ndjson").write_text(generated.getvalue(), encoding="utf-8")
    import_path(tmp_path / "generated.ndjson")
    first = json.loads(generated.getvalue().splitlines()[0])
    return {
        "service": copy["id"],
        "organization": copy["organization"]["id"],
        "service_at_location": copy["service_at_locations"][0]["id"],
        "generated_service": first["id"],
        "generated_organization": first["organization"]["id"],
        "generated_service_at_location": first["service_at_locations"][0]["id"],
    }


def _paths(ids: dict[str, str]) -> list[str]:
    api = "/api/hsds"
    paths = []
    for service in (SERVICE, ids["service"], ids["generated_service"]):
        paths.append(f"{api}/services/{service}")
    for organization in (ORGANIZATION, ids["organization"], ids["generated_organization"]):
        paths += [f"{api}/organizations/{organization}", f"{api}/organizations/{organization}?full_service=true"]
    for at_location in (SERVICE_AT_LOCATION, ids["service_at_location"], ids["generated_service_at_location"]):
        paths.append(f"{api}/service_at_locations/{at_location}")
    paths += [
        f"{api}/taxonomies/{TAXONOMY}",
        f"{api}/taxonomy_terms/{TERM}",
        f"{api}/services?full=true&per_page=10",
        f"{api}/services?per_page=10",
        f"{api}/services?minimal=true&per_page=10",
        f"{api}/service_at_locations?per_page=10",
        f"{api}/services?format=ndjson&full=true",
        f"{api}/services/no-such-service",
    ]
    return paths


def _answer(client: Client, path: str) -> dict[str, Any]:
    response = client.get(path)
    body = b"".join(response.streaming_content) if response.streaming else response.content  # type: ignore[attr-defined]
    return {
        "path": path,
        "status": response.status_code,
        "content_type": response["Content-Type"],
        "body": body.decode("utf-8"),
    }


def test_every_answer_is_the_same_to_the_byte(tmp_path: Path) -> None:
    ids = _load(tmp_path)
    client = Client()
    answers = [_answer(client, path) for path in _paths(ids)]
    expected_file = EXPECTED / f"{connection.vendor}.json"
    if os.environ.get("HARBOUR_WRITE_API_BYTES") == "1":
        EXPECTED.mkdir(exist_ok=True)
        expected_file.write_text(json.dumps(answers, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    expected = json.loads(expected_file.read_text(encoding="utf-8"))
    assert [a["path"] for a in answers] == [e["path"] for e in expected]
    for answer, wanted in zip(answers, expected, strict=True):
        assert answer == wanted, answer["path"]
    # What the answers hold: the records asked for, their nesting, and the copy's own properties.
    by_path = {a["path"]: a for a in answers}
    record = json.loads(by_path[f"/api/hsds/services/{ids['service']}"]["body"])
    assert record["zeta_note"].startswith("Ça marche") and record["ratio"] == 2.0
    assert record["service_at_locations"][0]["location"]["latitude"] == 43
    assert "Ça marche" in by_path[f"/api/hsds/services/{ids['service']}"]["body"]  # not escaped
    assert len(record["service_at_locations"][0]["location"]["addresses"]) >= 1
    assert by_path["/api/hsds/services/no-such-service"]["status"] == 404
