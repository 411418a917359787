"""The situations a response plan's steps are for: who the person is, what happened, how urgent, when.

A step names the values it is for in any of the four dimensions; a dimension it
names none of, it is for every value of. A situation the operator describes
names at most one value per dimension; a dimension left open matches every step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as Promise


@dataclass(frozen=True)
class Dimension:
    code: str
    label: Promise
    values: tuple[tuple[str, Promise], ...]

    @property
    def codes(self) -> frozenset[str]:
        return frozenset(code for code, _label in self.values)


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("age", _("Age"), (("adult", _("An adult")), ("child", _("A child (under 18)")))),
    Dimension(
        "exploitation",
        _("Exploitation"),
        (("labour", _("Labour exploitation")), ("sexual", _("Sexual exploitation"))),
    ),
    Dimension(
        "danger",
        _("Danger"),
        (("danger", _("In immediate danger")), ("no_danger", _("Not in immediate danger"))),
    ),
    Dimension("time", _("Time"), (("office_hours", _("During office hours")), ("out_of_hours", _("Out of hours")))),
)

LABELS: dict[str, Promise] = {code: label for d in DIMENSIONS for code, label in d.values}
CODES: frozenset[str] = frozenset(LABELS)
CHOICES: list[tuple[str, Promise]] = [(code, label) for d in DIMENSIONS for code, label in d.values]


def applies(step_situations: Iterable[str], situation: Iterable[str]) -> bool:
    """Whether a step for `step_situations` is a step to take in `situation`."""
    step, asked = set(step_situations), set(situation)
    for dimension in DIMENSIONS:
        named = step & dimension.codes
        wanted = asked & dimension.codes
        if named and wanted and not named & wanted:
            return False
    return True


def labels_of(codes: Iterable[str]) -> list[str]:
    """The labels of `codes`, in the dimensions' order."""
    chosen = set(codes)
    return [str(label) for code, label in CHOICES if code in chosen]
