"""HSDS 3.0 records in and out of the directory's tables, driven by the standard's own schemas.

The schemas bundled in `data/hsds/` say which objects nest inside which (a phone
inside a service, a taxonomy term inside an attribute...). Both directions
walk them:

- `flatten` turns one nested (compiled) HSDS object into rows per table, giving
  each nested record the link to its parent that the nesting implies.
- `render` turns rows back into nested objects, fetching each level of nesting
  for a whole batch of records at once (one query per table and depth).

Validation uses `jsonschema` against the bundled files only: references resolve
from a local registry and nothing is fetched.
"""

from __future__ import annotations

import datetime
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from json.encoder import encode_basestring_ascii
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import jsonschema_rs
from django.db import connection
from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from harbour.directory.models import (
    HSDS_MODELS,
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Funding,
    HSDSRecord,
    Language,
    Location,
    Metadata,
    MetaTableDescription,
    Organization,
    OrganizationIdentifier,
    Phone,
    Program,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
)

SCHEMAS = Path(__file__).resolve().parent / "data" / "hsds"
HSDS_VERSION = "3.0"

# HSDS table name (the schema's "name") to model.
TABLES: dict[str, type[HSDSRecord]] = {
    "organization": Organization,
    "program": Program,
    "service": Service,
    "location": Location,
    "service_at_location": ServiceAtLocation,
    "address": Address,
    "contact": Contact,
    "phone": Phone,
    "schedule": Schedule,
    "service_area": ServiceArea,
    "language": Language,
    "funding": Funding,
    "cost_option": CostOption,
    "required_document": RequiredDocument,
    "accessibility": Accessibility,
    "organization_identifier": OrganizationIdentifier,
    "taxonomy": Taxonomy,
    "taxonomy_term": TaxonomyTerm,
    "attribute": Attribute,
    "metadata": Metadata,
    "meta_table_description": MetaTableDescription,
}
TABLE_OF_MODEL = {model: name for name, model in TABLES.items()}
assert set(TABLES.values()) == set(HSDS_MODELS)  # noqa: S101 - a programming error, caught at import

# An object nested under a property is linked from its parent by this HSDS link property.
OBJECT_LINKS = {
    "organization": "organization_id",
    "program": "program_id",
    "location": "location_id",
    "service": "service_id",
    "taxonomy_term": "taxonomy_term_id",
    "taxonomy_detail": "taxonomy_id",
}

# The root objects the interchange and the API deal in, and the schema describing each.
ROOT_SCHEMAS = {
    "service": "compiled/service.json",
    "service_list": "compiled/service_list.json",
    "organization": "compiled/organization.json",
    "organization_list": "compiled/organization_list.json",
    "service_at_location": "compiled/service_at_location.json",
    "service_at_location_list": "compiled/service_at_location_list.json",
    "location": "location.json",
    "taxonomy": "taxonomy.json",
    "taxonomy_term": "taxonomy_term.json",
}


@cache
def load_schema(name: str) -> dict[str, Any]:
    with (SCHEMAS / name).open(encoding="utf-8") as f:
        schema: dict[str, Any] = json.load(f)
    return schema


@cache
def registry() -> Registry[Any]:
    resources = [
        (
            path.relative_to(SCHEMAS).as_posix(),
            Resource.from_contents(load_schema(path.relative_to(SCHEMAS).as_posix()), DRAFT202012),
        )
        for path in sorted(SCHEMAS.rglob("*.json"))
        if path.name not in ("openapi.json", "datapackage.json")
    ]
    return Registry().with_resources(resources)


def _is_date_time(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    return "T" in value.upper() and parsed.tzinfo is not None


@cache
def format_checker() -> FormatChecker:
    checker = FormatChecker(("uuid", "email", "date"))
    checker.checks("date-time")(_is_date_time)
    return checker


@cache
def validator(schema_name: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": schema_name}, registry=registry(), format_checker=format_checker())


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with one record: where it is, which field, and why."""

    file: str
    record: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: {self.record}: {self.field or '(record)'}: {self.reason}"


@cache
def fast_validator(schema_name: str) -> Any:
    """The same schema compiled by jsonschema-rs: about a hundred times faster, used to pass valid records quickly."""

    def retrieve(uri: str) -> Any:
        name = uri.removeprefix("file:///hsds/")
        return load_schema(name if (SCHEMAS / name).exists() else uri.rsplit("/", 1)[-1])

    return jsonschema_rs.validator_for(
        load_schema(schema_name),
        validate_formats=True,
        retriever=retrieve,
        # Every reference resolves through `retrieve`, from the bundled files: nothing is fetched.
        base_uri=f"file:///hsds/{schema_name}",
    )


def schema_problems(obj: Any, schema_name: str, *, file: str, record: str) -> list[Problem]:
    """Every way `obj` breaks the schema (none for a valid record), each with its field path and reason."""
    fast = fast_validator(schema_name)
    if fast.is_valid(obj):
        return []
    found = []
    for error in sorted(validator(schema_name).iter_errors(obj), key=lambda e: list(map(str, e.absolute_path))):
        found.append(Problem(file, record, _path(error), _reason(error)))
    if not found:  # a check only the faster validator makes (such as a malformed URI)
        for fast_error in fast.iter_errors(obj):
            where = ".".join(str(p) for p in fast_error.instance_path)
            found.append(Problem(file, record, where, _shorten_values(str(fast_error.message), fast_error.instance)))
    return found


def quoted(value: Any, limit: int = 60) -> str:
    """A value as JSON for a message, whole words cut with an ellipsis past `limit` characters."""
    text = json.dumps(value, ensure_ascii=False)
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[: limit // 2 * 2] else text[:limit]
    return cut + "…"


def _shorten_values(message: str, instance: Any) -> str:
    """A validator's whole sentence, with the offending value in it shortened (never the sentence itself)."""
    for shown in (repr(instance), json.dumps(instance, ensure_ascii=False)):
        if len(shown) > 60 and shown in message:
            return message.replace(shown, quoted(instance))
    return message


def _path(error: ValidationError) -> str:
    out = ""
    for part in error.absolute_path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _reason(error: ValidationError) -> str:
    if error.validator == "required":
        return error.message.replace("is a required property", "is required")
    if error.validator == "type":
        return f"should be of type {error.validator_value}, not {quoted(error.instance)}"
    return _shorten_values(error.message, error.instance)


# ---------------------------------------------------------------------------
# The shape of nesting, read from the schemas.


@dataclass(eq=False)
class Node:
    """One object position in a nested HSDS document (e.g. "the phones of a service's contacts")."""

    table: str
    model: type[HSDSRecord]
    properties: tuple[str, ...]  # every property the schema gives this object, in order
    scalars: tuple[str, ...]  # properties stored as columns
    links: tuple[str, ...]  # link properties (`*_id`, link_id, resource_id)
    arrays: dict[str, Node] = field(default_factory=dict)
    objects: dict[str, Node] = field(default_factory=dict)


def _resolve(schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = load_schema(schema["$ref"])
    return schema


def _build(schema: dict[str, Any], depth: int = 0) -> Node:
    schema = _resolve(schema)
    table = schema["name"]
    model = TABLES[table]
    props = schema.get("properties", {})
    node = Node(table, model, tuple(props), model.hsds_fields, tuple(model.hsds_links))
    if depth > 12:  # the standard's nesting is finite; this guards against a malformed file
        return node
    for name, sub in props.items():
        if sub.get("type") == "array":
            items = sub.get("items", {})
            if "$ref" in items or items.get("type") == "object":
                node.arrays[name] = _build(items, depth + 1)
        elif "$ref" in sub or sub.get("type") == "object":
            node.objects[name] = _build(sub, depth + 1)
    return node


@cache
def root_node(kind: str) -> Node:
    return _build(load_schema(ROOT_SCHEMAS[kind]))


@cache
def scalars_only(node: Node) -> Node:
    """`node` without anything nested in it: what is left of its objects once their arrays and objects are cut."""
    return replace(node, arrays={}, objects={})


@cache
def nested_scalars_only(node: Node, key: str) -> Node:
    """`node` with the objects of its array `key` read without anything nested in them (an organisation's
    services, brief): the same objects, once those are cut, without reading what would be cut."""
    return replace(node, arrays={**node.arrays, key: scalars_only(node.arrays[key])})


@cache  # nodes are built once (root_node) and compared by identity
def child_link(parent: Node, child: Node) -> str | None:
    """The link property by which a record nested in an array points to its parent."""
    if child.table == "attribute":
        return "link_id"
    if child.table == "metadata":
        return "resource_id"
    name = f"{parent.table}_id"
    return name if name in child.model.hsds_links else None


# ---------------------------------------------------------------------------
# Nested objects to rows.

Rows = dict[type[HSDSRecord], dict[str, dict[str, Any]]]


def flatten(
    obj: dict[str, Any],
    node: Node,
    rows: Rows,
    implied: dict[str, Any] | None = None,
    conflicts: list[tuple[str, str, str]] | None = None,
    given: dict[tuple[type[HSDSRecord], str], dict[str, Any]] | None = None,
) -> None:
    """Add the rows of `obj` (already valid against the schema) and everything nested in it to `rows`.

    A record may appear several times (the same phone under a service and its location); each
    appearance adds what it knows, and a property given two different values is a conflict
    (table, id, property) added to `conflicts`. `given` collects, per record, the properties the
    file itself gives (not the links its nesting implies), to compare records across a file.
    """
    row: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    for key, value in obj.items():
        if key in node.arrays or key in node.objects:
            continue
        if key == "id" or key in node.scalars or key in node.links:
            row[key] = value
        else:
            extra[key] = value
    for key in node.objects:
        if isinstance(obj.get(key), dict):
            link = OBJECT_LINKS.get(key)
            if link and link in node.links:
                row.setdefault(link, obj[key]["id"])
    if given is not None:
        given.setdefault((node.model, obj["id"]), {}).update(row, **extra)
    for key, value in (implied or {}).items():
        row.setdefault(key, value)
    merged = rows.setdefault(node.model, {}).setdefault(obj["id"], {"extra": {}})
    if conflicts is not None and len(merged) > 1:
        conflicts.extend(
            (node.table, obj["id"], key)
            for key, value in [*row.items(), *extra.items()]
            if key in merged and merged[key] != value or key in merged["extra"] and merged["extra"][key] != value
        )
    merged.update(row)
    merged["extra"].update(extra)
    for key, sub in node.arrays.items():
        items = obj.get(key)
        if items:
            link = child_link(node, sub)
            implied = {link: obj["id"]} if link else None
            for item in items:
                flatten(item, sub, rows, implied, conflicts, given)
    for key, sub in node.objects.items():
        if isinstance(obj.get(key), dict):
            flatten(obj[key], sub, rows, None, conflicts, given)


# ---------------------------------------------------------------------------
# Rows to nested objects.
#
# A record by id is about forty reads of a few rows each, so what costs is the work around each read
# and row, not the reads: the reads are prepared statements (one per table, link and depth), their
# rows stay tuples read by position, and each object position of the standard has its plan (which
# property comes from which column, in the schema's order) worked out once.


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def record_dict(row: HSDSRecord | SimpleNamespace, node: Node) -> dict[str, Any]:
    """The scalar and link properties of one record (a model or its plain values), in the schema's order.

    Absent properties are left out.
    """
    columns = _rendered_columns(node.model)
    return _record(tuple(getattr(row, name) for name in columns), _nesting(node).plan)


def _record(row: Sequence[Any], plan: tuple[tuple[str, int], ...]) -> dict[str, Any]:
    """`record_dict` of a row of `_rendered_columns` (a tuple from the database or from a model)."""
    out: dict[str, Any] = {"id": row[0]}
    for prop, index in plan:
        value = row[index]
        if value is not None:
            out[prop] = value if value.__class__ is str else _json_value(value)
    extra = row[1]
    if extra:
        for key, value in extra.items():
            if key not in out:
                out[key] = value
    return out


@dataclass(frozen=True, slots=True, eq=False)
class _Nesting:
    """What rendering one object position needs, by position in its table's rows (`_rendered_columns`).

    `plan`: each property stored as a column, in the schema's order, and where its value is.
    `arrays`: each nested array (property, node, the column of the nested table linking to this record,
    or "" when nothing links them). `objects`: each nested object (property, node, where this record's
    link to it is).
    """

    plan: tuple[tuple[str, int], ...]
    arrays: tuple[tuple[str, Node, str], ...]
    objects: tuple[tuple[str, Node, int], ...]


@cache  # nodes are built once (root_node) and compared by identity
def _nesting(node: Node) -> _Nesting:
    position = _positions(node.model)
    links = node.model.hsds_links
    plan = []
    for prop in node.properties:
        if prop in node.scalars:
            plan.append((prop, position[prop]))
        elif prop in links:
            plan.append((prop, position[links[prop]]))
    arrays = []
    for key, sub in node.arrays.items():
        link = child_link(node, sub)
        arrays.append((key, sub, _link_attr(sub.model, link) if link else ""))
    objects = []
    for key, sub in node.objects.items():
        link = OBJECT_LINKS.get(key)
        if link and link in node.links:
            objects.append((key, sub, position[_link_attr(node.model, link)]))
    return _Nesting(tuple(plan), tuple(arrays), tuple(objects))


def _link_attr(model: type[HSDSRecord], link: str) -> str:
    return model.hsds_links[link]


Item = tuple[dict[str, Any], Sequence[Any], frozenset[str]]


def render(rows: Sequence[HSDSRecord], node: Node) -> list[dict[str, Any]]:
    """The nested HSDS objects of `rows` (all of `node`'s table), fetched level by level in batches.

    An object that would repeat one it is nested in (a service's organisation inside that
    organisation's own services) is left out, as the standard's examples do.
    """
    columns = _rendered_columns(node.model)
    with connection.cursor() as cursor:
        return _render(cursor, [tuple(getattr(r, name) for name in columns) for r in rows], node)


def render_ids(ids: Sequence[str], node: Node) -> list[dict[str, Any]]:
    """`render` of the records of `node`'s table with these ids, in the order given (an id not held is left out).

    The records are read as the nested ones are (one prepared statement), not as models.
    """
    with connection.cursor() as cursor:
        found = {row[0]: row for row in _read_many(cursor, [(node.model, "id", ids)])[0]}
        return _render(cursor, [found[i] for i in ids if i in found], node)


def _render(cursor: Any, rows: list[Sequence[Any]], node: Node) -> list[dict[str, Any]]:
    top: list[Item] = [(_record(r, _nesting(node).plan), r, frozenset((r[0],))) for r in rows]
    level: list[tuple[Node, list[Item]]] = [(node, top)]
    while level:
        # Gather what every position at this depth needs, grouped by (model, column): one query each.
        wanted: dict[tuple[type[HSDSRecord], str], set[str]] = defaultdict(set)
        for parent, items in level:
            nesting = _nesting(parent)
            if nesting.arrays:
                ids = [r[0] for _d, r, _a in items]
                for _key, sub, column in nesting.arrays:
                    if column:
                        wanted[(sub.model, column)].update(ids)
            for _key, sub, index in nesting.objects:
                wanted[(sub.model, "id")].update(v for _d, r, _a in items if (v := r[index]) is not None)
        reads = [(model, column, sorted(keys)) for (model, column), keys in wanted.items() if keys]
        fetched: dict[tuple[type[HSDSRecord], str], dict[str, list[Sequence[Any]]]] = {}
        for (model, column, _keys), records in zip(reads, _read_many(cursor, reads), strict=True):
            index = _positions(model)[column]
            found: dict[str, list[Sequence[Any]]] = {}
            for record in records:
                key = record[index]
                if key in found:
                    found[key].append(record)
                else:
                    found[key] = [record]
            fetched[(model, column)] = found
        next_level: list[tuple[Node, list[Item]]] = []
        for parent, items in level:
            nesting = _nesting(parent)
            for key, sub, column in nesting.arrays:
                by_parent = fetched.get((sub.model, column), {}) if column else {}
                plan = _nesting(sub).plan
                children: list[Item] = []
                for d, r, ancestors in items:
                    nested = d[key] = []
                    for child in by_parent.get(r[0], ()):
                        cd = _record(child, plan)
                        nested.append(cd)
                        children.append((cd, child, ancestors | {child[0]}))
                if children:
                    next_level.append((sub, children))
            for key, sub, index in nesting.objects:
                by_id = fetched.get((sub.model, "id"), {})
                plan = _nesting(sub).plan
                children = []
                for d, r, ancestors in items:
                    value = r[index]
                    if value is None or value in ancestors:
                        continue
                    match = by_id.get(value)
                    if match:
                        cd = d[key] = _record(match[0], plan)
                        children.append((cd, match[0], ancestors | {value}))
                if children:
                    next_level.append((sub, children))
        level = next_level
    return [d for d, _r, _a in top]


@cache
def _rendered_columns(model: type[HSDSRecord]) -> tuple[str, ...]:
    return ("id", "extra", *model.hsds_fields, *model.hsds_links.values())


@cache
def _positions(model: type[HSDSRecord]) -> dict[str, int]:
    """Where each rendered column (by field name or attribute name) is in a row of `_rendered_columns`."""
    return {name: index for index, name in reversed(list(enumerate(_rendered_columns(model))))}


def _column(model: type[HSDSRecord], name: str) -> Any:
    """The concrete field of a rendered column (typed loosely: the stubs do not know `get_db_converters`)."""
    return model._meta.get_field(name)


@cache
def _select_sql(model: type[HSDSRecord], column: str, vendor: str) -> str:
    """One read of `model`'s rendered columns whose `column` is in a list given as a single parameter.

    A single parameter (a JSON array on SQLite, an array on PostgreSQL) whatever the number of keys,
    so a record with a thousand phones costs the same one query as a record with one. No ORDER BY:
    the rows are sorted in Python (`_plain_values`), and asking the database to return them by id let
    SQLite walk the primary key of the whole table instead of the link's index.
    """
    qn = connection.ops.quote_name
    columns = ", ".join(qn(_column(model, name).column) for name in _rendered_columns(model))
    keys = "SELECT value FROM json_each(%s)" if vendor == "sqlite" else "SELECT unnest(%s::text[])"
    table, where = qn(model._meta.db_table), qn(_column(model, column).column)
    return f"SELECT {columns} FROM {table} WHERE {where} IN ({keys})"  # noqa: S608 - names from the models


@cache
def _converters(model: type[HSDSRecord], vendor: str) -> list[tuple[int, list[Any], Any]]:
    """For each rendered column whose database value needs converting (JSON, dates on SQLite): its converters.

    What Django's `values()` applies, found once per model and database kind (the converters take
    the connection they convert for as an argument).
    """
    out = []
    for index, name in enumerate(_rendered_columns(model)):
        field = _column(model, name)
        col = field.get_col(model._meta.db_table)
        found = [*connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
        if found:
            out.append((index, found, col))
    return out


def _read_many(cursor: Any, reads: Sequence[tuple[type[HSDSRecord], str, Sequence[str]]]) -> list[list[Any]]:
    """For each (model, column, keys), in order: the rows of `_rendered_columns` whose `column` is one of `keys`.

    On SQLite one query each, with the keys as one JSON parameter. On PostgreSQL every read of a
    level goes in one round trip (the statements are sent together and their results read one after
    the other): a record by id is about six levels deep but 38 reads, and under load each round trip
    waits for the server process to be scheduled. The keys are written into the statements as array
    literals (`_pg_text_array`), so that psycopg has no parameters to merge into a text of many
    statements (which it would parse again at every request: it keeps only short texts parsed).
    """
    db = cursor.db  # the connection itself: each attribute of `django.db.connection` is a look-up
    # Results are read from the driver's cursor (Django's wrapper wraps each call), its errors still
    # turned into Django's; the statements go through Django's cursor, which counts and logs them.
    fetched = cursor.cursor
    if db.vendor != "postgresql":
        out: list[list[Any]] = []
        for model, column, keys in reads:
            if not keys:
                out.append([])
                continue
            cursor.execute(_select_sql(model, column, db.vendor), [_json_text_array(keys)])
            with db.wrap_database_errors:
                rows = fetched.fetchall()
            out.append(_plain_values(model, rows, db))
        return out
    literals = [_pg_text_array(keys) for _model, _column, keys in reads]
    asked = [
        (model, column, literal) for (model, column, _keys), literal in zip(reads, literals, strict=True) if literal
    ]
    results: list[list[Any]] = []
    if asked:
        cursor.execute("; ".join(_pg_select(model, column, literal) for model, column, literal in asked))
        with db.wrap_database_errors:
            for index, (model, _column, _literal) in enumerate(asked):
                if index:
                    fetched.nextset()
                results.append(_plain_values(model, fetched.fetchall(), db))
    answers = iter(results)
    return [next(answers) if literal else [] for literal in literals]


def _json_text_array(keys: Sequence[str]) -> str:
    """`json.dumps(list(keys))` for strings, without building an encoder for each read."""
    return "[" + ", ".join(map(encode_basestring_ascii, keys)) + "]"


def _pg_select(model: type[HSDSRecord], column: str, literal: str) -> str:
    head, tail = _pg_select_parts(model, column)
    return head + literal + tail


@cache
def _pg_select_parts(model: type[HSDSRecord], column: str) -> tuple[str, str]:
    head, tail = _select_sql(model, column, "postgresql").split("%s")
    return head, tail


def _pg_text_array(keys: Sequence[str]) -> str:
    """The keys as a PostgreSQL `text[]` literal written into a statement ("" when none can match).

    Each element is double-quoted with its backslashes and double quotes escaped (PostgreSQL's array
    syntax), and the whole is dollar-quoted with a tag it does not contain: inside a dollar-quoted
    string nothing is an escape, whatever the server's settings. A key holding a NUL character is
    left out: no PostgreSQL text holds one, so it matches nothing (and could not be sent).
    """
    elements = ['"' + key.replace("\\", "\\\\").replace('"', '\\"') + '"' for key in keys if "\x00" not in key]
    if not elements:
        return ""
    text = "{" + ",".join(elements) + "}"
    tag, number = "$k$", 0
    while tag in text:  # (the text ends with "}", so it cannot run into the closing tag either)
        number += 1
        tag = f"$k{number}$"
    return f"{tag}{text}{tag}"


def _plain_rows(model: type[HSDSRecord], column: str, keys: Sequence[str]) -> list[Any]:
    """The records whose `column` is one of `keys`, as rows of `_rendered_columns`, by id.

    Read with one prepared statement rather than a queryset: building and compiling a queryset cost
    more than the query itself (a record by id reads up to 38 tables and columns), and building a
    model instance per nested record more than the query that read it.
    """
    with connection.cursor() as cursor:
        return _read_many(cursor, [(model, column, keys)])[0]


def _first(row: Sequence[Any]) -> Any:
    return row[0]


def _plain_values(model: type[HSDSRecord], rows: list[Any], db: Any) -> list[Any]:
    """Rows of `_select_sql`, converted as Django would (an empty `extra` without its JSON decoder), by id."""
    rows.sort(key=_first)
    converters = _converters(model, db.vendor)
    if not converters:
        return rows
    out = []
    for row in rows:
        values = list(row)
        for index, functions, col in converters:
            value = values[index]
            if index == 1 and value == "{}":  # `extra`, nearly always empty: what JSONField's decoder gives
                values[1] = {}
                continue
            for function in functions:
                value = function(value, col, db)
            values[index] = value
        out.append(values)
    return out


def dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def column_values(model: type[HSDSRecord], row: dict[str, Any]) -> dict[str, Any]:
    """Model field values for an HSDS row (properties by name, links by their column)."""
    values: dict[str, Any] = {"id": row["id"], "extra": row.get("extra") or {}}
    for prop in model.hsds_fields:
        values[prop] = row.get(prop)
    for prop, attr in model.hsds_links.items():
        values[attr] = row.get(prop)
    return values
