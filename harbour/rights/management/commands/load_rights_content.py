"""Adds the rights content kept in harbour/rights/content/ to the database (run by `make run`)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.rights.loading import ContentError, load_content


class Command(BaseCommand):
    help = "Load fact sheets, help packages, the course and the library's first items from harbour/rights/content/."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--update",
            action="store_true",
            help="publish a new version wherever a file differs from the latest one (the history keeps the rest)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = load_content(update=options["update"])
        except ContentError as error:
            raise CommandError(f"nothing was loaded: {error}") from None
        self.stdout.write(
            f"Rights content: {report.sheets} fact sheets ({len(report.texts_added)} texts added), "
            f"{report.packages} help packages, {report.modules} course modules, {report.resources} library items."
        )
