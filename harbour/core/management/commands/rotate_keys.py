"""Rotates encryption keys: organisations' data keys, or the master key that wraps them."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.core import crypto
from harbour.core.actions import data_key_rotate, master_key_rewrap
from harbour.core.models import DataKey


class Command(BaseCommand):
    help = (
        "Rotate data keys (--organisation ID or --all-organisations): a new key, values re-encrypted, "
        "the old key destroyed. Or finish a master-key rotation (--rewrap): with the new key in "
        "HARBOUR_MASTER_KEY and the old one in HARBOUR_OLD_MASTER_KEYS, every data key is re-wrapped "
        "under the new one; then remove the old key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--organisation", type=int, help="id of one organisation")
        target.add_argument("--all-organisations", action="store_true")
        target.add_argument("--rewrap", action="store_true", help="re-wrap data keys under HARBOUR_MASTER_KEY")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["rewrap"]:
            try:
                count = master_key_rewrap()
            except crypto.DecryptionError as error:
                raise CommandError(str(error)) from None
            self.stdout.write(
                f"Re-wrapped {count} data keys under master key {crypto.fingerprint(settings.HARBOUR_MASTER_KEY)}. "
                "HARBOUR_OLD_MASTER_KEYS can now be removed."
            )
            return
        # Organisations are read through core's own data-key records, so core imports no app above it.
        organisations = DataKey.organisations()
        if options["organisation"] is not None:
            if not organisations.filter(pk=options["organisation"]).exists():
                raise CommandError(f"no organisation with id {options['organisation']}")
            ids = [options["organisation"]]
        else:
            ids = list(organisations.values_list("pk", flat=True))
        for organisation_id in ids:
            rows = data_key_rotate(organisation_id=organisation_id)
            self.stdout.write(f"organisation {organisation_id}: new data key, {rows} rows re-encrypted")
