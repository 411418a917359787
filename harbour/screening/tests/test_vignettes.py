"""Twenty-one vignettes from public case summaries, each read under every definition (tests/vignettes.toml)."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

import pytest

from harbour.screening import catalogue, labels
from harbour.screening.engine import evaluate

VIGNETTES: list[dict[str, Any]] = tomllib.loads((Path(__file__).with_name("vignettes.toml")).read_text("utf-8"))[
    "vignettes"
]


def test_there_are_at_least_twenty_cited_vignettes() -> None:
    assert len(VIGNETTES) >= 20
    assert len({vignette["id"] for vignette in VIGNETTES}) == len(VIGNETTES)
    for vignette in VIGNETTES:
        assert vignette["source"].strip() and vignette["summary"].strip(), vignette["id"]
        assert {"palermo", "criminal_code", "irpa"} <= set(vignette["expected"]), vignette["id"]


@pytest.mark.parametrize("vignette", VIGNETTES, ids=[vignette["id"] for vignette in VIGNETTES])
def test_vignette_reads_as_expected_under_each_definition(vignette: dict[str, Any]) -> None:
    assessment = evaluate(catalogue.load(), vignette["answers"])
    expected = dict(vignette["expected"])
    notes = expected.pop("notes", [])
    section = expected.pop("section", None)
    for definition in ("palermo", "criminal_code", "irpa"):
        assert assessment.definition(definition).reading.value == expected.pop(definition), definition
    if section is not None:
        assert assessment.definition("criminal_code").extra["section"] == section
    readings = {reading.set_name: reading.reading for reading in assessment.sets}
    for set_name, reading in expected.items():
        assert readings[set_name] == reading, set_name
    found = {note for reading in assessment.definitions for note in reading.notes}
    assert set(notes) <= found


def test_the_vignettes_show_every_note_and_every_note_has_words() -> None:
    found = {
        note
        for vignette in VIGNETTES
        for reading in evaluate(catalogue.load(), vignette["answers"]).definitions
        for note in reading.notes
    }
    assert found == set(labels.NOTE)
