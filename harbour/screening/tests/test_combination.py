"""Every threshold of the ILO/EC combination, positive and negative, from the rules in the data file."""

from __future__ import annotations

from collections import Counter

import pytest

from harbour.screening import catalogue
from harbour.screening.answers import YES
from harbour.screening.engine import (
    COMBINATION_MET,
    NO_DIMENSION,
    SOME_DIMENSIONS,
    dimension_present,
    read_set,
    sets_for,
)

RULES = catalogue.load().combination.dimension_present_when


def counts(strong: int = 0, medium: int = 0, weak: int = 0) -> Counter[str]:
    return Counter({"strong": strong, "medium": medium, "weak": weak})


@pytest.mark.parametrize(
    ("strong", "medium", "weak"),
    [(2, 0, 0), (1, 1, 0), (1, 0, 1), (0, 3, 0), (0, 2, 1), (3, 0, 0), (2, 2, 2), (0, 4, 0)],
)
def test_dimension_present_at_each_threshold(strong: int, medium: int, weak: int) -> None:
    assert dimension_present(counts(strong, medium, weak), RULES) is not None


@pytest.mark.parametrize(
    ("strong", "medium", "weak"),
    [(0, 0, 0), (1, 0, 0), (0, 2, 0), (0, 1, 1), (0, 1, 2), (0, 0, 3), (0, 0, 9), (0, 1, 0)],
)
def test_dimension_absent_just_below_each_threshold(strong: int, medium: int, weak: int) -> None:
    assert dimension_present(counts(strong, medium, weak), RULES) is None


def test_the_rules_in_the_data_are_the_published_five() -> None:
    assert [dict(rule) for rule in RULES] == [
        {"strong": 2},
        {"strong": 1, "medium": 1},
        {"strong": 1, "weak": 1},
        {"medium": 3},
        {"medium": 2, "weak": 1},
    ]


def _answers(*facts: str) -> dict[str, str]:
    return dict.fromkeys(facts, YES)


def _present(answers: dict[str, str], set_name: str = "adult_labour") -> set[str]:
    reading = read_set(catalogue.load(), answers, set_name)
    return {dimension.dimension.id for dimension in reading.dimensions if dimension.present}


def test_one_strong_indicator_alone_does_not_make_a_dimension() -> None:
    assert "deceptive_recruitment" not in _present(_answers("job_different"))
    assert "deceptive_recruitment" in _present(_answers("job_different", "conditions_worse"))


def test_three_medium_indicators_make_a_dimension_and_two_do_not() -> None:
    two = _answers("threatened", "threatened_report")
    assert "coercion_at_destination" not in _present(two)
    assert "coercion_at_destination" in _present({**two, **_answers("told_to_lie")})


def test_two_medium_and_one_weak_make_a_dimension_and_one_medium_one_weak_does_not() -> None:
    assert "coercion_at_destination" in _present(_answers("threatened", "threatened_report", "threatened_shame"))
    assert "exploitative_conditions" not in _present(_answers("no_contract", "bad_housing"))


def test_strong_and_weak_make_a_dimension() -> None:
    assert "exploitative_conditions" in _present(_answers("long_hours", "no_contract"))


ADULT_FULL = _answers("job_different", "conditions_worse", "long_hours", "pay_withheld", "documents_kept", "violence")


def test_adult_combination_needs_recruitment_exploitation_and_destination() -> None:
    assert read_set(catalogue.load(), ADULT_FULL, "adult_labour").reading == COMBINATION_MET
    without_destination = {k: v for k, v in ADULT_FULL.items() if k not in ("documents_kept", "violence")}
    assert read_set(catalogue.load(), without_destination, "adult_labour").reading == SOME_DIMENSIONS
    without_recruitment = {k: v for k, v in ADULT_FULL.items() if k not in ("job_different", "conditions_worse")}
    assert read_set(catalogue.load(), without_recruitment, "adult_labour").reading == SOME_DIMENSIONS


def test_adult_combination_needs_exploitative_conditions() -> None:
    without_exploitation = {k: v for k, v in ADULT_FULL.items() if k not in ("long_hours", "pay_withheld")}
    assert "exploitative_conditions" not in _present(without_exploitation)
    assert read_set(catalogue.load(), without_exploitation, "adult_labour").reading == SOME_DIMENSIONS


# Coercive recruitment (strong + medium), exploitation, and abuse of vulnerability at destination
# (three medium), with neither deceptive recruitment nor coercion at destination present.
# Coercive recruitment from three medium indicators (abduction is medium for adults in labour exploitation).
ALTERNATIVES = _answers(
    "abducted",
    "recruitment_fee",
    "recruited",
    "threatened",
    "long_hours",
    "pay_withheld",
    "depend_on_them",
    "new_place_language",
    "no_status",
)


def test_adult_combination_takes_any_recruitment_dimension_and_either_destination_dimension() -> None:
    present = _present(ALTERNATIVES)
    assert {"coercive_recruitment", "exploitative_conditions", "vulnerability_at_destination"} <= present
    assert not {"deceptive_recruitment", "coercion_at_destination"} & present
    assert read_set(catalogue.load(), ALTERNATIVES, "adult_labour").reading == COMBINATION_MET
    two_medium = {k: v for k, v in ALTERNATIVES.items() if k != "no_status"}
    assert read_set(catalogue.load(), two_medium, "adult_labour").reading == SOME_DIMENSIONS


def test_child_combination_needs_no_destination_coercion() -> None:
    child = _answers("job_different", "conditions_worse", "long_hours", "pay_withheld")
    assert read_set(catalogue.load(), child, "child_labour").reading == COMBINATION_MET
    assert read_set(catalogue.load(), child, "adult_labour").reading == SOME_DIMENSIONS


def test_child_combination_still_needs_recruitment_and_exploitation() -> None:
    recruitment_only = _answers("job_different", "conditions_worse")
    exploitation_only = _answers("long_hours", "pay_withheld")
    for answers in (recruitment_only, exploitation_only):
        assert read_set(catalogue.load(), answers, "child_labour").reading == SOME_DIMENSIONS


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"under_18": "no"}, ("adult_labour",)),
        ({"under_18": "yes"}, ("child_labour",)),
        ({}, ("adult_labour", "child_labour")),
        ({"under_18": "declined"}, ("adult_labour", "child_labour")),
        ({"under_18": "no", "sexual_acts": "yes"}, ("adult_sexual",)),
        ({"under_18": "yes", "sexual_acts": "yes", "long_hours": "yes"}, ("child_labour", "child_sexual")),
    ],
)
def test_the_sets_read_follow_age_and_form_of_exploitation(answers: dict[str, str], expected: tuple[str, ...]) -> None:
    assert sets_for(answers) == expected


def test_nothing_answered_shows_no_dimension() -> None:
    assert read_set(catalogue.load(), {}, "adult_sexual").reading == NO_DIMENSION


def test_weights_differ_between_sets() -> None:
    # Excessive hours weigh strong for labour exploitation, medium for sexual exploitation.
    answers = _answers("long_hours", "no_contract")
    assert "exploitative_conditions" in _present(answers, "adult_labour")
    assert "exploitative_conditions" not in _present(answers, "adult_sexual")
