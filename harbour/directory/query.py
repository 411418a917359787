"""Finding services: the one query layer under the HSDS API and the search pages.

The conditions both need are built here once: text (`text_condition`), taxonomy
terms (`carries_every_term`, `carries_any_term`), the box around a place
(`in_box`) and the distance (`squared_distance_km`). `search.py` adds the pages'
own filters (language, cost, hours, beds), ranks and assembles results on top.

Every filter narrows the result (filters combine with AND). Distance reads the
grid cells around the centre (`Location.cell`, copied with the point onto each
service at a location and indexed there) and the bounding box within them,
then orders by an equirectangular distance computed in SQL (accurate to well
under 1% at the distances a person travels), so a nearby search reads neither
the whole table nor a whole latitude band, and joins no other table.
Text search reads a trigram index (SQLite FTS5, PostgreSQL pg_trgm; migration
0020_search_speed) for every word of three letters or more. Needs and
populations compare search keys (`Service.key`, `Attribute.link_key`).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.db.models import Count, Exists, F, FloatField, Func, IntegerField, OuterRef, Q, QuerySet, Value, Window
from django.db.models.expressions import Combinable, ExpressionWrapper, RawSQL
from django.db.models.lookups import In

from harbour.directory import places
from harbour.directory.models import (
    CELL_ROW,
    CELLS_PER_DEGREE,
    Attribute,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from harbour.directory.places import Point, fold

KM_PER_DEGREE = math.pi * places.EARTH_RADIUS_KM / 180


@dataclass
class Near:
    point: Point
    radius_km: float


@dataclass
class ServiceFilter:
    """What a search asks for; empty fields do not filter."""

    search: str = ""
    taxonomy_term_ids: list[str] = field(default_factory=list)
    taxonomy_id: str = ""
    organization_id: str = ""
    modified_after: datetime.datetime | None = None
    near: Near | None = None
    active_only: bool = False


# A trigram index answers substrings of at least three characters.
MIN_INDEXED_WORD = 3
# Beyond this many grid cells (a radius of several hundred km) the bounding box alone is used.
MAX_CELLS = 400


def words(text: str) -> list[str]:
    return [w for w in text.split() if w][:8]


class _RowId(Func):
    """The SQLite rowid of the service row a `search_text` column reference belongs to.

    Compiled from the column itself, so it follows the query's table alias (in a join or a subquery).
    """

    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        sql, params = compiler.compile(self.source_expressions[0])
        column = connection.ops.quote_name("search_text")
        if not sql.endswith(column):
            raise ValueError(f"not a search_text column: {sql}")
        return sql[: -len(column)] + "rowid", list(params)


class Unindexed(Func):
    """An expression SQLite cannot look up in an index (a unary plus, SQLite's documented way to say so):
    the condition is then checked on rows another index gives, in that index's order."""

    template = "+(%(expressions)s)"


def text_condition(text: str, prefix: str = "", *, driving: bool = True) -> Q:
    """Every word appears in the service's name, other name or description (English or French).

    Words are matched folded (lower case, without accents) against `Service.search_text`, as a
    substring ("shelter" finds "shelters"). On PostgreSQL the trigram index serves `LIKE` directly. On
    SQLite the words of three letters or more are found in the FTS5 trigram table (a quoted word there
    matches exactly where it is a substring of the text), the shorter ones are checked on the rows found.
    Without `driving`, SQLite checks the text index's matches on rows found another way (`Unindexed`).
    """
    condition = Q()
    folded = words(fold(text))
    indexed = [w for w in folded if len(w) >= MIN_INDEXED_WORD]
    if indexed and connection.vendor == "sqlite":
        # fold() leaves only letters, digits and spaces: the quoted words are safe in an FTS5 query.
        match = " AND ".join(f'"{w}"' for w in indexed)
        found = RawSQL("SELECT rowid FROM directory_service_fts WHERE directory_service_fts MATCH %s", [match])  # noqa: S611 - the query is a parameter
        rowid = _RowId(F(f"{prefix}search_text"))
        condition &= Q(In(rowid if driving else Unindexed(rowid), found))
        folded = [w for w in folded if len(w) < MIN_INDEXED_WORD]
    for word in folded:
        condition &= Q(**{f"{prefix}search_text__contains": word})
    return condition


def with_term(term_id: str) -> QuerySet[Attribute, Any]:
    """Keys of the records carrying this taxonomy term, in key order (read from the (term, link_key) index)."""
    return Attribute.objects.filter(taxonomy_term_id=term_id).values("link_key")


def with_terms(term_ids: list[str]) -> QuerySet[Attribute, Any]:
    """Keys of the records carrying every one of these terms: the first term's keys that the others also hold."""
    first, *others = term_ids
    keys = Attribute.objects.filter(taxonomy_term_id=first)
    for term in others:
        keys = keys.filter(link_key__in=with_term(term))
    return keys.values("link_key")


def carries_every_term(term_ids: Sequence[str], key_ref: str, *, correlated: bool) -> list[Any]:
    """Conditions: the record whose search key `key_ref` names carries every one of these terms.

    Without a place, "key IN (keys carrying every term)": the terms' keys come sorted from the
    (term, link_key) index and are intersected there, as numbers, before any service is read (one
    "key IN" per term made PostgreSQL walk every service's key: 25 to 40 ms for three terms, 12 ms
    this way). Near a place (`correlated`) the location index drives and each candidate is checked
    with EXISTS (measured on SQLite and PostgreSQL, docs/performance.md).
    """
    terms = sorted(set(term_ids))
    if not terms:
        return []
    if correlated:
        return [Exists(Attribute.objects.filter(link_key=OuterRef(key_ref), taxonomy_term_id=term)) for term in terms]
    return [Q(**{f"{key_ref}__in": with_terms(terms)})]


def carries_any_term(term_ids: Sequence[str], key_ref: str, *, correlated: bool) -> Q:
    """The record whose search key `key_ref` names carries at least one of these terms.

    Near a place (`correlated`) each candidate probes the (taxonomy_term, link_key) index
    (EXISTS); without one, the records holding the terms drive (IN), instead of probing every record.
    """
    if correlated:
        return Q(Exists(Attribute.objects.filter(link_key=OuterRef(key_ref), taxonomy_term_id__in=term_ids)))
    return Q(**{f"{key_ref}__in": Attribute.objects.filter(taxonomy_term_id__in=term_ids).values("link_key")})


def with_taxonomy(taxonomy_id: str, prefix: str = "") -> Exists:
    terms = TaxonomyTerm.objects.filter(taxonomy_detail_id=taxonomy_id).values("id")
    return Exists(Attribute.objects.filter(link_id=OuterRef(f"{prefix}id"), taxonomy_term_id__in=terms))


def _service_conditions(f: ServiceFilter, prefix: str = "", correlated: bool = False) -> list[Any]:
    conditions: list[Any] = []
    if f.search.strip():
        conditions.append(text_condition(f.search, prefix))
    conditions += carries_every_term(f.taxonomy_term_ids, f"{prefix}key", correlated=correlated)
    if f.taxonomy_id:
        conditions.append(with_taxonomy(f.taxonomy_id, prefix))
    if f.organization_id:
        conditions.append(Q(**{f"{prefix}organization_id": f.organization_id}))
    if f.modified_after is not None:
        conditions.append(Q(**{f"{prefix}modified_at__gte": f.modified_after}))
    if f.active_only:
        conditions.append(Q(**{f"{prefix}status": Service.Status.ACTIVE}))
    return conditions


def squared_distance_km(
    point: Point, latitude: Combinable | None = None, longitude: Combinable | None = None
) -> ExpressionWrapper[Any]:
    """Squared equirectangular distance from `point`, in km², of the row's `latitude` and `longitude`
    (or the given expressions). Plain arithmetic, no trigonometry in SQL, so SQLite and PostgreSQL run
    the same query; exact enough to order and bound places within a few hundred kilometres."""
    scale = math.cos(math.radians(point.latitude))
    dy = ExpressionWrapper(
        ((latitude if latitude is not None else F("latitude")) - Value(point.latitude)) * Value(KM_PER_DEGREE),
        output_field=FloatField(),
    )
    dx = ExpressionWrapper(
        ((longitude if longitude is not None else F("longitude")) - Value(point.longitude))
        * Value(KM_PER_DEGREE * scale),
        output_field=FloatField(),
    )
    return ExpressionWrapper(dy * dy + dx * dx, output_field=FloatField())


def squared_distance_between(point: Point, other: Point) -> float:
    """`squared_distance_km` in Python, for a point the database cannot read (a confidential one)."""
    dy = (other.latitude - point.latitude) * KM_PER_DEGREE
    dx = (other.longitude - point.longitude) * KM_PER_DEGREE * math.cos(math.radians(point.latitude))
    return dy * dy + dx * dx


def cells(box: places.BoundingBox) -> list[int] | None:
    """The numbers of the grid cells (`Location.cell`) covering a box; None if there are too many."""
    rows = range(math.floor(box.min_latitude * CELLS_PER_DEGREE), math.floor(box.max_latitude * CELLS_PER_DEGREE) + 1)
    columns = range(
        math.floor(box.min_longitude * CELLS_PER_DEGREE), math.floor(box.max_longitude * CELLS_PER_DEGREE) + 1
    )
    if len(rows) * len(columns) > MAX_CELLS:
        return None
    return [row * CELL_ROW + column for row in rows for column in columns]


def in_box(point: Point, radius_km: float, prefix: str = "") -> Q:
    """Rows whose point (`<prefix>latitude`, `longitude`, `cell`) lies in the box around a circle.

    The indexed grid cells narrow it first (none when the box is too wide); the caller keeps the
    exact distance test. Used by the API, the pages and the coverage report.
    """
    box = places.bounding_box(point, radius_km)
    condition = Q(**{f"{prefix}latitude__gte": box.min_latitude, f"{prefix}latitude__lte": box.max_latitude}) & Q(
        **{f"{prefix}longitude__gte": box.min_longitude, f"{prefix}longitude__lte": box.max_longitude}
    )
    box_cells = cells(box)
    if box_cells is not None:
        condition = Q(**{f"{prefix}cell__in": box_cells}) & condition
    return condition


def services(f: ServiceFilter) -> QuerySet[Service]:
    """Services matching every filter, in key order (stable, and a number to sort: `Service.key`).

    With `near`, only services offered within the radius.
    """
    qs = Service.objects.filter(*_service_conditions(f))
    if f.near is not None:
        nearby = service_at_locations(ServiceFilter(near=f.near)).filter(service_id=OuterRef("id"))
        qs = qs.filter(Exists(nearby))
    return qs.order_by("key")


def service_at_locations(f: ServiceFilter) -> QuerySet[ServiceAtLocation]:
    """Services at locations matching every filter; with `near`, nearest first within the radius."""
    qs = ServiceAtLocation.objects.filter(*_service_conditions(f, "service__", correlated=f.near is not None))
    if f.near is None:
        return qs.order_by("id")
    # The location's point, as copied onto the service at a location (migration 0023): no join.
    qs = qs.filter(in_box(f.near.point, f.near.radius_km))
    qs = qs.annotate(d2=squared_distance_km(f.near.point))
    return qs.filter(d2__lte=f.near.radius_km**2).order_by("d2", "id")


def sorts_every_match(f: ServiceFilter) -> bool:
    """Whether the database reads and orders every match before it can return a page.

    A distance order sorts every location within reach; on SQLite a text search reads every
    matching row from the text index before ordering by key. The total then comes with the page
    (`count_and_page`) instead of costing a second pass. Otherwise an index serves the page in
    order (key or id) and stops after it, so a separate count is cheaper than sorting every match
    (on PostgreSQL a text search too: measured, docs/performance.md).
    """
    return f.near is not None or (bool(f.search.strip()) and connection.vendor == "sqlite")


def count_and_page(
    qs: QuerySet[Any], offset: int, limit: int, *, one_pass: bool = False, bound: int | None = None
) -> tuple[int, list[str]]:
    """The number of matches and the ids of those from `offset` to `offset + limit`, in order.

    With `one_pass`, the page's query also counts every match (`COUNT(*) OVER ()`, computed before
    LIMIT) and the database sorts ids, not whole rows; only a page past the end, which has no row to
    carry the count, asks for it again. With a `bound` (not with `one_pass`), the count stops there
    (`LIMIT bound` under the count): a total of `bound` means at least that many, and the page is read
    whatever the offset.
    """
    if not one_pass:
        total = qs.order_by()[:bound].count() if bound is not None else qs.count()
        past_the_end = offset >= total and (bound is None or total < bound)
        return total, [] if past_the_end else list(qs.values_list("id", flat=True)[offset : offset + limit])
    rows = list(qs.annotate(matches=Window(Count("*"))).values_list("id", "matches")[offset : offset + limit])
    if rows:
        return int(rows[0][1]), [row_id for row_id, _matches in rows]
    return (qs.count() if offset else 0), []


def organizations(search: str = "") -> QuerySet[Organization]:
    qs = Organization.objects.all()
    for word in words(search):
        qs = qs.filter(Q(name__icontains=word) | Q(alternate_name__icontains=word) | Q(description__icontains=word))
    return qs.order_by("id")


def taxonomy_terms(
    search: str = "", taxonomy_id: str = "", parent_id: str = "", top_only: bool = False
) -> QuerySet[TaxonomyTerm]:
    qs = TaxonomyTerm.objects.all()
    for word in words(search):
        qs = qs.filter(Q(name__icontains=word) | Q(code__icontains=word) | Q(description__icontains=word))
    if taxonomy_id:
        qs = qs.filter(taxonomy_detail_id=taxonomy_id)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    if top_only:
        qs = qs.filter(Q(parent_id__isnull=True) | Q(parent_id=""))
    return qs.order_by("id")
