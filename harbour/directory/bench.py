"""The directory benchmark: generated services, import throughput, and twenty searches three ways.

`generate` writes a deterministic ndjson file of compiled HSDS services spread
over Canadian places in proportion to (the square root of) their population.
`SEARCHES` are twenty representative searches, each expressed three ways: as
API parameters (timed in process through the query layer, and over HTTP
through gunicorn), and as hand-written SQL doing the same work (a count and
the first page of ids). The figures are reported, never asserted.
"""

from __future__ import annotations

import datetime
import io
import json
import math
import random
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

from django.db import connection

from harbour.directory import places, query
from harbour.directory.places import Place, Point

NAMESPACE = uuid.UUID("4f1c2b8e-7d0a-4c55-9a8e-2d3b7c6e1f00")
PER_PAGE = 20

NEEDS = [
    ("shelter", "Emergency shelter"),
    ("housing", "Transitional housing"),
    ("legal-immigration", "Immigration legal help"),
    ("legal-labour", "Labour rights"),
    ("interpretation", "Interpretation"),
    ("counselling", "Counselling"),
    ("health", "Health care"),
    ("food", "Food"),
    ("employment", "Employment help"),
    ("trafficking-support", "Trafficking-specific support"),
    ("crisis-line", "Crisis line"),
    ("settlement", "Settlement services"),
]
POPULATIONS = [
    ("women", "Women"),
    ("men", "Men"),
    ("gender-diverse", "Gender-diverse people"),
    ("children", "Children"),
    ("youth", "Youth"),
    ("families", "Families"),
    ("newcomers", "Newcomers"),
    ("no-status", "People without immigration status"),
    ("labour-trafficking", "Survivors of labour trafficking"),
    ("sexual-exploitation", "Survivors of sexual exploitation"),
]
KINDS = ["Centre", "House", "Clinic", "Network", "Services", "Outreach", "Collective", "Association"]
ADJECTIVES = [
    "Harbour",
    "Safe",
    "Open Door",
    "Lighthouse",
    "Maple",
    "Northern",
    "Riverside",
    "Hope",
    "Bridge",
    "Compass",
]
STREETS = ["Main Street", "King Street", "Rue Principale", "Queen Street", "First Avenue"]
LETTERS = "ABCEGHJKLMNPRSTVXY"
LANGUAGES = [("en", "English"), ("fr", "French"), ("es", "Spanish"), ("tl", "Tagalog"), ("pa", "Punjabi")]


def uid(*parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(map(str, parts))))


TAXONOMY = {"id": uid("taxonomy"), "name": "Harbour benchmark needs and populations", "description": "Benchmark"}
TERMS = {
    code: {
        "id": uid("term", code),
        "code": code,
        "name": name,
        "description": name,
        "taxonomy": "harbour-bench",
        "taxonomy_detail": TAXONOMY,
    }
    for code, name in NEEDS + POPULATIONS
}


def _cities() -> tuple[list[Place], list[float]]:
    chosen = list(places.cities())
    return chosen, [math.sqrt(p.population) for p in chosen]


@cache
def _city_fsas() -> dict[tuple[str, str], list[tuple[str, Point]]]:
    """For each city, the urban postal areas (FSAs) within 15 km, or else its nearest one in the province."""
    fsas = places._fsas()
    by_province: dict[str, list[tuple[str, Point]]] = {}
    for code, place in fsas.items():
        if code[1] != "0":  # rural areas are huge: their point says little about a street address
            by_province.setdefault(place.province, []).append((code, place.point))
    out = {}
    for city in places.cities():
        candidates = by_province.get(city.province) or [(c, p.point) for c, p in fsas.items()]
        box = places.bounding_box(city.point, 15)
        near = [c for c in candidates if box.contains(c[1]) and places.distance_km(city.point, c[1]) <= 15]
        out[(city.name, city.province)] = near or [min(candidates, key=lambda c: places.distance_km(city.point, c[1]))]
    return out


def generate(out: IO[str], services: int, locations: int, seed: int = 20261122) -> None:
    """Write `services` compiled services with `locations` locations in all, as ndjson."""
    rng = random.Random(seed)  # noqa: S311 - made-up data, reproducible on purpose
    cities, weights = _cities()
    city_fsas = _city_fsas()
    organizations = max(1, services // 8)
    extra_locations = max(0, locations - services)
    for n in range(services):
        city = rng.choices(cities, weights)[0]
        org_n = rng.randrange(organizations)
        org_name = f"{ADJECTIVES[org_n % len(ADJECTIVES)]} {KINDS[org_n % len(KINDS)]} {org_n}"
        needs = rng.sample(NEEDS, rng.randint(1, 3))
        populations = rng.sample(POPULATIONS, rng.randint(1, 3))
        name = f"{city.name} {needs[0][1]} {KINDS[n % len(KINDS)]}"
        service_id = uid("service", n)
        count = 1 + (1 if n < extra_locations else 0)
        sals = []
        for k in range(count):
            place = city if k == 0 else rng.choices(cities, weights)[0]
            fsa, fsa_point = rng.choice(city_fsas[(place.name, place.province)])
            lat = round(fsa_point.latitude + rng.gauss(0, 0.01), 5)
            lon = round(fsa_point.longitude + rng.gauss(0, 0.015), 5)
            location_id = uid("location", n, k)
            sals.append(
                {
                    "id": uid("sal", n, k),
                    "location": {
                        "id": location_id,
                        "location_type": "physical",
                        "name": f"{name} ({place.name})",
                        "latitude": lat,
                        "longitude": lon,
                        "addresses": [
                            {
                                "id": uid("address", n, k),
                                "address_1": f"{rng.randint(1, 2999)} {rng.choice(STREETS)}",
                                "city": place.name,
                                "state_province": place.province,
                                "postal_code": f"{fsa} {rng.randint(1, 9)}{rng.choice(LETTERS)}{rng.randint(1, 9)}",
                                "country": "CA",
                                "address_type": "physical",
                            }
                        ],
                    },
                }
            )
        always = rng.random() < 0.1
        obj: dict[str, Any] = {
            "id": service_id,
            "name": name,
            "description": (
                f"{needs[0][1]} for {populations[0][1].lower()} in {city.name}. "
                + " ".join(f"We also offer {n[1].lower()}." for n in needs[1:])
            ),
            "status": "active" if rng.random() < 0.97 else "inactive",
            "email": f"info{n}@example.org",
            "assured_date": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            "organization": {"id": uid("organization", org_n), "name": org_name, "description": f"{org_name}."},
            "phones": [{"id": uid("phone", n), "number": f"+1 {rng.randint(200, 999)} 555 {rng.randint(0, 9999):04d}"}],
            "schedules": [
                {
                    "id": uid("schedule", n),
                    "freq": "WEEKLY",
                    "byday": "MO,TU,WE,TH,FR,SA,SU" if always else "MO,TU,WE,TH,FR",
                    "opens_at": "00:00" if always else "09:00",
                    "closes_at": "23:59" if always else "17:00",
                }
            ],
            "languages": [
                {"id": uid("language", n, code), "code": code, "name": name}
                for code, name in [LANGUAGES[0], rng.choice(LANGUAGES[1:])]
            ],
            "attributes": [
                {"id": uid("attribute", n, code), "link_entity": "service", "taxonomy_term": TERMS[code]}
                for code, _name in needs + populations
            ],
            "service_at_locations": sals,
        }
        out.write(json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")


class _AsList:
    """Turns the generator's ndjson lines into one JSON list, as another directory's export would be."""

    def __init__(self, out: IO[str]) -> None:
        self.out = out
        self.written = 0

    def write(self, line: str) -> None:
        self.out.write(("[\n" if not self.written else ",\n") + line.rstrip("\n"))
        self.written += 1

    def close(self) -> None:
        self.out.write("[\n]\n" if not self.written else "\n]\n")


def generate_json_list(path: Path, megabytes: int, seed: int = 20261122) -> int:
    """A JSON list of generated services of about `megabytes` MB; returns how many services it holds."""
    sample = io.StringIO()
    generate(sample, 200, 300, seed)
    services = max(1, round(megabytes * 1_000_000 / (len(sample.getvalue().encode()) / 200)))
    with path.open("w", encoding="utf-8") as out:
        as_list = _AsList(out)
        generate(as_list, services, services * 3 // 2, seed)  # type: ignore[arg-type]
        as_list.close()
    return services


def services_in_json_list(path: Path) -> int:
    """How many services a generated list holds (one per line between the brackets)."""
    with path.open(encoding="utf-8") as f:
        return sum(1 for line in f if line.startswith(("{", ",{")))


# ---------------------------------------------------------------------------
# The twenty searches.


@dataclass(frozen=True)
class Search:
    label: str
    path: str  # "services" or "service_at_locations"
    params: dict[str, str]


def _t(code: str) -> str:
    return str(TERMS[code]["id"])


SEARCHES = [
    Search("text: one word", "services", {"search": "shelter"}),
    Search("text: two words", "services", {"search": "legal immigration"}),
    Search("text: a city name", "services", {"search": "Winnipeg"}),
    Search("text: no match", "services", {"search": "zzyzx"}),
    Search("need", "services", {"taxonomy_term_id": _t("shelter")}),
    Search("need AND population", "services", {"taxonomy_term_id": f"{_t('shelter')},{_t('men')}"}),
    Search("three terms", "services", {"taxonomy_term_id": f"{_t('legal-labour')},{_t('no-status')},{_t('youth')}"}),
    Search("text AND need", "services", {"search": "counselling", "taxonomy_term_id": _t("women")}),
    Search("organisation", "services", {"organization_id": uid("organization", 7)}),
    Search("modified after", "services", {"modified_after": "2000-01-01T00:00:00Z"}),
    Search("near M5V (Toronto), 5 km", "service_at_locations", {"postcode": "M5V 3L9", "proximity": "5000"}),
    Search("near H2X (Montréal), 10 km", "service_at_locations", {"postcode": "H2X", "proximity": "10000"}),
    Search("near V6B (Vancouver), 25 km", "service_at_locations", {"postcode": "V6B", "proximity": "25000"}),
    Search("near R3C (Winnipeg), 50 km", "service_at_locations", {"postcode": "R3C", "proximity": "50000"}),
    Search("near K0A (rural Ottawa), 100 km", "service_at_locations", {"postcode": "K0A", "proximity": "100000"}),
    Search("near B3H (Halifax) + need", "service_at_locations", {"postcode": "B3H", "taxonomy_term_id": _t("shelter")}),
    Search(
        "near T2P (Calgary) + need + population",
        "service_at_locations",
        {"postcode": "T2P", "proximity": "30000", "taxonomy_term_id": f"{_t('housing')},{_t('women')}"},
    ),
    Search(
        "near K1A (Ottawa) + text",
        "service_at_locations",
        {"postcode": "K1A", "proximity": "20000", "search": "interpretation"},
    ),
    Search("all locations, page 50", "service_at_locations", {"page": "50"}),
    Search("all services, page 1", "services", {}),
]


def run_in_process(search: Search) -> tuple[int, list[str]]:
    """What the API does before rendering: the query layer's count and page of ids."""
    f = _filter(search)
    page = int(search.params.get("page", "1"))
    qs: Any = query.services(f) if search.path == "services" else query.service_at_locations(f)
    return query.count_and_page(qs, (page - 1) * PER_PAGE, PER_PAGE, one_pass=query.sorts_every_match(f))


def _sql_text(words: list[str], alias: str = "s") -> tuple[str, list[Any]]:
    """On PostgreSQL LIKE reads the pg_trgm index; on SQLite the FTS5 trigram table is asked for the quoted words."""
    folded = [places.fold(w) for w in words]
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{w}"' for w in folded)
        sql = f"{alias}.rowid IN (SELECT rowid FROM directory_service_fts WHERE directory_service_fts MATCH %s)"  # noqa: S608
        return sql, [match]
    parts = [f"{alias}.search_text LIKE %s" for _word in folded]
    return " AND ".join(parts), [f"%{w}%" for w in folded]


def sql_for(search: Search) -> tuple[str, list[Any], str, list[Any]]:
    """Hand-written SQL doing the same work: (count sql, params, page sql, params)."""
    where: list[str] = []
    params: list[Any] = []
    p = search.params
    alias = "s"
    if p.get("search"):
        text, text_params = _sql_text(p["search"].split(), alias)
        where.append(text)
        params += text_params
    terms = sorted({t for t in p.get("taxonomy_term_id", "").split(",") if t})
    if "postcode" in p:
        for term in terms:
            where.append(
                "EXISTS (SELECT 1 FROM directory_attribute a WHERE a.link_key = s.key AND a.taxonomy_term_id = %s)"
            )
            params.append(term)
    elif terms:
        others = "".join(
            f" AND a0.link_key IN (SELECT a{n}.link_key FROM directory_attribute a{n} "  # noqa: S608
            f"WHERE a{n}.taxonomy_term_id = %s)"
            for n in range(1, len(terms))
        )
        where.append(
            f"{alias}.key IN (SELECT a0.link_key FROM directory_attribute a0 WHERE a0.taxonomy_term_id = %s{others})"  # noqa: S608
        )
        params += terms
    if p.get("organization_id"):
        where.append(f"{alias}.organization_id = %s")
        params.append(p["organization_id"])
    if p.get("modified_after"):
        where.append(f"{alias}.modified_at >= %s")
        params.append("2000-01-01 00:00:00")
    page = int(p.get("page", "1"))
    offset = (page - 1) * PER_PAGE
    # Where the database sorts every match anyway, the page query counts them too (as the API does).
    window = ", COUNT(*) OVER ()" if _one_pass(search) else ""
    if search.path == "services":
        cond = " AND ".join(where) or "1=1"
        base = f"FROM directory_service s WHERE {cond}"
        return (
            f"SELECT COUNT(*) {base}",
            params,
            f"SELECT s.id{window} {base} ORDER BY s.key LIMIT {PER_PAGE} OFFSET {offset}",
            params,
        )
    joins = "FROM directory_serviceatlocation sal"
    if where:  # conditions on the service
        joins += " JOIN directory_service s ON s.id = sal.service_id"
    order = "sal.id"
    if "postcode" in p:
        point = places.postcode_point(p["postcode"])
        assert point is not None  # noqa: S101
        radius = int(p.get("proximity", "100000")) / 1000
        box = places.bounding_box(point, radius)
        k = math.cos(math.radians(point.latitude))
        d2 = (
            f"((sal.latitude - {point.latitude}) * (sal.latitude - {point.latitude}) + "
            f"(sal.longitude - {point.longitude}) * {k} * (sal.longitude - {point.longitude}) * {k})"
        )
        box_cells = query.cells(box)
        assert box_cells is not None  # noqa: S101 - the searches' radii are small
        where += [
            f"sal.cell IN ({', '.join(map(str, box_cells))})",
            f"sal.latitude BETWEEN {box.min_latitude} AND {box.max_latitude}",
            f"sal.longitude BETWEEN {box.min_longitude} AND {box.max_longitude}",
            f"{d2} <= {(radius / query.KM_PER_DEGREE) ** 2}",
        ]
        order = f"{d2}, sal.id"
    cond = " AND ".join(where) or "1=1"
    base = f"{joins} WHERE {cond}"
    return (
        f"SELECT COUNT(*) {base}",  # noqa: S608 - numbers and placeholders only
        params,
        f"SELECT sal.id{window} {base} ORDER BY {order} LIMIT {PER_PAGE} OFFSET {offset}",  # noqa: S608
        params,
    )


def _filter(search: Search) -> query.ServiceFilter:
    f = query.ServiceFilter(
        search=search.params.get("search", ""),
        taxonomy_term_ids=[t for t in search.params.get("taxonomy_term_id", "").split(",") if t],
        organization_id=search.params.get("organization_id", ""),
    )
    if "modified_after" in search.params:
        f.modified_after = datetime.datetime.fromisoformat(search.params["modified_after"])
    if "postcode" in search.params:
        point = places.postcode_point(search.params["postcode"])
        assert point is not None  # noqa: S101 - the searches name known postal areas
        f.near = query.Near(point, int(search.params.get("proximity", "100000")) / 1000)
    return f


def _one_pass(search: Search) -> bool:
    return query.sorts_every_match(_filter(search))


def run_sql(search: Search, records: bool = False) -> tuple[int, list[str]]:
    """The count and the page of ids; with `records`, also every row the API's response holds."""
    count_sql, count_params, page_sql, page_params = sql_for(search)
    page = int(search.params.get("page", "1"))
    with connection.cursor() as cursor:
        rows: list[Any] = []
        if _one_pass(search):
            cursor.execute(page_sql, page_params)
            rows = cursor.fetchall()
        if rows or (_one_pass(search) and page == 1):
            total = int(rows[0][1]) if rows else 0
        else:
            cursor.execute(count_sql, count_params)
            total = int(cursor.fetchone()[0])
            if (page - 1) * PER_PAGE < total:
                cursor.execute(page_sql, page_params)
                rows = cursor.fetchall()
        ids = [row[0] for row in rows]
        if records and ids:
            _read_records(cursor, search.path, ids)
    return total, ids


# What a page of the API's listings holds besides the records themselves (service_list and
# service_at_location_list): (table, column of the page's rows naming the record).
_NESTED = {
    "services": [("directory_organization", "organization_id"), ("directory_program", "program_id")],
    "service_at_locations": [("directory_location", "location_id"), ("directory_service", "service_id")],
}


def _read_records(cursor: Any, path: str, ids: list[str]) -> None:
    """Every row the API's page holds, read with one plain SELECT per table (as the API reads them)."""

    def select(table: str, keys: list[str]) -> list[dict[str, Any]]:
        keys = sorted({k for k in keys if k})
        if not keys:
            return []
        cursor.execute(f"SELECT * FROM {table} WHERE id IN ({', '.join(['%s'] * len(keys))})", keys)  # noqa: S608
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    table = "directory_service" if path == "services" else "directory_serviceatlocation"
    found = select(table, ids)
    for nested_table, column in _NESTED[path]:
        nested = select(nested_table, [row[column] for row in found])
        if nested_table == "directory_service":  # a service at a location holds its service's own links
            for service_table, service_column in _NESTED["services"]:
                select(service_table, [row[service_column] for row in nested])


def time_it(run: Callable[[], Any], repeat: int) -> list[float]:
    run()  # warm up (caches, prepared statements)
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        out.append((time.perf_counter() - started) * 1000)
    return out


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    k = (len(ordered) - 1) * p
    lo, hi = math.floor(k), math.ceil(k)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.5), 2),
        "p95": round(percentile(values, 0.95), 2),
        "mean": round(statistics.fmean(values), 2),
    }


def api_url(search: Search) -> str:
    from urllib.parse import urlencode

    params = dict(search.params)
    params.setdefault("per_page", str(PER_PAGE))
    return f"/api/hsds/{search.path}?{urlencode(params)}"


def write_report(path: Path, report: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def markdown(report: dict[str, Any]) -> str:
    """The figures as a Markdown table (for docs/performance.md)."""
    lines = [
        f"{report['database']}, {report['rows']['services']:,} services, {report['rows']['locations']:,} locations "
        f"({report['machine']})",
        "",
    ]
    if "import" in report:
        imp = report["import"]
        lines += [
            f"Import: {imp['services_per_second']:,} services/s ({imp['rows']:,} rows in {imp['seconds']} s).",
            "",
        ]
    if "memory" in report:
        lines += [
            "| JSON list | services | import seconds | peak memory (RSS) | of which Django and Python at rest |",
            "| ---: | ---: | ---: | ---: | ---: |",
        ]
        for run in report["memory"]:
            lines.append(
                f"| {run['file_mb']} MB | {run['services']:,} | {run['seconds']} | {run['peak_rss_mb']} MB "
                f"| {run['floor_rss_mb']} MB |"
            )
        lines.append("")
    if "http_floor_ms" in report:
        floor = report["http_floor_ms"]
        lines += [
            f"An HTTP request that reads no table (`GET /api/hsds/`): {floor['p50']:.1f} / {floor['p95']:.1f} ms "
            "(p50 / p95).",
            "",
        ]
    lines += [
        "| search | results | in process p50 / p95 | SQL p50 / p95 | HTTP p50 / p95 "
        "| SQL with the response's rows p50 / p95 | HTTP p95 ÷ that SQL p95 |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in report["searches"]:

        def cell(key: str, r: dict[str, Any] = row) -> str:
            return f"{r[key]['p50']:.1f} / {r[key]['p95']:.1f}" if key in r else "–"

        ratio = "–"
        if "http_ms" in row and row.get("sql_records_ms", {}).get("p95", 0) > 0:
            ratio = f"{row['http_ms']['p95'] / row['sql_records_ms']['p95']:.1f}"
        lines.append(
            f"| {row['search']} | {row['results']:,} | {cell('in_process_ms')} | {cell('sql_ms')} "
            f"| {cell('http_ms')} | {cell('sql_records_ms')} | {ratio} |"
        )
    if report.get("endpoints"):
        lines += ["", *endpoints_markdown(report["endpoints"])]
    return "\n".join(lines) + "\n"


def endpoints_markdown(rows: list[dict[str, Any]]) -> list[str]:
    """Every endpoint's figures; a public page also as a multiple of the API asking the same search."""
    by_label = {row["endpoint"]: row for row in rows}
    lines = [
        "| endpoint | queries | in process p50 / p95 ms | CPU p50 ms | HTTP p50 / p95 ms "
        "| page ÷ API (CPU p50) | load |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in rows:
        proc, http, cpu = row["in_process_ms"], row.get("http_ms"), row.get("in_process_cpu_ms")
        ratio = "–"
        api = by_label.get(row.get("same_as", ""))
        api_cpu = api.get("in_process_cpu_ms") if api else None
        if cpu and api_cpu and api_cpu["p50"] > 0:
            ratio = f"{cpu['p50'] / api_cpu['p50']:.2f}"
        http_cell = f"{http['p50']:.1f} / {http['p95']:.1f}" if http else "–"
        cpu_cell = f"{cpu['p50']:.1f}" if cpu else "–"
        lines.append(
            f"| {row['endpoint']} | {row['queries']} | {proc['p50']:.1f} / {proc['p95']:.1f} | {cpu_cell} "
            f"| {http_cell} | {ratio} | {row['load']:.1f} |"
        )
    return lines


# ---------------------------------------------------------------------------
# Every endpoint: the API's tables by id and as lists, and the public directory pages.

# The generated term codes and the pages' vocabulary term each stands for (`link_to_vocabulary`).
VOCABULARY_OF = {
    "shelter": "shelter",
    "housing": "housing-help",
    "legal-immigration": "immigration-legal",
    "legal-labour": "labour-rights",
    "interpretation": "interpretation",
    "counselling": "mental-health",
    "health": "health-care",
    "food": "food",
    "employment": "employment-help",
    "trafficking-support": "trafficking-support",
    "crisis-line": "crisis-line",
    "settlement": "settlement",
    "women": "women",
    "men": "men",
    "gender-diverse": "gender-diverse",
    "children": "children",
    "youth": "youth",
    "families": "families",
    "newcomers": "newcomers",
    "no-status": "no-immigration-status",
    "labour-trafficking": "labour-trafficking-survivors",
    "sexual-exploitation": "sexual-exploitation-survivors",
}


def link_to_vocabulary() -> None:
    """Link each generated term's services to the pages' vocabulary term it stands for, once.

    The attribute is copied (same service, so the same link key); about one in sixteen services that
    serve people without status also make both safety commitments. The API's searches name the
    generated terms and are not changed by these rows.
    """
    from django.utils import timezone

    from harbour.directory import vocabulary
    from harbour.directory.models import Attribute
    from harbour.directory.taxonomy_map import taxonomies_ensure

    taxonomies_ensure()
    first = vocabulary.need("shelter")
    if first is not None and Attribute.objects.filter(taxonomy_term_id=first.id).exists():
        return
    now = timezone.now().isoformat()
    with connection.cursor() as cursor:
        for code, mine in VOCABULARY_OF.items():
            term = vocabulary.need(mine) or vocabulary.population(mine)
            if term is None:
                raise ValueError(f"no vocabulary term {mine}")
            cursor.execute(
                "INSERT INTO directory_attribute (id, link_id, link_key, taxonomy_term_id, link_entity, value,"
                " extra, modified_at) SELECT a.id || '-v', a.link_id, a.link_key, %s, 'service', 'true', '{}', %s"
                " FROM directory_attribute a JOIN directory_taxonomyterm t ON t.id = a.taxonomy_term_id"
                " WHERE t.code = %s AND t.id <> %s",
                [term.id, now, code, term.id],
            )
        for safety in vocabulary.SAFETY:
            cursor.execute(
                "INSERT INTO directory_attribute (id, link_id, link_key, taxonomy_term_id, link_entity, value,"
                " extra, modified_at) SELECT a.id || %s, a.link_id, a.link_key, %s, 'service', 'true', '{}', %s"
                " FROM directory_attribute a WHERE a.taxonomy_term_id = %s AND a.id LIKE %s",
                ["-" + safety.code, safety.id, now, vocabulary.POPULATIONS[7].id, "%0-v"],
            )


@dataclass(frozen=True)
class Endpoint:
    """One endpoint as a client asks it: `urls` are taken in turn (a record by id asks a different record each time).

    `same_as` names the API endpoint asking the same search as a public page (for "page ÷ API").
    """

    label: str
    urls: tuple[str, ...]
    repeat: int | None = None  # fewer runs than the others (the whole export)
    same_as: str = ""


def _sample_ids(model: Any, count: int, **only: Any) -> tuple[str, ...]:
    """`count` ids spread over the table (ordered by a hash of the id where there is one, else by id),
    of the rows matching `only` if given."""
    field = "key" if model.__name__ == "Service" else "id"
    rows = model._default_manager.filter(**only)
    total = rows.count()
    step = max(total // max(count, 1), 1)
    ids = list(rows.order_by(field).values_list("id", flat=True)[: step * count : step])
    return tuple(ids) or ("none",)


def endpoints(count: int = 20) -> list[Endpoint]:
    """Every endpoint of the API and every public directory page, on the data in the database."""
    from urllib.parse import quote, urlencode

    from harbour.directory import vocabulary
    from harbour.directory.models import Organization, ServiceAtLocation, Taxonomy, TaxonomyTerm
    from harbour.directory.models import Service as ServiceModel

    def api(path: str, **params: str) -> str:
        return f"/api/hsds/{path}" + (f"?{urlencode(params)}" if params else "")

    def page(**params: str | list[str]) -> str:
        return "/en/directory/?" + urlencode(params, doseq=True)

    def each(path: str, ids: tuple[str, ...], query: str = "") -> tuple[str, ...]:
        return tuple(f"/api/hsds/{path}/{quote(i)}{query}" for i in ids)

    services = _sample_ids(ServiceModel, count)
    # The public service page shows active services only (another is not found): the page and the API
    # asking the same record read these.
    active = _sample_ids(ServiceModel, count, status=ServiceModel.Status.ACTIVE)
    organizations = _sample_ids(Organization, count)
    at_locations = _sample_ids(ServiceAtLocation, count)
    taxonomies = _sample_ids(Taxonomy, count)
    terms = _sample_ids(TaxonomyTerm, count)
    shelter, crisis = vocabulary.need("shelter"), vocabulary.need("crisis-line")
    shelter_id, crisis_id = (shelter.id if shelter else ""), (crisis.id if crisis else "")
    per = str(PER_PAGE)
    near = {"postcode": "M5V 3L9", "proximity": "50000"}  # the pages' default radius is 50 km
    return [
        Endpoint("API root (reads no table)", (api(""),)),
        Endpoint("OpenAPI document", (api("openapi.json"),)),
        Endpoint("service by id", each("services", services)),
        Endpoint("organisation by id (its services brief)", each("organizations", organizations)),
        Endpoint("organisation by id, full_service", each("organizations", organizations, "?full_service=true")),
        Endpoint("service at location by id", each("service_at_locations", at_locations)),
        Endpoint("taxonomy by id", each("taxonomies", taxonomies)),
        Endpoint("taxonomy term by id", each("taxonomy_terms", terms)),
        Endpoint("services, page 1", (api("services", per_page=per),)),
        Endpoint("services, page 1, full", (api("services", per_page=per, full="true"),)),
        Endpoint("services, page 1, minimal", (api("services", per_page=per, minimal="true"),)),
        Endpoint("services, 500 a page, full", (api("services", per_page="500", full="true"),)),
        Endpoint("organisations, page 1", (api("organizations", per_page=per),)),
        Endpoint("organisations, page 1, full", (api("organizations", per_page=per, full="true"),)),
        Endpoint("organisations, search", (api("organizations", per_page=per, search="harbour"),)),
        Endpoint("services at location, page 1", (api("service_at_locations", per_page=per),)),
        Endpoint("services at location, page 1, full", (api("service_at_locations", per_page=per, full="true"),)),
        Endpoint(
            "services at location near M5V, full", (api("service_at_locations", per_page=per, full="true", **near),)
        ),
        Endpoint("taxonomies", (api("taxonomies"),)),
        Endpoint("taxonomy terms", (api("taxonomy_terms"),)),
        Endpoint("taxonomy terms, top only", (api("taxonomy_terms", top_only="true"),)),
        Endpoint(
            "ndjson: services of an organisation",
            tuple(api("services", format="ndjson", organization_id=o) for o in organizations),
        ),
        Endpoint(
            "ndjson: services, text 'Winnipeg', full",
            (api("services", format="ndjson", full="true", search="Winnipeg"),),
        ),
        Endpoint(
            "ndjson: services at location near R3C",
            (api("service_at_locations", format="ndjson", postcode="R3C", proximity="10000"),),
        ),
        Endpoint(
            "ndjson: every service, full (the whole export)", (api("services", format="ndjson", full="true"),), repeat=1
        ),
        # The public pages, and the API asking each the same search (a page of 20).
        Endpoint("API: text", (api("services", per_page=per, search="counselling"),)),
        Endpoint("page: text", (page(q="counselling"),), same_as="API: text"),
        Endpoint("API: place", (api("service_at_locations", per_page=per, **near),)),
        Endpoint("page: place", (page(place="M5V 3L9"),), same_as="API: place"),
        Endpoint("API: need", (api("services", per_page=per, taxonomy_term_id=crisis_id),)),
        Endpoint("page: need", (page(need="crisis-line"),), same_as="API: need"),
        Endpoint(
            "API: text + need", (api("services", per_page=per, search="counselling", taxonomy_term_id=shelter_id),)
        ),
        Endpoint("page: text + need", (page(q="counselling", need="shelter"),), same_as="API: text + need"),
        Endpoint("API: place + text", (api("service_at_locations", per_page=per, search="shelter", **near),)),
        Endpoint("page: place + text", (page(place="M5V 3L9", q="shelter"),), same_as="API: place + text"),
        Endpoint(
            "API: place + need", (api("service_at_locations", per_page=per, taxonomy_term_id=shelter_id, **near),)
        ),
        Endpoint("page: place + need", (page(place="M5V 3L9", need="shelter"),), same_as="API: place + need"),
        Endpoint(
            "API: place + text + need",
            (api("service_at_locations", per_page=per, search="shelter", taxonomy_term_id=shelter_id, **near),),
        ),
        Endpoint(
            "page: place + text + need",
            (page(place="M5V 3L9", q="shelter", need="shelter"),),
            same_as="API: place + text + need",
        ),
        Endpoint("API: service by id", each("services", active)),
        Endpoint(
            "page: service",
            tuple(f"/en/directory/services/{quote(i)}/" for i in active),
            same_as="API: service by id",
        ),
    ]


def run_endpoint_in_process(client: Any, url: str) -> int:
    """One request through Django in this process (middleware, view, rendering); the body's size."""
    response = client.get(url)
    if response.status_code != 200:
        raise ValueError(f"{url}: HTTP {response.status_code}")
    if response.streaming:
        return sum(len(chunk) for chunk in response.streaming_content)
    return len(response.content)


def endpoint_queries(client: Any, url: str) -> int:
    """How many queries one request makes."""
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        run_endpoint_in_process(client, url)
    return len(context.captured_queries)


def time_turns(
    run: Callable[[str], Any], urls: tuple[str, ...], repeat: int, clock: Callable[[], float] = time.perf_counter
) -> list[float]:
    """Like `time_it`, taking the urls in turn (after one warm-up request).

    With `clock=time.thread_time`, the CPU time of this thread: in process, Django and SQLite both run in
    it, so on a machine shared with other work this is the fair figure (wall time is an upper bound).
    """
    run(urls[0])
    out = []
    for index in range(repeat):
        started = clock()
        run(urls[index % len(urls)])
        out.append((clock() - started) * 1000)
    return out
