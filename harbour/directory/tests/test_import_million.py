"""The import's work per record does not grow with the file (issue 20, item 4; docs/performance.md).

Statement counts, not timings: on SQLite a chunk's services go in with one statement (the text
index writes a segment at the end of every statement), and a flush of the records seen costs the
same few statements whether it compares ten records or thousands.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from harbour.directory import bench, query
from harbour.directory.interchange import Given, ImportFailed, _Seen, import_json, import_path
from harbour.directory.models import Service
from harbour.directory.tests.hsds_helpers import example

pytestmark = pytest.mark.django_db


def _generated(tmp_path: Path, services: int) -> Path:
    out = io.StringIO()
    bench.generate(out, services, services * 3 // 2)
    path = tmp_path / f"generated-{services}.ndjson"
    path.write_text(out.getvalue())
    return path


def _service_writes(queries: list[dict[str, str]]) -> list[str]:
    table = connection.ops.quote_name(Service._meta.db_table)
    return [q["sql"] for q in queries if q["sql"].startswith(f"INSERT INTO {table}")]


def test_a_chunk_of_services_is_written_with_one_statement(tmp_path):
    path = _generated(tmp_path, 30)
    with CaptureQueriesContext(connection) as queries:
        result = import_json(path, chunk=10)
    assert result.services == 30 and Service.objects.count() == 30
    writes = _service_writes(queries.captured_queries)
    assert len(writes) == 3  # one per chunk of 10, not one per service
    assert all(" SELECT " in sql and " ON CONFLICT " in sql for sql in writes)
    # The text index followed: every service is found by a word of its name.
    service = Service.objects.order_by("key").first()
    assert service is not None
    found = query.services(query.ServiceFilter(search=service.name.split()[0])).values_list("id", flat=True)
    assert service.id in set(found)


def test_a_flush_of_the_records_seen_costs_the_same_statements_for_ten_or_a_thousand():
    def flush_statements(records: int) -> int:
        with transaction.atomic():
            seen = _Seen()
            given: Given = {
                (Service, f"service-{n}"): {"id": f"service-{n}", "name": f"Service {n}"} for n in range(records)
            }
            assert seen.add(given, file="f", label="line 1") == []
            with CaptureQueriesContext(connection) as queries:
                assert seen.flush("f") == []
            return len(queries.captured_queries)

    assert flush_statements(10) == flush_statements(1500) <= 4


def test_the_digest_of_a_record_ignores_key_order_and_keeps_json_types():
    digest = _Seen._digest
    assert digest({"a": "x", "b": 1}) == digest({"b": 1, "a": "x"})
    assert len({digest({"a": 1}), digest({"a": 1.0}), digest({"a": True}), digest({"a": "1"})}) == 4
    # Lists and objects among the values go through a sorted JSON form.
    assert digest({"a": [1, 2], "b": {"c": 1, "d": 2}}) == digest({"b": {"d": 2, "c": 1}, "a": [1, 2]})
    assert digest({"a": [1, 2]}) != digest({"a": [2, 1]})


def test_a_record_given_again_with_a_value_of_another_type_is_refused(tmp_path):
    first = example("service_full.json")
    again = json.loads(json.dumps(first))
    first["organization"]["year_incorporated"] = 2001
    again["organization"]["year_incorporated"] = 2001.5
    with pytest.raises(ImportFailed) as failed:
        import_path(_ndjson(tmp_path / "s.ndjson", first, again))
    [problem] = failed.value.problems
    assert problem.record.startswith("line 2") and "is also given at line 1 with different values" in problem.reason


def test_the_same_record_with_its_properties_in_another_order_is_accepted(tmp_path):
    first = example("service_full.json")
    again = dict(reversed(list(json.loads(json.dumps(first)).items())))
    result = import_path(_ndjson(tmp_path / "s.ndjson", first, again))
    assert result.services == 1


def _ndjson(path: Path, *objects: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(o) + "\n" for o in objects))
    return path
