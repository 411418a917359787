"""Reading and writing HSDS 3.0 files: compiled JSON (one object, a list, or ndjson) and the tabular CSV package.

Imports are all or nothing: every record is validated first, every problem is
collected (file, record or row, field, reason), and only a clean file is
written, in one transaction, with bulk upserts keyed by HSDS id.
"""

from __future__ import annotations

import csv
import datetime
import json
import shutil
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.utils import timezone
from tqdm import tqdm

from harbour.directory import hsds
from harbour.directory.confidential import protect_confidential_locations
from harbour.directory.hsds import Problem, Rows
from harbour.directory.models import HSDS_MODELS, HSDSRecord, KeyOf, Location, Service, key_for, search_text_for

BATCH = 1000


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)

    def add(self, other: ImportResult) -> None:
        for table, count in other.counts.items():
            self.counts[table] = self.counts.get(table, 0) + count

    @property
    def services(self) -> int:
        return self.counts.get("service", 0)


def _progress(iterable: Iterable[Any], *, quiet: bool, total: int | None = None, desc: str = "") -> Iterable[Any]:
    if quiet or not sys.stderr.isatty():
        return iterable
    return tqdm(iterable, total=total, desc=desc, unit=" records", file=sys.stderr, leave=False)


# ---------------------------------------------------------------------------
# Reading JSON.


def read_json(path: Path) -> Iterator[tuple[str, Any]]:
    """(label, object) for each record: a single object, a list, a page ({"contents": [...]}) or ndjson.

    ndjson (one object per line) is read a line at a time, so a large file is never held whole.
    """
    with path.open(encoding="utf-8-sig") as f:
        first = f.readline()
        try:
            is_ndjson = isinstance(json.loads(first), dict) and bool(f.readline().strip())
        except json.JSONDecodeError:
            is_ndjson = False
    if is_ndjson:
        yield from _read_ndjson(path)
        return
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as error:
        raise ImportFailed([Problem(str(path), "file", "", f"not JSON: {error.msg} (line {error.lineno})")]) from None
    if isinstance(data, dict) and isinstance(data.get("contents"), list):
        data = data["contents"]
    if isinstance(data, list):
        for number, item in enumerate(data, 1):
            yield f"record {number}", item
    else:
        yield "record 1", data


def _read_ndjson(path: Path) -> Iterator[tuple[str, Any]]:
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as error:
                yield f"line {number}", _NotJSON(error.msg)


class _NotJSON:
    def __init__(self, message: str) -> None:
        self.message = message


def _label(label: str, obj: Any) -> str:
    if isinstance(obj, dict) and isinstance(obj.get("id"), str):
        return f"{label} (id {obj['id']})"
    return label


def _check_values(model: type[HSDSRecord], row: dict[str, Any]) -> list[tuple[str, str]]:
    """Checks the schemas cannot express: a service's assured_date must be a real date (it is "last verified")."""
    found = []
    if model is Service and isinstance(row.get("assured_date"), str):
        try:
            datetime.date.fromisoformat(row["assured_date"])
        except ValueError:
            found.append(("assured_date", "should be a date such as 2025-01-31"))
    return found


def record_problems(obj: Any, *, kind: str, file: str, label: str) -> list[Problem]:
    """Everything wrong with one JSON record (schema, values, a record nested twice with different values)."""
    return checked_rows(obj, kind=kind, file=file, label=label)[0]


def checked_rows(obj: Any, *, kind: str, file: str, label: str) -> tuple[list[Problem], Rows]:
    """The problems of one JSON record and, when it has none, its rows (flattened once for both)."""
    where = _label(label, obj)
    if isinstance(obj, _NotJSON):
        return [Problem(file, where, "", f"not JSON: {obj.message}")], {}
    found = hsds.schema_problems(obj, hsds.ROOT_SCHEMAS[kind], file=file, record=where)
    if found:
        return found, {}
    rows: Rows = {}
    conflicts: list[tuple[str, str, str]] = []
    hsds.flatten(obj, hsds.root_node(kind), rows, None, conflicts)
    for table, record_id, field_name in dict.fromkeys(conflicts):
        reason = f"{table} {record_id} appears more than once with different values"
        found.append(Problem(file, where, field_name, reason))
    for model, by_id in rows.items():
        for record_id, row in by_id.items():
            for field_name, reason in _check_values(model, row):
                found.append(Problem(file, f"{where}: {hsds.TABLE_OF_MODEL[model]} {record_id}", field_name, reason))
    return found, rows


def _merge(rows: Rows, more: Rows) -> None:
    """Add one record's rows to a chunk's, as `hsds.flatten` would have (later values win, extras merge)."""
    for model, by_id in more.items():
        into = rows.setdefault(model, {})
        for record_id, row in by_id.items():
            merged = into.get(record_id)
            if merged is None:
                into[record_id] = row
            else:
                extra = merged["extra"]
                merged.update(row)
                merged["extra"] = extra
                extra.update(row["extra"])


def check_json(path: Path, *, kind: str = "service", quiet: bool = True) -> int:
    """Validate every record of a JSON file; raise ImportFailed with every problem found. Returns the count."""
    problems: list[Problem] = []
    count = 0
    for label, obj in _progress(read_json(path), quiet=quiet, desc="checking"):
        problems.extend(record_problems(obj, kind=kind, file=str(path), label=label))
        count += 1
    if problems:
        raise ImportFailed(problems)
    return count


def rows_from_json(path: Path, *, kind: str = "service", quiet: bool = True) -> Rows:
    """Every row of a (checked) JSON file at once; for small files: large ones go through `import_json`."""
    check_json(path, kind=kind, quiet=quiet)
    rows: Rows = {}
    for _, obj in read_json(path):
        hsds.flatten(obj, hsds.root_node(kind), rows)
    return rows


def import_json(path: Path, *, kind: str = "service", quiet: bool = True, chunk: int = 2000) -> ImportResult:
    """Check every record and write the file in chunks inside one transaction (all or nothing).

    One pass: each record is read, checked and flattened once. Once a problem is found nothing more is
    written, the rest of the file is still checked (every problem is reported), and the transaction is
    rolled back.
    """
    cache_size = None
    if connection.vendor == "sqlite":
        # A large import touches index pages all over: a bigger page cache for this import only.
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            cache_size = int(cursor.fetchone()[0])
            cursor.execute("PRAGMA cache_size = -131072")
    try:
        return _import_checked(path, kind=kind, quiet=quiet, chunk=chunk)
    finally:
        if cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {cache_size}")


def _import_checked(path: Path, *, kind: str, quiet: bool, chunk: int) -> ImportResult:
    result = ImportResult()
    problems: list[Problem] = []
    with transaction.atomic():
        rows: Rows = {}
        pending = 0
        for label, obj in _progress(read_json(path), quiet=quiet, desc="importing"):
            found, record_rows = checked_rows(obj, kind=kind, file=str(path), label=label)
            problems.extend(found)
            if problems:
                continue
            _merge(rows, record_rows)
            pending += 1
            if pending >= chunk:
                result.add(save_rows(rows))
                rows, pending = {}, 0
        if problems:
            raise ImportFailed(problems)
        if rows:
            result.add(save_rows(rows))
    return result


# ---------------------------------------------------------------------------
# Reading the CSV package.


def _datapackage(folder: Path) -> dict[str, Any]:
    own = folder / "datapackage.json"
    if own.exists():
        try:
            package: dict[str, Any] = json.loads(own.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise ImportFailed([Problem(str(own), "file", "", f"not JSON: {error.msg}")]) from None
        return package
    return hsds.load_schema("datapackage.json")


def _convert(value: str, kind: str) -> Any:
    if kind in ("number", "integer"):
        return float(value)
    return value


def rows_from_csv(folder: Path, *, quiet: bool = True) -> Rows:
    """Validate and read every table of a tabular HSDS package (a folder of CSV files)."""
    package = _datapackage(folder)
    standard = {r["name"]: r for r in hsds.load_schema("datapackage.json")["resources"]}
    rows: Rows = {}
    problems: list[Problem] = []
    present = [r for r in package.get("resources", []) if (folder / r.get("path", "")).exists()]
    if not present:
        raise ImportFailed([Problem(str(folder), "package", "", "no HSDS CSV file found (organizations.csv, ...)")])
    for resource in present:
        name = resource.get("name")
        if name not in hsds.TABLES or name not in standard:
            problems.append(Problem(str(folder / resource["path"]), "file", "", f"unknown HSDS table {name!r}"))
            continue
        model = hsds.TABLES[name]
        path = folder / resource["path"]
        types = {f["name"]: f.get("type", "string") for f in standard[name]["schema"]["fields"]}
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            unknown = [c for c in reader.fieldnames or [] if c not in types]
            for column in unknown:
                problems.append(Problem(str(path), "header", column, "not a column of this HSDS table"))
            by_id = rows.setdefault(model, {})
            for number, raw in enumerate(_progress(reader, quiet=quiet, desc=path.name), 2):
                label = f"row {number}" + (f" (id {raw['id']})" if raw.get("id") else "")
                row: dict[str, Any] = {}
                bad = False
                for column, value in raw.items():
                    if column not in types or value is None or value == "":
                        continue
                    try:
                        row[column] = _convert(value, types[column])
                    except ValueError:
                        problems.append(
                            Problem(str(path), label, column, f"should be a {types[column]}, not {value!r}")
                        )
                        bad = True
                found = hsds.schema_problems(row, f"{name}.json", file=str(path), record=label)
                if found or bad:
                    problems.extend(found)
                    continue
                if row["id"] in by_id:
                    problems.append(Problem(str(path), label, "id", "the same id is on an earlier row"))
                    continue
                for field_name, reason in _check_values(model, row):
                    problems.append(Problem(str(path), label, field_name, reason))
                row["extra"] = {}
                by_id[row["id"]] = row
    if problems:
        raise ImportFailed(problems)
    return rows


# ---------------------------------------------------------------------------
# Writing rows to the database.


def _upsert_sql(model: type[HSDSRecord]) -> tuple[str, list[Any]]:
    """One INSERT ... ON CONFLICT (id) DO UPDATE statement for a table (SQLite and PostgreSQL share the syntax).

    A new row gets every column (Harbour's own ones at their defaults); an existing row has its HSDS
    properties replaced and keeps Harbour's own columns (French text, confidentiality, the network link).
    A link the file does not give keeps the value the row already had (a phone of a location stays
    that location's when a service file names the same phone).
    """
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    fields = [f for f in model._meta.concrete_fields if not f.generated]  # the database computes the others
    by_name = {f.attname: f.column for f in fields}
    links = {by_name[attr] for attr in model.hsds_links.values()}
    hsds_columns = {by_name[name] for name in model.hsds_fields} | {"extra", "modified_at"}
    updates = []
    for f in fields:
        column = qn(f.column)
        if f.column in links or isinstance(f, KeyOf):  # a key follows the id or link it is made from
            updates.append(f"{column} = COALESCE(excluded.{column}, {table}.{column})")
        elif f.column in hsds_columns:
            updates.append(f"{column} = excluded.{column}")
    if model is Service:
        # The search text comes computed from the file's names and description (search_text_of); a service
        # with French text keeps its own until _refresh_search_text recomputes it with the French.
        updates.append(
            f"{qn('search_text')} = CASE WHEN {table}.{qn('name_fr')} = '' AND {table}.{qn('description_fr')} = '' "
            f"THEN excluded.{qn('search_text')} ELSE {table}.{qn('search_text')} END"
        )
    # Table and column names come from the models; values are parameters.
    sql = (
        f"INSERT INTO {table} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(fields))}) "
        f"ON CONFLICT ({qn('id')}) DO UPDATE SET {', '.join(updates)}"
    )
    return sql, fields


def _copy_upsert(cursor: Any, model: type[HSDSRecord], sql: str, fields: list[Any], batch: list[list[Any]]) -> None:
    """On PostgreSQL: COPY the rows into a temporary table, then one INSERT ... SELECT with the same upsert."""
    qn = connection.ops.quote_name
    staging = qn(f"hsds_import_{model._meta.db_table}")
    columns = ", ".join(qn(f.column) for f in fields)
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} "  # noqa: S608 - names from the models
        f"(LIKE {qn(model._meta.db_table)} INCLUDING DEFAULTS) ON COMMIT DROP"
    )
    cursor.execute(f"TRUNCATE {staging}")
    with cursor.cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
        for row in batch:
            copy.write_row(row)
    insert, _values, conflict = sql.partition(" VALUES (")
    on_conflict = conflict[conflict.index(") ON CONFLICT") + 2 :]
    cursor.execute(f"{insert} SELECT {columns} FROM {staging} {on_conflict}")  # noqa: S608


def save_rows(rows: Rows, *, quiet: bool = True) -> ImportResult:
    """Insert or update every row by id in one transaction (bulk upserts); returns counts per table."""
    result = ImportResult()
    now = timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in HSDS_MODELS:
            by_id = rows.get(model)
            if not by_id:
                continue
            sql, fields = _upsert_sql(model)
            given = {"id", "extra", *model.hsds_fields, *model.hsds_links.values()}
            stamp = model._meta.get_field("modified_at").get_db_prep_save(now, connection)
            no_extra = model._meta.get_field("extra").get_db_prep_save({}, connection)
            # Per column: where its value comes from, and whether the database needs it converted.
            plans = []
            for f in fields:
                converts = f.get_internal_type() in ("JSONField", "DateField", "DateTimeField", "BooleanField")
                fixed = f.get_db_prep_save(f.get_default(), connection) if f.attname not in given else None
                plans.append((f, f.attname, converts, f.attname in given, fixed))
            batch = []
            for row in by_id.values():
                values = hsds.column_values(model, row)
                if model is Service and isinstance(values.get("assured_date"), str):
                    values["assured_date"] = datetime.date.fromisoformat(values["assured_date"])
                out = []
                for f, attname, converts, is_given, fixed in plans:
                    if attname == "modified_at":
                        out.append(stamp)
                    elif attname == "search_text" and model is Service:
                        out.append(search_text_of(values))
                    elif isinstance(f, KeyOf):
                        out.append(key_for(values.get(f.source)))
                    elif not is_given:
                        out.append(fixed)
                    elif attname == "extra" and not values["extra"]:
                        out.append(no_extra)
                    else:
                        value = values.get(attname)
                        if value is None and not f.null:
                            value = f.get_default()
                        out.append(f.get_db_prep_save(value, connection) if converts else value)
                batch.append(out)
            if connection.vendor == "postgresql":
                _copy_upsert(cursor, model, sql, fields, batch)
            else:
                for start in _progress(range(0, len(batch), BATCH), quiet=quiet, desc=model.__name__):
                    cursor.executemany(sql, batch[start : start + BATCH])
            result.counts[hsds.TABLE_OF_MODEL[model]] = len(batch)
        _refresh_search_text(list(rows.get(Service, {})))
        located = list(rows.get(Location, {}))
        protect_confidential_locations(Location.objects.filter(id__in=located, confidential=True))
        if rows.get(Location) and not rows.get(Service):
            # A location's change changes the services offered there.
            Service.objects.filter(service_at_locations__location_id__in=located).update(modified_at=now)
    return result


def search_text_of(values: dict[str, Any]) -> str:
    """`Service.compute_search_text` for a service without French text, from its imported values."""
    return search_text_for(values.get("name"), values.get("alternate_name"), values.get("description"))


def _refresh_search_text(ids: list[str]) -> None:
    """Recompute the folded search text of those of these services that have French text (kept across imports).

    The others got theirs with the upsert.
    """
    fields = ("id", "name", "alternate_name", "description", "name_fr", "description_fr")
    table = connection.ops.quote_name(Service._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start : start + BATCH]
            services = Service.objects.filter(id__in=chunk).exclude(name_fr="", description_fr="").only(*fields)
            updates = [(s.compute_search_text(), s.id) for s in services]
            cursor.executemany(f"UPDATE {table} SET search_text = %s WHERE id = %s", updates)  # noqa: S608


def import_path(path: Path, *, kind: str = "service", quiet: bool = True) -> ImportResult:
    if path.is_dir():
        rows = rows_from_csv(path, quiet=quiet)
    elif not path.exists():
        raise ImportFailed([Problem(str(path), "file", "", "no such file or folder")])
    else:
        return import_json(path, kind=kind, quiet=quiet)
    return save_rows(rows, quiet=quiet)


# ---------------------------------------------------------------------------
# Export.


def services_compiled(batch: int = 500, queryset: Any = None) -> Iterator[dict[str, Any]]:
    node = hsds.root_node("service")
    ids = list(
        (queryset if queryset is not None else Service.objects.all()).order_by("id").values_list("id", flat=True)
    )
    for start in range(0, len(ids), batch):
        chunk = list(Service.objects.filter(id__in=ids[start : start + batch]).order_by("id"))
        yield from hsds.render(chunk, node)


def write_json(out: IO[str], *, ndjson: bool = False) -> int:
    count = 0
    if ndjson:
        for obj in services_compiled():
            out.write(hsds.dumps(obj) + "\n")
            count += 1
        return count
    out.write("[")
    for obj in services_compiled():
        out.write(("," if count else "") + "\n" + hsds.dumps(obj))
        count += 1
    out.write("\n]\n")
    return count


def _csv_value(value: Any) -> str:
    value = hsds._json_value(value)
    return "" if value is None else str(value)


def write_csv_package(folder: Path) -> dict[str, int]:
    """One CSV per HSDS table plus the standard's datapackage.json."""
    folder.mkdir(parents=True, exist_ok=True)
    package = hsds.load_schema("datapackage.json")
    counts = {}
    for resource in package["resources"]:
        model = hsds.TABLES[resource["name"]]
        columns = [f["name"] for f in resource["schema"]["fields"]]
        attrs = ["id" if column == "id" else model.hsds_links.get(column, column) for column in columns]
        with (folder / resource["path"]).open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f)
            writer.writerow(columns)
            n = 0
            for record in model._default_manager.order_by("id").iterator(chunk_size=2000):
                writer.writerow([_csv_value(getattr(record, attr, None)) for attr in attrs])
                n += 1
        counts[resource["name"]] = n
    shutil.copyfile(hsds.SCHEMAS / "datapackage.json", folder / "datapackage.json")
    return counts


def export_path(path: Path, fmt: str | None = None) -> int:
    fmt = fmt or ("ndjson" if path.suffix == ".ndjson" else "json" if path.suffix == ".json" else "csv")
    if fmt == "csv":
        return write_csv_package(path).get("service", 0)
    with path.open("w", encoding="utf-8") as f:
        return write_json(f, ndjson=fmt == "ndjson")
