"""Key rotation: new data keys for organisations, and re-wrapping under a new master key."""

from __future__ import annotations

from collections.abc import Iterator

from django.apps import apps
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from harbour.core import crypto
from harbour.core.fields import EncryptedTextField
from harbour.core.models import DataKey


def encrypted_fields() -> Iterator[tuple[type[models.Model], list[EncryptedTextField]]]:
    """Every model with encrypted fields, and those fields."""
    for model in apps.get_models():
        fields = [f for f in model._meta.get_fields() if isinstance(f, EncryptedTextField)]
        if fields:
            yield model, fields


def data_key_rotate(*, organisation_id: int) -> int:
    """Gives an organisation a new data key, re-encrypts its values under it, and destroys the old key.

    Returns how many rows were re-encrypted.
    """
    rewritten = 0
    with transaction.atomic():
        old_keys = list(
            DataKey.objects.select_for_update().filter(organisation_id=organisation_id).exclude(wrapped=b"")
        )
        DataKey.objects.filter(organisation_id=organisation_id, retired_at__isnull=True).update(
            retired_at=timezone.now()
        )
        crypto.active_key_for(organisation_id)
        for model, fields in encrypted_fields():
            by_owner: dict[str, list[EncryptedTextField]] = {}
            for field in fields:
                by_owner.setdefault(field.key_owner, []).append(field)
            for owner, owned in by_owner.items():
                for row in model._base_manager.filter(**{owner: organisation_id}).iterator():
                    row.save(update_fields=[f.name for f in owned])
                    rewritten += 1
        # The old keys no longer protect anything: destroy their material.
        DataKey.objects.filter(pk__in=[k.pk for k in old_keys]).update(wrapped=b"")
    crypto.forget_unwrapped_keys()
    return rewritten


def master_key_rotate(*, new_master: bytes) -> int:
    """Re-wraps every live data key under `new_master`. Returns how many keys were re-wrapped.

    The caller must then replace HARBOUR_MASTER_KEY with the new key before serving again.
    """
    current = settings.HARBOUR_MASTER_KEY
    count = 0
    with transaction.atomic():
        for key in DataKey.objects.select_for_update().exclude(wrapped=b""):
            raw = crypto.unwrap(bytes(key.wrapped), current)
            key.wrapped = crypto.wrap(raw, new_master)
            key.master_fingerprint = crypto.fingerprint(new_master)
            key.save(update_fields=["wrapped", "master_fingerprint"])
            count += 1
    crypto.forget_unwrapped_keys()
    return count
