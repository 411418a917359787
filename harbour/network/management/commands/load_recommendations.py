"""Brings the tracker's recommendations in line with `data/recommendations.json` after the file changes.

The data migration loads the file once; run this after editing it (statuses are kept).
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from harbour.network.models import Recommendation
from harbour.network.recommendations import recommendations_load


class Command(BaseCommand):
    help = "Create or update the recommendations of data/recommendations.json, keeping every status history."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            count = recommendations_load(Recommendation)
        self.stdout.write(f"{count} recommendations loaded")
