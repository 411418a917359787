"""The one directory search every page uses: the public search, the members' search and the hotline.

It builds on the query layer the API uses (`query.py`: text, terms, the box
around a place, distance), adds the pages' own filters, and ranks and
assembles the results.

How it stays fast at 100,000 services: the database does the narrowing. A
search by place reads the grid cells and bounding box around the place from each
service at a location's own copy of its location's public point (no join); each
filter is an EXISTS on an indexed link; distance is an equirectangular
approximation written in plain arithmetic (no trigonometry in SQL, so SQLite and
PostgreSQL run the same query). Each service's nearest location is kept in one
pass in Python, so a service with many locations appears once (grouping in SQL
was measured too: faster for wide searches, slower for the common ones). Only
the page of results being shown is then loaded in full, and its distances are
recomputed exactly (haversine) in Python.

Nothing here logs or stores the place searched from.
"""

from __future__ import annotations

import datetime
import functools
import heapq
import json
import math
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.db import connection, models
from django.db.models import (
    BooleanField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.base import ModelState
from django.db.models.lookups import In
from django.utils import formats, timezone

from harbour.directory import confidential, places, vocabulary
from harbour.directory import query as query_layer
from harbour.directory.confidential import OpenAddress
from harbour.directory.models import (
    Address,
    Attribute,
    BedAvailability,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
)
from harbour.directory.places import Point

KM_PER_DEGREE = query_layer.KM_PER_DEGREE
DEFAULT_RADIUS_KM = 50.0
RADIUS_CHOICES_KM = (5, 10, 25, 50, 100, 250, 500)
MAX_RADIUS_KM = 1000.0
# A confidential location's public point is its postal area's or city's centre; its
# real point may lie this far away, so members' searches look this much wider.
CONFIDENTIAL_MARGIN_KM = 30.0
BEDS_FRESH_FOR = datetime.timedelta(days=1)
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
# HSDS gives a schedule's time zone as a UTC offset; in Canada each standard offset names
# one zone, whose clock (with daylight time) is what a service's hours are written in.
ZONES_BY_OFFSET = {
    -3.5: "America/St_Johns",
    -4.0: "America/Halifax",
    -5.0: "America/Toronto",
    -6.0: "America/Winnipeg",
    -7.0: "America/Edmonton",
    -8.0: "America/Vancouver",
}
# Schedules without a time zone are read in their place's (see `_open_at_schedules`).
# A page in name order walks the name index when that reads fewer than this many services per match
# (`walks_name_order`): a step of the walk (an index entry and a probe of the terms' index) was measured
# at about half the cost of reading and sorting one match (docs/performance.md).
NAME_WALK_READS_PER_MATCH = 2
# A walk of the name index reads at most this many times the names that matches spread evenly would need
# (`_by_name`): past that the matches cluster, and they are sorted instead.
WALK_SLACK = 4
# The pages count the services a search finds up to this many and beyond it say "more than": nobody reads
# a thousand results, and counting them all made the count, not the page, the search's cost (16,000
# matches of a common word at 100,000 services). The API's `total_items` stays exact (api.py).
COUNT_BOUND = 1000
# A search by place first reads this fraction of its radius, and the whole radius only when the ring does not
# fill the page (in a city the first twenty services are a few kilometres away): see `_nearest_page`.
RING_FRACTION = 1 / 8
# On SQLite, at least the number of services (rows are numbered from 1; a deleted row's number may stay used).
_LARGEST_SERVICE_ROWID = 'SELECT MAX(rowid) FROM "directory_service"'


@dataclass(frozen=True)
class SearchQuery:
    """What someone asks for. Empty values mean "any"; kinds of filter combine with AND."""

    text: str = ""
    origin: Point | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    needs: frozenset[str] = frozenset()
    populations: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    free: bool = False
    open_now: bool = False
    always_open: bool = False
    status_safe: bool = False
    has_place_now: bool = False
    # Members only: rank confidential locations by their real point and return their addresses.
    include_confidential: bool = False

    @property
    def is_empty(self) -> bool:
        """Nothing asked: no place, no text, no filter."""
        return (
            self.origin is None
            and not self.text.strip()
            and not (self.needs or self.populations or self.languages)
            and not (self.free or self.open_now or self.always_open or self.status_safe or self.has_place_now)
        )

    @property
    def narrowed(self) -> bool:
        """Text or a filter, besides any place."""
        return not replace(self, origin=None).is_empty


@dataclass
class Beds:
    places_available: int | None  # None: unknown (never posted, or older than a day)
    updated_at: datetime.datetime | None


@dataclass
class Result:
    """One service, at its nearest location, with everything needed to reach it."""

    service: Service
    location: Location | None
    distance_km: float | None
    phones: list[Phone]
    schedules: list[Schedule]
    # The street address, or None when the location is confidential and the reader may not see it.
    address: str | None
    confidential: bool
    confidential_address: OpenAddress | None
    city: str
    needs: list[vocabulary.Term]
    populations: list[vocabulary.Term]
    status_safe: bool
    free: bool
    always_open: bool
    open_now: bool
    languages: list[str]
    beds: Beds | None = None
    other_locations: int = 0

    @property
    def website(self) -> str | None:
        return self.service.url or (self.service.organization.website if self.service.organization else None)


@dataclass
class SearchResults:
    results: list[Result]
    # The services found, exactly up to COUNT_BOUND; above it at least that many (`more_than_bound`).
    total: int
    query: SearchQuery
    offset: int = 0
    limit: int = 20
    has_next: bool = False

    @property
    def more_than_bound(self) -> bool:
        return self.total > COUNT_BOUND

    @property
    def bound(self) -> str:
        """COUNT_BOUND as the reader's language writes it (1,000 in English, 1 000 in French)."""
        return formats.number_format(COUNT_BOUND, force_grouping=True)

    @property
    def has_previous(self) -> bool:
        return self.offset > 0


# --- filters --------------------------------------------------------------------------


def _term_ids(taxonomy: vocabulary.Taxonomy, codes: Iterable[str]) -> list[str]:
    return [term.id for code in codes if (term := vocabulary.term_by_code(taxonomy.key, code))]


def _is_free(ref: str = "service_id") -> Q:
    free = Exists(CostOption.objects.filter(service_id=OuterRef(ref), amount=0))
    paid = Exists(CostOption.objects.filter(service_id=OuterRef(ref), amount__gt=0))
    return Q(free) & ~Q(paid)


def _always_open_schedules() -> Q:
    days = Q()
    for day in WEEKDAYS:
        days &= Q(byday__contains=day)
    until_midnight = Q(closes_at__startswith="23:59") | Q(closes_at__startswith="24:00")
    return days & Q(opens_at__startswith="00:00") & until_midnight


def _open_in(zone: str | None, now: datetime.datetime) -> Q:
    local = timezone.localtime(now, zoneinfo.ZoneInfo(zone) if zone else None)
    clock = local.strftime("%H:%M:%S")
    same_day = Q(opens_at__lte=clock) & (Q(closes_at__gt=clock) | Q(closes_at__startswith="23:59"))
    return Q(byday__contains=WEEKDAYS[local.weekday()]) & same_day


def _clock_groups(now: datetime.datetime) -> list[tuple[str, list[str]]]:
    """The provinces, grouped by the day and time their clocks read at `now`, each group with one of its zones."""
    groups: dict[tuple[int, str], tuple[str, list[str]]] = {}
    for province, zone in sorted(places.PROVINCE_ZONES.items()):
        local = timezone.localtime(now, zoneinfo.ZoneInfo(zone))
        groups.setdefault((local.weekday(), local.strftime("%H:%M:%S")), (zone, []))[1].append(province)
    return list(groups.values())


def _addresses_in(spellings: list[str], **owner: Any) -> Exists:
    return Exists(Address.objects.filter(state_province__in=spellings, **owner))


def _open_at_schedules(now: datetime.datetime) -> Q:
    """Schedules open at `now`, each read on the clock of the place it is kept in.

    A schedule with a time zone is read in it. Without one, a location's schedule is read in its province's
    zone (from the location's address), else its organisation's; a service's schedule in the zone of one of
    its locations, else its organisation's, else its service area's (a province named); what names no
    province is read in Harbour's own (settings.TIME_ZONE). `_is_open_at` reads a page's results the same way.
    """
    condition = Q()
    for offset, zone in ZONES_BY_OFFSET.items():
        condition |= Q(timezone=offset) & _open_in(zone, now)

    def at_location(spellings: list[str]) -> Exists:
        return _addresses_in(spellings, location_id=OuterRef("location_id"))

    def location_organisation(spellings: list[str]) -> Exists:
        return _addresses_in(spellings, location__organization_id=OuterRef("location__organization_id"))

    def service_locations(spellings: list[str]) -> Exists:
        return _addresses_in(spellings, location__service_at_locations__service_id=OuterRef("service_id"))

    def service_organisation(spellings: list[str]) -> Exists:
        return _addresses_in(spellings, location__organization_id=OuterRef("service__organization_id"))

    def service_area(spellings: list[str]) -> Exists:
        return Exists(ServiceArea.objects.filter(service_id=OuterRef("service_id"), name__in=spellings))

    # Each source of a place is one OR over the clock groups: the clock first (where the hours do not match,
    # no place is looked up), then whether the place is in that group; the next source counts only where
    # this one names no province at all. A service with locations in several zones is open at any of them.
    by_location, by_location_organisation = Q(), Q()
    by_service_location, by_service_organisation, by_service_area = Q(), Q(), Q()
    for zone, provinces in _clock_groups(now):
        spellings = _province_spellings(provinces)
        clock = _open_in(zone, now)
        by_location |= clock & Q(at_location(spellings))
        by_location_organisation |= clock & Q(location_organisation(spellings))
        by_service_location |= clock & Q(service_locations(spellings))
        by_service_organisation |= clock & Q(service_organisation(spellings))
        by_service_area |= clock & Q(service_area(spellings))
    every = _province_spellings(places.PROVINCE_ZONES)
    harbour_clock = _open_in(None, now)
    of_location = Q(timezone__isnull=True, location_id__isnull=False) & (
        by_location
        | (~Q(at_location(every)) & (by_location_organisation | (~Q(location_organisation(every)) & harbour_clock)))
    )
    of_service = Q(timezone__isnull=True, location_id__isnull=True) & (
        by_service_location
        | (
            ~Q(service_locations(every))
            & (
                by_service_organisation
                | (~Q(service_organisation(every)) & (by_service_area | (~Q(service_area(every)) & harbour_clock)))
            )
        )
    )
    return condition | of_location | of_service


@functools.cache
def _all_spellings() -> dict[str, tuple[str, ...]]:
    """The ways an address writes each province: its code and its English and French names, as written or upper case."""
    return {
        code: tuple(sorted({code, code.lower(), *names, *(name.upper() for name in names)}))
        for code, names in places.PROVINCE_NAMES.items()
    }


def _province_spellings(codes: Iterable[str]) -> list[str]:
    return sorted({name for code in codes for name in _all_spellings()[code]})


def _schedule_exists(condition: Q, service_ref: str, location_ref: str | None) -> Q:
    """A schedule of the service, or of its location (of any of its locations, for a search with no place)."""
    by_service = Exists(Schedule.objects.filter(condition, service_id=OuterRef(service_ref)))
    if location_ref is None:
        locations = ServiceAtLocation.objects.filter(service_id=OuterRef(OuterRef(service_ref))).values("location_id")
        return Q(by_service) | Q(Exists(Schedule.objects.filter(condition, location_id__in=locations)))
    by_location = Exists(Schedule.objects.filter(condition, location_id=OuterRef(location_ref)))
    return Q(by_service) | Q(by_location)


def _text_filter(text: str, prefix: str, *, near_place: bool, driving: bool = True) -> Q:
    """Every word is in the service's names or descriptions (either language, as the API matches them),
    or in its organisation's name. Without `driving` (SQLite), neither index gives the rows: they are checked
    on rows read in another index's order (`_by_name`)."""
    condition = Q()
    for word in query_layer.words(text):
        # The API's text condition, so the pages use the same text index (FTS5 or pg_trgm); the
        # organisations are matched on their own (a few thousand names) and joined by their index.
        by_organisation = Organization.objects.filter(name__icontains=word).values("id")
        if connection.vendor == "postgresql" and not near_place:
            # As an array read once before the scan, the organisations' services come from the link's index and
            # the text's from the trigram index, together (a bitmap OR), and the planner estimates the matches
            # from both indexes: with "IN (subquery)" PostgreSQL tested every service against the subquery's
            # hash (a whole scan of the table to count the matches, and a walk of the whole name index for a
            # page of a rare word). Near a place the rows within reach are tested one by one, where the hash
            # is cheaper than an array of a thousand organisations ("harbour") searched per row.
            of_organisation = Q(_InArray(F(f"{prefix}organization_id"), Subquery(by_organisation)))
        elif driving:
            of_organisation = Q(**{f"{prefix}organization_id__in": by_organisation})
        else:
            of_organisation = Q(In(query_layer.Unindexed(F(f"{prefix}organization_id")), by_organisation))
        condition &= query_layer.text_condition(word, prefix, driving=driving) | of_organisation
    return condition


class _InArray(Func):
    """`column = ANY(ARRAY(subquery))` (PostgreSQL): true where the column holds one of the subquery's values."""

    output_field = BooleanField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        column, subquery = self.source_expressions
        column_sql, column_params = compiler.compile(column)
        subquery_sql, subquery_params = compiler.compile(subquery)
        return f"{column_sql} = ANY(ARRAY{subquery_sql})", [*column_params, *subquery_params]


def _service_active(ref: str) -> Q:
    """The service `ref` names is active: it is none of the services that are not (a short list, read once from
    the `(status, name, id, key)` index), so each row within reach of a place is checked without reading its service.

    The two sides of "active" are two reads of that index (UNION ALL); as one OR, PostgreSQL read them through a
    bitmap and then the services' own rows for their ids: 4.4 instead of 0.8 ms at 2,900 inactive services."""
    active = Service.Status.ACTIVE
    services = Service.objects.values("id")
    others = services.filter(status__lt=active).union(services.filter(status__gt=active), all=True)
    return ~Q(**{f"{ref}__in": others})


def _service_filters(
    query: SearchQuery,
    ref: str,
    prefix: str,
    location_ref: str | None,
    *,
    terms_per_row: bool = False,
    walk_names: bool = False,
) -> Q:
    """The filters about the service itself; `ref` names its id and `prefix` its fields from the row searched.

    Near a place, or with `terms_per_row`, each row's terms are checked on its key (EXISTS); otherwise the
    terms' keys drive (IN). With `walk_names`, the terms and the text are checked on each row (SQLite,
    `_by_name`).
    """
    by_place = location_ref is not None or terms_per_row or walk_names
    key = f"{prefix}key"
    # Near a place, without joining the service for its status (see `_service_active`).
    active = _service_active(ref) if location_ref is not None else Q(**{f"{prefix}status": Service.Status.ACTIVE})
    condition = active
    if query.text.strip():
        condition &= _text_filter(query.text, prefix, near_place=location_ref is not None, driving=not walk_names)
    if query.needs:
        condition &= query_layer.carries_any_term(
            _term_ids(vocabulary.NEEDS_TAXONOMY, query.needs), key, correlated=by_place
        )
    if query.populations:
        condition &= query_layer.carries_any_term(
            _term_ids(vocabulary.POPULATIONS_TAXONOMY, query.populations), key, correlated=by_place
        )
    if query.status_safe:
        for term in vocabulary.SAFETY:
            condition &= query_layer.carries_any_term([term.id], key, correlated=by_place)
    if query.languages:
        condition &= _speaks(query.languages, ref, location_ref)
    if query.free:
        condition &= _is_free(ref)
    if query.always_open:
        condition &= _schedule_exists(_always_open_schedules(), ref, location_ref)
    if query.open_now:
        condition &= _schedule_exists(_open_at_schedules(timezone.now()), ref, location_ref)
    return condition


def _language_codes(codes: Iterable[str]) -> Q:
    """Language rows in any of these languages, however the directory wrote the code (ISO 639-1, -2 or -3,
    any case, with or without a region)."""
    condition = Q()
    for base in sorted({spelling for code in codes for spelling in vocabulary.language_spellings(code)}):
        condition |= Q(code__iexact=base) | Q(code__istartswith=f"{base}-") | Q(code__istartswith=f"{base}_")
    return condition


def _speaks(codes: Iterable[str], ref: str, location_ref: str | None) -> Q:
    """The service, or its location, lists one of these languages (HSDS gives languages to both)."""
    in_language = Language.objects.filter(_language_codes(codes))
    by_service = Exists(in_language.filter(service_id=OuterRef(ref)))
    if location_ref is not None:
        return Q(by_service) | Q(Exists(in_language.filter(location_id=OuterRef(location_ref))))
    locations = ServiceAtLocation.objects.filter(service_id=OuterRef(OuterRef(ref))).values("location_id")
    return Q(by_service) | Q(Exists(in_language.filter(location_id__in=locations)))


def latest_beds(location_ref: str) -> tuple[Subquery, Subquery]:
    latest = BedAvailability.objects.filter(location_id=OuterRef(location_ref)).order_by("-updated_at")
    return Subquery(latest.values("places_available")[:1]), Subquery(latest.values("updated_at")[:1])


# --- the search ---------------------------------------------------------------------------


def _radius(query: SearchQuery) -> float:
    return min(max(query.radius_km, 1.0), MAX_RADIUS_KM)


def _nearby_rows(query: SearchQuery, origin: Point) -> QuerySet[ServiceAtLocation]:
    """One row per service at a location within reach, each with its squared approximate distance (km²).

    For members, confidential locations come with the distance of their coarse public point, from a
    wider box and unbounded: their exact points are ciphertext, so `search` measures them in Python.
    """
    radius = _radius(query)
    rows = ServiceAtLocation.objects.filter(service__isnull=False, location__isnull=False)
    # The public point, as copied onto the service at a location (migration 0023): no join.
    d2 = query_layer.squared_distance_km(origin, F("latitude"), F("longitude"))
    if query.include_confidential:
        rows = rows.filter(
            query_layer.in_box(origin, radius, "")
            | (Q(location__confidential=True) & query_layer.in_box(origin, radius + CONFIDENTIAL_MARGIN_KM, ""))
        )
    else:
        rows = rows.filter(query_layer.in_box(origin, radius, ""))
    rows = rows.filter(_service_filters(query, "service_id", "service__", "location_id"))
    if query.has_place_now:
        places_now, updated_at = latest_beds("location_id")
        rows = rows.annotate(places_now=places_now, beds_updated_at=updated_at).filter(
            places_now__gt=0, beds_updated_at__gte=timezone.now() - BEDS_FRESH_FOR
        )
    rows = rows.annotate(d2=d2)
    if query.include_confidential:
        return rows.filter(Q(d2__lte=radius * radius) | Q(location__confidential=True))
    return rows.filter(d2__lte=radius * radius)


def _nearby_distances(query: SearchQuery, origin: Point) -> Iterable[tuple[str, float]]:
    """(service id, squared distance in km²) of every service at a location within reach of a member's search:
    confidential locations measured from their exact points, opened here."""
    rows = _nearby_rows(query, origin)
    limit = _radius(query) ** 2
    hidden: list[tuple[str, str, float]] = []
    for service_id, d2, location_id, is_confidential in rows.values_list(  # type: ignore[misc]
        "service_id", "d2", "location_id", "location__confidential"
    ).iterator(5000):
        if is_confidential:
            hidden.append((service_id, location_id, d2))
        else:
            yield service_id, d2
    exact = confidential.exact_points(location_id for _service, location_id, _d2 in hidden)
    for service_id, location_id, d2 in hidden:
        point = exact.get(str(location_id))
        measured = query_layer.squared_distance_between(origin, point) if point is not None else d2
        if measured <= limit:
            yield service_id, measured


def _nearest_page(query: SearchQuery, origin: Point, offset: int, limit: int) -> tuple[int, list[str]]:
    """How many services are within reach of `origin` and the page's ids, nearest first: two queries at most.

    A place alone first reads a ring of RING_FRACTION of the radius: the database keeps each service's nearest
    location in it (GROUP BY) and sorts the services. When the ring holds `offset + limit` services, they are
    the page's: a service with a location in the ring has its nearest one there, and every service the ring
    leaves out is farther than its edge, so than each of them. In a city the ring reads a few hundred of the
    thousands of rows within 50 km; the count then reads the whole radius only until it has found
    COUNT_BOUND + 1 services (`_services_within_reach`). With text or a filter, or when the ring falls short,
    one pass over the whole radius gives the page and the count (`_nearest_in_one_pass`).

    A member's search measures confidential locations from their exact points, which only Python can open:
    there the rows within reach come here, each service's nearest is kept in one pass and all are counted.
    """
    if query.include_confidential:
        best: dict[str, float] = {}
        for service_id, d2 in _nearby_distances(query, origin):
            if d2 < best.get(service_id, math.inf):
                best[service_id] = d2
        nearest = heapq.nsmallest(offset + limit, best.items(), key=lambda pair: (pair[1], pair[0]))
        return len(best), [service_id for service_id, _d2 in nearest[offset:]]
    ring = _radius(query) * RING_FRACTION
    if not query.narrowed and ring >= 1.0:
        wanted = offset + limit
        in_ring = _nearby_rows(replace(query, radius_km=ring), origin)
        page = [service_id for service_id, _none in _nearest_services(in_ring, wanted)]
        if len(page) >= wanted:
            return _services_within_reach(query, origin), page[offset:]
    return _nearest_in_one_pass(query, origin, offset, limit)


def _services_within_reach(query: SearchQuery, origin: Point) -> int:
    """How many services are within reach, counted up to COUNT_BOUND + 1.

    The distinct services among the first rows in reach (twice the bound: a service has 1.5 locations on
    average), so the database stops reading there: PostgreSQL sorts every row for a DISTINCT before its
    LIMIT (9.5 ms for the 8,500 rows within 50 km of downtown Toronto at 100,000 services). When those rows
    name too few services and there were more, every row is counted.
    """
    rows = _nearby_rows(query, origin).order_by().values_list("service_id", flat=True)
    first = 2 * (COUNT_BOUND + 1)
    inner, params = rows[:first].query.sql_with_params()
    with connection.cursor() as cursor:
        sql = f"SELECT COUNT(DISTINCT first.service_id), COUNT(*) FROM ({inner}) AS first"  # noqa: S608 - Django's
        cursor.execute(sql, params)
        services, read = cursor.fetchone()
    if services > COUNT_BOUND or read < first:
        return int(services)
    return rows.distinct().count()


def _nearest_in_one_pass(query: SearchQuery, origin: Point, offset: int, limit: int) -> tuple[int, list[str]]:
    """The count and the page of a search by place, from one pass over the rows in reach.

    For text or a filter, and for a place alone whose ring fell short. A filter keeps few of the rows within
    reach (1,400 services with "shelter" among 8,300 within 50 km of downtown Toronto at 100,000 services),
    so counting them reads every row however low the bound: a ring first would only add a pass. The
    services are counted with a window over the groups. A page past the last one gets no row, so the count
    then comes from a query of its own.
    """
    rows = _nearby_rows(query, origin)
    page = _nearest_services(rows, limit, offset, counted=True)
    if page:
        return int(page[0][1]), [service_id for service_id, _total in page]
    return rows.order_by().values("service_id").distinct().count(), []


def _nearest_services(
    rows: QuerySet[ServiceAtLocation], limit: int, offset: int = 0, *, counted: bool = False
) -> list[tuple[str, int]]:
    """Services of `rows` (`_nearby_rows`) from `offset`, each at its nearest location, nearest first.

    The database keeps each service's nearest location (GROUP BY) and sorts the services; with `counted`,
    each row also carries how many services there are (`COUNT(*) OVER ()`, computed before LIMIT), else 0.
    """
    inner, params = rows.values_list("service_id", "d2").query.sql_with_params()  # type: ignore[misc]
    sql = (
        f"SELECT nearby.service_id, {'COUNT(*) OVER ()' if counted else '0'} FROM"  # noqa: S608 - Django's query
        f" ({inner}) AS nearby"
        " GROUP BY nearby.service_id ORDER BY MIN(nearby.d2), nearby.service_id LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, limit, offset])
        return [(str(service_id), int(total)) for service_id, total in cursor.fetchall()]


def _matching_services(
    query: SearchQuery, *, terms_per_row: bool = False, walk_names: bool = False
) -> QuerySet[Service]:
    """The services matching a query without a place, in name order (with `walk_names`, every condition is
    checked on services read from the `(status, name, id, key)` index, in its order)."""
    services = Service.objects.filter(
        _service_filters(query, "id", "", None, terms_per_row=terms_per_row, walk_names=walk_names)
    )
    if query.has_place_now:
        places_now, updated_at = latest_beds("location_id")
        fresh = (
            ServiceAtLocation.objects.filter(service_id=OuterRef("id"))
            .annotate(places_now=places_now, beds_updated_at=updated_at)
            .filter(places_now__gt=0, beds_updated_at__gte=timezone.now() - BEDS_FRESH_FOR)
        )
        services = services.filter(Exists(fresh))
    return services.order_by("name", "id")


def walks_name_order(matches: int, services: int, wanted: int) -> bool:
    """Whether a page in name order is cheaper read by walking the name index, checking each service, than by
    sorting every match: the walk reads about `wanted * services / matches` services (the matches spread
    through the names), the sort reads each match (each costing about twice as much as a step of the walk)."""
    return matches > 0 and wanted * services <= NAME_WALK_READS_PER_MATCH * matches * matches


def _by_name(query: SearchQuery, offset: int, limit: int) -> tuple[int, list[str]]:
    """The number of services matching a query without a place and the ids of the page's, in name order.

    The count (to COUNT_BOUND + 1) comes first: without text from the `(status, key)` index (migration 0027),
    with text from the text's matches (on SQLite, words with a filter are counted and sorted in one pass,
    each match's terms checked on its key). On SQLite the count also reads how many services there are at
    most (the table's largest rowid, at the end of its b-tree); where the matches are dense enough (past the
    bound they are), the page walks the `(status, name, id, key)` index in order and checks each service's
    words or terms, stopping after the page; a sparse term's keys or a rare word's matches drive instead and
    are sorted (walking the names for them would read most of the index). PostgreSQL's statistics let its
    planner make the same choice for the page's query.
    """
    text = bool(query.text.strip())
    # With text, the text's matches drive the count, each one's terms checked on its key (62 instead of 75 ms
    # for "counselling" with a need, 2,000 matches, when SQLite counted them all).
    services = _matching_services(query, terms_per_row=text)
    if connection.vendor != "sqlite":
        # PostgreSQL counts the matches from the text's indexes alone (a bitmap, no order) and, where they are
        # dense, walks the `(status, name, ...)` index for the page, stopping after it (a rare word's few
        # matches are sorted instead: its planner's choice, on the indexes' estimates). Counting in the page's
        # query made it read and count every match in name order (16,121 for "counselling" at 100,000
        # services: 180 ms of the server's time per page); counting every one was 25 ms of rechecking rows.
        return query_layer.count_and_page(services, offset, limit, bound=COUNT_BOUND + 1)
    if text and not replace(query, text="").is_empty:
        # Words and a filter: the text's matches each checked for the filter, counted and sorted in one pass.
        # Counting first read most of them to find the bound's combined matches, then the walk read them again
        # (49 instead of 46 ms for "counselling" with a need at 100,000 services); words alone: 29 instead of 41.
        return query_layer.count_and_page(services, offset, limit, one_pass=True)
    matches, params = services.order_by().values("id")[: COUNT_BOUND + 1].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*), ({_LARGEST_SERVICE_ROWID}) FROM ({matches}) AS matches", params)  # noqa: S608
        total, upper_bound = cursor.fetchone()
    if offset >= total and total <= COUNT_BOUND:
        return total, []
    # Past the bound the matches are dense enough that a page within the first COUNT_BOUND is found by walking
    # at most `wanted * services / COUNT_BOUND` names (about 2,000 at 100,000 services), where sorting would
    # read every match (the text's 16,121 for "counselling": 33 ms, against 16 for the count and the walk).
    # A page deeper than that is chosen as below, with the bound for the count.
    dense = total > COUNT_BOUND and offset + limit <= COUNT_BOUND + 1
    services_at_most = int(upper_bound or 0)
    if dense or walks_name_order(total, services_at_most, offset + limit):
        walked = _matching_services(query, walk_names=True)
        # Matches spread through the names are found within `wanted * services / matches` names; matches that
        # cluster ("toronto", the first word of a city's services' names) are not, and the walk read most of
        # the index (221 ms at 100,000 services, where sorting them took 5). So the walk stops at the name
        # WALK_SLACK times further than the spread would need (an index-only read of the names to there,
        # where the walk stops: a range bound), and a page it could not fill is sorted instead.
        reach = WALK_SLACK * (offset + limit) * services_at_most // max(total, 1)
        if reach < services_at_most:
            active = Service.objects.filter(status=Service.Status.ACTIVE).order_by("name", "id")
            walked = walked.filter(name__lte=Subquery(active.values("name")[reach : reach + 1]))
        page = list(walked.values_list("id", flat=True)[offset : offset + limit])
        if len(page) == limit or reach >= services_at_most:
            return total, page
    return total, list(services.values_list("id", flat=True)[offset : offset + limit])


def search(query: SearchQuery, *, limit: int = 20, offset: int = 0) -> SearchResults:
    """Services matching `query`, nearest first (by name without a place), one result per service."""
    limit = max(1, min(limit, 100))
    offset = max(0, offset)
    # One more than the page: whether another page follows, when the count stopped at COUNT_BOUND.
    if query.origin is not None:
        total, page_ids = _nearest_page(query, query.origin, offset, limit + 1)
    else:
        total, page_ids = _by_name(query, offset, limit + 1)
    return SearchResults(
        results=results_for(page_ids[:limit], query),
        total=min(total, COUNT_BOUND + 1),
        query=query,
        offset=offset,
        limit=limit,
        has_next=len(page_ids) > limit,
    )


# --- reading a page of results in full ---------------------------------------------------------


def _is_always_open(schedules: Iterable[Schedule]) -> bool:
    for schedule in schedules:
        days = set((schedule.byday or "").replace(" ", "").split(","))
        opens, closes = schedule.opens_at or "", schedule.closes_at or ""
        if set(WEEKDAYS) <= days and opens.startswith("00:00") and closes[:5] in {"23:59", "24:00"}:
            return True
    return False


def _is_open_at(schedules: Iterable[Schedule], now: datetime.datetime, zone: str | None = None) -> bool:
    """Whether a schedule is open at `now`: in its own zone, else in `zone` (the place's), else Harbour's."""
    for schedule in schedules:
        zone_name = ZONES_BY_OFFSET.get(float(schedule.timezone)) if schedule.timezone is not None else zone
        if schedule.timezone is not None and zone_name is None:
            continue
        local = timezone.localtime(now, zoneinfo.ZoneInfo(zone_name) if zone_name else None)
        clock = local.strftime("%H:%M:%S")
        days = set((schedule.byday or "").replace(" ", "").split(","))
        opens, closes = schedule.opens_at or "", schedule.closes_at or ""
        if WEEKDAYS[local.weekday()] in days and opens and opens <= clock and (closes > clock or closes[:5] == "23:59"):
            return True
    return False


def _address_line(addresses: Sequence[Address]) -> str | None:
    if not addresses:
        return None
    address = addresses[0]
    parts = [address.address_1, address.address_2, address.city, address.state_province, address.postal_code]
    return ", ".join(part for part in parts if part)


@functools.lru_cache(maxsize=4096)
def _city_near(latitude: float, longitude: float) -> str:
    place = places.nearby_place(Point(latitude, longitude))
    return place.name if place else ""


def location_zone(location: Location | None, addresses: Sequence[Address]) -> str | None:
    """The time zone a location's hours are kept in: its province's, from its address or its point (None: unknown)."""
    province = places.province_code(addresses[0].state_province) if addresses else None
    if province is None and location is not None and location.latitude is not None and location.longitude is not None:
        place = places.nearby_place(Point(location.latitude, location.longitude))
        province = place.province if place else None
    return places.PROVINCE_ZONES.get(province or "")


def _public_city(location: Location, addresses: Sequence[Address]) -> str:
    """The city a reader may be told: from the public address, else the nearest city to the public point."""
    if addresses and addresses[0].city:
        return str(addresses[0].city)
    if location.latitude is not None and location.longitude is not None:
        return _city_near(round(location.latitude, 3), round(location.longitude, 3))
    return ""


def location_point(location: Location, secret: confidential.OpenAddress | None = None) -> Point | None:
    """The point to measure a location from: its exact point when the reader may see it, else its public one."""
    if location.confidential and secret is not None and secret.latitude is not None and secret.longitude is not None:
        return Point(secret.latitude, secret.longitude)
    if location.latitude is None or location.longitude is None:
        return None
    return Point(location.latitude, location.longitude)


def beds_from(places_available: int | None, updated_at: datetime.datetime | None) -> Beds:
    """A posted count, or unknown (None) when none was posted or it is older than a day."""
    if places_available is None or updated_at is None or timezone.now() - updated_at > BEDS_FRESH_FOR:
        return Beds(None, updated_at)
    return Beds(places_available, updated_at)


# --- the page's details, read with one prepared statement per table ---------------------------------

# The columns a page of results shows, per model (read in the model's field order, `_page_columns`); any other
# field of these instances is deferred (read on access, which the pages never do: test_pages_queries.py).
_PAGE_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Service: ("id", "organization_id", "name", "name_fr", "description", "description_fr", "url", "status"),
    Organization: ("id", "name", "website", "network_organisation_id"),
    Location: ("id", "organization_id", "name", "latitude", "longitude", "confidential"),
    Phone: ("id", "location_id", "service_id", "organization_id", "service_at_location_id", "number", "description"),
    Schedule: (
        "id",
        "service_id",
        "location_id",
        "service_at_location_id",
        "timezone",
        "byday",
        "description",
        "opens_at",
        "closes_at",
    ),
    Address: ("id", "location_id", "address_1", "address_2", "city", "state_province", "postal_code"),
}


@functools.cache
def _page_columns(model: type[models.Model]) -> tuple[str, ...]:
    """`_PAGE_FIELDS[model]` in the order of the model's concrete fields (checked: every name is one)."""
    wanted = _PAGE_FIELDS[model]
    ordered = tuple(f.attname for f in model._meta.concrete_fields if f.attname in wanted)
    if set(ordered) != set(wanted):
        raise ValueError(f"{model.__name__}: no field {sorted(set(wanted) - set(ordered))}")
    return ordered


def _column(model: type[models.Model], name: str) -> Any:
    """The concrete field of a column (typed loosely: the stubs do not know `get_db_converters`)."""
    return model._meta.get_field(name)


def _select(model: type[models.Model], alias: str) -> str:
    qn = connection.ops.quote_name
    return ", ".join(f"{alias}.{qn(_column(model, name).column)}" for name in _page_columns(model))


@functools.cache
def _converters(model: type[models.Model], vendor: str) -> list[tuple[int, list[Any], Any]]:
    """What Django's own reads apply to each column of `_page_columns` (booleans on SQLite), found once."""
    out = []
    for index, name in enumerate(_page_columns(model)):
        field = _column(model, name)
        col = field.get_col(model._meta.db_table)
        found = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
        if found:
            out.append((index, found, col))
    return out


def _instance(model: type[models.Model], names: Sequence[str], values: Sequence[Any], alias: str) -> Any:
    """A model instance of these values (of the fields `names`, converted), as a queryset's read leaves it: its
    other fields deferred (read from the database on access, which the pages never need), saved, from `alias`.

    Built as `Model.from_db` builds one but without `Model.__init__`, which walks every field of the model
    through its descriptor: most of a page's details' time went there (about a hundred and fifty instances).
    """
    instance = model.__new__(model)
    state = instance._state = ModelState()
    state.adding, state.db = False, alias
    instance.__dict__.update(zip(names, values, strict=True))
    return instance


class _Rows:
    """Instances of rows of `_page_columns`, converted as Django converts them, for one connection."""

    def __init__(self) -> None:
        self.alias, self.vendor = str(connection.alias), str(connection.vendor)

    def make(self, model: type[models.Model], values: Sequence[Any]) -> Any:
        converters = _converters(model, self.vendor)
        if converters:
            values = list(values)
            for index, functions, col in converters:
                for function in functions:
                    values[index] = function(values[index], col, connection)
        return _instance(model, _page_columns(model), values, self.alias)

    def by_id(self, model: type[models.Model], rows: Iterable[Sequence[Any]]) -> list[Any]:
        """Instances of these rows, each id once (a row reached through two owners comes twice), in id order."""
        seen: dict[str, Sequence[Any]] = {}
        for row in rows:
            seen.setdefault(row[0], row)
        return [self.make(model, seen[key]) for key in sorted(seen)]


@functools.cache
def _details_sql(vendor: str) -> tuple[tuple[str, int], ...]:
    """The page's eight reads, each given the page's service ids as one parameter (a JSON array on SQLite,
    an array on PostgreSQL) once or more: (statement, number of parameters).

    The same statements whatever the number of services, so each is prepared once per connection (SQLite's
    statement cache; on PostgreSQL the eight go in one round trip); building and compiling a queryset per
    table cost more than the queries. No ORDER BY: rows are put in id order in Python (see `hsds.render`,
    which reads records by id the same way, for why). A row reached through two owners (a phone of the
    service and of its location) comes twice and is kept once.
    """
    qn = connection.ops.quote_name
    keys = "SELECT value FROM json_each(%s)" if vendor == "sqlite" else "SELECT unnest(%s::text[])"

    def table(model: type[models.Model]) -> str:
        return qn(model._meta.db_table)

    sal, service = table(ServiceAtLocation), table(Service)
    sal_ids = f"SELECT id FROM {sal} WHERE service_id IN ({keys})"  # noqa: S608
    location_ids = f"SELECT location_id FROM {sal} WHERE service_id IN ({keys}) AND location_id IS NOT NULL"  # noqa: S608
    organisation_ids = f"SELECT organization_id FROM {service} WHERE id IN ({keys}) AND organization_id <> ''"  # noqa: S608

    def owned(model: type[models.Model], owners: list[tuple[str, str]]) -> tuple[str, int]:
        columns = _select(model, table(model))
        parts = [f"SELECT {columns} FROM {table(model)} WHERE {column} IN ({inner})" for column, inner in owners]  # noqa: S608
        return " UNION ALL ".join(parts), len(parts)

    services = (
        f"SELECT {_select(Service, 's')}, {_select(Organization, 'o')} FROM {service} s"  # noqa: S608
        f" LEFT JOIN {table(Organization)} o ON o.id = s.organization_id WHERE s.id IN ({keys})",
        1,
    )
    sals = (
        f"SELECT a.id, a.service_id, a.location_id, {_select(Location, 'l')}, {_select(Organization, 'o')}"  # noqa: S608
        f" FROM {sal} a LEFT JOIN {table(Location)} l ON l.id = a.location_id"
        f" LEFT JOIN {table(Organization)} o ON o.id = l.organization_id"
        f" WHERE a.service_id IN ({keys}) AND a.location_id IS NOT NULL",
        1,
    )
    phones = owned(
        Phone,
        [
            ("service_id", keys),
            ("service_at_location_id", sal_ids),
            ("location_id", location_ids),
            ("organization_id", organisation_ids),
        ],
    )
    schedules = owned(
        Schedule, [("service_id", keys), ("service_at_location_id", sal_ids), ("location_id", location_ids)]
    )
    addresses = owned(Address, [("location_id", location_ids)])
    language = table(Language)
    languages = (
        f"SELECT service_id, location_id, code FROM {language} WHERE service_id IN ({keys}) AND code <> ''"  # noqa: S608
        f" UNION ALL SELECT service_id, location_id, code FROM {language}"
        f" WHERE location_id IN ({location_ids}) AND (service_id IS NULL OR service_id = '') AND code <> ''",
        2,
    )
    costs = (f"SELECT service_id, amount FROM {table(CostOption)} WHERE service_id IN ({keys})", 1)  # noqa: S608
    terms = (f"SELECT link_id, taxonomy_term_id FROM {table(Attribute)} WHERE link_id IN ({keys})", 1)  # noqa: S608
    return services, sals, phones, schedules, addresses, languages, costs, terms


def _details_rows(service_ids: Sequence[str], *, services_known: bool) -> list[list[tuple[Any, ...]]]:
    """The rows of `_details_sql`'s reads for these services, in order (none for the services if they are known)."""
    reads = _details_sql(connection.vendor)[1:] if services_known else _details_sql(connection.vendor)
    param: Any = json.dumps(list(service_ids)) if connection.vendor == "sqlite" else list(service_ids)
    out = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("; ".join(sql for sql, _count in reads), [param] * sum(count for _sql, count in reads))
            for index in range(len(reads)):
                if index:
                    cursor.nextset()
                out.append(cursor.fetchall())
        else:
            for sql, count in reads:
                cursor.execute(sql, [param] * count)
                out.append(cursor.fetchall())
    return [[], *out] if services_known else out


def _cache(model: type[models.Model], link: str, instance: models.Model, value: models.Model | None) -> None:
    """What `select_related` does: the linked record (None when missing) kept on the instance, its link unchanged."""
    model._meta.get_field(link).set_cached_value(instance, value)  # type: ignore[union-attr]


class _Details:
    """Everything hanging on a page of services, read with one prepared statement per table (`_details_sql`)
    and grouped by owner.

    (Django's prefetch_related builds a queryset per object, and a queryset per table cost more to build
    and compile than its query, and a full model instance per row more than reading it.)
    """

    def __init__(self, service_ids: Sequence[str], query: SearchQuery, known: Sequence[Service] = ()) -> None:
        known_ids = {s.id for s in known}
        service_rows, sal_rows, phone_rows, schedule_rows, address_rows, language_rows, cost_rows, term_rows = (
            _details_rows(service_ids, services_known=all(service_id in known_ids for service_id in service_ids))
        )
        rows = _Rows()
        organisations: dict[str, Organization] = {}

        def organisation(values: Sequence[Any]) -> Organization | None:
            if values[0] is None:
                return None
            found = organisations.get(values[0])
            if found is None:
                found = organisations[values[0]] = rows.make(Organization, values)
            return found

        width, org_width = len(_page_columns(Service)), len(_page_columns(Organization))
        self.services = {s.id: s for s in known if s.id in service_ids}
        for row in service_rows:
            if row[0] not in self.services:
                service = rows.make(Service, row[:width])
                _cache(Service, "organization", service, organisation(row[width : width + org_width]))
                self.services[service.id] = service
        location_width = len(_page_columns(Location))
        beds: dict[str, tuple[int | None, datetime.datetime | None]] = {}
        if query.include_confidential:
            location_ids = sorted({row[2] for row in sal_rows})
            places_now, updated_at = latest_beds("id")
            beds = {
                str(location_id): (places, at)
                for location_id, places, at in Location.objects.filter(id__in=location_ids)
                .annotate(beds_places=places_now, beds_updated_at=updated_at)
                .values_list("id", "beds_places", "beds_updated_at")
            }
        self.sals: dict[str, list[ServiceAtLocation]] = {}
        for row in sorted(sal_rows, key=lambda each: each[0]):
            sal_id, service_id, location_id = row[:3]
            sal = _instance(ServiceAtLocation, ("id", "service_id", "location_id"), row[:3], rows.alias)
            location = None
            if row[3] is not None:
                location = rows.make(Location, row[3 : 3 + location_width])
                _cache(Location, "organization", location, organisation(row[3 + location_width :]))
            _cache(ServiceAtLocation, "location", sal, location)
            if query.include_confidential:
                sal.beds_places, sal.beds_updated_at = beds.get(str(location_id), (None, None))
            self.sals.setdefault(str(service_id), []).append(sal)
        # Decrypted for this page only, for members: never read for the public.
        self.secrets: dict[str, confidential.OpenAddress] = {}
        if query.include_confidential:
            hidden = [
                str(sal.location_id)
                for group in self.sals.values()
                for sal in group
                if sal.location is not None and sal.location.confidential
            ]
            self.secrets = confidential.open_addresses(hidden) if hidden else {}
        # A service without a phone of its own (or of its location) is reached through its organisation's.
        self.phones = self._grouped(rows.by_id(Phone, phone_rows))
        self.schedules = self._grouped(rows.by_id(Schedule, schedule_rows))
        self.addresses: dict[str, list[Address]] = {}
        for address in rows.by_id(Address, address_rows):
            self.addresses.setdefault(str(address.location_id), []).append(address)
        # Languages of the service and of its locations, by owner, in Harbour's codes.
        self.languages: dict[tuple[str, str], list[str]] = {}
        for service_id, location_id, code in language_rows:
            if code:
                owner = ("service_id", str(service_id)) if service_id else ("location_id", str(location_id))
                self.languages.setdefault(owner, []).append(vocabulary.language_code(code))
        self.costs: dict[str, list[float | None]] = {}
        for service_id, amount in cost_rows:
            self.costs.setdefault(str(service_id), []).append(amount)
        self.terms: dict[str, set[str]] = {}
        for link_id, term_id in term_rows:
            self.terms.setdefault(str(link_id), set()).add(str(term_id))
        self._fallback_zones: dict[str, str] | None = None

    def fallback_zone(self, service: Service) -> str:
        """The zone of a service whose location names no province: its organisation's (the province of one of
        its locations' addresses), else its service area's, else Harbour's. Read once a page, when needed."""
        if self._fallback_zones is None:
            self._fallback_zones = {}
            by_organisation: dict[str, str] = {}
            organisation_ids = {str(s.organization_id) for s in self.services.values() if s.organization_id}
            addresses = Address.objects.filter(location__organization_id__in=organisation_ids).order_by("id")
            for organisation_id, province in addresses.values_list("location__organization_id", "state_province"):
                zone = places.PROVINCE_ZONES.get(places.province_code(province) or "")
                if zone:
                    by_organisation.setdefault(str(organisation_id), zone)
            by_area: dict[str, str] = {}
            areas = ServiceArea.objects.filter(service_id__in=list(self.services)).order_by("id")
            for service_id, name in areas.values_list("service_id", "name"):
                zone = places.PROVINCE_ZONES.get(places.province_code(name) or "")
                if zone:
                    by_area.setdefault(str(service_id), zone)
            for service_id, each in self.services.items():
                found = by_organisation.get(str(each.organization_id)) or by_area.get(service_id)
                self._fallback_zones[service_id] = found or settings.TIME_ZONE
        return self._fallback_zones[service.id]

    @staticmethod
    def _grouped(rows: Iterable[Phone | Schedule]) -> dict[tuple[str, str], list[Any]]:
        grouped: dict[tuple[str, str], list[Any]] = {}
        for row in rows:
            for kind in ("service_id", "service_at_location_id", "location_id", "organization_id"):
                owner = getattr(row, kind, None)
                if owner is not None:
                    grouped.setdefault((kind, str(owner)), []).append(row)
        return grouped

    def of(self, table: dict[tuple[str, str], list[Any]], service_id: str, sal: ServiceAtLocation | None) -> list[Any]:
        found = list(table.get(("service_id", service_id), []))
        if sal is not None:
            found += table.get(("service_at_location_id", str(sal.id)), [])
            found += table.get(("location_id", str(sal.location_id)), [])
        return found


def results_for(
    service_ids: Sequence[str],
    query: SearchQuery,
    *,
    every_location: bool = False,
    known: Sequence[Service] = (),
) -> list[Result]:
    """The full results for these services, in this order, each at its location nearest to the query's place.

    With `every_location`, one result per location of each service instead (for a service's own page).
    `known` are services the caller has already read (with their organisation), not read again.
    """
    if not service_ids:
        return []
    details = _Details(service_ids, query, known)
    now = timezone.now()
    results = []
    for service_id in service_ids:
        service = details.services.get(service_id)
        if service is None:
            continue
        candidates = details.sals.get(service_id, [])
        measured: list[tuple[float | None, ServiceAtLocation | None]] = []
        for sal in candidates:
            if sal.location is None:
                continue
            point = location_point(sal.location, details.secrets.get(str(sal.location_id)))
            distance = places.distance_km(query.origin, point) if query.origin and point else None
            measured.append((distance, sal))
        measured.sort(key=lambda pair: (pair[0] is None, pair[0] or 0.0))
        chosen: list[tuple[float | None, ServiceAtLocation | None]] = list(measured) or [(None, None)]
        if not every_location:
            chosen = chosen[:1]
        for distance, at in chosen:
            results.append(_result(service, at, distance, details, query, now, len(candidates)))
    return results


def _result_zone(service: Service, location: Location | None, addresses: Sequence[Address], details: _Details) -> str:
    """The zone a result's schedules without a zone of their own are read in (see `_open_at_schedules`)."""
    zone = location_zone(location, addresses) if location is not None else None
    return zone or details.fallback_zone(service)


def _result(
    service: Service,
    sal: ServiceAtLocation | None,
    distance: float | None,
    details: _Details,
    query: SearchQuery,
    now: datetime.datetime,
    location_count: int,
) -> Result:
    location = sal.location if sal else None
    schedules = details.of(details.schedules, service.id, sal)
    phones = details.of(details.phones, service.id, sal) or details.phones.get(
        ("organization_id", str(service.organization_id)), []
    )
    addresses = details.addresses.get(str(location.id), []) if location is not None else []
    ids = details.terms.get(service.id, set())
    costs = details.costs.get(service.id, [])
    confidential = bool(location and location.confidential)
    secret = None
    if confidential and query.include_confidential and location is not None:
        secret = details.secrets.get(str(location.id))
    return Result(
        service=service,
        location=location,
        distance_km=distance,
        phones=phones,
        schedules=schedules,
        address=None if confidential or location is None else _address_line(addresses),
        confidential=confidential,
        confidential_address=secret,
        city=_public_city(location, addresses) if location else "",
        needs=[t for t in vocabulary.NEEDS if t.id in ids],
        populations=[t for t in vocabulary.POPULATIONS if t.id in ids],
        status_safe=all(t.id in ids for t in vocabulary.SAFETY),
        free=bool(costs) and all((amount or 0) == 0 for amount in costs),
        always_open=_is_always_open(schedules),
        open_now=_is_open_at(schedules, now, _result_zone(service, location, addresses, details)),
        languages=sorted(
            {
                *details.languages.get(("service_id", service.id), []),
                *(details.languages.get(("location_id", str(location.id)), []) if location else []),
            }
        ),
        beds=(
            beds_from(getattr(sal, "beds_places", None), getattr(sal, "beds_updated_at", None))
            if sal is not None and query.include_confidential
            else None
        ),
        other_locations=max(0, location_count - 1),
    )


__all__ = [
    "DEFAULT_RADIUS_KM",
    "RADIUS_CHOICES_KM",
    "Result",
    "SearchQuery",
    "SearchResults",
    "search",
]
