"""Reads screening answers as JSON on standard input and prints the full result as JSON.

    echo '{"answers": {"violence": "yes", "from_abroad": "no"}, "province": "ON"}' \
        | manage.py screening_evaluate

The answer format is described in docs/screening.md.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.screening import catalogue
from harbour.screening.engine import PayloadError, evaluate_payload


class Command(BaseCommand):
    help = "Evaluate screening answers (JSON on standard input); print the result as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indent", type=int, default=2, help="Indentation of the JSON printed (0: one line).")

    def handle(self, *args: Any, **options: Any) -> None:
        text = sys.stdin.read()
        try:
            payload = json.loads(text)
        except ValueError as error:
            raise CommandError(f"standard input is not JSON: {error}") from None
        except RecursionError:
            raise CommandError("standard input nests too deeply to be screening answers") from None
        try:
            assessment = evaluate_payload(payload, catalogue.load())
        except PayloadError as error:
            raise CommandError(str(error)) from None
        indent = options["indent"] or None
        self.stdout.write(json.dumps(assessment.to_dict(), indent=indent, ensure_ascii=False))
