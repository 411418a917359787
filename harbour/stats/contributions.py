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
