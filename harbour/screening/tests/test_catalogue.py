"""The catalogue's data files: every reference resolves, every indicator cites its source."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from typing import Any

import pytest

from harbour.screening import catalogue
from harbour.screening.catalogue import DATA_DIR, CatalogueError, build


def _data() -> tuple[dict, dict, dict, dict]:  # type: ignore[type-arg]
    return tuple(  # type: ignore[return-value]
        tomllib.loads((DATA_DIR / name).read_text("utf-8"))
        for name in ("questions.toml", "indicators.toml", "definitions.toml", "action_plans.toml")
    )


def test_the_catalogue_loads_with_its_version() -> None:
    loaded = catalogue.load()
    assert loaded.version == "2026.2/2026.2/2026.3"
    assert 14 <= len(loaded.questions_in("core")) <= 18
    assert {dimension.id for dimension in loaded.dimensions} == {
        "deceptive_recruitment",
        "coercive_recruitment",
        "recruitment_vulnerability",
        "exploitative_conditions",
        "coercion_at_destination",
        "vulnerability_at_destination",
    }
    assert len(loaded.forced_labour) == 11


def test_every_indicator_cites_a_source_with_an_address() -> None:
    loaded = catalogue.load()
    for cited in [*(i.source for i in loaded.indicators), *(f.source for f in loaded.forced_labour)]:
        source = loaded.sources[cited]
        assert source.title and source.url.startswith("https://"), cited


def test_every_set_holds_indicators_in_every_dimension_it_needs() -> None:
    loaded = catalogue.load()
    for set_name in catalogue.SETS:
        dimensions = {i.dimension for i in loaded.indicators if set_name in i.weights}
        assert dimensions == {dimension.id for dimension in loaded.dimensions}, set_name


def test_every_deeper_section_has_questions() -> None:
    loaded = catalogue.load()
    for section in loaded.sections:
        assert loaded.questions_in(section.id), section.id


@pytest.mark.parametrize(
    ("which", "change", "message"),
    [
        (1, lambda d: d["indicators"][0].update(when=["no_such_question"]), "unknown question"),
        (1, lambda d: d["indicators"][0].update(source="nowhere"), "unknown source"),
        (1, lambda d: d["indicators"][0].update(weight="huge"), "not a set and a weight"),
        (1, lambda d: d["indicators"][0].update(dimension="elsewhere"), "unknown dimension"),
        (0, lambda d: d["questions"][0].update(needs=["a-pony"]), "unknown need"),
        (0, lambda d: d["questions"][0].update(rights=["no-such-sheet"]), "unknown fact sheet"),
        (0, lambda d: d["questions"].append(dict(d["questions"][0])), "appears twice"),
        (2, lambda d: d["elements"][0].update(facts=["ghost"]), "unknown question"),
        (1, lambda d: d["combination"].update(adult=[["ghost_dimension"]]), "unknown dimension"),
    ],
)
def test_a_dangling_reference_is_refused(which: int, change: Callable[[Any], None], message: str) -> None:
    data = [copy.deepcopy(part) for part in _data()]
    change(data[which])
    with pytest.raises(CatalogueError, match=message):
        build(*data)


def test_the_strings_for_translators_match_the_data() -> None:
    from harbour.screening import catalogue_strings

    assert set(catalogue_strings.STRINGS) == set(catalogue_strings.texts(catalogue.load()))


def test_every_need_code_the_catalogue_accepts_has_a_label_for_the_next_steps():
    from harbour.directory.vocabulary import NEED_CODES
    from harbour.screening import labels

    for code in NEED_CODES:
        assert str(labels.need_label(code)), code
    # The self-check's own wording wins where it has one; the directory's names the rest.
    assert labels.need_label("shelter") == labels.NEED["shelter"]
    assert "child-protection" not in labels.NEED and str(labels.need_label("child-protection"))


def _weights(indicator_id: str) -> dict[str, str]:
    return next(i for i in catalogue.load().indicators if i.id == indicator_id).weights


def test_the_weights_follow_the_ilo_ec_labour_lists_set_by_set() -> None:
    assert _weights("deceived_relationship")["adult_labour"] == "medium"
    assert _weights("no_labour_protection")["adult_labour"] == "medium"
    assert _weights("hazardous_work")["child_labour"] == "medium"
    assert _weights("abducted")["adult_labour"] == "medium"
    assert _weights("abducted")["child_labour"] == "strong"
    for strong_for_children in ("threats_of_violence", "forced_illicit_activities", "strong_influence"):
        weights = _weights(strong_for_children)
        assert (weights["adult_labour"], weights["child_labour"]) == ("medium", "strong"), strong_for_children
    assert _weights("deceived_education") == {
        "adult_labour": "weak",
        "adult_sexual": "weak",
        "child_labour": "strong",
        "child_sexual": "strong",
    }
    dimension = {i.id: i.dimension for i in catalogue.load().indicators}
    assert dimension["forced_tasks"] == "coercion_at_destination"


def test_every_ilo_ec_indicator_names_the_item_it_stands_for() -> None:
    items = {i.id: i.item for i in catalogue.load().indicators if i.source == "ilo_ec_2009"}
    assert all(items.values())
    assert items["deceived_education"] == "Deceived about access to education opportunities"
