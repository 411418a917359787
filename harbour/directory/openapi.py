"""The HSDS 3.0 OpenAPI document, adjusted to this server.

The standard's document points at schemas on the web and leaves its title,
licence and server to each publisher. Harbour serves a self-contained copy:
every schema is inlined under `components/schemas` (nothing is fetched), the
server is `/api/hsds`, and the answers Harbour gives besides 200 (400 for a
bad parameter, 404 for an unknown id, 414 for a URL too long to read) are
documented; any method but GET and HEAD gets 405, as JSON, on every path. One mistake of the
standard's file is corrected: `/service_at_locations/{id}` returns a
service_at_location, not a service.
"""

from __future__ import annotations

import copy
from functools import cache
from typing import Any

from harbour.directory import hsds

REMOTE = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"
NDJSON = "application/x-ndjson"

PROBLEM = {
    "type": "object",
    "required": ["status", "title"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {"parameter": {"type": "string"}, "reason": {"type": "string"}},
            },
        },
    },
}

# Tighter parameter schemas than the standard's, matching what this server accepts.
PARAMETERS = {
    "page": {"type": "integer", "minimum": 1},
    "per_page": {"type": "integer", "minimum": 1, "maximum": 500},
    "modified_after": {"type": "string", "format": "date-time"},
    "format": {"type": "string", "enum": ["json", "ndjson"]},
}


def _key(name: str) -> str:
    return name.removesuffix(".json").replace("/", "_")


def _inline(schema: Any, base: str, components: dict[str, Any], top: bool = True) -> Any:
    """Copy `schema`, pointing every reference at components/schemas and adding what it names.

    The standard's compiled schemas repeat each table's schema wherever it nests; here a nested
    table is a reference to that table's own schema, which keeps the document small.
    """
    if isinstance(schema, list):
        return [_inline(s, base, components, False) for s in schema]
    if not isinstance(schema, dict):
        return schema
    table = schema.get("name")
    if not top and str(schema.get("path", "")).endswith(".csv") and table in hsds.TABLES:
        return {"$ref": _component(f"{table}.json", components)}
    out = {}
    for key, value in schema.items():
        if key == "$ref" and isinstance(value, str) and not value.startswith("#"):
            name = value.removeprefix(REMOTE)
            if "/" not in name and base and (hsds.SCHEMAS / base / name).exists():
                name = f"{base}/{name}"
            out[key] = _component(name, components)
        else:
            out[key] = _inline(value, base, components, False)
    return out


def _component(name: str, components: dict[str, Any]) -> str:
    target = _key(name)
    if target not in components:
        components[target] = {}  # placeholder against cycles
        components[target] = _inline(hsds.load_schema(name), name.rpartition("/")[0], components)
    return f"#/components/schemas/{target}"


@cache
def document() -> dict[str, Any]:
    doc = copy.deepcopy(hsds.load_schema("openapi.json"))
    doc["info"] = {
        "title": "Harbour directory: Open Referral HSDS 3.0 API",
        "version": "3.0-harbour.1",
        "summary": "Published services for trafficked persons and exploited migrant workers in Canada.",
        "description": (
            "Read-only HSDS 3.0 API of the Harbour directory. Data is public; confidential (shelter) "
            "addresses are never included: such a location shows its city and an approximate point only. "
            "`/service_at_locations` with `postcode` (a Canadian postal code; its first three characters "
            "are used) returns the nearest first, within `proximity` metres (default 100 km). "
            "The API is read-only: any method but GET and HEAD is answered 405 with a JSON problem."
        ),
        "license": {"name": "CC BY-SA 4.0 (HSDS schemas: Open Referral)", "identifier": "CC-BY-SA-4.0"},
    }
    doc["servers"] = [{"url": "/api/hsds"}]
    components = doc.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    doc["paths"] = _inline(doc["paths"], "", schemas)
    for name, parameter in components.get("parameters", {}).items():
        if name in PARAMETERS:
            parameter["schema"] = PARAMETERS[name]
    schemas["Problem"] = PROBLEM
    sal = doc["paths"]["/service_at_locations/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    sal["schema"] = {"$ref": "#/components/schemas/" + _key("compiled/service_at_location.json")}
    _component("compiled/service_at_location.json", schemas)
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if method != "get":
                continue
            responses = operation["responses"]
            problem = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            responses["400"] = {"description": "A parameter is not valid; `errors` says which and why.", **problem}
            if "{id}" in path:
                responses["404"] = {"description": "No record has this id.", **problem}
            responses["414"] = {
                "description": (
                    "The URL is longer than the server reads (a request line of about 4 KB, gunicorn's "
                    "limit): send fewer or shorter parameters. Answered by the HTTP server, as plain text."
                )
            }
            ok = responses["200"]["content"]
            if "application/json" in ok and "contents" in str(ok["application/json"]["schema"]):
                ok[NDJSON] = {"schema": {"type": "string"}}
    return doc
