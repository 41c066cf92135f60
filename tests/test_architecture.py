"""The layers of the package hold: each package imports only the layers below it, only
the engine imports experta, only the CLI imports typer or rich, and there is no import
cycle between packages (see ARCHITECTURE.md, which lists the same layers)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "triage"

# Bottom to top. A unit (a subpackage, or a top-level module of triage) may import units
# of lower layers only; never one of its own layer or above. "triage" is the package's
# __init__ (the public API).
LAYERS: list[set[str]] = [
    {"records", "_gc"},  # frozen records; garbage collection at start-up
    {"problems"},
    {"errors"},
    {"safewrite"},
    {"language"},
    {"engine", "intake", "documents", "rulecache"},
    {"questionnaire"},
    {"pipeline"},
    {"api"},
    {"triage"},
    {"clinician", "batch"},
    {"web"},  # triage serve: the form and the HTTP API
    {"cli"},
    {"__main__", "schemas"},  # `python -m triage`, `python -m triage.schemas`
]
LAYER = {unit: index for index, units in enumerate(LAYERS) for unit in units}
ONLY_IN = {"experta": "engine", "typer": "cli", "rich": "cli", "click": "cli",
           "fastapi": "web", "starlette": "web", "jinja2": "web"}


def _unit(module: str) -> str:
    """The unit of a dotted module name inside triage."""
    parts = module.split(".")
    return "triage" if len(parts) == 1 else parts[1]


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, int]]:
    """(imported module, line) for every import in the file, relative ones resolved;
    ``from triage import x`` names module ``triage.x`` when x is one."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([node.module] if node.module else [])])
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                as_module = PACKAGE.parent / candidate.replace(".", "/")
                is_module = as_module.is_dir() or as_module.with_suffix(".py").is_file()
                found.append((candidate if is_module else base, node.lineno))
    return found


FILES = sorted(PACKAGE.rglob("*.py"))


def _edges() -> dict[tuple[str, str], str]:
    """(importing unit, imported unit) -> one place where it happens."""
    edges = {}
    for path in FILES:
        unit = _unit(_module_name(path))
        for module, line in _imports(path):
            if module.split(".")[0] == "triage" and _unit(module) != unit:
                edges.setdefault((unit, _unit(module)), f"{path.relative_to(PACKAGE)}:{line}")
    return edges


def test_every_unit_has_a_layer():
    """A new subpackage or top-level module is given its place in the layers."""
    units = {_unit(_module_name(path)) for path in FILES}
    assert units - set(LAYER) == set()


@pytest.mark.parametrize("edge", sorted(_edges()), ids="->".join)
def test_a_package_imports_only_lower_layers(edge):
    """No package imports one of its own layer or above (the layers of ARCHITECTURE.md)."""
    importer, imported = edge
    assert LAYER[imported] < LAYER[importer], f"{importer} imports {imported} at {_edges()[edge]}"


@pytest.mark.parametrize("path", FILES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_third_party_frameworks_stay_in_their_package(path):
    """Only triage/engine/ imports experta; only triage/cli/ imports typer, rich or click."""
    unit = _unit(_module_name(path))
    for module, line in _imports(path):
        owner = ONLY_IN.get(module.split(".")[0])
        assert owner in (None, unit), f"{path.relative_to(PACKAGE)}:{line} imports {module}"


def test_no_import_cycle_between_packages():
    """The graph of imports between packages has no cycle."""
    graph: dict[str, set[str]] = {}
    for importer, imported in _edges():
        graph.setdefault(importer, set()).add(imported)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert [unit for unit in graph if reaches(unit, unit, set())] == []


def test_relative_and_package_imports_are_resolved():
    """The check reads ``from .x import y`` and ``from triage import api`` as the modules
    they name, so a crossed layer cannot hide behind either form."""
    app = {module for module, _ in _imports(PACKAGE / "cli" / "app.py")}
    assert {"triage.cli.funnel", "triage.cli.rules", "triage.errors"} <= app
    lines = {module for module, _ in _imports(PACKAGE / "batch" / "lines.py")}
    assert "triage.api" in lines and "triage" not in lines
