"""Writes of the statistics app: defining and publishing releases, uploads, contributions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from harbour.network.models import Member, Organisation
from harbour.stats import contributions, engine, upload
from harbour.stats import vocabulary as v
from harbour.stats.models import BudgetYear, LedgerEntry, Release, ReleaseCell, ReleaseTable
from harbour.stats.records import StatisticsRecord, Upload

MANIFEST_FORMAT = "harbour-statistics-release/1"
THOUSANDTH = Decimal("0.001")


class ReleaseRefused(Exception):
    """A release that cannot be published; the message says why, in the reader's language."""


@dataclass(frozen=True)
class BudgetShortfall:
    year: int
    remaining: Decimal


def release_define(
    *,
    by: Member,
    title: str,
    year_from: int,
    year_to: int,
    breakdowns: list[str],
    epsilon: Decimal,
    threshold: int,
) -> Release:
    """A draft release: what will be counted, and at what privacy cost. Nothing is computed yet."""
    unknown = [code for code in breakdowns if code not in v.BREAKDOWNS]
    if unknown or not breakdowns:
        raise ValueError(f"unknown breakdowns {unknown}")
    if year_from > year_to:
        raise ValueError("the first year comes after the last")
    return Release.objects.create(
        title=title,
        year_from=year_from,
        year_to=year_to,
        breakdowns=[code for code in v.BREAKDOWNS if code in breakdowns],
        epsilon=epsilon,
        threshold=threshold,
        created_by=by,
    )


def budget_years(years: range) -> list[BudgetYear]:
    """Each year's budget row, locked for the transaction; a year drawn on for the first time gets today's setting."""
    for year in years:
        BudgetYear.objects.get_or_create(year=year, defaults={"epsilon": settings.HARBOUR_STATS_YEARLY_EPSILON})
    return list(BudgetYear.objects.select_for_update().filter(year__in=list(years)).order_by("year"))


def budget_shortfalls(budgets: list[BudgetYear], epsilon: Decimal) -> list[BudgetShortfall]:
    spent = dict(
        LedgerEntry.objects.filter(budget__in=budgets)
        .values_list("budget_id")
        .annotate(total=Sum("epsilon"))
        .values_list("budget_id", "total")
    )
    shortfalls = []
    for budget in budgets:
        remaining = (budget.epsilon - Decimal(spent.get(budget.pk) or 0)).quantize(THOUSANDTH)
        if epsilon > remaining:
            shortfalls.append(BudgetShortfall(budget.year, remaining))
    return shortfalls


def release_publish(*, by: Member, release: Release) -> Release:
    """Draws the noise, writes the tables, the manifest and the ledger, all at once; refuses over budget.

    Raises ReleaseRefused when the release is already published or any year of its period
    lacks the budget; nothing is written then.
    """
    with transaction.atomic():
        locked = Release.objects.select_for_update().get(pk=release.pk)
        if locked.is_published:
            raise ReleaseRefused(_("This release is already published; published releases never change."))
        # Cases count as their statistics consent stands now: new consents in, withdrawn or expired ones out.
        contributions.cases_sync()
        budgets = budget_years(locked.years)
        shortfalls = budget_shortfalls(budgets, locked.epsilon)
        if shortfalls:
            raise ReleaseRefused(
                _("Not enough privacy budget left for this release (epsilon %(epsilon)s): %(years)s.")
                % {
                    "epsilon": locked.epsilon,
                    "years": "; ".join(
                        _("%(year)s has %(remaining)s left") % {"year": s.year, "remaining": s.remaining}
                        for s in shortfalls
                    ),
                }
            )
        tables = engine.compute(
            year_from=locked.year_from,
            year_to=locked.year_to,
            breakdowns=list(locked.breakdowns),
            epsilon=float(locked.epsilon),
            threshold=locked.threshold,
        )
        now = timezone.now()
        for position, table in enumerate(tables):
            row = ReleaseTable.objects.create(
                release=locked,
                position=position,
                breakdown=table.breakdown,
                epsilon=table.epsilon,
                sensitivity=table.sensitivity,
                scale=table.scale,
                margin=table.margin,
            )
            ReleaseCell.objects.bulk_create(
                ReleaseCell(table=row, position=index, category=code, count=count)
                for index, (code, count) in enumerate(table.cells)
            )
        LedgerEntry.objects.bulk_create(
            LedgerEntry(budget=budget, release=locked, epsilon=locked.epsilon) for budget in budgets
        )
        locked.manifest = release_manifest(locked, tables, published=now)
        locked.status = Release.Status.PUBLISHED
        locked.published_at = now
        locked.save(update_fields=["manifest", "status", "published_at"])
    return locked


def release_manifest(release: Release, tables: list[engine.Table], *, published: Any) -> dict[str, Any]:
    return {
        "format": MANIFEST_FORMAT,
        "title": release.title,
        "published": published.date().isoformat(),
        "years": [release.year_from, release.year_to],
        "epsilon": str(release.epsilon),
        "delta": 0,
        "composition": "sequential: the release's epsilon split evenly between its tables",
        "mechanism": engine.MECHANISM,
        "library": "opendp",
        "library_version": engine.opendp_version(),
        "breakdowns": list(release.breakdowns),
        "threshold": release.threshold,
        "suppression": f"a noisy count below {release.threshold} is published as suppressed",
        "confidence": engine.CONFIDENCE,
        "tables": [
            {
                "breakdown": table.breakdown,
                "epsilon": table.epsilon,
                "sensitivity": table.sensitivity,
                "scale": table.scale,
                "margin": table.margin,
                "categories": [code for code, _count in table.cells],
            }
            for table in tables
        ],
    }


def release_discard(*, by: Member, release: Release) -> None:
    """Deletes a draft; a published release cannot be discarded (its ledger entries protect it)."""
    if release.is_published:
        raise ReleaseRefused(_("This release is already published; published releases never change."))
    release.delete()


def records_upload(*, by: Member, data: bytes) -> tuple[Upload | None, upload.Parsed]:
    """Imports every row of the file for the member's organisation, or none when any row is bad."""
    parsed = upload.parse(data)
    if not parsed.ok:
        return None, parsed
    organisation: Organisation = by.organisation
    with transaction.atomic():
        batch = Upload.objects.create(organisation=organisation, uploaded_by=by, row_count=len(parsed.records))
        StatisticsRecord.objects.bulk_create(
            (
                StatisticsRecord(
                    source=StatisticsRecord.Source.UPLOAD, organisation=organisation, upload=batch, **values
                )
                for values in parsed.records
            ),
            batch_size=2000,
        )
    return batch, parsed


def upload_withdraw(*, by: Member, batch: Upload) -> int:
    """Removes an uploaded file's records from every future release."""
    if batch.organisation_id != by.organisation_id:
        raise PermissionError("another organisation's upload")
    count = batch.row_count
    batch.delete()
    return count
