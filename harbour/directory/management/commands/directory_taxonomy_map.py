"""Apply the taxonomy map (data/taxonomy_map.toml) to every service, and report how far each filter reaches."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from harbour.directory import taxonomy_map
from harbour.directory.models import Service


class Command(BaseCommand):
    help = "Give every service the Harbour terms its own taxonomy's terms map to; print each filter's reach."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--report-only", action="store_true", help="change nothing; only report")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["report_only"]:
            with transaction.atomic():
                added = taxonomy_map.map_services(Service.objects.all())
            self.stdout.write(f"Gave {added} Harbour terms through the map.")
        self.stdout.write(f"{'filter':45} {'services':>9} {'only through the map':>21}")
        for term, services, through_map in taxonomy_map.reach():
            self.stdout.write(f"{term.taxonomy.key + ' ' + term.code:45} {services:>9} {through_map:>21}")
