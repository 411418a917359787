"""manage.py backup PATH: an encrypted archive of the database and every stored file."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from harbour.operations.backup import write_backup


class Command(BaseCommand):
    help = "Write an encrypted archive of the database and attachments (readable only with the master key)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "path", nargs="?", help="where to write it (default: HARBOUR_BACKUP_DIR/harbour-<date>.backup)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["path"]:
            target = Path(options["path"])
        else:
            target = Path(settings.HARBOUR_BACKUP_DIR) / f"harbour-{timezone.now():%Y-%m-%dT%H%M}.backup"
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".partial")
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            with os.fdopen(fd, "wb") as out:
                summary = write_backup(out)
                out.flush()
                os.fsync(out.fileno())
            partial.replace(target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        rows = sum(summary.tables.values())
        self.stdout.write(
            f"Backed up {rows} rows in {len(summary.tables)} tables and {summary.files} files to {target}"
        )
