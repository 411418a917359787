"""What statistics may read of cases: de-identified facts, only with consent to anonymous statistics.

`consented_case_facts()` yields plain values, never a model, and never the alias,
contact, notes or any free text. `dedup_key` is the same for one person's linked
cases at every organisation (a referral copies the person key), so a person
referred between organisations counts once; it is a keyed hash, not the stored key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings

from harbour.cases.consent import CATEGORY_FIELDS, categories_in_force
from harbour.cases.models import Case, Consent, split_codes


@dataclass(frozen=True)
class CaseFacts:
    dedup_key: str
    organisation_id: int
    year: int
    gender: str
    age_band: str
    citizenship: str
    province: str
    exploitation: tuple[str, ...]
    sector: str
    needs: tuple[str, ...]


def dedup_key(person_key: str) -> str:
    return hashlib.blake2b(
        person_key.encode(), key=settings.HARBOUR_MASTER_KEY[:32], person=b"harbour-stats", digest_size=16
    ).hexdigest()


# Each fact's case field; a fact is released only when the statistics consent covers its field's category.
_FACT_FIELDS = {
    "gender": "gender",
    "age_band": "age_group",
    "citizenship": "country_of_origin",
    "province": "province",
    "exploitation": "exploitation",
    "sector": "sector",
    "needs": "needs",
}
_CATEGORY_OF = {name: category for category, names in CATEGORY_FIELDS.items() for name in names}
_BATCH = 2000


def consented_case_facts(*, at: datetime | None = None) -> Iterator[CaseFacts]:
    """Facts of every case whose person's consent to anonymous statistics is in force at `at` (now).

    Which cases, and which of their facts, is decided by `consent.categories_in_force`, the
    same rules as every other share: a fact whose category the consent does not name is blank.
    """
    allowed = categories_in_force(Consent.Purpose.STATISTICS, at=at)
    case_ids = sorted(allowed)
    for start in range(0, len(case_ids), _BATCH):
        rows = (
            Case.system_objects.filter(pk__in=case_ids[start : start + _BATCH])
            .order_by("pk")
            .values("pk", "person_key", "organisation_id", "created_at", *_FACT_FIELDS.values())
        )
        for row in rows:
            covered = allowed[row["pk"]]
            fact = {name: row[field] if _CATEGORY_OF[field] in covered else "" for name, field in _FACT_FIELDS.items()}
            yield CaseFacts(
                dedup_key=dedup_key(row["person_key"]),
                organisation_id=row["organisation_id"],
                year=row["created_at"].year,
                gender=fact["gender"],
                age_band=fact["age_band"],
                citizenship=fact["citizenship"],
                province=fact["province"],
                exploitation=tuple(split_codes(fact["exploitation"])),
                sector=fact["sector"],
                needs=tuple(split_codes(fact["needs"])),
            )
