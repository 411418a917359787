"""The call log as counts only: what the statistics may read about the hotline.

Nothing here returns a call, a note or an organisation; only how many calls share
the values of the fields asked for. The stats app applies its own suppression and
noise before anything is published.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Count

from harbour.respond.models import Call

# The fields counts may be broken down by. The note (free text) and the organisation are not among them.
COUNTABLE = ("province", "language", "topic", "interpreter", "outcome", "referral_made")


def call_counts(
    *, since: datetime.datetime, until: datetime.datetime, by: Iterable[str] = ()
) -> list[dict[str, object]]:
    """How many calls began in [since, until), broken down by the fields in `by` (each from COUNTABLE).

    Returns one dict per combination present, with the fields' values and `calls`, the count;
    with `by` empty, one dict with the total.
    """
    fields = list(by)
    unknown = set(fields) - set(COUNTABLE)
    if unknown:
        raise ValueError(f"calls can be counted by {COUNTABLE}, not {sorted(unknown)}")
    calls = Call.system_objects.filter(hour__gte=since, hour__lt=until)
    if not fields:
        return [{"calls": calls.count()}]
    rows = calls.values(*fields).annotate(calls=Count("id")).order_by(*fields)
    return [dict(row) for row in rows]
