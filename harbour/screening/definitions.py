"""How the same answers read under the Palermo Protocol, the Criminal Code and IRPA s. 118.

Which answers show each element is data (`data/definitions.toml`); how the
elements combine is here, one small function per definition, so that the
differences between the laws are visible side by side:

- Palermo Protocol, art. 3: act, means and purpose. For a child (under 18, art.
  3(d)) act and purpose are enough (art. 3(c)). Consent is irrelevant once a
  means is used (art. 3(b)): the reading never looks at consent.
- The means are one rule for every law (`[means]` in the data file): the same
  answers count as coercion, or as deception, under Palermo, IRPA and the
  Criminal Code's s. 279.04(2) factors. A worker's confirmation that none of
  them happened rules the means out, so that smuggling reads "not met".
- Criminal Code s. 279.01 (s. 279.011 for a person under 18): an act done for
  the purpose of exploitation (labour need not have been provided yet), with
  the person's consent no defence (s. 279.01(2), 279.011(2)), where
  exploitation (s. 279.04(1)) is causing the
  person to provide labour or a service by conduct that could reasonably be
  expected to make them fear for their safety or the safety of someone known to
  them. The s. 279.04(2) factors (force or coercion, deception, abuse of trust,
  power or authority) are shown beside the reading; a court may weigh them, but
  none of them meets s. 279.04(1) alone. The fear test applies to minors too.
  It is objective (R. v. A.A., 2015 ONCA 558): the person need not have been
  afraid. So a "no" to every fear question rules the test out only when no force
  or coercion is shown; with force or coercion it stays unknown.
- IRPA s. 118(1): knowingly organising the coming into Canada of a person by
  abduction, fraud, deception, or use or threat of force or coercion; s. 118(2)
  counts recruitment, transportation and, after entry, receipt or harbouring as
  organising. No purpose of exploitation is needed, and no exception is made
  for children: without a means and a border crossing it is not met.

Every reading is met, not met or unknown. No reading says what a person is.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from harbour.screening.answers import YES, Answers, Status, all_of, any_of, either
from harbour.screening.catalogue import Catalogue, Element


@dataclass(frozen=True)
class ElementReading:
    element: Element
    status: Status
    # The answers behind the status: (question id, answer), in the element's order.
    because: tuple[tuple[str, str], ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.element.id,
            "label": self.element.label,
            "cite": self.element.cite,
            "status": self.status.value,
            "because": [{"question": question, "answer": answer} for question, answer in self.because],
        }


@dataclass(frozen=True)
class DefinitionReading:
    id: str
    label: str
    source_title: str
    source_url: str
    reading: Status
    elements: tuple[ElementReading, ...]
    notes: tuple[str, ...] = ()  # note codes, explained in the result page and docs/screening.md
    extra: dict[str, Any] = field(default_factory=dict)

    def element(self, element_id: str) -> ElementReading:
        for reading in self.elements:
            if reading.element.id == element_id:
                return reading
        raise KeyError(element_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "source": {"title": self.source_title, "url": self.source_url},
            "reading": self.reading.value,
            "elements": [element.to_dict() for element in self.elements],
            "notes": list(self.notes),
            **self.extra,
        }


def read_element(element: Element, answers: Answers, no_means_confirmation: str = "") -> ElementReading:
    """How the answers show one element; a means element is ruled out when the worker confirmed no means."""
    status = any_of(answers, element.facts)
    if element.together and status is not Status.MET:
        status = either(status, all_of(any_of(answers, group) for group in element.together))
    if element.child_facts and status is not Status.MET:
        child = any_of(answers, ("under_18",))
        status = either(status, all_of([child, any_of(answers, element.child_facts)]))
    because = tuple((fact, answers[fact]) for fact in element.all_facts if fact in answers)
    if status is Status.MET:
        because = tuple((fact, answer) for fact, answer in because if answer == YES)
    elif element.means and no_means_confirmation and answers.get(no_means_confirmation) == YES:
        status = Status.NOT_MET
        because = ((no_means_confirmation, YES), *because)
    return ElementReading(element, status, because)


def _read(catalogue: Catalogue, element: Element, answers: Answers) -> ElementReading:
    return read_element(element, answers, catalogue.no_means_confirmation)


def _reading(
    catalogue: Catalogue, definition_id: str, readings: list[ElementReading], result: Status, **kw: Any
) -> DefinitionReading:
    definition = next(d for d in catalogue.definitions if d.id == definition_id)
    source = catalogue.sources[definition.source]
    return DefinitionReading(
        id=definition.id,
        label=definition.label,
        source_title=source.title,
        source_url=source.url,
        reading=result,
        elements=tuple(readings),
        **kw,
    )


def palermo(catalogue: Catalogue, answers: Answers) -> DefinitionReading:
    act, means, purpose, child = (
        _read(catalogue, catalogue.elements[name], answers)
        for name in ("palermo_act", "palermo_means", "palermo_purpose", "palermo_child")
    )
    result = all_of([act.status, either(means.status, child.status), purpose.status])
    notes = []
    if child.status is Status.MET:
        notes.append("child_no_means_needed")
    if means.status is Status.MET:
        notes.append("consent_irrelevant_after_means")
    elif answers.get("agreed_at_first") == YES:
        notes.append("consent_does_not_decide")
    return _reading(catalogue, "palermo", [act, means, purpose, child], result, notes=tuple(notes))


def criminal_code(catalogue: Catalogue, answers: Answers) -> DefinitionReading:
    act, labour, fear, minor = (
        _read(catalogue, catalogue.elements[name], answers)
        for name in ("code_act", "code_labour", "code_fear", "code_minor")
    )
    section = {Status.MET: "279.011", Status.NOT_MET: "279.01", Status.UNKNOWN: "279.01 or 279.011"}[minor.status]
    factors = [_read(catalogue, factor, answers) for factor in catalogue.factors]
    notes = []
    force = next(factor for factor in factors if factor.element.id == "factor_force")
    if fear.status is Status.NOT_MET and force.status is Status.MET:
        fear = replace(fear, status=Status.UNKNOWN)
        notes.append("fear_is_objective")
    result = all_of([act.status, labour.status, fear.status])
    if fear.status is not Status.MET and any(factor.status is Status.MET for factor in factors):
        notes.append("factors_without_fear")
    if answers.get("agreed_at_first") == YES or act.status is Status.MET:
        notes.append("consent_no_defence")
    return _reading(
        catalogue,
        "criminal_code",
        [act, labour, fear, minor],
        result,
        notes=tuple(notes),
        extra={"section": section, "factors": [factor.to_dict() for factor in factors]},
    )


def irpa(catalogue: Catalogue, answers: Answers) -> DefinitionReading:
    entry, organised, means = (
        _read(catalogue, catalogue.elements[name], answers) for name in ("irpa_entry", "irpa_organised", "irpa_means")
    )
    result = all_of([entry.status, organised.status, means.status])
    notes = ("no_border_crossed",) if entry.status is Status.NOT_MET else ()
    return _reading(catalogue, "irpa", [entry, organised, means], result, notes=notes)


def read_all(catalogue: Catalogue, answers: Answers) -> tuple[DefinitionReading, ...]:
    return (palermo(catalogue, answers), criminal_code(catalogue, answers), irpa(catalogue, answers))
