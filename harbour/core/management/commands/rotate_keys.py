"""Rotates encryption keys: organisations' data keys, or the master key that wraps them."""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from harbour.core import crypto
from harbour.core.actions import data_key_rotate, master_key_rotate
from harbour.network.models import Organisation


class Command(BaseCommand):
    help = (
        "Rotate data keys (--organisation ID or --all-organisations): new key, values re-encrypted, "
        "old key destroyed. Or rotate the master key (--new-master-key-file PATH): every data key is "
        "re-wrapped; then set HARBOUR_MASTER_KEY(_FILE) to the new key."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--organisation", type=int, help="id of one organisation")
        target.add_argument("--all-organisations", action="store_true")
        target.add_argument("--new-master-key-file", type=Path, help="file holding the new base64 master key")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["new_master_key_file"]:
            new_master = self._read_master(options["new_master_key_file"])
            count = master_key_rotate(new_master=new_master)
            self.stdout.write(
                f"Re-wrapped {count} data keys under master key {crypto.fingerprint(new_master)}. "
                "Now point HARBOUR_MASTER_KEY or HARBOUR_MASTER_KEY_FILE at the new key and restart."
            )
            return
        if options["organisation"] is not None:
            if not Organisation.objects.filter(pk=options["organisation"]).exists():
                raise CommandError(f"no organisation with id {options['organisation']}")
            ids = [options["organisation"]]
        else:
            ids = list(Organisation.objects.values_list("pk", flat=True))
        for organisation_id in ids:
            rows = data_key_rotate(organisation_id=organisation_id)
            self.stdout.write(f"organisation {organisation_id}: new data key, {rows} rows re-encrypted")

    @staticmethod
    def _read_master(path: Path) -> bytes:
        try:
            key = base64.b64decode(path.read_text(encoding="ascii").strip(), validate=True)
        except (OSError, binascii.Error, ValueError) as error:
            raise CommandError(f"cannot read a base64 key from {path}: {error}") from None
        if len(key) != 32:
            raise CommandError(f"{path}: the key must decode to 32 bytes, not {len(key)}")
        return key
