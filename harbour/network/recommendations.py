"""The seeded recommendations: read from `data/recommendations.json` by a data migration."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RECOMMENDATIONS_FILE = Path(__file__).resolve().parent / "data" / "recommendations.json"


def recommendations_load(model: Any) -> int:
    """Creates or updates each recommendation of the data file by its code; returns how many there are.

    `model` is the Recommendation model, or its historical version inside a migration.
    Status histories are never touched: they are the coordinators' work.
    """
    rows = json.loads(RECOMMENDATIONS_FILE.read_text(encoding="utf-8"))["recommendations"]
    for position, row in enumerate(rows, start=1):
        model.objects.update_or_create(
            code=row["code"],
            defaults={
                "source": row["source"],
                "section": row["section"],
                "theme": row["theme"],
                "level": row["level"],
                "text": row["text"],
                "text_fr": row.get("text_fr", ""),
                "position": position,
            },
        )
    return len(rows)
