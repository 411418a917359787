"""Cases contribute de-identified records, only with the person's consent, once per person.

The cases app hands over plain values (`Contribution`): its key for the person across
referrals, the organisation, and the facts in the upload's CSV vocabulary. A person
helped by several organisations has one key, so counts once (the earliest year of
registration wins). `contributions_sync` makes the records match exactly what is
consented today, so a withdrawn or expired consent is gone from the next release;
`contribution_withdraw` removes one person at once, when their consent is withdrawn.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import transaction

from harbour.cases.statistics import CaseFacts, consented_case_facts, dedup_key
from harbour.stats import vocabulary as v
from harbour.stats.records import StatisticsRecord
from harbour.stats.upload import clean_row

FIELDS = (
    "year_of_registration",
    "gender",
    "age_band",
    "majority_at_exploitation",
    "citizenship",
    "citizenship_region",
    "province",
    "is_forced_labour",
    "is_sexual_exploitation",
    "is_forced_marriage",
    "is_other_exploitation",
    "sector",
    "means_of_control",
    "recruiter_relationship",
    "entry",
)


@dataclass(frozen=True)
class Contribution:
    person_key: str
    organisation_id: int
    # Column -> code, exactly as in an uploaded CSV row (upload.COLUMNS).
    facts: Mapping[str, str]


@dataclass(frozen=True)
class SyncResult:
    added: int
    updated: int
    removed: int
    # Contributions whose facts are not in the vocabulary: left out, never guessed.
    refused: int


def _values(contributions: Iterable[Contribution]) -> tuple[dict[str, tuple[int, dict[str, object]]], int]:
    """One entry per person: the contribution with the earliest year of registration."""
    chosen: dict[str, tuple[int, dict[str, object]]] = {}
    refused = 0
    for contribution in contributions:
        values, problems = clean_row(contribution.facts)
        if problems:
            refused += 1
            continue
        earlier = chosen.get(contribution.person_key)
        if earlier is None or int(str(values["year_of_registration"])) < int(str(earlier[1]["year_of_registration"])):
            chosen[contribution.person_key] = (contribution.organisation_id, values)
    return chosen, refused


def contributions_sync(contributions: Iterable[Contribution]) -> SyncResult:
    """Makes the case records exactly the consented contributions: adds, updates, removes."""
    chosen, refused = _values(contributions)
    with transaction.atomic():
        existing = {
            record.person_key: record
            for record in StatisticsRecord.objects.select_for_update().filter(source=StatisticsRecord.Source.CASE)
        }
        gone = [key for key in existing if key not in chosen]
        StatisticsRecord.objects.filter(source=StatisticsRecord.Source.CASE, person_key__in=gone).delete()
        new, changed = [], []
        for key, (organisation_id, values) in chosen.items():
            record = existing.get(key)
            if record is None:
                new.append(
                    StatisticsRecord(
                        source=StatisticsRecord.Source.CASE, organisation_id=organisation_id, person_key=key, **values
                    )
                )
                continue
            if record.organisation_id != organisation_id or any(
                getattr(record, name) != values[name] for name in FIELDS
            ):
                record.organisation_id = organisation_id
                for name in FIELDS:
                    setattr(record, name, values[name])
                changed.append(record)
        StatisticsRecord.objects.bulk_create(new, batch_size=2000)
        StatisticsRecord.objects.bulk_update(changed, [*FIELDS, "organisation"], batch_size=2000)
    return SyncResult(added=len(new), updated=len(changed), removed=len(gone), refused=refused)


def contribution_withdraw(*, person_key: str) -> bool:
    """The person withdrew their consent: their record leaves every future release."""
    deleted, _by_model = StatisticsRecord.objects.filter(
        source=StatisticsRecord.Source.CASE, person_key=person_key
    ).delete()
    return deleted > 0


# Cases' codes -> the public list's codes. Cases' age groups do not nest in CTDC's bands,
# so the band stays unknown; under 18 at registration means a minor when exploited too,
# but an adult now may have been a minor then, so that stays unknown.
_GENDERS = {"woman": "female", "man": "male", "non_binary": "gender_diverse"}
_FLAGS = {
    "labour": "isForcedLabour",
    "sexual": "isSexualExploit",
    "forced_marriage": "isForcedMarriage",
    "other": "isOtherExploit",
}


def case_contribution(facts: CaseFacts) -> Contribution:
    """One case's de-identified facts in the upload's CSV vocabulary; what has no code is unknown."""
    forms = set(facts.exploitation)
    return Contribution(
        person_key=facts.dedup_key,
        organisation_id=facts.organisation_id,
        facts={
            "yearOfRegistration": str(facts.year),
            "gender": _GENDERS.get(facts.gender, v.UNKNOWN),
            "ageBroad": v.UNKNOWN,
            "majorityStatusAtExploit": v.Majority.MINOR if facts.age_band == "0-17" else v.UNKNOWN,
            "citizenship": facts.citizenship.upper() or v.UNKNOWN_COUNTRY,
            "provinceOfExploitation": facts.province or v.UNKNOWN,
            **{column: "1" if form in forms else "0" for form, column in _FLAGS.items()},
            "typeOfLabour": facts.sector if facts.sector in v.Sector.values else v.UNKNOWN,
            "meansOfControl": "",
            "recruiterRelationship": v.UNKNOWN,
            "entryToCanada": v.UNKNOWN,
        },
    )


def cases_sync() -> SyncResult:
    """The case records made to match the cases whose statistics consent is in force now."""
    return contributions_sync(case_contribution(facts) for facts in consented_case_facts())


def on_consent_withdrawn(*, purpose: str, person_key: str, **_kwargs: object) -> None:
    """Listens to cases' `consent_withdrawn`: a withdrawn statistics consent removes the record at once.

    If another organisation's statistics consent for the person is still in force, the next
    sync brings the record back from that case.
    """
    if purpose == "statistics":
        contribution_withdraw(person_key=dedup_key(person_key))
