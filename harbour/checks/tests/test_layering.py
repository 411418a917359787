"""Imports point one way: every module of every app imports only its own layer and the layers below.

    core -> network -> directory, screening, rights -> cases -> reports, stats, respond -> demo, checks, operations

(read "->" as "is imported by"). Apps of one layer may import each other, but never
in a circle. The test reads each module's source, so an import added anywhere, even
inside a function, is caught; docs/architecture.md draws the same picture.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.conf import settings

HARBOUR = Path(settings.BASE_DIR) / "harbour"

LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"core"}),
    frozenset({"network"}),
    frozenset({"directory", "screening", "rights"}),
    frozenset({"cases"}),
    frozenset({"reports", "stats", "respond"}),
    # Tools above the product: the demo, the build-time checks, backup and restore.
    frozenset({"demo", "checks", "operations"}),
)
LAYER_OF = {app: level for level, apps in enumerate(LAYERS) for app in apps}

# Imports against the layering that are being removed, each with who removes it. Keep this short.
ALLOWED_VIOLATIONS: frozenset[tuple[str, str]] = frozenset(
    {
        # Screening still opens a case itself; the cases engineer (branch `cases`) moves the
        # hand-over into cases (one function taking a plain value) and deletes this entry.
        ("harbour/screening/views.py", "harbour.cases"),
    }
)

# Core's annotations name the member model (settings.AUTH_USER_MODEL, in network). Only under
# `if TYPE_CHECKING:`, never run, so it makes no dependency at run time.
TYPE_ONLY_ALLOWED = frozenset({("core", "harbour.network.models")})


@dataclass(frozen=True)
class Import:
    path: str
    line: int
    module: str
    type_only: bool

    @property
    def app(self) -> str:
        """The harbour app (or project module such as `settings`) this import reaches."""
        return self.module.split(".")[1] if self.module.count(".") else ""


def app_directories() -> list[Path]:
    return sorted(path.parent for path in HARBOUR.glob("*/apps.py"))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, *, type_only: bool = False) -> Iterator[tuple[int, str, bool]]:
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.body:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), type_only=True)
            for child in node.orelse:
                yield from _imports(ast.Module(body=[child], type_ignores=[]), type_only=type_only)
            continue
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, type_only
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module == "harbour":  # from harbour import settings, cases ...
                for alias in node.names:
                    yield node.lineno, f"harbour.{alias.name}", type_only
            else:
                yield node.lineno, node.module, type_only
        else:
            yield from _imports(node, type_only=type_only)


def product_modules(app_dir: Path) -> Iterator[Path]:
    """The app's own code. Not its tests, which check across layers on purpose (a core test opens a
    case to prove it is encrypted), nor its migrations, which name other apps by label only."""
    for path in sorted(app_dir.rglob("*.py")):
        parts = path.relative_to(app_dir).parts
        if "tests" not in parts and "migrations" not in parts:
            yield path


def harbour_imports(path: Path) -> list[Import]:
    relative = str(path.relative_to(HARBOUR.parent))
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=relative)
    return [
        Import(relative, line, module, type_only)
        for line, module, type_only in _imports(tree)
        if module == "harbour" or module.startswith("harbour.")
    ]


def violations(app: str, imports: list[Import]) -> list[str]:
    found = []
    for item in imports:
        target = item.app
        if target == app:
            continue
        if target not in LAYER_OF:
            found.append(f"{item.path}:{item.line} imports {item.module}: apps never import the project's modules")
        elif LAYER_OF[target] > LAYER_OF[app]:
            if item.type_only and (app, item.module) in TYPE_ONLY_ALLOWED:
                continue
            if (item.path, f"harbour.{target}") in ALLOWED_VIOLATIONS:
                continue
            found.append(f"{item.path}:{item.line} imports {item.module}: {app} is below {target}")
    return found


def test_every_app_has_a_layer() -> None:
    apps = {path.name for path in app_directories()}
    assert {"core", "network", "directory", "screening", "rights", "cases", "demo", "checks"} <= apps
    unplaced = apps - LAYER_OF.keys()
    assert not unplaced, f"add {sorted(unplaced)} to LAYERS here and to the diagram in docs/architecture.md"


def test_every_import_points_down_the_layers() -> None:
    problems = []
    for app_dir in app_directories():
        for path in product_modules(app_dir):
            problems += violations(app_dir.name, harbour_imports(path))
    assert not problems, "imports against the layering:\n" + "\n".join(problems)


def test_apps_of_one_layer_never_import_each_other_in_a_circle() -> None:
    edges: dict[str, set[str]] = {}
    for app_dir in app_directories():
        app = app_dir.name
        for path in product_modules(app_dir):
            for item in harbour_imports(path):
                if item.app != app and LAYER_OF.get(item.app) == LAYER_OF.get(app):
                    edges.setdefault(app, set()).add(item.app)

    def reaches(start: str, goal: str, seen: frozenset[str] = frozenset()) -> bool:
        return any(
            nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})) for nxt in edges.get(start, ())
        )

    circles = sorted(app for app in edges if reaches(app, app))
    assert not circles, f"apps importing each other in a circle: {circles}"


def test_no_app_imports_the_demo_or_the_checks() -> None:
    top = LAYERS[-1]
    for app_dir in app_directories():
        if app_dir.name in top:
            continue
        for path in product_modules(app_dir):
            reached = {item.module for item in harbour_imports(path) if item.app in top}
            assert not reached, f"{path} imports {sorted(reached)}"


def test_every_allowed_violation_still_exists() -> None:
    """An entry whose import is gone must be deleted, so the list only ever shrinks."""
    for path, target in ALLOWED_VIOLATIONS:
        modules = {item.module for item in harbour_imports(HARBOUR.parent / path)}
        assert any(module == target or module.startswith(target + ".") for module in modules), (
            f"{path} no longer imports {target}: delete its entry from ALLOWED_VIOLATIONS"
        )


# The checker itself, on small sources: it must be able to fail.


def _check(app: str, source: str, tmp_path: Path) -> list[str]:
    path = tmp_path / "module.py"
    path.write_text(source, encoding="utf-8")
    tree = ast.parse(source)
    imports = [
        Import(f"harbour/{app}/module.py", line, module, type_only) for line, module, type_only in _imports(tree)
    ]
    return violations(app, [item for item in imports if item.module.startswith("harbour")])


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("core", "from harbour.network.models import Member\n"),
        ("core", "def f():\n    from harbour.cases import actions\n"),
        ("network", "import harbour.directory.search\n"),
        ("cases", "from harbour import reports\n"),
        ("directory", "from harbour.demo.directory_load import demo_directory_load\n"),
        ("screening", "from harbour.urls import urlpatterns\n"),
        ("rights", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from harbour.cases.models import Case\n"),
    ],
)
def test_an_upward_import_is_caught(app: str, source: str, tmp_path: Path) -> None:
    assert _check(app, source, tmp_path)


@pytest.mark.parametrize(
    ("app", "source"),
    [
        ("network", "from harbour.core import access\n"),
        ("cases", "from harbour.screening.summary import screening_answer_rows\n"),
        ("demo", "from harbour.cases.actions import case_open\nimport harbour.directory\n"),
        ("screening", "from harbour.directory.vocabulary import NEED_CODES\n"),
        (
            "core",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from harbour.network.models import Member\n",
        ),
    ],
)
def test_a_downward_or_sideways_import_passes(app: str, source: str, tmp_path: Path) -> None:
    assert _check(app, source, tmp_path) == []
