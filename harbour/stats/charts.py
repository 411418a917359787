"""Bar charts of published tables, laid out on the server and drawn as SVG by a template.

Each chart is an image with a title and a description for screen readers, and the page
puts the same numbers in a table beside it; no script is involved. Bars show the
published (noisy) count, whiskers its 95% margin, and a suppressed count shows as text.
"""

from __future__ import annotations

from dataclasses import dataclass

from harbour.stats import vocabulary as v
from harbour.stats.models import Release, ReleaseCell, ReleaseTable

# Labels are as wide as the longest needs (about 6 units a character at font size 11), within bounds.
LABEL_CHARACTER = 6
LABEL_MIN, LABEL_MAX = 60, 300
BAR_AREA = 240
VALUE_WIDTH = 50
ROW_HEIGHT = 22
BAR_HEIGHT = 14
TOP = 8
VALUE_GAP = 6


@dataclass(frozen=True)
class Bar:
    label: str
    count: int | None
    y: int
    text_y: int
    mid_y: int
    width: int
    low_x: int
    high_x: int

    @property
    def value_x(self) -> int:
        return self.high_x + VALUE_GAP

    @property
    def suppressed(self) -> bool:
        return self.count is None


@dataclass(frozen=True)
class Row:
    """One line of the table beside the chart."""

    label: str
    count: int | None
    low: int | None
    high: int | None


@dataclass(frozen=True)
class Chart:
    table: ReleaseTable
    title: str
    bars: list[Bar]
    rows: list[Row]
    height: int
    width: int
    bar_x: int
    label_x: int
    threshold: int


def chart_for(table: ReleaseTable, cells: list[ReleaseCell], threshold: int) -> Chart:
    breakdown = v.BREAKDOWNS[table.breakdown]
    labels = [breakdown.category_label(cell.category) for cell in cells]
    label_width = min(max([len(label) for label in labels] or [0]) * LABEL_CHARACTER + 2 * VALUE_GAP, LABEL_MAX)
    label_width = max(label_width, LABEL_MIN)
    top = max([cell.count + table.margin for cell in cells if cell.count is not None] or [1])
    bars = []
    rows = []
    for index, (cell, label) in enumerate(zip(cells, labels, strict=True)):
        y = TOP + index * ROW_HEIGHT
        if cell.count is None:
            bars.append(Bar(label, None, y, y + BAR_HEIGHT - 2, y + BAR_HEIGHT // 2, 0, label_width, label_width))
            rows.append(Row(label, None, None, None))
            continue
        low, high = max(cell.count - table.margin, 0), cell.count + table.margin
        bars.append(
            Bar(
                label,
                cell.count,
                y,
                y + BAR_HEIGHT - 2,
                y + BAR_HEIGHT // 2,
                round(BAR_AREA * cell.count / top),
                label_width + round(BAR_AREA * low / top),
                label_width + round(BAR_AREA * high / top),
            )
        )
        rows.append(Row(label, cell.count, low, high))
    return Chart(
        table=table,
        title=str(breakdown.label),
        bars=bars,
        rows=rows,
        height=TOP * 2 + len(cells) * ROW_HEIGHT,
        width=label_width + BAR_AREA + VALUE_WIDTH,
        bar_x=label_width,
        label_x=label_width - VALUE_GAP,
        threshold=threshold,
    )


def charts_for(release: Release) -> list[Chart]:
    """Charts of a published release's tables; its tables and their cells must be prefetched."""
    return [chart_for(table, list(table.cells.all()), release.threshold) for table in release.tables.all()]
