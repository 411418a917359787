"""Reading and writing HSDS 3.0 files: compiled JSON (one object, a list, or ndjson) and the tabular CSV package.

Imports are all or nothing: every record is validated first, every problem is
collected (file, record or row, field, reason), and only a clean file is
written, in one transaction, with bulk upserts keyed by HSDS id.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import itertools
import json
import shutil
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson  # type: ignore[import-untyped]
from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from tqdm import tqdm

from harbour.directory import hsds, taxonomy_map
from harbour.directory.confidential import protect_confidential_locations
from harbour.directory.hsds import Problem, Rows
from harbour.directory.models import HSDS_MODELS, HSDSRecord, KeyOf, Location, Service, key_for, search_text_for

BATCH = 1000
# SQLite's page caches during an import are settings (HARBOUR_IMPORT_CACHE_MB, HARBOUR_IMPORT_SEEN_CACHE_MB).
# Every row goes into indexes keyed by random ids (the HSDS ids, the search keys); once those indexes
# outgrow the cache, each row's pages are spilled to the write-ahead log and read back: a million services
# have an estimated 1.3 to 1.8 GB of them. An operator loading a national file on a machine with memory to
# spare can raise them (1,024 and 256 were measured at a million: faster, but about 1.7 GB of memory); the
# defaults keep an import near 400 MB whatever the file's size.


class ImportFailed(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s)")
        self.problems = problems


@dataclass
class ImportResult:
    counts: dict[str, int] = field(default_factory=dict)  # distinct records per table, however often given
    removed: dict[str, int] = field(default_factory=dict)  # nested records the source no longer lists
    mapped: int = 0  # Harbour need and population terms given through the taxonomy map

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

# What a file that is not UTF-8 text starts with, and what to tell the person who sent it.
_NOT_TEXT = (
    (b"\x1f\x8b", "is gzip-compressed: unpack it first (gunzip) and import the .json or .ndjson inside"),
    (b"PK\x03\x04", "is a zip archive: unpack it first and import the .json file or the CSV folder inside"),
    (b"\xff\xfe", "is UTF-16 text: save it as UTF-8 and import it again"),
    (b"\xfe\xff", "is UTF-16 text: save it as UTF-8 and import it again"),
    (b"\x89PNG", "is an image (PNG), not an HSDS file"),
    (b"\xff\xd8\xff", "is an image (JPEG), not an HSDS file"),
    (b"GIF8", "is an image (GIF), not an HSDS file"),
    (b"%PDF", "is a PDF document, not an HSDS file"),
)


def _refusal(path: Path, record: str, reason: str) -> ImportFailed:
    return ImportFailed([Problem(str(path), record, "", reason)])


def _check_text(path: Path) -> str:
    """The first non-blank character of a UTF-8 text file; refuses, with one plain reason, anything else."""
    with path.open("rb") as f:
        head = f.read(4096)
        if not head:
            raise _refusal(path, "file", "the file is empty")
        for magic, reason in _NOT_TEXT:
            if head.startswith(magic):
                raise _refusal(path, "file", f"the file {reason}")
        if b"\x00" in head:
            raise _refusal(path, "file", "the file is not text (it holds NUL bytes): save it as UTF-8 JSON")
        f.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        line, first = 1, ""
        for block in iter(lambda: f.read(1 << 20), b""):
            try:
                text = decoder.decode(block)
            except UnicodeDecodeError as error:
                line += block[: error.start].count(b"\n")
                raise _refusal(
                    path, f"line {line}", "the file is not UTF-8 text (Latin-1 or Windows-1252?): save it as UTF-8"
                ) from None
            line += text.count("\n")
            first = first or text.lstrip("\ufeff \t\r\n")[:1]
    if not first:
        raise _refusal(path, "file", "the file is empty (only blank space)")
    return first


def _is_ndjson(path: Path) -> bool:
    """One JSON object per line: the first line is a whole object, or the next non-blank one is."""
    with path.open(encoding="utf-8-sig") as f:
        lines = (line for line in f if line.strip())
        for line in itertools.islice(lines, 2):
            try:
                if isinstance(json.loads(line), dict):
                    return True
            except json.JSONDecodeError:
                continue
    return False


def _has_contents(path: Path) -> bool:
    """Whether a JSON object is a page ({"contents": [...]}), read without building it."""
    with path.open("rb") as f:
        try:
            for prefix, event, value in ijson.parse(f):
                if prefix == "" and event == "map_key" and value == "contents":
                    return True
                if prefix == "" and event == "end_map":
                    return False
        except ijson.JSONError:
            return False  # read_json reports it, with the records before it
    return False


def read_json(path: Path) -> Iterator[tuple[str, Any]]:
    """(label, object) for each record: a single object, a list, a page ({"contents": [...]}) or ndjson.

    Nothing is held whole: ndjson is read a line at a time and a list (or a page's contents) is
    streamed by ijson one record at a time, so memory stays bounded by the largest record.
    """
    first = _check_text(path)
    if first == "{" and _is_ndjson(path):
        yield from _read_ndjson(path)
        return
    if first not in "[{":
        raise _refusal(path, "line 1", "not JSON: an HSDS file starts with [ (a list) or { (one record)")
    prefix = "item" if first == "[" else "contents.item" if _has_contents(path) else ""
    number = 0
    with path.open("rb") as f:
        try:
            for number, item in enumerate(ijson.items(f, prefix, use_float=True), 1):
                yield f"record {number}" if prefix else "record 1", item
        except ijson.JSONError as error:
            where = f"after record {number}" if number else "file"
            raise _refusal(path, where, f"not JSON: {_json_error(error)}") from None


def _json_error(error: Exception) -> str:
    """ijson's reason, in one plain sentence (its first line: the others draw an arrow under the text)."""
    lines = str(error).strip().splitlines()
    reason = lines[0].strip() if lines else ""
    if not reason or "premature EOF" in reason or "Incomplete" in reason:
        reason = "the file ends before the JSON does (it may have been cut short)"
    return reason[:1].upper() + reason[1:].rstrip(".") + "."


def _read_ndjson(path: Path) -> Iterator[tuple[str, Any]]:
    with path.open(encoding="utf-8-sig") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                yield f"line {number}", json.loads(line)
            except json.JSONDecodeError as error:
                yield f"line {number}", _NotJSON(f"{error.msg} at column {error.colno}")


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


Given = dict[tuple[type[HSDSRecord], str], dict[str, Any]]


def checked_rows(
    obj: Any, *, kind: str, file: str, label: str, given: Given | None = None
) -> tuple[list[Problem], Rows]:
    """The problems of one JSON record and, when it has none, its rows (flattened once for both).

    `given` collects what the record itself says about each record nested in it (see `hsds.flatten`).
    """
    where = _label(label, obj)
    if isinstance(obj, _NotJSON):
        return [Problem(file, where, "", f"not JSON: {obj.message}")], {}
    found = hsds.schema_problems(obj, hsds.ROOT_SCHEMAS[kind], file=file, record=where)
    if found:
        return found, {}
    rows: Rows = {}
    conflicts: list[tuple[str, str, str]] = []
    hsds.flatten(obj, hsds.root_node(kind), rows, None, conflicts, given)
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


def import_json(
    path: Path,
    *,
    kind: str = "service",
    quiet: bool = True,
    chunk: int = 2000,
    progress: Callable[[int], None] | None = None,
) -> ImportResult:
    """Check every record and write the file in chunks inside one transaction (all or nothing).

    One pass: each record is read, checked and flattened once. Once a problem is found nothing more is
    written, the rest of the file is still checked (every problem is reported), and the transaction is
    rolled back. `progress` is told how many records are written (not yet committed) after each chunk.
    """
    caches: dict[str, int] = {}
    if connection.vendor == "sqlite":
        # A large import touches index pages all over: bigger page caches for this import only, for the
        # database and for the temporary tables of the records seen (14 rows a service). Bounded, so
        # memory stops growing with the file once they are full (docs/performance.md, "A million services").
        with connection.cursor() as cursor:
            sizes = (("main", settings.HARBOUR_IMPORT_CACHE_MB), ("temp", settings.HARBOUR_IMPORT_SEEN_CACHE_MB))
            for schema, megabytes in sizes:
                cursor.execute(f"PRAGMA {schema}.cache_size")
                caches[schema] = int(cursor.fetchone()[0])
                cursor.execute(f"PRAGMA {schema}.cache_size = -{megabytes * 1024}")
    try:
        return _import_checked(path, kind=kind, quiet=quiet, chunk=chunk, progress=progress)
    finally:
        with connection.cursor() as cursor:
            for schema, size in caches.items():
                cursor.execute(f"PRAGMA {schema}.cache_size = {size}")


class _Seen:
    """Every record a file has given so far: a digest of what it said, and where (for a later conflict).

    Kept in a temporary table of the import's own connection, a chunk at a time, so the import's
    memory does not grow with the file: one row per distinct record (its table, a 64-bit hash of its
    id, a 64-bit digest of what the file says about it, and its line or record number). Each flush
    writes the pending records to a second temporary table (COPY on PostgreSQL) and compares the two
    tables in one join: no statement per record.

    The hashes are Python's own (`hash`, keyed afresh by each process): they only ever meet within
    one import's transaction, and a file cannot be made to collide with a key it does not know.
    """

    TABLE = "hsds_import_seen"
    NEW = "hsds_import_seen_new"
    FLUSH_EVERY = 50_000

    def __init__(self) -> None:
        self.tables = {model: number for number, model in enumerate(HSDS_MODELS)}
        # (table, id hash) -> (digest, number, label, id) for the records not written to the table yet.
        self.pending: dict[tuple[int, int], tuple[int, int, str, str]] = {}
        self.kind = "line"
        self.postgresql = connection.vendor == "postgresql"
        if self.postgresql:
            # The records seen of a million services are 14 million rows: more than the default 8 MB of
            # buffers for temporary tables. Settable only before a session's first temporary table.
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute("SET LOCAL temp_buffers = '256MB'")
            except DatabaseError:
                pass  # this session has used temporary tables already: its buffers stay as they are
        with connection.cursor() as cursor:
            if self.postgresql:
                for name, key in ((self.TABLE, ", PRIMARY KEY (t, h)"), (self.NEW, "")):
                    cursor.execute(
                        f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} "
                        f"(t integer NOT NULL, h bigint NOT NULL, d bigint NOT NULL, n bigint NOT NULL{key}) "
                        "ON COMMIT DROP"
                    )
            else:
                for name, key in ((self.TABLE, ", PRIMARY KEY (t, h)) WITHOUT ROWID"), (self.NEW, ")")):
                    cursor.execute(
                        f"CREATE TEMPORARY TABLE IF NOT EXISTS {name} "
                        f"(t INTEGER NOT NULL, h INTEGER NOT NULL, d INTEGER NOT NULL, n INTEGER NOT NULL{key}"
                    )
            for name in (self.TABLE, self.NEW):
                cursor.execute(f"DELETE FROM {name}")  # noqa: S608 - fixed names

    @staticmethod
    def _digest(properties: dict[str, Any]) -> int:
        """What the file says about a record, as 64 bits; equal for equal properties in any order."""
        try:
            # The types are part of it: 1, 1.0 and true are different values in JSON.
            return hash(
                (frozenset(properties.items()), frozenset(zip(properties, map(type, properties.values()), strict=True)))
            )
        except TypeError:  # lists or objects among the values
            return hash(json.dumps(properties, sort_keys=True, default=str))

    def _conflict(self, *, file: str, label: str, record_id: str, table: int, number: int) -> Problem:
        name = hsds.TABLE_OF_MODEL[HSDS_MODELS[table]]
        reason = f"{name} {record_id} is also given at {self.kind} {number} with different values: keep one of them"
        return Problem(file, label, "id", reason)

    def add(self, given: Given, *, file: str, label: str) -> list[Problem]:
        """Note one record's records; `label` is "line N" or "record N" (then its id). Returns conflicts found."""
        kind, _space, rest = label.partition(" ")
        self.kind = kind
        number = int(rest.split(" ", 1)[0])
        found = []
        tables, pending, digest_of = self.tables, self.pending, self._digest
        for (model, record_id), properties in given.items():
            key = (tables[model], hash(record_id))
            digest = digest_of(properties)
            earlier = pending.setdefault(key, (digest, number, label, record_id))
            if earlier[0] != digest:
                found.append(
                    self._conflict(file=file, label=label, record_id=record_id, table=key[0], number=earlier[1])
                )
        if len(pending) >= self.FLUSH_EVERY:
            found += self.flush(file)
        return found

    def flush(self, file: str) -> list[Problem]:
        """Compare the pending records with those of earlier flushes, and write the new ones."""
        if not self.pending:
            return []
        new = [(table, id_hash, digest, number) for (table, id_hash), (digest, number, _l, _i) in self.pending.items()]
        found = []
        with connection.cursor() as cursor:
            if self.postgresql:
                cursor.execute(f"TRUNCATE {self.NEW}")
                with cursor.cursor.copy(f"COPY {self.NEW} (t, h, d, n) FROM STDIN") as copy:
                    for row in new:
                        copy.write_row(row)
            else:
                cursor.execute(f"DELETE FROM {self.NEW}")  # noqa: S608 - a fixed name
                cursor.executemany(f"INSERT INTO {self.NEW} (t, h, d, n) VALUES (%s, %s, %s, %s)", new)  # noqa: S608
            cursor.execute(
                f"SELECT new.t, new.h, seen.n FROM {self.NEW} new JOIN {self.TABLE} seen "  # noqa: S608
                "ON seen.t = new.t AND seen.h = new.h WHERE seen.d <> new.d"
            )
            for table, id_hash, number in cursor.fetchall():
                _digest, _number, label, record_id = self.pending[(table, id_hash)]
                found.append(self._conflict(file=file, label=label, record_id=record_id, table=table, number=number))
            cursor.execute(
                f"INSERT INTO {self.TABLE} (t, h, d, n) SELECT t, h, d, n FROM {self.NEW} WHERE true "  # noqa: S608
                "ON CONFLICT (t, h) DO NOTHING"
            )
        self.pending.clear()
        # In the file's order, as the records were read.
        return sorted(found, key=lambda problem: _number_in(problem.record))

    def counts(self, file: str) -> dict[str, int]:
        self.flush(file)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT t, COUNT(*) FROM {self.TABLE} GROUP BY t")  # noqa: S608
            return {hsds.TABLE_OF_MODEL[HSDS_MODELS[table]]: count for table, count in cursor.fetchall()}


def _number_in(label: str) -> int:
    """N of "line N (id ...)" or "record N (id ...)"."""
    return int(label.partition(" ")[2].split(" ", 1)[0])


def _import_checked(
    path: Path, *, kind: str, quiet: bool, chunk: int, progress: Callable[[int], None] | None
) -> ImportResult:
    problems: list[Problem] = []
    stamp = timezone.now()
    with transaction.atomic():
        seen = _Seen()  # its temporary table lives as long as this transaction
        rows: Rows = {}
        pending = written = 0
        for label, obj in _progress(read_json(path), quiet=quiet, desc="importing"):
            given: Given = {}
            found, record_rows = checked_rows(obj, kind=kind, file=str(path), label=label, given=given)
            if not found:
                found = seen.add(given, file=str(path), label=_label(label, obj))
            problems.extend(found)
            if problems:
                continue
            _merge(rows, record_rows)
            pending += 1
            if pending >= chunk:
                save_rows(rows, stamp=stamp)
                if not written:
                    _analyse_first_chunk()
                written += pending
                rows, pending = {}, 0
                if progress is not None:
                    progress(written)
        problems.extend(seen.flush(str(path)))
        if problems:
            raise ImportFailed(problems)
        if rows:
            save_rows(rows, stamp=stamp)
        result = ImportResult(counts=seen.counts(str(path)))
        # Replaced first: a term the file dropped no longer maps to anything.
        result.removed = replace_nested(stamp, nested_pairs(hsds.root_node(kind)))
        result.mapped = taxonomy_map.map_services(Service.objects.filter(modified_at=stamp), stamp=stamp)
        dangling = dangling_references(stamp, file=str(path))
        if dangling:
            raise ImportFailed(dangling)
    analyse_directory()
    return result


def _analyse_first_chunk() -> None:
    """On PostgreSQL, statistics from the import's first chunk, before the rest is written.

    The point-copying triggers (migration 0023) look up one row per location and per service at a location.
    A table analysed empty (by autovacuum after a wipe or a failed import) makes every index look as cheap
    as any other, and PostgreSQL looked the location up by the wide `dir_sal_near` index, where it is the
    fifth column: a scan of the whole index per row, as many rows as the import had written (a million-
    service import fell to 215 services/s after 20,000). ANALYZE counts the transaction's own rows, so the
    plans from here on see a table that has rows and use the index that leads with the link (and if the
    import then fails, the tables' row estimates still count its rows until autovacuum's next look).

    Its lock (SHARE UPDATE EXCLUSIVE) lasts until the import ends: autovacuum and another ANALYZE or
    CREATE INDEX wait for it, as they could not clean the import's rows before it ends anyway. If another
    session holds a table for two seconds, the import goes on without (slower, never wrong).
    """
    if connection.vendor == "postgresql":
        analyse_directory()


def analyse_directory() -> None:
    """Statistics of the directory's tables for the planner (ANALYZE): after every import that wrote, and on
    PostgreSQL also after its first chunk (`_analyse_first_chunk`).

    SQLite keeps no statistics unless asked, and its planner then weighs every index by the same guesses: at
    100,000 services the search page for "shelter" near Toronto took 60 instead of 47 ms of CPU, "counselling"
    44 instead of 30 (docs/performance.md); the benchmarks, which analyse, had not shown it. Analysing the
    directory's tables there took 0.6 s at 100,000 services. On PostgreSQL autovacuum would do it within
    minutes; a table held elsewhere for two seconds is left to it (the import is never undone for this).
    """
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            for model in HSDS_MODELS:
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL lock_timeout TO DEFAULT")
    except DatabaseError:
        pass  # a table held elsewhere: the savepoint undid the timeout, and what was imported stays


# ---------------------------------------------------------------------------
# What a whole import checks and replaces, once every record is written.
#
# Every row an import writes carries the import's own `modified_at` stamp, so the database
# itself says which records came from this file: nothing about the file is kept in memory.


def nested_pairs(node: hsds.Node) -> Pairs:
    """(parent model, child model, child's link field) for every array nested under arrays from `node`.

    A nested object (a service's organisation, a service at a location's location) is a record of its
    own, often given in part: its arrays are not replaced from another record's file.
    """
    pairs: Pairs = []

    def walk(parent: hsds.Node) -> None:
        for sub in parent.arrays.values():
            link = hsds.child_link(parent, sub)
            if link is not None and (parent.model, sub.model, link) not in pairs:
                pairs.append((parent.model, sub.model, sub.model.hsds_links[link]))
                walk(sub)

    walk(node)
    return pairs


Pairs = list[tuple[type[HSDSRecord], type[HSDSRecord], str]]


def replace_nested(stamp: datetime.datetime, pairs: Pairs) -> dict[str, int]:
    """Delete the nested records of every parent this import wrote that the import did not give again.

    A record imported again replaces its nested records: a service area the source dropped is
    dropped here too (docs/directory.md, "Importing").
    """
    removed: dict[str, int] = {}
    for parent, child, attr in pairs:
        # Only a record older than the import can be stale: where there is none (a first load, a table the
        # file fills alone), nothing is looked up. Each parent's lookup is a random read of the child's
        # index, which at a million services no longer fits the page cache (docs/performance.md).
        if not child._default_manager.filter(Q(modified_at__lt=stamp) | Q(modified_at__gt=stamp)).exists():
            continue
        parents = parent._default_manager.filter(modified_at=stamp).values("id")
        stale = child._default_manager.filter(**{f"{attr}__in": parents}).exclude(modified_at=stamp)
        count, _by_model = stale.delete()
        if count:
            table = hsds.TABLE_OF_MODEL[child]
            removed[table] = removed.get(table, 0) + count
    return removed


def _foreign_keys() -> list[tuple[type[HSDSRecord], str, str, type[HSDSRecord]]]:
    """(model, HSDS link property, model attribute, referenced model) from the standard's datapackage."""
    found = []
    for resource in hsds.load_schema("datapackage.json")["resources"]:
        model = hsds.TABLES[resource["name"]]
        for key in resource["schema"].get("foreignKeys", []):
            prop = key["fields"] if isinstance(key["fields"], str) else key["fields"][0]
            if prop in model.hsds_links:
                found.append((model, prop, model.hsds_links[prop], hsds.TABLES[key["reference"]["resource"]]))
    return found


MAX_DANGLING_REPORTED = 20


def dangling_references(stamp: datetime.datetime, *, file: str) -> list[Problem]:
    """Every link of a record this import wrote that names a record neither the file nor the directory has."""
    problems = []
    for model, prop, attr, target in _foreign_keys():
        # NOT EXISTS, an anti-join: PostgreSQL ran `NOT IN (every id of the target)` as a subplan scanned
        # once per row whenever the ids outgrew `work_mem` (150,000 locations at 100,000 services).
        named = target._default_manager.filter(id=OuterRef(attr))
        rows = (
            model._default_manager.filter(modified_at=stamp, **{f"{attr}__isnull": False})
            .filter(~Exists(named))
            .order_by("id")
            .values_list("id", attr)
        )
        table, other = hsds.TABLE_OF_MODEL[model], hsds.TABLE_OF_MODEL[target]
        for record_id, value in rows[:MAX_DANGLING_REPORTED]:
            reason = f"names the {other} {value}, which is neither in the file nor in the directory"
            problems.append(Problem(file, f"{table} {record_id}", prop, reason))
    return problems


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


# Records that stand on their own: never removed because a package's table of them leaves one out.
OWN_RECORDS = tuple(hsds.TABLES[name] for name in ("organization", "service", "location", "program", "taxonomy_term"))
# The tables without which a package describes no service.
REQUIRED_TABLES = ("organization", "service")


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
    names = {r.get("name") for r in present}
    for name in REQUIRED_TABLES:
        if name not in names:
            path = folder / standard[name]["path"]
            problems.append(Problem(str(path), "file", "", f"missing: every HSDS package has a {name} table"))
    for resource in present:
        name = resource.get("name")
        if name not in hsds.TABLES or name not in standard:
            problems.append(Problem(str(folder / resource["path"]), "file", "", f"unknown HSDS table {name!r}"))
            continue
        model = hsds.TABLES[name]
        path = folder / resource["path"]
        try:
            _check_text(path)
        except ImportFailed as refused:
            problems.extend(refused.problems)
            continue
        fields = standard[name]["schema"]["fields"]
        types = {f["name"]: f.get("type", "string") for f in fields}
        required = [f["name"] for f in fields if f.get("constraints", {}).get("required")]
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f)
            header = reader.fieldnames or []
            unknown = [c for c in header if c not in types]
            for column in unknown:
                problems.append(Problem(str(path), "header", column, "not a column of this HSDS table"))
            for column in required:
                if column not in header:
                    problems.append(Problem(str(path), "header", column, "required column missing"))
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
        if name in REQUIRED_TABLES and not by_id:
            problems.append(Problem(str(path), "file", "", "has no rows: the package must list at least one"))
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


def _staged_upsert(
    cursor: Any, model: type[HSDSRecord], sql: str, fields: list[Any], batch: list[list[Any]], *, quiet: bool
) -> None:
    """On SQLite: the rows into a temporary table (`executemany`), then one INSERT ... SELECT with the upsert.

    One statement per table and chunk rather than one per row: SQLite's full-text index (filled by
    the services' trigger) writes what it has gathered at the end of every statement, so a statement
    per service made it write a tiny segment per service and merge them again (four times the CPU).
    """
    qn = connection.ops.quote_name
    staging = qn(f"hsds_import_{model._meta.db_table}")
    columns = ", ".join(qn(f.column) for f in fields)
    cursor.execute(
        f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} AS "  # noqa: S608 - names from the models
        f"SELECT {columns} FROM {qn(model._meta.db_table)} WHERE 0"
    )
    cursor.execute(f"DELETE FROM {staging}")  # noqa: S608
    insert = f"INSERT INTO {staging} ({columns}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    for start in _progress(range(0, len(batch), BATCH), quiet=quiet, desc=model.__name__):
        cursor.executemany(insert, batch[start : start + BATCH])
    into, _values, conflict = sql.partition(" VALUES (")
    on_conflict = conflict[conflict.index(") ON CONFLICT") + 2 :]
    # "WHERE true": SQLite reads ON CONFLICT after a bare SELECT's FROM as part of a join.
    cursor.execute(f"{into} SELECT {columns} FROM {staging} WHERE true {on_conflict}")  # noqa: S608


def _row_builder(model: type[HSDSRecord], fields: list[Any], now: datetime.datetime) -> Callable[[Any], list[Any]]:
    """A function from one flattened HSDS row to its table's column values, in the order of `fields`.

    Worked out once per table and chunk: where each column's value comes from (a property of the
    row, a link, the import's stamp, a key, the search text, a fixed default) and whether the
    database needs it converted, so each of the million rows of a large import runs only its steps.
    """
    # The row's key for each model attribute: properties by name, links by their HSDS property.
    source = {"id": "id", "extra": "extra", **{name: name for name in model.hsds_fields}}
    source.update({attr: prop for prop, attr in model.hsds_links.items()})
    stamp = model._meta.get_field("modified_at").get_db_prep_save(now, connection)
    no_extra = model._meta.get_field("extra").get_db_prep_save({}, connection)
    steps: list[Any] = []  # functions of one row (their defaults bind what each one reads)
    for f in fields:
        attname = f.attname
        key = source.get(attname)
        converts = f.get_internal_type() in ("JSONField", "DateField", "DateTimeField", "BooleanField")
        if attname == "modified_at":
            steps.append(lambda _row, stamp=stamp: stamp)
        elif attname == "search_text" and model is Service:
            steps.append(
                lambda row: search_text_for(row.get("name"), row.get("alternate_name"), row.get("description"))
            )
        elif isinstance(f, KeyOf):
            steps.append(lambda row, key=source[f.source]: key_for(row.get(key)))
        elif key is None:  # a column of Harbour's own: its default (an existing row keeps its value)
            fixed = f.get_db_prep_save(f.get_default(), connection)
            steps.append(lambda _row, fixed=fixed: fixed)
        elif attname == "extra":
            steps.append(
                lambda row, f=f: f.get_db_prep_save(row["extra"], connection) if row.get("extra") else no_extra
            )
        elif model is Service and attname == "assured_date":
            steps.append(lambda row, f=f: f.get_db_prep_save(_date(row.get("assured_date")), connection))
        elif converts:
            steps.append(
                lambda row, f=f, key=key: f.get_db_prep_save(
                    f.get_default() if row.get(key) is None and not f.null else row.get(key), connection
                )
            )
        elif f.null:
            steps.append(lambda row, key=key: row.get(key))
        else:
            default = f.get_default()
            steps.append(lambda row, key=key, default=default: default if row.get(key) is None else row[key])
    return lambda row: [step(row) for step in steps]


def _date(value: Any) -> Any:
    return datetime.date.fromisoformat(value) if isinstance(value, str) else value


def save_rows(rows: Rows, *, quiet: bool = True, stamp: datetime.datetime | None = None) -> ImportResult:
    """Insert or update every row by id in one transaction (bulk upserts); returns counts per table.

    Every row written is stamped `stamp` (`modified_at`; now by default): an import passes one stamp
    for all its chunks, and the database then tells which records the import wrote.
    """
    result = ImportResult()
    now = stamp or timezone.now()
    with transaction.atomic(), connection.cursor() as cursor:
        for model in HSDS_MODELS:
            by_id = rows.get(model)
            if not by_id:
                continue
            sql, fields = _upsert_sql(model)
            build = _row_builder(model, fields, now)
            batch = [build(row) for row in by_id.values()]
            if connection.vendor == "postgresql":
                _copy_upsert(cursor, model, sql, fields, batch)
            else:
                _staged_upsert(cursor, model, sql, fields, batch, quiet=quiet)
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


def import_csv(folder: Path, *, quiet: bool = True) -> ImportResult:
    """Validate a CSV package, write it, replace what its tables no longer list, check every link: or nothing."""
    rows = rows_from_csv(folder, quiet=quiet)
    stamp = timezone.now()
    with transaction.atomic():
        result = save_rows(rows, quiet=quiet, stamp=stamp)
        # A detail table the package gives (even empty) is the whole list for the records it hangs on;
        # records of their own (organisations, services, locations, programmes, taxonomies) never go.
        given = set(rows)
        pairs = [
            (target, model, attr)
            for model, _prop, attr, target in _foreign_keys()
            if model in given and target in given and model is not target and model not in OWN_RECORDS
        ]
        result.removed = replace_nested(stamp, pairs)
        result.mapped = taxonomy_map.map_services(Service.objects.filter(modified_at=stamp), stamp=stamp)
        dangling = dangling_references(stamp, file=str(folder))
        if dangling:
            raise ImportFailed(dangling)
    analyse_directory()
    return result


def import_path(
    path: Path, *, kind: str = "service", quiet: bool = True, progress: Callable[[int], None] | None = None
) -> ImportResult:
    if path.is_dir():
        return import_csv(path, quiet=quiet)
    if not path.exists():
        raise ImportFailed([Problem(str(path), "file", "", "no such file or folder")])
    return import_json(path, kind=kind, quiet=quiet, progress=progress)


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
