"""Pause and resume a screening without Harbour keeping the answers.

Pausing gives the worker a code that holds the answers, encrypted; Harbour keeps
no copy and no record that a screening happened. The code holds no name and no
question's wording: one letter per question, in catalogue order, so it is short
enough to copy. It is sealed with XChaCha20-Poly1305 under a key derived from
SECRET_KEY, bound to the catalogue version and to the worker's organisation (a
member of another organisation cannot open it), and it expires.
"""

from __future__ import annotations

import base64
import hashlib
import struct
import time

from django.conf import settings
from nacl import bindings, utils
from nacl.exceptions import CryptoError

from harbour.screening.answers import DECLINED, NO, UNKNOWN, YES, Answers
from harbour.screening.catalogue import Catalogue

LIFETIME_SECONDS = 14 * 24 * 3600
_LETTERS = {YES: "y", NO: "n", UNKNOWN: "u", DECLINED: "d"}
_VALUES = {letter: value for value, letter in _LETTERS.items()}
_NONCE_BYTES = bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES


class ResumeCodeError(ValueError):
    """The code is mistyped, expired, from another organisation or from an older catalogue."""


def _key() -> bytes:
    return hashlib.blake2b(
        settings.SECRET_KEY.encode(), digest_size=32, person=b"hb-screen-resume", salt=b"v1"
    ).digest()


def _associated(catalogue: Catalogue, organisation_id: int) -> bytes:
    return f"harbour-screening-resume|{catalogue.version}|{organisation_id}".encode()


def code_make(answers: Answers, *, catalogue: Catalogue, organisation_id: int, now: float | None = None) -> str:
    """A resume code for these answers, readable only by the same organisation until it expires."""
    letters = "".join(_LETTERS.get(answers.get(question.id, ""), "-") for question in catalogue.questions)
    issued = int(now if now is not None else time.time())
    plain = struct.pack(">I", issued) + letters.encode("ascii")
    nonce = utils.random(_NONCE_BYTES)
    sealed = bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        plain, _associated(catalogue, organisation_id), nonce, _key()
    )
    text = base64.b32encode(nonce + sealed).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 5] for i in range(0, len(text), 5))


def code_read(code: str, *, catalogue: Catalogue, organisation_id: int, now: float | None = None) -> Answers:
    """The answers in a resume code; raises ResumeCodeError when it cannot be opened."""
    text = "".join(character for character in code.upper() if character.isalnum())
    text += "=" * (-len(text) % 8)
    try:
        raw = base64.b32decode(text)
    except ValueError:
        raise ResumeCodeError("not a resume code") from None
    if len(raw) <= _NONCE_BYTES + 4:
        raise ResumeCodeError("not a resume code")
    try:
        plain = bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            raw[_NONCE_BYTES:], _associated(catalogue, organisation_id), raw[:_NONCE_BYTES], _key()
        )
    except CryptoError:
        raise ResumeCodeError("the code cannot be opened here") from None
    (issued,) = struct.unpack(">I", plain[:4])
    if (now if now is not None else time.time()) - issued > LIFETIME_SECONDS:
        raise ResumeCodeError("the code has expired")
    letters = plain[4:].decode("ascii")
    if len(letters) != len(catalogue.questions):
        raise ResumeCodeError("the code is from another version of the questions")
    return {
        question.id: _VALUES[letter]
        for question, letter in zip(catalogue.questions, letters, strict=True)
        if letter in _VALUES
    }
