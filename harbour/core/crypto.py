"""Envelope encryption: per-organisation data keys, wrapped by a master key.

The master key comes from the environment or a key file (settings), never
from the database, so a copy of the database alone reads as noise. Each
organisation has one active data key; older ones stay until a rotation has
re-encrypted everything under them, then they are destroyed.

Ciphertext tokens look like ``hb1:<data key id>:<base64>``. The associated
data binds a token to its key and to the field it was written for, so a
ciphertext copied into another field or row of another organisation fails
to decrypt instead of leaking.
"""

from __future__ import annotations

import base64
import hashlib
import threading
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import transaction
from nacl import bindings, utils
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

if TYPE_CHECKING:
    from harbour.core.models import DataKey

TOKEN_PREFIX = "hb1"  # noqa: S105 - a format marker, not a secret
_NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

_unwrapped: dict[int, bytes] = {}
_lock = threading.Lock()


class DecryptionError(Exception):
    """A ciphertext could not be read: wrong key, tampered, or moved."""


def fingerprint(master: bytes) -> str:
    """A short, non-secret name for a master key, to detect a mismatch loudly."""
    return hashlib.blake2b(master, digest_size=8, person=b"harbour-mk").hexdigest()


def wrap(data_key: bytes, master: bytes) -> bytes:
    return bytes(SecretBox(master).encrypt(data_key))


def unwrap(wrapped: bytes, master: bytes) -> bytes:
    try:
        return bytes(SecretBox(master).decrypt(wrapped))
    except CryptoError:
        raise DecryptionError("a data key could not be unwrapped with this master key") from None


def new_data_key() -> bytes:
    return bytes(utils.random(bindings.crypto_aead_xchacha20poly1305_ietf_KEYBYTES))


def forget_unwrapped_keys() -> None:
    with _lock:
        _unwrapped.clear()


def _key_bytes(key: DataKey) -> bytes:
    with _lock:
        cached = _unwrapped.get(key.pk)
    if cached is not None:
        return cached
    if not key.wrapped:
        raise DecryptionError(f"data key {key.pk} was destroyed after rotation")
    if key.master_fingerprint != fingerprint(settings.HARBOUR_MASTER_KEY):
        raise DecryptionError(
            f"data key {key.pk} is wrapped by master key {key.master_fingerprint}, "
            f"but HARBOUR_MASTER_KEY is {fingerprint(settings.HARBOUR_MASTER_KEY)}"
        )
    raw = unwrap(bytes(key.wrapped), settings.HARBOUR_MASTER_KEY)
    with _lock:
        _unwrapped[key.pk] = raw
    return raw


def active_key_for(organisation_id: int) -> DataKey:
    """The organisation's current data key, created on first use."""
    from harbour.core.models import DataKey

    key = DataKey.objects.filter(organisation_id=organisation_id, retired_at__isnull=True).first()
    if key is not None:
        return key
    with transaction.atomic():
        return DataKey.objects.create(
            organisation_id=organisation_id,
            wrapped=wrap(new_data_key(), settings.HARBOUR_MASTER_KEY),
            master_fingerprint=fingerprint(settings.HARBOUR_MASTER_KEY),
        )


def _aad(key_id: int, context: str) -> bytes:
    return f"{TOKEN_PREFIX}:{key_id}:{context}".encode()


def encrypt(plaintext: str, *, organisation_id: int, context: str) -> str:
    key = active_key_for(organisation_id)
    nonce = utils.random(_NONCE_BYTES)
    sealed = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext.encode("utf-8"), _aad(key.pk, context), nonce, _key_bytes(key)
    )
    body = base64.b64encode(nonce + sealed).decode("ascii")
    return f"{TOKEN_PREFIX}:{key.pk}:{body}"


def key_id_of(token: str) -> int:
    prefix, key_id, _body = token.split(":", 2)
    if prefix != TOKEN_PREFIX:
        raise DecryptionError("not a Harbour ciphertext")
    return int(key_id)


def decrypt(token: str, *, context: str) -> str:
    from harbour.core.models import DataKey

    try:
        key_id = key_id_of(token)
        raw = base64.b64decode(token.split(":", 2)[2], validate=True)
    except (ValueError, IndexError):
        raise DecryptionError("malformed ciphertext") from None
    key = DataKey.objects.filter(pk=key_id).first()
    if key is None:
        raise DecryptionError("the data key for this value has been destroyed")
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    try:
        plain = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed, _aad(key_id, context), nonce, _key_bytes(key)
        )
    except CryptoError:
        raise DecryptionError("ciphertext does not match its key or field") from None
    return plain.decode("utf-8")
