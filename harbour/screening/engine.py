"""The screening engine: answers in, a reading of the indicators and the definitions out.

The identification is holistic: the result lists every indicator the answers
show, dimension by dimension, and how the ILO/EC combination reads them, beside
the three legal definitions. It never says what a person is.

The ILO/EC combination (data/indicators.toml, `[combination]`): a dimension is
present when its indicators reach one of the counts in `dimension_present_when`
(two strong; strong and medium; strong and weak; three medium; two medium and
one weak). The combination is met when every group of dimensions has one
present: for adults, recruitment, exploitation and coercion or vulnerability at
destination; for children, recruitment and exploitation.

Which set of indicators applies follows the answers: the child sets when the
person was under 18, the adult sets when not, both when unknown; the sexual
exploitation set when sexual services were named, the labour set otherwise or
as well.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Any

from harbour.core.reference import Province
from harbour.screening import definitions
from harbour.screening.answers import (
    DECLINED,
    NO,
    UNKNOWN,
    YES,
    AnswerError,
    Answers,
    Status,
    listed,
    parse,
    shorten,
)
from harbour.screening.catalogue import ActionPlan, Catalogue, Dimension, Indicator
from harbour.screening.definitions import DefinitionReading

# Readings of the ILO/EC combination for one set of indicators.
COMBINATION_MET = "combination_met"
SOME_DIMENSIONS = "some_dimensions"
NO_DIMENSION = "no_dimension"


@dataclass(frozen=True)
class IndicatorShown:
    indicator: Indicator
    weight: str
    because: tuple[str, ...]  # the questions answered "yes" that show it

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.indicator.id,
            "label": self.indicator.label,
            "weight": self.weight,
            "source": self.indicator.source,
            "item": self.indicator.item,
            "because": list(self.because),
        }


@dataclass(frozen=True)
class DimensionReading:
    dimension: Dimension
    indicators: tuple[IndicatorShown, ...]
    present: bool
    rule: dict[str, int] | None  # the count that made it present

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.dimension.id,
            "label": self.dimension.label,
            "present": self.present,
            "rule": self.rule,
            "indicators": [shown.to_dict() for shown in self.indicators],
        }


@dataclass(frozen=True)
class SetReading:
    """The six dimensions under one of the four ILO/EC sets, and the overall reading."""

    set_name: str
    dimensions: tuple[DimensionReading, ...]
    reading: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "set": self.set_name,
            "reading": self.reading,
            "dimensions": [dimension.to_dict() for dimension in self.dimensions],
        }


@dataclass(frozen=True)
class Assessment:
    catalogue_version: str
    answers: Answers
    sets: tuple[SetReading, ...]
    forced_labour: tuple[tuple[str, str, tuple[str, ...]], ...]  # (id, label, because)
    definitions: tuple[DefinitionReading, ...]
    needs: tuple[str, ...]
    rights: tuple[str, ...]
    province: str
    action_plan: ActionPlan | None
    national_plan: ActionPlan
    counts: dict[str, int]

    def definition(self, definition_id: str) -> DefinitionReading:
        return next(reading for reading in self.definitions if reading.id == definition_id)

    def to_dict(self) -> dict[str, Any]:
        def plan(value: ActionPlan | None) -> dict[str, str] | None:
            if value is None:
                return None
            return {"name": value.name, "issuer": value.issuer, "url": value.url, "checked": value.checked}

        return {
            "catalogue_version": self.catalogue_version,
            "answers": dict(self.answers),
            "counts": dict(self.counts),
            "ilo_ec": [reading.to_dict() for reading in self.sets],
            "forced_labour": [
                {"id": identifier, "label": label, "because": list(because)}
                for identifier, label, because in self.forced_labour
            ],
            "definitions": [reading.to_dict() for reading in self.definitions],
            "next_steps": {
                "needs": list(self.needs),
                "rights": list(self.rights),
                "province": self.province or None,
                "action_plan": plan(self.action_plan),
                "national_plan": plan(self.national_plan),
            },
        }


def _shows(when: tuple[tuple[str, ...], ...], answers: Answers) -> tuple[str, ...]:
    """The questions answered yes that show an indicator, or () when none of its groups is all yes."""
    because: list[str] = []
    for group in when:
        if all(answers.get(fact) == YES for fact in group):
            because.extend(fact for fact in group if fact not in because)
    return tuple(because)


def dimension_present(weights: Counter[str], rules: tuple[dict[str, int], ...]) -> dict[str, int] | None:
    """The first count the indicators shown reach, or None."""
    for rule in rules:
        if all(weights[weight] >= needed for weight, needed in rule.items()):
            return rule
    return None


def read_set(catalogue: Catalogue, answers: Answers, set_name: str) -> SetReading:
    readings = []
    for dimension in catalogue.dimensions:
        shown = []
        for indicator in catalogue.indicators:
            if indicator.dimension != dimension.id or set_name not in indicator.weights:
                continue
            because = _shows(indicator.when, answers)
            if because:
                shown.append(IndicatorShown(indicator, indicator.weights[set_name], because))
        rule = dimension_present(Counter(item.weight for item in shown), catalogue.combination.dimension_present_when)
        readings.append(DimensionReading(dimension, tuple(shown), rule is not None, rule))
    present = {reading.dimension.id for reading in readings if reading.present}
    groups = catalogue.combination.child if set_name.startswith("child") else catalogue.combination.adult
    if all(present & set(group) for group in groups):
        overall = COMBINATION_MET
    elif present:
        overall = SOME_DIMENSIONS
    else:
        overall = NO_DIMENSION
    return SetReading(set_name, tuple(readings), overall)


def sets_for(answers: Answers) -> tuple[str, ...]:
    ages = {YES: ("child",), NO: ("adult",)}.get(answers.get("under_18", ""), ("adult", "child"))
    forms = ("sexual",) if answers.get("sexual_acts") == YES else ()
    labour_signs = ("long_hours", "dangerous_work", "forced_tasks", "illegal_activities", "no_contract")
    if not forms or any(answers.get(fact) == YES for fact in labour_signs):
        forms = ("labour", *forms)
    return tuple(f"{age}_{form}" for age in ages for form in forms)


def evaluate(catalogue: Catalogue, answers: Answers, *, province: str = "") -> Assessment:
    sets = tuple(read_set(catalogue, answers, set_name) for set_name in sets_for(answers))
    forced_labour = tuple(
        (item.id, item.label, because) for item in catalogue.forced_labour if (because := _shows(item.when, answers))
    )
    readings = definitions.read_all(catalogue, answers)
    needs: list[str] = []
    rights: list[str] = []
    for question in catalogue.questions:
        if answers.get(question.id) == YES:
            needs.extend(need for need in question.needs if need not in needs)
            rights.extend(slug for slug in question.rights if slug not in rights)
    if (
        any(reading.reading == COMBINATION_MET for reading in sets)
        or any(reading.reading is Status.MET for reading in readings)
    ) and "trafficking-support" not in needs:
        needs.insert(0, "trafficking-support")
    if "what-we-do-with-what-you-tell-us" not in rights:
        rights.append("what-we-do-with-what-you-tell-us")
    values = Counter(answers.values())
    counts = {
        "questions": len(catalogue.questions),
        "yes": values[YES],
        "no": values[NO],
        "unknown": values[UNKNOWN],
        "declined": values[DECLINED],
        "not_asked": len(catalogue.questions) - len(answers),
    }
    return Assessment(
        catalogue_version=catalogue.version,
        answers=dict(answers),
        sets=sets,
        forced_labour=forced_labour,
        definitions=readings,
        needs=tuple(needs),
        rights=tuple(rights),
        province=province,
        action_plan=catalogue.plan_for(province),
        national_plan=catalogue.national_plan,
        counts=counts,
    )


class PayloadError(ValueError):
    """A request to the engine that cannot be read; the message says why."""


# The largest request the machine interface reads: every question answered takes under 3 KB.
MAX_PAYLOAD_BYTES = 64 * 1024


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise PayloadError(f"{shorten(key)} is given more than once")
        seen[key] = value
    return seen


def load_payload(text: str | bytes) -> Any:
    """The JSON of a request to the engine: at most 64 KB, and no key given twice (which would hide an answer)."""
    size = len(text.encode() if isinstance(text, str) else text)
    if size > MAX_PAYLOAD_BYTES:
        raise PayloadError(f"the request is larger than {MAX_PAYLOAD_BYTES // 1024} KB")
    try:
        return json.loads(text or "null", object_pairs_hook=_no_duplicate_keys)
    except ValueError as error:
        if isinstance(error, PayloadError):
            raise
        raise PayloadError("the request is not JSON") from None
    except RecursionError:  # a body under the size cap can still nest deeper than Python recurses
        raise PayloadError("the request nests too deeply to be screening answers") from None


def evaluate_payload(payload: Any, catalogue: Catalogue) -> Assessment:
    """The engine's machine interface: {"answers": {...}, "province": "ON"} (see docs/screening.md)."""
    if not isinstance(payload, dict):
        raise PayloadError('expected a JSON object such as {"answers": {"violence": "yes"}}')
    extra = sorted(set(payload) - {"answers", "province"})
    if extra:
        raise PayloadError(f"unknown fields: {listed(extra)}")
    province = payload.get("province") or ""
    if not isinstance(province, str) or (province and province.upper() not in Province.values):
        raise PayloadError(f"province must be one of {', '.join(Province.values)}")
    try:
        answers = parse(payload.get("answers", {}), catalogue)
    except AnswerError as error:
        raise PayloadError(str(error)) from None
    return evaluate(catalogue, answers, province=province.upper())
