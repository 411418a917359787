"""Times the directory's own search engine (harbour.directory.search) and the public search page at scale.

Data: the API benchmark's generator (harbour.directory.bench, 1.5 locations per
service), imported through the HSDS importer, then linked to Harbour's
vocabulary (harbour.directory.vocabulary) so the pages' filters apply. Then
twenty searches as the pages make them: the engine alone, and the whole public
page through Django (middleware, form, engine, template) with its size.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client

from harbour.directory import bench, places
from harbour.directory.interchange import import_path
from harbour.directory.models import HSDS_MODELS, Location, Service
from harbour.directory.search import SearchQuery, search


def _point(text: str) -> places.Point:
    point = places.place_point(text)
    if point is None:
        raise CommandError(f"unknown place {text}")
    return point


def _searches() -> list[tuple[str, SearchQuery, str]]:
    """(label, query, public page query string)."""
    f = frozenset
    toronto, montreal, vancouver = _point("M5V 3L9"), _point("H2X"), _point("V6B")
    winnipeg, halifax, calgary = _point("R3C"), _point("B3H"), _point("T2P")
    rural, regina = _point("K0A"), _point("Regina")
    return [
        ("near M5V, 5 km", SearchQuery(origin=toronto, radius_km=5), "place=M5V+3L9&radius=5"),
        ("near M5V, 50 km", SearchQuery(origin=toronto, radius_km=50), "place=M5V+3L9"),
        ("near M5V, 50 km, page 10", SearchQuery(origin=toronto, radius_km=50), "place=M5V+3L9&offset=180"),
        ("near H2X + need", SearchQuery(origin=montreal, needs=f({"shelter"})), "place=H2X&need=shelter"),
        (
            "near V6B + need + population",
            SearchQuery(origin=vancouver, needs=f({"shelter"}), populations=f({"men"})),
            "place=V6B&need=shelter&population=men",
        ),
        (
            "near R3C + two needs",
            SearchQuery(origin=winnipeg, needs=f({"legal-aid", "labour-rights"})),
            "place=R3C&need=legal-aid&need=labour-rights",
        ),
        ("near B3H + status safe", SearchQuery(origin=halifax, status_safe=True), "place=B3H&status_safe=on"),
        ("near T2P + 24/7", SearchQuery(origin=calgary, always_open=True), "place=T2P&always_open=on"),
        ("near T2P + open now", SearchQuery(origin=calgary, open_now=True), "place=T2P&open_now=on"),
        ("near M5V + language", SearchQuery(origin=toronto, languages=f({"tl"})), "place=M5V&language=tl"),
        ("near M5V + free", SearchQuery(origin=toronto, free=True), "place=M5V&free=on"),
        ("near M5V + text", SearchQuery(origin=toronto, text="shelter"), "place=M5V&q=shelter"),
        (
            "near M5V + everything",
            SearchQuery(
                origin=toronto,
                needs=f({"shelter"}),
                populations=f({"women"}),
                languages=f({"es"}),
                status_safe=True,
                open_now=True,
            ),
            "place=M5V&need=shelter&population=women&language=es&status_safe=on&open_now=on",
        ),
        ("near K0A (rural), 250 km", SearchQuery(origin=rural, radius_km=250), "place=K0A&radius=250"),
        ("city Regina + need", SearchQuery(origin=regina, needs=f({"food"})), "place=Regina&need=food"),
        ("near M5V, 500 km", SearchQuery(origin=toronto, radius_km=500), "place=M5V&radius=500"),
        ("text only", SearchQuery(text="counselling"), "q=counselling"),
        ("need only", SearchQuery(needs=f({"crisis-line"})), "need=crisis-line"),
        (
            "members: near M5V + has a place now",
            SearchQuery(origin=toronto, has_place_now=True, include_confidential=True),
            "",
        ),
        ("members: near M5V, 50 km", SearchQuery(origin=toronto, include_confidential=True), ""),
    ]


def _ms(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(value * 1000 for value in seconds)
    return {
        "p50": round(ordered[len(ordered) // 2], 1),
        "p95": round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))], 1),
    }


class Command(BaseCommand):
    help = "Time the directory search engine and the public search page at scale (on a throwaway database)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--services", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=20)
        parser.add_argument("--skip-import", action="store_true")
        parser.add_argument("--wipe", action="store_true", help="required: agree to empty the directory tables")
        parser.add_argument("--output", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["wipe"] and not options["skip_import"]:
            raise CommandError("This empties every directory table: pass --wipe on a throwaway database.")
        report: dict[str, Any] = {
            "database": connection.vendor,
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}",
        }
        if not options["skip_import"]:
            self._load(options["services"])
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        report["rows"] = {"services": Service.objects.count(), "locations": Location.objects.count()}
        report["searches"] = self._time(options["repeat"])
        for row in report["searches"]:
            page = row.get("page_ms", {})
            self.stdout.write(
                f"{row['search']:40} {row['total']:>7} engine {row['engine_ms']['p50']:>6}/{row['engine_ms']['p95']:<6}"
                f" page {page.get('p50', '-'):>6}/{page.get('p95', '-'):<6} {row.get('page_kb_gzip', '-')} KB"
            )
        if options["output"]:
            options["output"].write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")

    def _load(self, services: int) -> None:
        locations = services * 3 // 2
        data = Path(settings.STATE_DIR) / "bench" / f"directory-{services}-{locations}-20261122.ndjson"
        if not data.exists():
            data.parent.mkdir(parents=True, exist_ok=True)
            with data.open("w", encoding="utf-8") as out:
                bench.generate(out, services, locations, 20261122)
        for model in reversed(HSDS_MODELS):
            model._default_manager.all()._raw_delete(model._default_manager.db)
        import_path(data, quiet=not sys.stderr.isatty())
        bench.link_to_vocabulary()

    def _time(self, repeat: int) -> list[dict[str, Any]]:
        client = Client(HTTP_HOST=(settings.ALLOWED_HOSTS or ["127.0.0.1"])[0].lstrip(".") or "127.0.0.1")
        out = []
        for label, query, page_query in _searches():
            results = search(query)
            timings = []
            for _ in range(repeat):
                started = time.perf_counter()
                search(query)
                timings.append(time.perf_counter() - started)
            row: dict[str, Any] = {"search": label, "total": results.total, "engine_ms": _ms(timings)}
            if page_query:
                url = f"/en/directory/?{page_query}"
                response = client.get(url)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
                row["page_kb_gzip"] = round(len(gzip.compress(response.content)) / 1000, 1)
                timings = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    client.get(url)
                    timings.append(time.perf_counter() - started)
                row["page_ms"] = _ms(timings)
            out.append(row)
            self.stderr.write(f"  {label}: {row}")
        return out
