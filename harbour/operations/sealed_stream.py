"""An encrypted, authenticated byte stream for backup archives (libsodium's secretstream, through PyNaCl).

The archive is cut into chunks; each is encrypted and authenticated in order,
and the last carries the FINAL tag, so a reordered, altered or truncated
archive is refused instead of half restored. The key is derived from the
master key (BLAKE2b keyed with it, under a purpose of its own), so a backup is
as safe as the database it copies: useless without the key kept apart from both.
"""

from __future__ import annotations

from typing import BinaryIO

from django.conf import settings
from nacl import bindings
from nacl.encoding import RawEncoder
from nacl.exceptions import CryptoError
from nacl.hash import blake2b

MAGIC = b"HARBOUR-BACKUP-1\n"
CHUNK = 64 * 1024
_ABYTES = bindings.crypto_secretstream_xchacha20poly1305_ABYTES
_HEADER = bindings.crypto_secretstream_xchacha20poly1305_HEADERBYTES
_FINAL = bindings.crypto_secretstream_xchacha20poly1305_TAG_FINAL
_MESSAGE = bindings.crypto_secretstream_xchacha20poly1305_TAG_MESSAGE


class BackupUnreadable(Exception):
    """The archive is not a Harbour backup, was made under another key, or was altered."""


def backup_key(master_key: bytes | None = None) -> bytes:
    master = master_key if master_key is not None else settings.HARBOUR_MASTER_KEY
    return blake2b(b"", key=master, person=b"harbour-backup", digest_size=32, encoder=RawEncoder)


def key_fingerprint(key: bytes) -> bytes:
    """Eight bytes that tell two keys apart and reveal nothing of either."""
    return blake2b(key, person=b"harbour-bk-fpr", digest_size=8, encoder=RawEncoder)


class SealingWriter:
    """A write-only file object: what is written goes out encrypted to `out`."""

    def __init__(self, out: BinaryIO, key: bytes) -> None:
        self._out = out
        self._state = bindings.crypto_secretstream_xchacha20poly1305_state()
        header = bindings.crypto_secretstream_xchacha20poly1305_init_push(self._state, key)
        out.write(MAGIC + key_fingerprint(key) + header)
        self._buffer = bytearray()

    def write(self, data: bytes) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK:
            chunk = bytes(self._buffer[:CHUNK])
            del self._buffer[:CHUNK]
            self._out.write(bindings.crypto_secretstream_xchacha20poly1305_push(self._state, chunk, None, _MESSAGE))
        return len(data)

    def close(self) -> None:
        final = bindings.crypto_secretstream_xchacha20poly1305_push(self._state, bytes(self._buffer), None, _FINAL)
        self._out.write(final)
        self._buffer.clear()


class OpeningReader:
    """A read-only file object over a sealed archive; refuses it at the first altered byte."""

    def __init__(self, source: BinaryIO, key: bytes) -> None:
        self._source = source
        start = source.read(len(MAGIC) + 8 + _HEADER)
        if not start.startswith(MAGIC):
            raise BackupUnreadable("this file is not a Harbour backup")
        if start[len(MAGIC) : len(MAGIC) + 8] != key_fingerprint(key):
            raise BackupUnreadable("this backup was made under another master key")
        self._state = bindings.crypto_secretstream_xchacha20poly1305_state()
        bindings.crypto_secretstream_xchacha20poly1305_init_pull(self._state, start[len(MAGIC) + 8 :], key)
        self._plain = bytearray()
        self._finished = False

    def _next_chunk(self) -> None:
        sealed = self._source.read(CHUNK + _ABYTES)
        if not sealed:
            raise BackupUnreadable("this backup is cut short")
        try:
            plain, tag = bindings.crypto_secretstream_xchacha20poly1305_pull(self._state, sealed, None)
        except CryptoError:
            raise BackupUnreadable("this backup was altered or is damaged") from None
        self._plain += plain
        if tag == _FINAL:
            if self._source.read(1):
                raise BackupUnreadable("this backup has data after its end")
            self._finished = True

    def read(self, size: int = -1) -> bytes:
        while not self._finished and (size < 0 or len(self._plain) < size):
            self._next_chunk()
        if size < 0:
            size = len(self._plain)
        out = bytes(self._plain[:size])
        del self._plain[:size]
        return out
