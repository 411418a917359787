"""Key rotation: new data keys for organisations, and re-wrapping under a new master key."""

from __future__ import annotations

import time
from collections.abc import Iterator

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from harbour.core import crypto
from harbour.core.fields import EncryptedTextField
from harbour.core.models import DataKey, RecordKey

# Record keys re-wrapped per transaction during a rotation.
_REWRAP_BATCH = 500


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model with encrypted fields, and those fields."""
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def _rows_under_keys(organisation_id: int, key_ids: set[int]) -> Iterator[tuple[type[models.Model], int, list[str]]]:
    """Rows of the organisation holding at least one value encrypted under one of `key_ids`."""
    for model, fields in encrypted_fields():
        by_owner: dict[str, list[EncryptedTextField]] = {}
        for field in fields:
            by_owner.setdefault(field.key_owner, []).append(field)
        for owner, owned in by_owner.items():
            names = [f.attname for f in owned]
            rows = model._base_manager.filter(**{owner: organisation_id}).values_list("pk", *names)
            for pk, *values in rows.iterator():
                if any(isinstance(v, crypto.Sealed) and not v.under_record_key and v.key_id in key_ids for v in values):
                    yield model, pk, [f.name for f in owned]


def _record_keys_under(key_ids: set[int]) -> models.QuerySet[RecordKey]:
    return RecordKey.objects.filter(wrapped_by_id__in=key_ids).exclude(wrapped=b"")


def _record_keys_rewrap(organisation_id: int, key_ids: set[int]) -> int:
    """Re-wraps the organisation's live record keys still under one of `key_ids` with its active key."""
    count = 0
    while True:
        with transaction.atomic():
            batch = list(_record_keys_under(key_ids).select_for_update().select_related("wrapped_by")[:_REWRAP_BATCH])
            if not batch:
                return count
            active = crypto.active_key_for(organisation_id)
            for key in batch:
                crypto.record_key_rewrap(key, active)
            RecordKey.objects.bulk_update(batch, ["wrapped", "wrapped_by"])
            count += len(batch)


def data_key_rotate(*, organisation_id: int) -> int:
    """Gives an organisation a new data key, re-encrypts its values under it, and destroys the old keys.

    In three steps, so a request writing at the same moment never loses data:
    the new key is committed first (new writes use it), then every row still
    under an old key is re-encrypted and every record key (a case's) re-wrapped,
    and an old key is destroyed only once a scan after a grace period finds
    nothing left under it. A case's own values stay as they are: only its key
    is re-wrapped. Returns how many rows were re-encrypted or re-wrapped.
    """
    with transaction.atomic():
        old_ids = set(
            DataKey.objects.select_for_update()
            .filter(organisation_id=organisation_id)
            .exclude(wrapped=b"")
            .values_list("pk", flat=True)
        )
        DataKey.objects.filter(pk__in=old_ids, retired_at__isnull=True).update(retired_at=timezone.now())
        crypto.active_key_for(organisation_id)
    rewritten = 0
    while True:
        for model, pk, names in list(_rows_under_keys(organisation_id, old_ids)):
            with transaction.atomic():
                row = model._base_manager.select_for_update().get(pk=pk)
                row.save(update_fields=names)
            rewritten += 1
        rewritten += _record_keys_rewrap(organisation_id, old_ids)
        time.sleep(settings.HARBOUR_KEY_ROTATION_GRACE_SECONDS)
        with transaction.atomic():
            DataKey.objects.select_for_update().filter(pk__in=old_ids).exists()
            left = next(_rows_under_keys(organisation_id, old_ids), None) is not None
            if not left and not _record_keys_under(old_ids).exists():
                DataKey.objects.filter(pk__in=old_ids).update(wrapped=b"")
                break
    crypto.forget_unwrapped_keys()
    return rewritten


def master_key_rewrap() -> int:
    """Re-wraps every live data key that is not yet under the current master key.

    Rotation without a window in which anything is unreadable: set the new key
    as HARBOUR_MASTER_KEY and the old one in HARBOUR_OLD_MASTER_KEYS, restart,
    run this, then remove the old key. Returns how many keys were re-wrapped.
    """
    current = settings.HARBOUR_MASTER_KEY
    current_fingerprint = crypto.fingerprint(current)
    known = crypto.master_keys()
    count = 0
    with transaction.atomic():
        for key in (
            DataKey.objects.select_for_update().exclude(wrapped=b"").exclude(master_fingerprint=current_fingerprint)
        ):
            master = known.get(key.master_fingerprint)
            if master is None:
                raise crypto.DecryptionError(
                    f"data key {key.pk} is under master key {key.master_fingerprint}: add it to HARBOUR_OLD_MASTER_KEYS"
                )
            key.wrapped = crypto.wrap(crypto.unwrap(bytes(key.wrapped), master), current)
            key.master_fingerprint = current_fingerprint
            key.save(update_fields=["wrapped", "master_fingerprint"])
            count += 1
    crypto.forget_unwrapped_keys()
    return count
