"""The languages a call can be logged in (data/call_languages.csv), named in the page's language."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from django.utils.translation import get_language

DATA = Path(__file__).resolve().parent / "data" / "call_languages.csv"


@cache
def _rows() -> tuple[tuple[str, str, str], ...]:
    with DATA.open(encoding="utf-8", newline="") as handle:
        return tuple((row["code"], row["english"], row["french"]) for row in csv.DictReader(handle))


def codes() -> frozenset[str]:
    return frozenset(code for code, _english, _french in _rows())


def choices() -> list[tuple[str, str]]:
    """English and French first, then the others by name, "another language" last."""
    french = (get_language() or "").startswith("fr")
    named = [(code, french_name if french else english) for code, english, french_name in _rows()]
    first, rest = named[:2], named[2:-1]
    return [*first, *sorted(rest, key=lambda pair: pair[1].casefold()), named[-1]]


def name_of(code: str) -> str:
    return dict(choices()).get(code, code)
