"""Writes the demo directory file from `harbour.demo.directory_build` (the same bytes on every run)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.demo import directory_build
from harbour.demo.directory_load import DEMO_FILE


def demo_file_text() -> str:
    """A JSON array with one service per line: small, and a change shows as a changed line."""
    lines = [json.dumps(service, ensure_ascii=False, separators=(",", ":")) for service in directory_build.build()]
    return "[\n" + ",\n".join(lines) + "\n]\n"


class Command(BaseCommand):
    help = "Write harbour/demo/data/demo_directory.json (HSDS 3.0 compiled services), or --check it."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--check", action="store_true", help="fail if the file differs from what would be written")

    def handle(self, *args: Any, **options: Any) -> None:
        text = demo_file_text()
        if options["check"]:
            if not DEMO_FILE.exists() or DEMO_FILE.read_text(encoding="utf-8") != text:
                raise CommandError(f"{DEMO_FILE} is out of date: run manage.py directory_demo_build")
            self.stdout.write("The demo directory file is up to date.")
            return
        DEMO_FILE.write_text(text, encoding="utf-8")
        self.stdout.write(f"Wrote {len(json.loads(text))} services to {DEMO_FILE}.")
