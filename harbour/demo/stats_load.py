"""Invented statistics for the demo network, loaded once: records from its organisations and two releases.

Every record is invented (`harbour.stats.generated`); the releases go through the real engine,
so their noise, suppression and ledger entries are real.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import transaction

from harbour.network.models import Member, Organisation
from harbour.stats import actions
from harbour.stats import vocabulary as v
from harbour.stats.generated import COLUMNS, generated_rows
from harbour.stats.models import Release
from harbour.stats.records import StatisticsRecord

DEMO_RECORDS = 4000
DEMO_RELEASES = [
    ("National picture 2025 (demo)", 2025, 2025, list(v.BREAKDOWNS), "0.5"),
    ("Provinces and forms of exploitation 2021–2024 (demo)", 2021, 2024, ["year", "province", "form"], "0.3"),
]


def demo_statistics_load() -> int:
    """The number of records loaded: 0 when a release is already published or the demo network is missing."""
    if Release.objects.published().exists():
        return 0
    coordinator = Member.objects.filter(organisation__is_demo=True, role="coordinator").first()
    organisations = list(
        Organisation.objects.filter(is_demo=True, vetting_status=Organisation.Vetting.VETTED)
        .exclude(kind__in=[*Organisation.STATE_KINDS, Organisation.Kind.ACADEMIC])
        .values_list("pk", flat=True)
    )
    if coordinator is None or not organisations:
        return 0
    with transaction.atomic():
        StatisticsRecord.objects.bulk_create(
            StatisticsRecord(**dict(zip(COLUMNS, row, strict=True)))
            for row in generated_rows(DEMO_RECORDS, organisations, seed=2026)
        )
        for title, first, last, breakdowns, epsilon in DEMO_RELEASES:
            draft = actions.release_define(
                by=coordinator, title=title, year_from=first, year_to=last, breakdowns=breakdowns,
                epsilon=Decimal(epsilon), threshold=settings.HARBOUR_STATS_THRESHOLD,
            )  # fmt: skip
            actions.release_publish(by=coordinator, release=draft)
    return DEMO_RECORDS
