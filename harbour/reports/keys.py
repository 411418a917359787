"""The reports' public-key cryptography, all of it PyNaCl: sealed boxes, secret boxes and Argon2id.

Each report has its own key pair. What the reporter writes, what receivers reply and
every file are sealed to the report's public key, which the server keeps; the report's
private key is kept only sealed: once to each receiving member's public key, and once
under a key derived from the receipt code, so the reporter can read the replies.

A member's own private key is kept under a key derived from their password (and a
second copy under their recovery key). While they are signed in, the unlocked key
sits in their session encrypted with the organisation's data key (core.crypto): a copy
of the database alone, sessions included, reads nothing; see docs/reports.md.
"""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.pwhash import argon2id
from nacl.secret import SecretBox
from nacl.utils import random

SALT_BYTES = argon2id.SALTBYTES
RECOVERY_GROUPS = 8


class KeyLocked(Exception):
    """A key could not be opened: wrong password, wrong recovery key or receipt, or tampered data."""


def stretch(secret: str, salt: bytes, *, size: int = SecretBox.KEY_SIZE) -> bytes:
    """Argon2id of `secret`, with the cost in settings (lower in the test suite only)."""
    return bytes(
        argon2id.kdf(
            size,
            secret.encode("utf-8"),
            salt,
            opslimit=settings.HARBOUR_REPORT_ARGON2_OPSLIMIT,
            memlimit=settings.HARBOUR_REPORT_ARGON2_MEMLIMIT,
        )
    )


def new_salt() -> bytes:
    return bytes(random(SALT_BYTES))


def new_key_pair() -> tuple[bytes, bytes]:
    """A fresh (private, public) key pair, as raw bytes."""
    private = PrivateKey.generate()
    return bytes(private), bytes(private.public_key)


def seal(plaintext: bytes, public_key: bytes) -> bytes:
    """Anonymously sealed to `public_key`: only its private key opens it."""
    return bytes(SealedBox(PublicKey(public_key)).encrypt(plaintext))


def unseal(sealed: bytes, private_key: bytes) -> bytes:
    try:
        return bytes(SealedBox(PrivateKey(private_key)).decrypt(sealed))
    except CryptoError:
        raise KeyLocked("this was not sealed to this key") from None


def lock(plaintext: bytes, key: bytes) -> bytes:
    return bytes(SecretBox(key).encrypt(plaintext))


def unlock(locked: bytes, key: bytes) -> bytes:
    try:
        return bytes(SecretBox(key).decrypt(locked))
    except CryptoError:
        raise KeyLocked("wrong key") from None


def new_recovery_key() -> str:
    """Eight groups of four digits (about 106 bits): typed by hand, the same in every script."""
    digits = f"{secrets.randbelow(10**32):032d}"
    return " ".join(digits[i : i + 4] for i in range(0, len(digits), 4))


def normalise_digits(typed: str) -> str:
    """Only the digits of what was typed: spaces, dashes and other separators do not matter."""
    return "".join(character for character in typed if character in "0123456789")


def receipt_pepper() -> bytes:
    """The salt every receipt is stretched with, from SECRET_KEY: a database copy alone cannot test guesses."""
    return hashlib.blake2b(settings.SECRET_KEY.encode(), digest_size=SALT_BYTES, person=b"harbour-receipt").digest()
