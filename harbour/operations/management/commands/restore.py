"""manage.py restore PATH: bring a backup back into a new, empty, migrated instance."""

from __future__ import annotations

import tarfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.operations.backup import RestoreRefused, restore_backup
from harbour.operations.sealed_stream import BackupUnreadable


class Command(BaseCommand):
    help = "Restore an archive written by `manage.py backup` into an empty instance (run `migrate` first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        try:
            with path.open("rb") as source:
                summary = restore_backup(source)
        except OSError as error:
            raise CommandError(f"{path}: cannot read it ({error.strerror})") from None
        except (BackupUnreadable, RestoreRefused) as refused:
            raise CommandError(f"{path}: {refused}; nothing was restored") from None
        except tarfile.TarError:
            raise CommandError(f"{path}: the archive inside is damaged; nothing was restored") from None
        rows = sum(summary.tables.values())
        self.stdout.write(f"Restored {rows} rows in {len(summary.tables)} tables and {summary.files} files from {path}")
