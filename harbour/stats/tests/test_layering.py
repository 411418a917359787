"""No code path leads from a public or research page to the records table.

The pages that anyone, a researcher or a liaison can open are the functions of
`harbour/stats/views.py`. This test reads the imports of that module and of every
Harbour module it imports, transitively, and fails if `harbour.stats.records` (the
only module that defines the records model) or anything that reads it is among them.
The access walk proves the rest: each of those views is what it says it is.
"""

from __future__ import annotations

import ast
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.urls import get_resolver

from harbour.stats import views

PUBLIC_ENTRY_POINTS = ["harbour.stats.views", "harbour.stats.charts"]
RECORDS = "harbour.stats.records"


def _source(module: str) -> Path | None:
    if not module.startswith("harbour."):
        return None
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        return None
    if spec is None or spec.origin is None or not spec.origin.endswith(".py"):
        return None
    return Path(spec.origin)


def _imports(module: str) -> set[str]:
    path = _source(module)
    if path is None:
        return set()
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
            # "from harbour.stats import records" imports a module, not a name.
            for alias in node.names:
                if _source(f"{node.module}.{alias.name}") is not None:
                    found.add(f"{node.module}.{alias.name}")
    return {name for name in found if name.startswith("harbour.")}


def reachable(start: list[str]) -> set[str]:
    seen: set[str] = set()
    todo = list(start)
    while todo:
        module = todo.pop()
        if module in seen:
            continue
        seen.add(module)
        todo.extend(_imports(module) - seen)
    return seen


def test_public_and_research_pages_never_import_the_records_model() -> None:
    modules = reachable(PUBLIC_ENTRY_POINTS)
    assert "harbour.stats.models" in modules  # the walk does follow imports
    assert RECORDS not in modules, sorted(modules)
    for module in modules:
        path = _source(module)
        assert path is None or "StatisticsRecord" not in path.read_text(encoding="utf-8"), module


def test_the_check_would_see_an_import_of_the_records() -> None:
    assert RECORDS in reachable(["harbour.stats.member_views"])
    assert RECORDS in reachable(["harbour.stats.engine"])


def test_every_public_statistics_page_is_a_view_of_that_module() -> None:
    from harbour.core.access import policy_of

    found = _stats_views()
    assert "dashboard" in found and "research" in found
    for name, (callback,) in found.items():
        policy = policy_of(callback)
        assert policy is not None
        if policy.is_public or (policy.roles is not None and "researcher" in policy.roles):
            assert callback.__module__ == views.__name__, name


def _stats_views() -> dict[str, tuple[Callable[..., Any]]]:
    resolver = get_resolver()
    found: dict[str, tuple[Callable[..., Any]]] = {}
    for entry in resolver.url_patterns:
        for inner in getattr(entry, "url_patterns", []):
            if getattr(inner, "namespace", None) == "stats":
                for pattern in inner.url_patterns:
                    found[pattern.name] = (pattern.callback,)
    return found
