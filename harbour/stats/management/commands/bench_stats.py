"""The statistics benchmark: one release over many records with five breakdowns, its time and peak memory.

`--load N` fills the records table with N generated records (fixed seed; SQLite through
executemany, PostgreSQL through COPY), replacing what was there. `--release` then
publishes one release with five breakdowns (year, province, gender, age band, form of
exploitation) over every record and reports the wall time of the publication (the five
GROUP BY queries, OpenDP's noise, the tables, the ledger) and the process's peak memory.
Run the two steps as two processes (`make bench-stats` does), so the peak memory of the
release does not include the generation of the data.
"""

from __future__ import annotations

import json
import resource
import sys
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from harbour.network.models import Member, Organisation
from harbour.stats import actions
from harbour.stats.generated import COLUMNS, YEARS, generated_rows
from harbour.stats.models import BudgetYear, LedgerEntry, Release, ReleaseCell, ReleaseTable
from harbour.stats.records import StatisticsRecord

BREAKDOWNS = ["year", "province", "gender", "age_band", "form"]
CHUNK = 50_000


class Command(BaseCommand):
    help = "Benchmark one statistics release with five breakdowns (see docs/performance.md)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--load", type=int, default=0, help="replace the records with this many generated ones")
        parser.add_argument("--release", action="store_true", help="publish one release over every record")
        parser.add_argument("--output", type=Path, help="write the figures as JSON here too")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["load"] and not options["release"]:
            raise CommandError("say --load N, --release, or both")
        organisation, coordinator = self._cast()
        if options["load"]:
            self._load(options["load"], organisation.pk)
        if options["release"]:
            figures = self._release(coordinator)
            self.stdout.write(json.dumps(figures, indent=2))
            if options["output"]:
                options["output"].write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    def _cast(self) -> tuple[Organisation, Member]:
        organisation, _ = Organisation.objects.get_or_create(
            name="Benchmark network secretariat",
            defaults={"kind": Organisation.Kind.NGO, "province": "ON", "city": "Ottawa", "languages": ["en"],
                      "vetting_status": Organisation.Vetting.VETTED},
        )  # fmt: skip
        coordinator, _ = Member.objects.get_or_create(
            email="bench-coordinator@bench.invalid",
            defaults={"full_name": "Benchmark", "organisation": organisation, "role": "coordinator"},
        )
        return organisation, coordinator

    def _load(self, count: int, organisation_id: int) -> None:
        started = time.perf_counter()
        table = StatisticsRecord._meta.db_table
        with transaction.atomic():
            StatisticsRecord.objects.all().delete()
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    raw: Any = cursor.cursor
                    with raw.copy(f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN") as copy:
                        for row in generated_rows(count, organisation_id):
                            copy.write_row(row)
                else:
                    placeholders = ", ".join(["%s"] * len(COLUMNS))
                    # Table and column names are the model's own, never input.
                    sql = f"INSERT INTO {table} ({', '.join(COLUMNS)}) VALUES ({placeholders})"  # noqa: S608
                    chunk: list[tuple[Any, ...]] = []
                    for row in generated_rows(count, organisation_id):
                        chunk.append(row)
                        if len(chunk) == CHUNK:
                            cursor.executemany(sql, chunk)
                            chunk = []
                    if chunk:
                        cursor.executemany(sql, chunk)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        self.stdout.write(f"loaded {count:,} records in {time.perf_counter() - started:.1f} s")

    def _release(self, coordinator: Member) -> dict[str, Any]:
        # Every run starts from an empty ledger, so the budget never runs out between runs.
        with transaction.atomic():
            ReleaseCell.objects.all()._raw_delete(ReleaseCell.objects.db)
            ReleaseTable.objects.all()._raw_delete(ReleaseTable.objects.db)
            LedgerEntry.objects.all()._raw_delete(LedgerEntry.objects.db)
            Release.objects.all()._raw_delete(Release.objects.db)
            BudgetYear.objects.all().delete()
        records = StatisticsRecord.objects.count()
        draft = actions.release_define(
            by=coordinator, title="Benchmark", year_from=YEARS[0], year_to=YEARS[1], breakdowns=BREAKDOWNS,
            epsilon=Decimal("0.5"), threshold=10,
        )  # fmt: skip
        tracemalloc.start()
        started = time.perf_counter()
        release = actions.release_publish(by=coordinator, release=draft)
        seconds = time.perf_counter() - started
        _current, python_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        peak_bytes = peak if sys.platform == "darwin" else peak * 1024
        return {
            "database": connection.vendor,
            "records": records,
            "breakdowns": BREAKDOWNS,
            "cells": ReleaseCell.objects.filter(table__release=release).count(),
            "seconds": round(seconds, 3),
            "process_peak_rss_mb": round(peak_bytes / 1_000_000, 1),
            "python_heap_peak_mb": round(python_peak / 1_000_000, 2),
            "targets": {"seconds": 5, "peak_mb": 1000},
        }
