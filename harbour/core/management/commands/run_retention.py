"""The daily retention job: deletes every registered kind of record whose time is up."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.core import retention


class Command(BaseCommand):
    help = "Delete expired records of every kind registered with harbour.core.retention (run daily)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count, and list where a rule can, what is due, without deleting it."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        outcomes = retention.run(dry_run=dry_run)
        verb = "due" if dry_run else "deleted"
        for outcome in outcomes:
            if outcome.error:
                self.stderr.write(f"{outcome.name}: failed ({outcome.error}); nothing of it was deleted")
            else:
                self.stdout.write(f"{outcome.name}: {outcome.count} {verb}")
                for line in outcome.listed:
                    self.stdout.write(f"  {line}")
        if not outcomes:
            self.stdout.write("no retention rules are registered")
        failed = [outcome.name for outcome in outcomes if outcome.error]
        if failed:
            raise CommandError(f"{len(failed)} retention rules failed: {', '.join(failed)}")
