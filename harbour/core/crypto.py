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

Records that must be erasable on their own (a case and everything in it) have
a record key (`RecordKey`) of their own, wrapped by the organisation's data
key; their values are ``hb2:<record key id>:<base64>`` tokens, bound to that
key as well. Destroying the record key (`record_key_destroy`) makes every copy
of those tokens unreadable, even with the master key: crypto-erasure.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import threading
import time
from collections import OrderedDict
from collections.abc import Iterator
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
    from harbour.core.models import DataKey, RecordKey

TOKEN_PREFIX = "hb1"  # noqa: S105 - a format marker, not a secret
RECORD_TOKEN_PREFIX = "hb2"  # noqa: S105 - a format marker, not a secret
_NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES

# Unwrapped keys, by id and wrapped bytes: an id alone could name a key created
# in a transaction that was rolled back (SQLite reuses such ids).
_unwrapped: dict[tuple[str, int, bytes], bytes] = {}
# Unwrapped record keys (one per case), by id, with the wrapped bytes they came from, most
# recently used last; bounded, since a process may read a great many cases.
_record_keys: OrderedDict[int, tuple[bytes, bytes]] = OrderedDict()
RECORD_KEYS_CACHED = 10_000
_lock = threading.Lock()


class DecryptionError(Exception):
    """A ciphertext could not be read: wrong key, tampered, or moved."""


@dataclass(frozen=True)
class Sealed:
    """A ciphertext as read from the database, not yet decrypted. Prints as nothing useful."""

    token: str

    @property
    def under_record_key(self) -> bool:
        return self.token.startswith(RECORD_TOKEN_PREFIX + ":")

    @property
    def key_id(self) -> int:
        """The organisation data key's id (an ``hb1`` token), or the record key's (``hb2``)."""
        return record_key_id_of(self.token) if self.under_record_key else key_id_of(self.token)

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
        _record_keys.clear()


def _key_bytes(key: DataKey) -> bytes:
    cache_key = ("data", key.pk, bytes(key.wrapped))
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


# Inside `keys_read_once()`, each data key's row is read once however many values it opens.
_key_rows: ContextVar[dict[int, DataKey | None] | None] = ContextVar("harbour_key_rows", default=None)


@contextmanager
def keys_read_once() -> Iterator[None]:
    """For one page that decrypts many rows: each data key's row is read from the database once.

    Only around reading one page: a key destroyed by another process during the block could still
    be used inside it (never after).
    """
    reset = _key_rows.set({})
    try:
        yield
    finally:
        _key_rows.reset(reset)


def _data_key_row(key_id: int) -> DataKey | None:
    from harbour.core.models import DataKey

    rows = _key_rows.get()
    if rows is None:
        return DataKey.objects.filter(pk=key_id).first()
    if key_id not in rows:
        rows[key_id] = DataKey.objects.filter(pk=key_id).first()
    return rows[key_id]


def decrypt_bytes(token: str, *, context: str, organisation_id: int) -> bytes:
    """The bytes in a token read from a row owned by `organisation_id`."""
    try:
        key_id = key_id_of(token)
        raw = base64.b64decode(token.split(":", 2)[2], validate=True)
    except (ValueError, IndexError):
        raise DecryptionError("malformed ciphertext") from None
    key = _data_key_row(key_id)
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


# --- record keys: one per erasable record (a case), wrapped by the organisation's data key ---


def _record_wrap_aad(organisation_id: int, data_key_id: int) -> bytes:
    return f"{RECORD_TOKEN_PREFIX}-key:{data_key_id}:{organisation_id}".encode()


def _wrap_record_key(raw: bytes, *, organisation_id: int, data_key: DataKey) -> bytes:
    nonce = utils.random(_NONCE_BYTES)
    return nonce + bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        raw, _record_wrap_aad(organisation_id, data_key.pk), nonce, _key_bytes(data_key)
    )


def _unwrap_record_key(wrapped: bytes, *, organisation_id: int, data_key: DataKey) -> bytes:
    try:
        return bytes(
            bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                wrapped[_NONCE_BYTES:],
                _record_wrap_aad(organisation_id, data_key.pk),
                wrapped[:_NONCE_BYTES],
                _key_bytes(data_key),
            )
        )
    except CryptoError:
        raise DecryptionError("a record key could not be unwrapped with its organisation's key") from None


def record_keys_new(organisation_id: int, count: int) -> list[RecordKey]:
    """`count` new record keys for the organisation, not yet saved (for `bulk_create`)."""
    from harbour.core.models import RecordKey

    data_key = active_key_for(organisation_id)
    keys = []
    for _ in range(count):
        raw = new_data_key()
        key = RecordKey(
            organisation_id=organisation_id,
            wrapped_by=data_key,
            wrapped=_wrap_record_key(raw, organisation_id=organisation_id, data_key=data_key),
        )
        key._raw = raw  # type: ignore[attr-defined]  # the creating process needs no unwrap
        keys.append(key)
    return keys


def record_key_new(organisation_id: int) -> RecordKey:
    """A new, saved record key for one record of the organisation."""
    (key,) = record_keys_new(organisation_id, 1)
    key.save(force_insert=True)
    return key


def _record_key_bytes(key: RecordKey) -> bytes:
    wrapped = bytes(key.wrapped)
    if not wrapped or key.destroyed_at is not None:
        raise DecryptionError(f"record key {key.pk} was destroyed: this record was erased")
    raw: bytes | None = getattr(key, "_raw", None)
    if raw is not None:
        return raw
    with _lock:
        cached = _record_keys.get(key.pk)
        if cached is not None and cached[0] == wrapped:
            _record_keys.move_to_end(key.pk)
            return cached[1]
    raw = _unwrap_record_key(wrapped, organisation_id=key.organisation_id, data_key=key.wrapped_by)
    with _lock:
        _record_keys[key.pk] = (wrapped, raw)
        _record_keys.move_to_end(key.pk)
        while len(_record_keys) > RECORD_KEYS_CACHED:
            _record_keys.popitem(last=False)
    return raw


def record_key_rewrap(key: RecordKey, data_key: DataKey) -> None:
    """Re-wraps a live record key under another data key of its organisation (rotation); the caller saves."""
    raw = _record_key_bytes(key)
    key.wrapped = _wrap_record_key(raw, organisation_id=key.organisation_id, data_key=data_key)
    key.wrapped_by = data_key


def record_key_destroy(key_id: int) -> None:
    """Crypto-erasure: the record key is emptied, so nothing sealed under it can be read again, by anyone."""
    from django.utils import timezone

    from harbour.core.models import RecordKey

    RecordKey.objects.filter(pk=key_id).update(wrapped=b"", destroyed_at=timezone.now())
    with _lock:
        _record_keys.pop(key_id, None)


def _record_aad(key_id: int, context: str, organisation_id: int) -> bytes:
    return f"{RECORD_TOKEN_PREFIX}:{key_id}:{context}:{organisation_id}".encode()


def encrypt_under(plaintext: str, *, key: RecordKey, context: str) -> str:
    """A token holding `plaintext`, readable only with this record key, for this context and organisation."""
    if key.pk is None:
        raise ValueError("a record key is saved before anything is encrypted under it")
    nonce = utils.random(_NONCE_BYTES)
    sealed = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plaintext.encode("utf-8"), _record_aad(key.pk, context, key.organisation_id), nonce, _record_key_bytes(key)
    )
    return f"{RECORD_TOKEN_PREFIX}:{key.pk}:{base64.b64encode(nonce + sealed).decode('ascii')}"


def record_key_id_of(token: str) -> int:
    prefix, key_id, _body = token.split(":", 2)
    if prefix != RECORD_TOKEN_PREFIX:
        raise DecryptionError("not a Harbour record ciphertext")
    return int(key_id)


def decrypt_under(token: str, *, key: RecordKey | None, context: str, organisation_id: int) -> str:
    """The plaintext of a token read from a row owned by `organisation_id` whose record key is `key`.

    Values written before the record had a key of its own (``hb1`` tokens) still read with
    the organisation's key.
    """
    from harbour.core.models import RecordKey

    if token.startswith(TOKEN_PREFIX + ":"):
        return decrypt(token, context=context, organisation_id=organisation_id)
    try:
        key_id = record_key_id_of(token)
        raw = base64.b64decode(token.split(":", 2)[2], validate=True)
    except (ValueError, IndexError):
        raise DecryptionError("malformed ciphertext") from None
    if key is None:
        raise DecryptionError("this row names no record key")
    if key.organisation_id != organisation_id:
        raise DecryptionError("this record key belongs to another organisation")
    if key_id != key.pk:
        other = RecordKey.objects.filter(pk=key_id).values_list("organisation_id", flat=True).first()
        where = "another organisation" if other is not None and other != organisation_id else "another record"
        raise DecryptionError(f"this value was encrypted for {where}")
    nonce, sealed = raw[:_NONCE_BYTES], raw[_NONCE_BYTES:]
    try:
        return bytes(
            bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
                sealed, _record_aad(key_id, context, organisation_id), nonce, _record_key_bytes(key)
            )
        ).decode("utf-8")
    except CryptoError:
        raise DecryptionError("ciphertext does not match its key or field") from None


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
