"""Envelope encryption: per-organisation data keys, wrapped by a master key.

The master key comes from the environment or a key file (settings), never
from the database, so a copy of the database alone reads as noise. Each
organisation has one active data key; older ones stay until a rotation has
re-encrypted everything under them, then they are destroyed.

Ciphertext tokens look like ``hb1:<data key id>:<base64>``. The associated
data binds a token to its key, to the field it was written for and to the
organisation that owns the row, so a ciphertext copied into another field, or
into a row of another organisation, fails to decrypt instead of leaking.
(Rows are not bound individually: their id is unknown when they are first
written. Moving a value between two rows of one organisation needs write
access to the database, which the audit log and backups would show.)
"""

from __future__ import annotations

import base64
import hashlib
import struct
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import IntegrityError, transaction
from nacl import bindings, utils
from nacl.exceptions import CryptoError
from nacl.secret import SecretBox

if TYPE_CHECKING:
    from harbour.core.models import DataKey

TOKEN_PREFIX = "hb1"  # noqa: S105 - a format marker, not a secret
_NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

# Unwrapped keys, by id and wrapped bytes: an id alone could name a key created
# in a transaction that was rolled back (SQLite reuses such ids).
_unwrapped: dict[tuple[int, bytes], bytes] = {}
_lock = threading.Lock()
# Data key rows already read for a block of decryptions (`keys_preloaded`), by id.
_preloaded: ContextVar[dict[int, DataKey] | None] = ContextVar("harbour_preloaded_data_keys", default=None)


class DecryptionError(Exception):
    """A ciphertext could not be read: wrong key, tampered, or moved."""


@dataclass(frozen=True)
class Sealed:
    """A ciphertext as read from the database, not yet decrypted. Prints as nothing useful."""

    token: str

    @property
    def key_id(self) -> int:
        return key_id_of(self.token)

    def __str__(self) -> str:
        return "[encrypted]"

    def __repr__(self) -> str:
        return f"Sealed(key={self.key_id})"


def fingerprint(master: bytes) -> str:
    """A short, non-secret name for a master key, to detect a mismatch loudly."""
    return hashlib.blake2b(master, digest_size=8, person=b"harbour-mk").hexdigest()


def master_keys() -> dict[str, bytes]:
    """Every master key this process may unwrap with, by fingerprint; new keys use the current one."""
    keys = {fingerprint(old): old for old in settings.HARBOUR_OLD_MASTER_KEYS}
    keys[fingerprint(settings.HARBOUR_MASTER_KEY)] = settings.HARBOUR_MASTER_KEY
    return keys


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
    cache_key = (key.pk, bytes(key.wrapped))
    with _lock:
        cached = _unwrapped.get(cache_key)
    if cached is not None:
        return cached
    if not key.wrapped:
        raise DecryptionError(f"data key {key.pk} was destroyed after rotation")
    master = master_keys().get(key.master_fingerprint)
    if master is None:
        raise DecryptionError(
            f"data key {key.pk} is wrapped by master key {key.master_fingerprint}, which is neither "
            f"HARBOUR_MASTER_KEY ({fingerprint(settings.HARBOUR_MASTER_KEY)}) nor in HARBOUR_OLD_MASTER_KEYS"
        )
    raw = unwrap(bytes(key.wrapped), master)
    with _lock:
        _unwrapped[cache_key] = raw
    return raw


def active_key_for(organisation_id: int) -> DataKey:
    """The organisation's current data key, created on first use."""
    from harbour.core.models import DataKey

    key = DataKey.objects.filter(organisation_id=organisation_id, retired_at__isnull=True).first()
    if key is not None:
        return key
    try:
        with transaction.atomic():
            return DataKey.objects.create(
                organisation_id=organisation_id,
                wrapped=wrap(new_data_key(), settings.HARBOUR_MASTER_KEY),
                master_fingerprint=fingerprint(settings.HARBOUR_MASTER_KEY),
            )
    except IntegrityError:
        # Another request created the organisation's first key at the same moment.
        return DataKey.objects.get(organisation_id=organisation_id, retired_at__isnull=True)


def _aad(key_id: int, context: str, organisation_id: int) -> bytes:
    return f"{TOKEN_PREFIX}:{key_id}:{context}:{organisation_id}".encode()


def encrypt_bytes(plaintext: bytes, *, organisation_id: int, context: str) -> str:
    """A token holding `plaintext` (a file, an image), readable only under the same organisation and context."""
    key = active_key_for(organisation_id)
    nonce = utils.random(_NONCE_BYTES)
    sealed = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext, _aad(key.pk, context, organisation_id), nonce, _key_bytes(key)
    )
    body = base64.b64encode(nonce + sealed).decode("ascii")
    return f"{TOKEN_PREFIX}:{key.pk}:{body}"


def encrypt(plaintext: str, *, organisation_id: int, context: str) -> str:
    return encrypt_bytes(plaintext.encode("utf-8"), organisation_id=organisation_id, context=context)


def key_id_of(token: str) -> int:
    prefix, key_id, _body = token.split(":", 2)
    if prefix != TOKEN_PREFIX:
        raise DecryptionError("not a Harbour ciphertext")
    return int(key_id)


@contextmanager
def keys_preloaded(key_ids: Iterable[int]) -> Iterator[None]:
    """Within the block, decrypting under one of these keys reads its row once, not once per value.

    For pages that decrypt many small values (a page of confidential addresses): the rows are
    read in one query on entry and forgotten on exit, so a rotation is never hidden for long.
    """
    from harbour.core.models import DataKey

    keys = {key.pk: key for key in DataKey.objects.filter(pk__in=set(key_ids))}
    token = _preloaded.set({**(_preloaded.get() or {}), **keys})
    try:
        yield
    finally:
        _preloaded.reset(token)


def decrypt_bytes(token: str, *, context: str, organisation_id: int) -> bytes:
    """The bytes in a token read from a row owned by `organisation_id`."""
    from harbour.core.models import DataKey

    try:
        key_id = key_id_of(token)
        raw = base64.b64decode(token.split(":", 2)[2], validate=True)
    except (ValueError, IndexError):
        raise DecryptionError("malformed ciphertext") from None
    key = (_preloaded.get() or {}).get(key_id) or DataKey.objects.filter(pk=key_id).first()
    if key is None:
        raise DecryptionError("the data key for this value has been destroyed")
    if key.organisation_id != organisation_id:
        raise DecryptionError("this value was encrypted for another organisation")
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    try:
        return bytes(
            bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed, _aad(key_id, context, organisation_id), nonce, _key_bytes(key)
            )
        )
    except CryptoError:
        raise DecryptionError("ciphertext does not match its key or field") from None


def decrypt(token: str, *, context: str, organisation_id: int) -> str:
    """The plaintext of a token read from a row owned by `organisation_id`."""
    return decrypt_bytes(token, context=context, organisation_id=organisation_id).decode("utf-8")


# Short codes: a few bytes a person copies by hand (a paused screening, a reference to quote).
# Harbour keeps no copy; the code itself holds the value, sealed with XChaCha20-Poly1305 under a
# key derived from SECRET_KEY for one purpose, bound to what it is for (`bound_to`), and dated,
# so it expires. Base32 in groups of five letters: no look-alike symbols, case does not matter.


class CodeError(ValueError):
    """A short code is mistyped, tampered with, bound to something else, or expired."""


def _code_key(purpose: str) -> bytes:
    person = purpose.encode("ascii")
    if len(person) > 16:
        raise ValueError(f"a code purpose is at most 16 characters, not {purpose!r}")
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=32, person=person, salt=b"v1").digest()


def seal_code(payload: bytes, *, purpose: str, bound_to: str, now: float | None = None) -> str:
    """A short code holding `payload`, which only `open_code` with the same purpose and binding opens."""
    issued = int(now if now is not None else time.time())
    nonce = utils.random(_NONCE_BYTES)
    sealed = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        struct.pack(">I", issued) + payload, bound_to.encode("utf-8"), nonce, _code_key(purpose)
    )
    text = base64.b32encode(nonce + sealed).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def open_code(code: str, *, purpose: str, bound_to: str, max_age_seconds: int, now: float | None = None) -> bytes:
    """The payload of a short code as typed (spaces, dashes and case ignored); raises CodeError."""
    text = "".join(character for character in code.upper() if character.isalnum())
    text += "=" * (-len(text) % 8)
    try:
        raw = base64.b32decode(text)
    except ValueError:
        raise CodeError("not a code") from None
    if len(raw) <= _NONCE_BYTES + 4:
        raise CodeError("not a code")
    try:
        plain = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            raw[_NONCE_BYTES:], bound_to.encode("utf-8"), raw[:_NONCE_BYTES], _code_key(purpose)
        )
    except CryptoError:
        raise CodeError("the code cannot be opened here") from None
    (issued,) = struct.unpack(">I", plain[:4])
    if (now if now is not None else time.time()) - issued > max_age_seconds:
        raise CodeError("the code has expired")
    return bytes(plain[4:])
