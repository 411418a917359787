"""Who may use each statistics page (collected by the access walk in core).

Published statistics are public; the research view is for researchers and coordinators;
only coordinators define and publish releases; only organisation administrators upload.
A liaison gets the public pages and nothing else.
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from decimal import Decimal
from typing import Any

from harbour.stats import actions
from harbour.stats.models import Release
from harbour.stats.records import Upload
from harbour.testing import EVERYONE, Cast

EXPECTED: dict[str, AbstractSet[str]] = {
    "stats:dashboard": EVERYONE,
    "stats:ledger": EVERYONE,
    "stats:release_detail": EVERYONE,
    "stats:research": {"rhea", "cora"},
    "stats:research_csv": {"rhea", "cora"},
    "stats:releases": {"cora"},
    "stats:release_new": {"cora"},
    "stats:release_publish": {"cora"},
    "stats:release_discard": {"cora"},
    "stats:records_upload": {"alice", "omar"},
    "stats:upload_template": {"alice", "omar"},
    # The sample upload is Harbour House's: omar, another organisation's administrator, gets a 404.
    "stats:upload_withdraw": {"alice"},
}


def samples(cast: Cast) -> dict[str, dict[str, Any]]:
    published = Release.objects.filter(title="Walk: published", status=Release.Status.PUBLISHED).first()
    if published is None:
        draft = actions.release_define(
            by=cast.cora,
            title="Walk: published",
            year_from=2024,
            year_to=2024,
            breakdowns=["gender"],
            epsilon=Decimal("0.1"),
            threshold=10,
        )
        published = actions.release_publish(by=cast.cora, release=draft)
    draft, _ = Release.objects.get_or_create(
        title="Walk: draft",
        defaults={
            "year_from": 2024,
            "year_to": 2024,
            "breakdowns": ["gender"],
            "epsilon": Decimal("0.1"),
            "threshold": 10,
            "created_by": cast.cora,
        },
    )
    batch, _ = Upload.objects.get_or_create(
        organisation=cast.harbour_house, defaults={"uploaded_by": cast.alice, "row_count": 0}
    )
    return {
        "stats:release_detail": {"release_id": published.pk},
        "stats:release_publish": {"release_id": draft.pk},
        "stats:release_discard": {"release_id": draft.pk},
        "stats:upload_withdraw": {"upload_id": batch.pk},
    }
