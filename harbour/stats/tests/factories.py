"""Small builders for the statistics tests: records in the CTDC vocabulary and published releases."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from harbour.network.models import Member, Organisation
from harbour.stats import actions
from harbour.stats.models import Release
from harbour.stats.records import StatisticsRecord

ROW: dict[str, str] = {
    "yearOfRegistration": "2025",
    "gender": "female",
    "ageBroad": "21-23",
    "majorityStatusAtExploit": "adult",
    "citizenship": "MX",
    "provinceOfExploitation": "ON",
    "isForcedLabour": "1",
    "isSexualExploit": "0",
    "isForcedMarriage": "0",
    "isOtherExploit": "0",
    "typeOfLabour": "agriculture",
    "meansOfControl": "withholds_documents;debt_bondage",
    "recruiterRelationship": "employer",
    "entryToCanada": "temporary_worker",
}


def record(organisation: Organisation, **overrides: Any) -> StatisticsRecord:
    values: dict[str, Any] = {
        "source": StatisticsRecord.Source.UPLOAD,
        "organisation": organisation,
        "year_of_registration": 2025,
        "gender": "female",
        "age_band": "21-23",
        "majority_at_exploitation": "adult",
        "citizenship": "MX",
        "citizenship_region": "latin_america_caribbean",
        "province": "ON",
        "is_forced_labour": True,
        "sector": "agriculture",
        "recruiter_relationship": "employer",
        "entry": "temporary_worker",
    }
    values.update(overrides)
    return StatisticsRecord.objects.create(**values)


def published(
    by: Member,
    breakdowns: list[str],
    *,
    epsilon: str = "0.5",
    years: tuple[int, int] = (2025, 2025),
    threshold: int = 10,
    title: str = "Test release",
) -> Release:
    draft = actions.release_define(
        by=by,
        title=title,
        year_from=years[0],
        year_to=years[1],
        breakdowns=breakdowns,
        epsilon=Decimal(epsilon),
        threshold=threshold,
    )
    return actions.release_publish(by=by, release=draft)
