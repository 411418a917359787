"""The screening knowledge, read from the versioned data files in `harbour/screening/data/`.

Questions, indicators, how indicators combine, the elements of each legal
definition and the action plans are data, with their sources. This module reads
them once, checks that every reference between them resolves, and hands out
frozen objects. Wording in the files is English; it is translated where it is
shown (the strings are listed for the translators in `catalogue_strings.py`).
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harbour.directory.vocabulary import NEED_CODES
from harbour.rights import topics

DATA_DIR = Path(__file__).resolve().parent / "data"

WEIGHTS = ("strong", "medium", "weak")
SETS = ("adult_labour", "adult_sexual", "child_labour", "child_sexual")


class CatalogueError(ValueError):
    """A data file refers to something that does not exist, or holds a value it may not."""


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str


@dataclass(frozen=True)
class Question:
    id: str
    section: str
    text: str
    needs: tuple[str, ...]
    rights: tuple[str, ...]


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    url: str


@dataclass(frozen=True)
class Dimension:
    id: str
    label: str
    stage: str


@dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    label: str
    weights: dict[str, str]  # set -> weight; sets not named do not hold the indicator
    when: tuple[tuple[str, ...], ...]  # any of these groups of questions, all answered yes
    source: str
    item: str = ""  # the indicator(s) of the source's own list this one stands for, in its words


@dataclass(frozen=True)
class ForcedLabourIndicator:
    id: str
    label: str
    when: tuple[tuple[str, ...], ...]
    source: str


@dataclass(frozen=True)
class Element:
    id: str
    definition: str
    label: str
    cite: str
    facts: tuple[str, ...]
    # Also met when every one of these groups has a "yes" (each group read as any-of).
    together: tuple[tuple[str, ...], ...] = ()
    # Also met for a child (under_18 "yes") when any of these is "yes".
    child_facts: tuple[str, ...] = ()
    # The kinds of means (definitions.toml `[means]`) whose answers are in `facts`: a worker's
    # confirmation that no means happened rules such an element out.
    means: tuple[str, ...] = ()

    @property
    def all_facts(self) -> tuple[str, ...]:
        facts = list(self.facts)
        for fact in (*(fact for group in self.together for fact in group), *self.child_facts):
            if fact not in facts:
                facts.append(fact)
        return tuple(facts)


@dataclass(frozen=True)
class Definition:
    id: str
    label: str
    source: str


@dataclass(frozen=True)
class ActionPlan:
    name: str
    issuer: str
    url: str
    checked: str


@dataclass(frozen=True)
class Combination:
    dimension_present_when: tuple[dict[str, int], ...]
    adult: tuple[tuple[str, ...], ...]
    child: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Catalogue:
    version: str
    sections: tuple[Section, ...]
    questions: tuple[Question, ...]
    sources: dict[str, Source]
    dimensions: tuple[Dimension, ...]
    indicators: tuple[Indicator, ...]
    forced_labour: tuple[ForcedLabourIndicator, ...]
    combination: Combination
    definitions: tuple[Definition, ...]
    elements: dict[str, Element]
    factors: tuple[Element, ...]
    means: dict[str, tuple[str, ...]]  # kind of means -> the answers that show it, one list for every law
    no_means_confirmation: str  # the question by which a worker confirms that no means happened
    national_plan: ActionPlan
    provincial_plans: dict[str, ActionPlan]

    @functools.cached_property
    def question_ids(self) -> frozenset[str]:
        return frozenset(question.id for question in self.questions)

    def questions_in(self, section: str) -> list[Question]:
        return [question for question in self.questions if question.section == section]

    @functools.cached_property
    def question_by_id(self) -> dict[str, Question]:
        return {question.id: question for question in self.questions}

    def plan_for(self, province: str) -> ActionPlan | None:
        return self.provincial_plans.get(province)


def _read(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open("rb") as handle:
        return tomllib.load(handle)


def _groups(raw: list[str]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(part.strip() for part in entry.split("+")) for entry in raw)


def _sources(raw: dict[str, Any]) -> dict[str, Source]:
    return {key: Source(key, value["title"], value["url"]) for key, value in raw.items()}


def _weights(entry: dict[str, Any]) -> dict[str, str]:
    if "weight" in entry:
        return dict.fromkeys(SETS, entry["weight"])
    return dict(entry["weights"])


def _expand(names: list[str], means: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """Question ids, with each `means:<kind>` replaced by that kind's answers (in order, once each)."""
    out: list[str] = []
    for name in names:
        kind = name.removeprefix("means:")
        if kind != name and kind not in means:
            raise CatalogueError(f"{name!r} names an unknown kind of means")
        for fact in means[kind] if kind != name else (name,):
            if fact not in out:
                out.append(fact)
    return tuple(out)


def _element(raw: dict[str, Any], definition: str, means: dict[str, tuple[str, ...]]) -> Element:
    kinds = tuple(raw.get("means", ()))
    facts = [*raw.get("facts", ()), *(f"means:{kind}" for kind in kinds)]
    return Element(
        raw["id"],
        definition,
        raw["label"],
        raw["cite"],
        _expand(facts, means),
        tuple(_expand(group, means) for group in raw.get("together", ())),
        _expand(raw.get("child_facts", []), means),
        kinds,
    )


def _plan(raw: dict[str, Any]) -> ActionPlan:
    return ActionPlan(name=raw["name"], issuer=raw["issuer"], url=raw["url"], checked=str(raw["checked"]))


def build(
    questions_data: dict[str, Any],
    indicators_data: dict[str, Any],
    definitions_data: dict[str, Any],
    plans_data: dict[str, Any],
) -> Catalogue:
    """A catalogue from parsed data files; raises CatalogueError on any dangling reference."""
    sections = tuple(Section(s["id"], s["title"], s["intro"]) for s in questions_data["sections"])
    questions = tuple(
        Question(
            id=q["id"],
            section=q["section"],
            text=q["text"],
            needs=tuple(q.get("needs", ())),
            rights=tuple(q.get("rights", ())),
        )
        for q in questions_data["questions"]
    )
    sources = _sources(indicators_data["sources"]) | _sources(definitions_data["sources"])
    dimensions = tuple(Dimension(d["id"], d["label"], d["stage"]) for d in indicators_data["dimensions"])
    indicators = tuple(
        Indicator(
            id=i["id"],
            dimension=i["dimension"],
            label=i["label"],
            weights=_weights(i),
            when=_groups(i["when"]),
            source=i["source"],
            item=i.get("item", ""),
        )
        for i in indicators_data["indicators"]
    )
    forced_labour = tuple(
        ForcedLabourIndicator(f["id"], f["label"], _groups(f["when"]), f["source"])
        for f in indicators_data["forced_labour"]
    )
    raw_combination = indicators_data["combination"]
    combination = Combination(
        dimension_present_when=tuple(dict(rule) for rule in raw_combination["dimension_present_when"]),
        adult=tuple(tuple(group) for group in raw_combination["adult"]),
        child=tuple(tuple(group) for group in raw_combination["child"]),
    )
    definitions = tuple(Definition(d["id"], d["label"], d["source"]) for d in definitions_data["definitions"])
    means = {kind: tuple(raw["facts"]) for kind, raw in definitions_data["means"].items()}
    elements = {e["id"]: _element(e, e["definition"], means) for e in definitions_data["elements"]}
    factors = tuple(_element(f, "criminal_code", means) for f in definitions_data["factors"])
    catalogue = Catalogue(
        version=f"{questions_data['version']}/{indicators_data['version']}/{definitions_data['version']}",
        sections=sections,
        questions=questions,
        sources=sources,
        dimensions=dimensions,
        indicators=indicators,
        forced_labour=forced_labour,
        combination=combination,
        definitions=definitions,
        elements=elements,
        factors=factors,
        means=means,
        no_means_confirmation=definitions_data["no_means_confirmation"],
        national_plan=_plan(plans_data["national"]),
        provincial_plans={code: _plan(raw) for code, raw in plans_data.get("provinces", {}).items()},
    )
    _check(catalogue)
    return catalogue


def _unique(kind: str, ids: list[str]) -> None:
    seen: set[str] = set()
    for identifier in ids:
        if identifier in seen:
            raise CatalogueError(f"{kind} {identifier!r} appears twice")
        seen.add(identifier)


def _check(catalogue: Catalogue) -> None:
    _unique("question", [q.id for q in catalogue.questions])
    _unique("indicator", [i.id for i in catalogue.indicators])
    section_ids = {section.id for section in catalogue.sections}
    dimension_ids = {dimension.id for dimension in catalogue.dimensions}
    definition_ids = {definition.id for definition in catalogue.definitions}
    known = catalogue.question_ids

    def facts(where: str, names: tuple[str, ...]) -> None:
        for name in names:
            if name not in known:
                raise CatalogueError(f"{where} names the unknown question {name!r}")

    for question in catalogue.questions:
        if question.section not in section_ids:
            raise CatalogueError(f"question {question.id} is in the unknown section {question.section!r}")
        for need in question.needs:
            if need not in NEED_CODES:
                raise CatalogueError(f"question {question.id} names the unknown need {need!r}")
        for slug in question.rights:
            if slug not in topics.ALL:
                raise CatalogueError(f"question {question.id} names the unknown fact sheet {slug!r}")
    for indicator in catalogue.indicators:
        if indicator.dimension not in dimension_ids:
            raise CatalogueError(f"indicator {indicator.id} is in the unknown dimension {indicator.dimension!r}")
        if indicator.source not in catalogue.sources:
            raise CatalogueError(f"indicator {indicator.id} cites the unknown source {indicator.source!r}")
        if not indicator.weights:
            raise CatalogueError(f"indicator {indicator.id} belongs to no set")
        if indicator.source == "ilo_ec_2009" and not indicator.item:
            raise CatalogueError(f"indicator {indicator.id} does not name the ILO/EC item it stands for")
        for set_name, weight in indicator.weights.items():
            if set_name not in SETS or weight not in WEIGHTS:
                raise CatalogueError(f"indicator {indicator.id}: {set_name} = {weight!r} is not a set and a weight")
        for group in indicator.when:
            facts(f"indicator {indicator.id}", group)
    for forced in catalogue.forced_labour:
        if forced.source not in catalogue.sources:
            raise CatalogueError(f"forced-labour indicator {forced.id} cites the unknown source {forced.source!r}")
        for group in forced.when:
            facts(f"forced-labour indicator {forced.id}", group)
    for rule in catalogue.combination.dimension_present_when:
        if not rule or set(rule) - set(WEIGHTS) or any(count < 1 for count in rule.values()):
            raise CatalogueError(f"the combination rule {rule!r} must count strong, medium or weak indicators")
    for group in catalogue.combination.adult + catalogue.combination.child:
        for dimension in group:
            if dimension not in dimension_ids:
                raise CatalogueError(f"the combination names the unknown dimension {dimension!r}")
    for element in (*catalogue.elements.values(), *catalogue.factors):
        if element.definition not in definition_ids:
            raise CatalogueError(f"element {element.id} belongs to the unknown definition {element.definition!r}")
        facts(f"element {element.id}", element.all_facts)
    for kind, kind_facts in catalogue.means.items():
        facts(f"the means {kind!r}", kind_facts)
    facts("no_means_confirmation", (catalogue.no_means_confirmation,))
    # Coercion in the law is what the ILO/EC indicators read as coercion: each answer counted as
    # coercion shows an indicator of coercive recruitment or of coercion at destination.
    coercive = {"coercive_recruitment", "coercion_at_destination"}
    for fact in catalogue.means.get("coercion", ()):
        if not any(i.dimension in coercive and any(fact in group for group in i.when) for i in catalogue.indicators):
            raise CatalogueError(f"{fact!r} counts as coercion but shows no ILO/EC coercion indicator")
    for definition in catalogue.definitions:
        if definition.source not in catalogue.sources:
            raise CatalogueError(f"definition {definition.id} cites the unknown source {definition.source!r}")


@functools.cache
def load() -> Catalogue:
    """The catalogue in the data files, read once per process."""
    return build(
        _read("questions.toml"), _read("indicators.toml"), _read("definitions.toml"), _read("action_plans.toml")
    )
