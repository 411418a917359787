"""Receipt codes: what a reporter keeps to come back, and how guessing them is slowed and bounded.

A receipt is sixteen digits in four groups: digits read the same in every language and
on every keyboard. One Argon2id of the code (salted with a pepper from SECRET_KEY)
gives 64 bytes: the first half, hashed again, finds the report (only that hash is
stored); the second half is the key that opens the reporter's copy of the report key.

Every check costs the same: one Argon2id and one indexed query, whether the code is
right, wrong, or belonged to a report that has expired. Failed guesses are counted in
the cache only (never the database), keyed by the code's first group and by the
minute for the whole site: never by an address, which Harbour does not know.
"""

from __future__ import annotations

import hashlib
import secrets
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from harbour.reports import keys

RECEIPT_DIGITS = 16
GROUP = 4
# A window for the per-group count: a guesser spread over every first group still meets
# the site-wide count, which a genuine reporter almost never reaches.
GROUP_WINDOW_SECONDS = 15 * 60


@dataclass(frozen=True)
class Derived:
    digest: str
    reporter_key: bytes


def new_receipt() -> str:
    digits = f"{secrets.randbelow(10**RECEIPT_DIGITS):0{RECEIPT_DIGITS}d}"
    return group(digits)


def group(digits: str) -> str:
    return " ".join(digits[i : i + GROUP] for i in range(0, len(digits), GROUP))


def derive(receipt: str) -> Derived:
    """The stored lookup hash and the reporter's key for a receipt as typed (separators ignored)."""
    digits = keys.normalise_digits(receipt)
    stretched = keys.stretch(digits, keys.receipt_pepper(), size=64)
    digest = hashlib.blake2b(stretched[:32], digest_size=32, person=b"harbour-rcpt-id").hexdigest()
    return Derived(digest=digest, reporter_key=stretched[32:])


def well_formed(receipt: str) -> bool:
    return len(keys.normalise_digits(receipt)) == RECEIPT_DIGITS


def _group_key(receipt: str, now: float) -> str:
    first = keys.normalise_digits(receipt)[:GROUP]
    window = int(now // GROUP_WINDOW_SECONDS)
    hashed = hashlib.blake2b(first.encode(), digest_size=8, key=keys.receipt_pepper()).hexdigest()
    return f"reports:guess:group:{hashed}:{window}"


def _site_key(now: float) -> str:
    return f"reports:guess:site:{int(now // 60)}"


def guess_allowed(receipt: str, *, now: float | None = None) -> bool:
    """Whether one more check of this receipt may run now, before any stretching is spent on it."""
    moment = now if now is not None else time.time()
    group_failures = cache.get(_group_key(receipt, moment), 0)
    site_failures = cache.get(_site_key(moment), 0)
    return bool(
        group_failures < settings.HARBOUR_REPORT_GUESSES_PER_GROUP
        and site_failures < settings.HARBOUR_REPORT_GUESSES_PER_MINUTE
    )


def guess_failed(receipt: str, *, now: float | None = None) -> None:
    moment = now if now is not None else time.time()
    for key, timeout in ((_group_key(receipt, moment), GROUP_WINDOW_SECONDS), (_site_key(moment), 60)):
        if cache.add(key, 1, timeout):
            continue
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout)
