"""Helpers for the HSDS tests: the official examples and a comparison that ignores only order and implied links."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from harbour.directory.interchange import save_rows
from harbour.directory.models import Organization, ServiceAtLocation, Taxonomy

# Copied from Open Referral's HSDS 3.0 repository (CC BY-SA 4.0), see harbour/directory/data/SOURCES.md.
EXAMPLES = Path(__file__).resolve().parent / "hsds_examples"

LINK_KEYS = {
    "organization_id",
    "program_id",
    "service_id",
    "location_id",
    "service_at_location_id",
    "contact_id",
    "phone_id",
    "taxonomy_id",
    "taxonomy_term_id",
    "link_id",
    "resource_id",
}


def example(name: str) -> Any:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def normalise(value: Any) -> Any:
    """Lists sorted by id, empty lists and link ids (which nesting implies) dropped."""
    if isinstance(value, dict):
        return {k: normalise(v) for k, v in value.items() if k not in LINK_KEYS and not (isinstance(v, list) and not v)}
    if isinstance(value, list):
        items = [normalise(v) for v in value]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    return value


def missing(expected: Any, actual: Any, path: str = "") -> list[str]:
    """Every property of `expected` that `actual` lacks or changes (lists matched by id)."""
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return [f"{path}: not an object"]
        out = []
        for key, value in expected.items():
            if key not in actual:
                out.append(f"{path}.{key}: missing")
            else:
                out.extend(missing(value, actual[key], f"{path}.{key}"))
        return out
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [f"{path}: not a list"]
        by_id = {v.get("id"): v for v in actual if isinstance(v, dict)}
        out = []
        for i, item in enumerate(expected):
            if isinstance(item, dict) and "id" in item:
                if item["id"] not in by_id:
                    out.append(f"{path}[{item['id']}]: missing")
                else:
                    out.extend(missing(item, by_id[item["id"]], f"{path}[{item['id']}]"))
            elif item not in actual:
                out.append(f"{path}[{i}]: missing")
        return out
    return [] if expected == actual else [f"{path}: {expected!r} became {actual!r}"]


# The official CSV example names four records it does not hold; the directory holds them first.
OFFICIAL_CSV_ELSEWHERE = {
    "organizations.csv": ("985e4a42-bd9f-4edc-911d-0243a4640aca", "ae67a707-5893-4225-b0b1-320ab9cb596b"),
    "service_at_location.csv": ("93eaf18d-1cd2-4ec7-bffb-3c9172ee5070",),
    "taxonomies.csv": ("07ff6aee-a219-438c-b694-d2fcb6c5373b",),
}


def hold_what_the_official_csv_names_elsewhere() -> None:
    org = {"name": "Elsewhere", "description": "Held before the import", "extra": {}}
    save_rows(
        {
            Organization: {i: {"id": i, **org} for i in OFFICIAL_CSV_ELSEWHERE["organizations.csv"]},
            ServiceAtLocation: {i: {"id": i, "extra": {}} for i in OFFICIAL_CSV_ELSEWHERE["service_at_location.csv"]},
            Taxonomy: {
                i: {"id": i, "name": "Elsewhere", "description": "Held before", "extra": {}}
                for i in OFFICIAL_CSV_ELSEWHERE["taxonomies.csv"]
            },
        }
    )
