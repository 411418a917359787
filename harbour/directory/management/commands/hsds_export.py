"""Export the directory as HSDS 3.0: compiled service JSON, ndjson, or the tabular CSV package."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from harbour.directory.interchange import export_path


class Command(BaseCommand):
    help = "Export every service as HSDS 3.0 (confidential addresses are never exported)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path, help="file.json, file.ndjson, or a folder for the CSV package")
        parser.add_argument("--format", choices=["json", "ndjson", "csv"], help="default: from the path")

    def handle(self, *args: Any, **options: Any) -> None:
        count = export_path(options["path"], options["format"])
        self.stdout.write(f"Exported {count} services to {options['path']}.")
