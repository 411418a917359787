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
from harbour.screening.engine import MAX_PAYLOAD_BYTES, PayloadError, evaluate_payload, load_payload


class Command(BaseCommand):
    help = "Evaluate screening answers (JSON on standard input); print the result as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--indent", type=int, default=2, help="Indentation of the JSON printed (0: one line).")

    def handle(self, *args: Any, **options: Any) -> None:
        # One byte more than the limit is enough to know the input is too large; the rest is never read.
        text = getattr(sys.stdin, "buffer", sys.stdin).read(MAX_PAYLOAD_BYTES + 1)
        try:
            assessment = evaluate_payload(load_payload(text), catalogue.load())
        except PayloadError as error:
            raise CommandError(str(error)) from None
        indent = options["indent"] or None
        self.stdout.write(json.dumps(assessment.to_dict(), indent=indent, ensure_ascii=False))
