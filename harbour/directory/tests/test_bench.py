"""The benchmark's data and searches are sound (its timings are reported by `make bench-directory`, not tested)."""

from __future__ import annotations

import io
import json

import pytest

from harbour.directory import bench, hsds
from harbour.directory.interchange import import_path
from harbour.directory.models import Location, Service


def test_generated_services_are_valid_hsds_and_reproducible():
    first, second = io.StringIO(), io.StringIO()
    bench.generate(first, 40, 60, seed=7)
    bench.generate(second, 40, 60, seed=7)
    assert first.getvalue() == second.getvalue()
    records = [json.loads(line) for line in first.getvalue().splitlines()]
    assert len(records) == 40
    assert sum(len(r["service_at_locations"]) for r in records) == 60
    for record in records:
        assert hsds.schema_problems(record, "compiled/service.json", file="bench", record=record["id"]) == []


@pytest.mark.django_db
def test_every_search_finds_the_same_results_through_the_query_layer_and_the_hand_written_sql(tmp_path):
    path = tmp_path / "bench.ndjson"
    with path.open("w") as out:
        bench.generate(out, 400, 600, seed=3)
    import_path(path)
    assert (Service.objects.count(), Location.objects.count()) == (400, 600)
    counts = {}
    for search in bench.SEARCHES:
        total, page = bench.run_in_process(search)
        counts[search.label] = total
        # The same count and the same page, in the same order.
        assert (total, page) == bench.run_sql(search), search.label
        assert (total, page) == bench.run_sql(search, records=True), search.label
        assert len(page) == min(bench.PER_PAGE, max(total - (int(search.params.get("page", "1")) - 1) * 20, 0))
    # The searches are not all empty or all full: they discriminate.
    assert 0 < counts["need"] < 400
    assert counts["need AND population"] < counts["need"]
    assert counts["all services, page 1"] == 400


@pytest.mark.django_db
def test_the_endpoint_list_asks_every_api_endpoint_and_public_page_and_each_answers(tmp_path):
    from django.test import Client
    from django.urls import URLPattern, resolve

    from harbour.directory import api_urls

    path = tmp_path / "bench.ndjson"
    with path.open("w") as out:
        bench.generate(out, 40, 60, seed=3)
    import_path(path)
    bench.link_to_vocabulary()
    bench.link_to_vocabulary()  # once only: the second call adds nothing
    client = Client()
    asked = set()
    for endpoint in bench.endpoints(count=3):
        for url in endpoint.urls:
            size = bench.run_endpoint_in_process(client, url)  # raises unless 200
            assert size > 0 or "ndjson" in url, url  # an export of no match is empty
            match = resolve(url.split("?")[0])
            asked.add(f"{match.namespace}:{match.url_name}")
        reads_tables = not endpoint.label.startswith(("API root", "OpenAPI"))
        assert (bench.endpoint_queries(client, endpoint.urls[0]) > 0) == reads_tables, endpoint.label
    names = {f"hsds:{pattern.name}" for pattern in api_urls.urlpatterns if isinstance(pattern, URLPattern)}
    assert len(names) == len(api_urls.urlpatterns) == 12
    assert (
        names
        | {
            "directory:search",
            "directory:service",
        }
        <= asked
    )
    labels = {e.label for e in bench.endpoints(count=3)}
    for endpoint in bench.endpoints(count=3):
        assert not endpoint.same_as or endpoint.same_as in labels


@pytest.mark.django_db
def test_the_service_page_and_its_api_record_are_timed_on_active_services_only(tmp_path):
    path = tmp_path / "bench.ndjson"
    with path.open("w") as out:
        bench.generate(out, 40, 60, seed=3)
    import_path(path)
    Service.objects.filter(id__in=list(Service.objects.order_by("key").values_list("id", flat=True)[::2])).update(
        status=Service.Status.INACTIVE
    )
    by_label = {e.label: e for e in bench.endpoints(count=5)}
    shown = {url.rstrip("/").rsplit("/", 1)[-1] for url in by_label["page: service"].urls}
    asked = {url.rsplit("/", 1)[-1] for url in by_label["API: service by id"].urls}
    assert shown == asked and len(shown) == 5
    assert set(Service.objects.filter(id__in=shown).values_list("status", flat=True)) == {Service.Status.ACTIVE}


def test_a_page_is_compared_with_the_api_by_cpu_time():
    def row(label: str, wall: float, cpu: float, same_as: str = "") -> dict[str, object]:
        return {
            "endpoint": label,
            "queries": 3,
            "in_process_ms": {"p50": wall, "p95": wall},
            "in_process_cpu_ms": {"p50": cpu, "p95": cpu},
            "load": 2.0,
            **({"same_as": same_as} if same_as else {}),
        }

    lines = bench.endpoints_markdown([row("API: need", 50.0, 10.0), row("page: need", 300.0, 14.0, "API: need")])
    assert lines[-1].startswith("| page: need | 3 | 300.0 / 300.0 | 14.0 |")
    assert lines[-1].endswith("| 1.40 | 2.0 |")


@pytest.mark.django_db
def test_the_endpoint_timings_give_the_database_servers_cpu_on_postgresql(tmp_path):
    """On PostgreSQL the in-process CPU time leaves out the server's; its process's time is read from /proc."""
    import os
    import time

    from django.db import connection

    from harbour.directory.management.commands import bench_directory

    started = bench_directory._proc_cpu_seconds(os.getpid())
    deadline = time.process_time() + 0.1
    while time.process_time() < deadline:
        pass
    assert bench_directory._proc_cpu_seconds(os.getpid()) - started >= 0.05
    out = io.StringIO()
    bench.generate(out, services=3, locations=3, seed=3)
    (tmp_path / "some.ndjson").write_text(out.getvalue(), encoding="utf-8")
    import_path(tmp_path / "some.ndjson")
    [row] = bench_directory.Command()._endpoints(3, use_http=False, only="service by id")
    assert row["queries"] > 1 and row["in_process_cpu_ms"]["p50"] > 0
    if connection.vendor == "postgresql":
        assert row["database_cpu_ms"] >= 0
    else:
        assert "database_cpu_ms" not in row
