"""Answers to the screening questions, and the four-valued logic the readings use.

Every question can be answered "yes", "no", "unknown" (don't know) or
"declined" (prefer not to say), or be left out. Only "yes" shows a fact and only
"no" rules it out; the other three leave it unknown.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

from harbour.screening.catalogue import Catalogue

YES = "yes"
NO = "no"
UNKNOWN = "unknown"
DECLINED = "declined"
VALUES = (YES, NO, UNKNOWN, DECLINED)

Answers = dict[str, str]


class AnswerError(ValueError):
    """Answers that cannot be read: an unknown question or an unknown value."""


class Status(StrEnum):
    """An element's status: three-valued (Kleene) logic over the answers behind it."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"


def shorten(value: object, limit: int = 40) -> str:
    """A value quoted for a message, cut to `limit` characters: a message never echoes a whole input."""
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= limit else text[: limit - 1] + "…"


def listed(values: list[str], most: int = 5) -> str:
    """Up to `most` values, shortened, and how many more."""
    shown = ", ".join(shorten(value) for value in values[:most])
    return shown + (f" and {len(values) - most} more" if len(values) > most else "")


def parse(raw: Any, catalogue: Catalogue) -> Answers:
    """Checked answers from a JSON-like mapping; blank values count as not asked."""
    if not isinstance(raw, Mapping):
        raise AnswerError("answers must be an object mapping question ids to yes, no, unknown or declined")
    answers: Answers = {}
    unknown_ids = sorted(str(key) for key in raw if key not in catalogue.question_ids)
    if unknown_ids:
        raise AnswerError(f"unknown questions: {listed(unknown_ids)}")
    for key, value in raw.items():
        if value in (None, ""):
            continue
        if value not in VALUES:
            raise AnswerError(f"{key}: {shorten(value)} is not one of {', '.join(VALUES)}")
        answers[str(key)] = str(value)
    return answers


def any_of(answers: Mapping[str, str], facts: Iterable[str]) -> Status:
    """Met when any fact is "yes"; not met when every fact is "no"; otherwise unknown."""
    every_no = True
    for fact in facts:
        value = answers.get(fact)
        if value == YES:
            return Status.MET
        if value != NO:
            every_no = False
    return Status.NOT_MET if every_no else Status.UNKNOWN


def all_of(statuses: Iterable[Status]) -> Status:
    result = Status.MET
    for status in statuses:
        if status is Status.NOT_MET:
            return Status.NOT_MET
        if status is Status.UNKNOWN:
            result = Status.UNKNOWN
    return result


def either(*statuses: Status) -> Status:
    result = Status.NOT_MET
    for status in statuses:
        if status is Status.MET:
            return Status.MET
        if status is Status.UNKNOWN:
            result = Status.UNKNOWN
    return result
