"""Import HSDS 3.0 data: compiled JSON (one object, a list, a page, or ndjson) or a tabular CSV package folder."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.directory import hsds, taxonomy_map
from harbour.directory.interchange import ImportFailed, import_path


class Command(BaseCommand):
    help = "Import HSDS 3.0 JSON or a CSV package; all or nothing, updating records by id."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="a .json / .ndjson file, or a folder of HSDS CSV files")
        parser.add_argument(
            "--kind",
            default="service",
            choices=sorted(hsds.ROOT_SCHEMAS),
            help="what each JSON record is (default: a compiled service)",
        )
        parser.add_argument(
            "--quiet", action="store_true", help="no progress bar (-v 2 prints a line after each chunk written)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()

        def progress(written: int) -> None:
            self.stdout.write(f"{written} records written, not yet committed")
            self.stdout.flush()

        try:
            result = import_path(
                options["path"],
                kind=options["kind"],
                quiet=options["quiet"],
                progress=progress if options["verbosity"] >= 2 else None,
            )
        except ImportFailed as failed:
            for problem in failed.problems:
                self.stderr.write(str(problem))
            raise CommandError(f"Nothing was imported: {len(failed.problems)} problem(s).") from None
        seconds = time.monotonic() - started
        summary = ", ".join(f"{count} {table}" for table, count in result.counts.items())
        self.stdout.write(f"Imported {summary or 'nothing'} in {seconds:.1f} s.")
        if result.removed:
            removed = ", ".join(f"{count} {table}" for table, count in result.removed.items())
            self.stdout.write(f"Removed what the source no longer lists under its records: {removed}.")
        if result.mapped:
            self.stdout.write(f"Gave {result.mapped} Harbour need or population terms through the taxonomy map.")
        for term, services, through_map in taxonomy_map.reach():
            if through_map:
                self.stdout.write(
                    f"  {term.taxonomy.key} {term.code}: {services} services ({through_map} through the map)"
                )
