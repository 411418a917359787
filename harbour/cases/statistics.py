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
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

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


def consented_case_facts(*, at: datetime | None = None) -> Iterator[CaseFacts]:
    """Facts of every case whose person's consent to anonymous statistics is in force at `at` (now)."""
    moment = at or timezone.now()
    in_force = Consent.system_objects.filter(
        Q(withdrawn_at__isnull=True) | Q(withdrawn_at__gt=moment),
        Q(expires_at__isnull=True) | Q(expires_at__gt=moment),
        case_id=OuterRef("pk"),
        purpose=Consent.Purpose.STATISTICS,
        given_at__lte=moment,
    )
    rows = (
        Case.system_objects.filter(Exists(in_force))
        .order_by("pk")
        .values_list(
            "person_key",
            "organisation_id",
            "created_at",
            "gender",
            "age_group",
            "country_of_origin",
            "province",
            "exploitation",
            "sector",
            "needs",
        )
    )
    for person_key, organisation_id, created, gender, age, origin, province, forms, sector, needs in rows.iterator(
        chunk_size=2000
    ):
        yield CaseFacts(
            dedup_key=dedup_key(person_key),
            organisation_id=organisation_id,
            year=created.year,
            gender=gender,
            age_band=age,
            citizenship=origin,
            province=province,
            exploitation=tuple(split_codes(forms)),
            sector=sector,
            needs=tuple(split_codes(needs)),
        )
