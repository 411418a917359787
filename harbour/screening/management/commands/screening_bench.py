"""Times what `screening_evaluate` does for one assessment, in process, over the vignettes.

Each evaluation reads the answers (JSON text), checks them, evaluates, and
writes the full result as JSON: everything the command does but start Python.
Prints p50, p95 and the maximum in milliseconds; fails above the budget.
"""

from __future__ import annotations

import json
import statistics
import time
import tomllib
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.screening import catalogue
from harbour.screening.engine import evaluate_payload

VIGNETTES = Path(__file__).resolve().parents[2] / "tests" / "vignettes.toml"


class Command(BaseCommand):
    help = "Benchmark screening_evaluate per assessment (p50/p95) over the vignettes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--rounds", type=int, default=200, help="Times each vignette is evaluated.")
        parser.add_argument("--budget-ms", type=float, default=5.0, help="Fail when p95 exceeds this.")

    def handle(self, *args: Any, **options: Any) -> None:
        loaded = catalogue.load()
        vignettes = tomllib.loads(VIGNETTES.read_text("utf-8"))["vignettes"]
        bodies = [json.dumps({"answers": vignette["answers"], "province": "ON"}) for vignette in vignettes]
        timings: list[float] = []
        for _round in range(options["rounds"]):
            for body in bodies:
                started = time.perf_counter()
                json.dumps(evaluate_payload(json.loads(body), loaded).to_dict())
                timings.append((time.perf_counter() - started) * 1000)
        timings.sort()
        p50 = statistics.median(timings)
        p95 = timings[int(len(timings) * 0.95) - 1]
        self.stdout.write(
            f"screening_evaluate: {len(timings)} assessments ({len(bodies)} vignettes x {options['rounds']}), "
            f"p50 {p50:.3f} ms, p95 {p95:.3f} ms, max {timings[-1]:.3f} ms (budget {options['budget_ms']} ms)"
        )
        if p95 > options["budget_ms"]:
            raise CommandError(f"p95 {p95:.3f} ms is over the budget of {options['budget_ms']} ms")
