"""Pause and resume a screening without Harbour keeping the answers.

Pausing gives the worker a code that holds the answers, encrypted; Harbour keeps
no copy and no record that a screening happened. The code holds no name and no
question's wording: one letter per question, in catalogue order, so it is short
enough to copy. It is a short code sealed by `harbour.core.crypto.seal_code`,
bound to the catalogue version and to the worker's organisation (a member of
another organisation cannot open it), and it expires.
"""

from __future__ import annotations

from harbour.core import crypto
from harbour.screening.answers import DECLINED, NO, UNKNOWN, YES, Answers
from harbour.screening.catalogue import Catalogue

LIFETIME_SECONDS = 14 * 24 * 3600
_LETTERS = {YES: "y", NO: "n", UNKNOWN: "u", DECLINED: "d"}
_VALUES = {letter: value for value, letter in _LETTERS.items()}
# The key's name; changing it would make every paused screening's code unreadable.
_PURPOSE = "hb-screen-resume"


class ResumeCodeError(ValueError):
    """The code is mistyped, expired, from another organisation or from an older catalogue."""


def _bound_to(catalogue: Catalogue, organisation_id: int) -> str:
    return f"harbour-screening-resume|{catalogue.version}|{organisation_id}"


def code_make(answers: Answers, *, catalogue: Catalogue, organisation_id: int, now: float | None = None) -> str:
    """A resume code for these answers, readable only by the same organisation until it expires."""
    letters = "".join(_LETTERS.get(answers.get(question.id, ""), "-") for question in catalogue.questions)
    return crypto.seal_code(
        letters.encode("ascii"), purpose=_PURPOSE, bound_to=_bound_to(catalogue, organisation_id), now=now
    )


def code_read(code: str, *, catalogue: Catalogue, organisation_id: int, now: float | None = None) -> Answers:
    """The answers in a resume code; raises ResumeCodeError when it cannot be opened."""
    try:
        payload = crypto.open_code(
            code,
            purpose=_PURPOSE,
            bound_to=_bound_to(catalogue, organisation_id),
            max_age_seconds=LIFETIME_SECONDS,
            now=now,
        )
    except crypto.CodeError as error:
        raise ResumeCodeError(str(error)) from None
    letters = payload.decode("ascii", errors="replace")
    if len(letters) != len(catalogue.questions):
        raise ResumeCodeError("the code is from another version of the questions")
    return {
        question.id: _VALUES[letter]
        for question, letter in zip(catalogue.questions, letters, strict=True)
        if letter in _VALUES
    }
