"""Published statistics: the public dashboard, releases, their CSV and manifest, the budget ledger,
and the researchers' view.

These pages read only published releases and the ledger (`harbour.stats.models`), never
the records: this module must not import `harbour.stats.records`, directly or through
another module (`tests/test_layering.py`).
"""

from __future__ import annotations

import csv
import json
from decimal import Decimal

from django.db.models import Prefetch, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from harbour.core import access
from harbour.core.roles import STATISTICS_READERS
from harbour.stats import vocabulary as v
from harbour.stats.charts import charts_for
from harbour.stats.models import BudgetYear, LedgerEntry, Release, ReleaseCell, ReleaseTable

THOUSANDTH = Decimal("0.001")
CSV_COLUMNS = (
    "release",
    "title",
    "published",
    "years",
    "breakdown",
    "category",
    "label",
    "count",
    "suppressed",
    "threshold",
    "margin_95",
    "table_epsilon",
    "noise_scale",
)


def _published() -> list[Release]:
    return list(Release.objects.published())


def _published_with_tables(release_id: int | None = None) -> list[Release]:
    releases = Release.objects.published().prefetch_related(
        Prefetch(
            "tables",
            queryset=ReleaseTable.objects.order_by("position").prefetch_related(
                Prefetch("cells", queryset=ReleaseCell.objects.order_by("position"))
            ),
        )
    )
    if release_id is not None:
        releases = releases.filter(pk=release_id)
    return list(releases)


def _one_published(release_id: int) -> Release:
    found = _published_with_tables(release_id)
    if not found:
        raise Http404
    return found[0]


@access.public
def dashboard(request: HttpRequest) -> HttpResponse:
    releases = _published()
    latest = _one_published(releases[0].pk) if releases else None
    return render(
        request,
        "stats/dashboard.html",
        {
            "releases": releases,
            "latest": latest,
            "charts": charts_for(latest) if latest else [],
        },
    )


@access.public
def release_detail(request: HttpRequest, release_id: int) -> HttpResponse:
    """A published release; `?format=csv` for its numbers, `?format=json` for its manifest (downloads)."""
    requested = request.GET.get("format")
    if requested == "json":
        return _manifest_response(get_object_or_404(Release.objects.published(), pk=release_id))
    release = _one_published(release_id)
    if requested == "csv":
        return _csv_response([release], f"harbour-statistics-{release_id}.csv")
    return render(
        request,
        "stats/release_detail.html",
        {"release": release, "charts": charts_for(release)},
    )


def _csv_rows(releases: list[Release]) -> list[list[object]]:
    rows: list[list[object]] = []
    for release in releases:
        published = release.published_at.date().isoformat() if release.published_at else ""
        for table in release.tables.all():
            breakdown = v.BREAKDOWNS[table.breakdown]
            for cell in table.cells.all():
                rows.append(
                    [
                        release.pk,
                        release.title,
                        published,
                        f"{release.year_from}-{release.year_to}",
                        table.breakdown,
                        cell.category,
                        breakdown.category_label(cell.category),
                        "" if cell.count is None else cell.count,
                        "yes" if cell.count is None else "no",
                        release.threshold,
                        table.margin,
                        f"{table.epsilon:.6g}",
                        f"{table.scale:.6g}",
                    ]
                )
    return rows


def _csv_response(releases: list[Release], filename: str) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(_csv_rows(releases))
    return response


def _manifest_response(release: Release) -> HttpResponse:
    response = HttpResponse(
        json.dumps(release.manifest, indent=2, sort_keys=True), content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="harbour-statistics-{release.pk}-manifest.json"'
    return response


@access.public
def ledger(request: HttpRequest) -> HttpResponse:
    budgets = list(BudgetYear.objects.annotate(spent_total=Sum("entries__epsilon")).order_by("-year"))
    entries = list(
        LedgerEntry.objects.select_related("budget", "release").order_by("-budget__year", "release__published_at")
    )
    by_year: dict[int, list[LedgerEntry]] = {}
    for entry in entries:
        by_year.setdefault(entry.budget_id, []).append(entry)
    years = []
    for budget in budgets:
        spent = Decimal(budget.spent_total or 0).quantize(THOUSANDTH)
        years.append(
            {
                "year": budget.year,
                "budget": budget.epsilon,
                "spent": spent,
                "remaining": budget.epsilon - spent,
                "entries": by_year.get(budget.pk, []),
            }
        )
    return render(request, "stats/ledger.html", {"years": years})


@access.members(*STATISTICS_READERS)
def research(request: HttpRequest) -> HttpResponse:
    releases = _published_with_tables()
    return render(request, "stats/research.html", {"releases": releases})


@access.members(*STATISTICS_READERS)
def research_csv(request: HttpRequest) -> HttpResponse:
    return _csv_response(_published_with_tables(), "harbour-statistics-all-releases.csv")
