"""The release engine: true counts in SQL, then OpenDP's discrete Laplace noise, then suppression.

This is the only code that reads the records for a release. Each breakdown is one table
over its whole public category list, zeros included. The release's epsilon is split
evenly between its tables (sequential composition); within a table, one person changes
at most `sensitivity` counts by one, so the noise scale is sensitivity / epsilon, and
OpenDP itself confirms the privacy loss of each table (`Measurement.map`). Delta is 0:
pure differential privacy.

A noisy count below the release's threshold is published as suppressed ("fewer than
N"); that is post-processing, and costs no privacy. The margin is the 95% accuracy
OpenDP states for the table's scale: the noise on each count is within plus or minus
the margin 19 times out of 20.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version

import opendp.prelude as dp
from django.db.models import Count, Q

from harbour.stats import vocabulary as v
from harbour.stats.records import StatisticsRecord

dp.enable_features("contrib")

CONFIDENCE = 0.95
MECHANISM = "discrete Laplace (opendp.measurements.make_laplace on integer vectors, L1 distance)"


@cache
def opendp_version() -> str:
    return version("opendp")


@dataclass(frozen=True)
class Table:
    breakdown: str
    epsilon: float
    sensitivity: int
    scale: float
    margin: int
    # (category code, published count or None when suppressed), in the public list's order.
    cells: list[tuple[str, int | None]]


def true_counts(breakdown: v.Breakdown, year_from: int, year_to: int) -> list[tuple[str, int]]:
    """Every category of the breakdown's public list with its exact count, in one GROUP BY query."""
    records = StatisticsRecord.objects.filter(year_of_registration__gte=year_from, year_of_registration__lte=year_to)
    categories = [code for code, _label in breakdown.categories_for(year_from, year_to)]
    if breakdown.multi:
        found = records.aggregate(
            **{code: Count("pk", filter=Q(**{v.FORM_COLUMNS[code]: True})) for code in categories}
        )
    else:
        rows = records.order_by().values_list(breakdown.column).annotate(n=Count("pk"))
        found = {str(value): n for value, n in rows}
    return [(code, int(found.get(code) or 0)) for code in categories]


def noise_scale(*, sensitivity: int, epsilon: float) -> float:
    return sensitivity / epsilon


def margin_for(scale: float) -> int:
    """Plus or minus this holds the noise 95% of the time (OpenDP's accuracy for the discrete Laplace)."""
    accuracy = float(dp.discrete_laplacian_scale_to_accuracy(scale=scale, alpha=1 - CONFIDENCE))
    return math.floor(accuracy)


def laplace(size: int, scale: float) -> dp.Measurement:
    return dp.m.make_laplace(dp.vector_domain(dp.atom_domain(T=int), size=size), dp.l1_distance(T=int), scale=scale)


def noisy_table(breakdown: v.Breakdown, counts: list[tuple[str, int]], *, epsilon: float, threshold: int) -> Table:
    scale = noise_scale(sensitivity=breakdown.sensitivity, epsilon=epsilon)
    measurement = laplace(len(counts), scale)
    spent = float(measurement.map(breakdown.sensitivity))  # type: ignore[no-untyped-call]
    if spent > epsilon * (1 + 1e-9):
        raise ValueError(f"OpenDP puts the {breakdown.code} table's loss at {spent}, above its share {epsilon}")
    noisy = measurement([count for _code, count in counts])
    cells = [(code, value if value >= threshold else None) for (code, _count), value in zip(counts, noisy, strict=True)]
    return Table(breakdown.code, spent, breakdown.sensitivity, scale, margin_for(scale), cells)


def compute(*, year_from: int, year_to: int, breakdowns: list[str], epsilon: float, threshold: int) -> list[Table]:
    """The published tables of a release; `epsilon` is the whole release's, split evenly."""
    share = epsilon / len(breakdowns)
    tables = []
    for code in breakdowns:
        breakdown = v.BREAKDOWNS[code]
        counts = true_counts(breakdown, year_from, year_to)
        tables.append(noisy_table(breakdown, counts, epsilon=share, threshold=threshold))
    return tables
