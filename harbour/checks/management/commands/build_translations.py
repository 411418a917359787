"""Compiles the .po catalogues to .mo with polib, so running Harbour needs no system gettext."""

from __future__ import annotations

from typing import Any

import polib
from django.core.management.base import BaseCommand

from harbour.checks.catalogues import catalogue_roots


class Command(BaseCommand):
    help = "Compile every .po catalogue, the project's and each app's, into its .mo file."

    def handle(self, *args: Any, **options: Any) -> None:
        count = 0
        for root in catalogue_roots():
            for po_path in root.glob("*/LC_MESSAGES/*.po"):
                catalogue = polib.pofile(str(po_path))
                catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
                count += 1
        self.stdout.write(f"compiled {count} catalogues")
