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
from dataclasses import dataclass, field
from functools import cache
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
    out: dict[str, Any] = {"id": row.id}
    links = row.hsds_links
    for prop in node.properties:
        if prop in node.scalars:
            value = getattr(row, prop)
        elif prop in links:
            value = getattr(row, links[prop])
        else:
            continue
        if value is not None:
            out[prop] = _json_value(value)
    for key, value in (row.extra or {}).items():
        out.setdefault(key, value)
    return out


def _link_attr(model: type[HSDSRecord], link: str) -> str:
    return model.hsds_links[link]


Item = tuple[dict[str, Any], HSDSRecord | SimpleNamespace, frozenset[str]]


def render(rows: Sequence[HSDSRecord], node: Node) -> list[dict[str, Any]]:
    """The nested HSDS objects of `rows` (all of `node`'s table), fetched level by level in batches.

    An object that would repeat one it is nested in (a service's organisation inside that
    organisation's own services) is left out, as the standard's examples do.
    """
    top: list[Item] = [(record_dict(r, node), r, frozenset((r.id,))) for r in rows]
    level: list[tuple[Node, list[Item]]] = [(node, top)]
    while level:
        # Gather what every position at this depth needs, grouped by (model, column): one query each.
        wanted: dict[tuple[type[HSDSRecord], str], set[str]] = defaultdict(set)
        for parent, items in level:
            for sub in parent.arrays.values():
                link = child_link(parent, sub)
                if link:
                    wanted[(sub.model, _link_attr(sub.model, link))].update(r.id for _d, r, _a in items)
            for key, sub in parent.objects.items():
                link = OBJECT_LINKS.get(key)
                if link and link in parent.links:
                    attr = _link_attr(parent.model, link)
                    wanted[(sub.model, "id")].update(v for _d, r, _a in items if (v := getattr(r, attr)) is not None)
        fetched: dict[tuple[type[HSDSRecord], str], dict[str, list[Any]]] = {}
        reads = [(model, column, sorted(keys)) for (model, column), keys in wanted.items() if keys]
        for (model, column, _keys), records in zip(reads, _plain_rows_many(reads), strict=True):
            found: dict[str, list[Any]] = defaultdict(list)
            for record in records:
                found[getattr(record, column)].append(record)
            fetched[(model, column)] = found
        for model, column in wanted:
            fetched.setdefault((model, column), {})
        next_level: list[tuple[Node, list[Item]]] = []
        for parent, items in level:
            for key, sub in parent.arrays.items():
                link = child_link(parent, sub)
                children: list[Item] = []
                for d, r, ancestors in items:
                    found_rows = fetched[(sub.model, _link_attr(sub.model, link))].get(r.id, []) if link else []
                    d[key] = []
                    for child in found_rows:
                        cd = record_dict(child, sub)
                        d[key].append(cd)
                        children.append((cd, child, ancestors | {child.id}))
                if children:
                    next_level.append((sub, children))
            for key, sub in parent.objects.items():
                link = OBJECT_LINKS.get(key)
                if not (link and link in parent.links):
                    continue
                attr = _link_attr(parent.model, link)
                children = []
                for d, r, ancestors in items:
                    value = getattr(r, attr)
                    if value is None or value in ancestors:
                        continue
                    match = fetched[(sub.model, "id")].get(value, [])
                    if match:
                        cd = record_dict(match[0], sub)
                        d[key] = cd
                        children.append((cd, match[0], ancestors | {value}))
                if children:
                    next_level.append((sub, children))
        level = next_level
    return [d for d, _r, _a in top]


@cache
def _rendered_columns(model: type[HSDSRecord]) -> tuple[str, ...]:
    return ("id", "extra", *model.hsds_fields, *model.hsds_links.values())


def _column(model: type[HSDSRecord], name: str) -> Any:
    """The concrete field of a rendered column (typed loosely: the stubs do not know `get_db_converters`)."""
    return model._meta.get_field(name)


@cache
def _select_sql(model: type[HSDSRecord], column: str, vendor: str) -> str:
    """One read of `model`'s rendered columns whose `column` is in a list given as a single parameter.

    A single parameter (a JSON array on SQLite, an array on PostgreSQL) whatever the number of keys,
    so a record with a thousand phones costs the same one query as a record with one. No ORDER BY:
    the rows are sorted in Python (`_plain_rows`), and asking the database to return them by id let
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


def _plain_rows_many(reads: Sequence[tuple[type[HSDSRecord], str, Sequence[str]]]) -> list[list[SimpleNamespace]]:
    """`_plain_rows` for each (model, column, keys), in order.

    On PostgreSQL every read of a level goes in one round trip (the statements are sent together
    and their results read one after the other): a record by id is about six levels deep but 38
    reads, and under load each round trip waits for the server process to be scheduled.
    """
    if connection.vendor != "postgresql" or len(reads) < 2:
        return [_plain_rows(model, column, keys) for model, column, keys in reads]
    sql = "; ".join(_select_sql(model, column, connection.vendor) for model, column, _keys in reads)
    out = []
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(keys) for _model, _column, keys in reads])
        for index, (model, _column, _keys) in enumerate(reads):
            if index:
                cursor.nextset()
            out.append(_plain_values(model, cursor.fetchall()))
    return out


def _plain_rows(model: type[HSDSRecord], column: str, keys: Sequence[str]) -> list[SimpleNamespace]:
    """The records whose `column` is one of `keys`, as plain values (what `record_dict` reads), by id.

    Read with one prepared statement rather than a queryset: building and compiling a queryset cost
    more than the query itself (a record by id reads up to 38 tables and columns), and building a
    model instance per nested record more than the query that read it.
    """
    if not keys:
        return []
    param: Any = json.dumps(list(keys)) if connection.vendor == "sqlite" else list(keys)
    with connection.cursor() as cursor:
        cursor.execute(_select_sql(model, column, connection.vendor), [param])
        rows = cursor.fetchall()
    return _plain_values(model, rows)


def _plain_values(model: type[HSDSRecord], rows: list[Any]) -> list[SimpleNamespace]:
    """Rows of `_select_sql` as plain values, converted as Django would, by id."""
    rows.sort(key=lambda row: row[0])
    names = _rendered_columns(model)
    converters = _converters(model, connection.vendor)
    links = model.hsds_links
    out = []
    for row in rows:
        values = list(row)
        for index, functions, col in converters:
            for function in functions:
                values[index] = function(values[index], col, connection)
        out.append(SimpleNamespace(hsds_links=links, **dict(zip(names, values, strict=True))))
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
