"""Imports point down: the layers of README's Layout, no cycle, no function-local import to hide one."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "registry"

# Bottom to top. A package may import itself, the schema (any ``*.models``) and lower layers only.
LAYERS = (
    {"db", "extensions", "months", "messages", "formatting", "labels", "reference", "i18n", "security", "problems",
     "roles", "permissions", "rest", "models", "transactions", "revision", "dump",
     "clock", "spreadsheets", "quantities"},  # base: no feature, no page
    {"audit"},
    {"errors"},
    {"ui"},  # what every page shares: imports no feature
    {"auth"},
    {"workdays"},  # the working-day calendar: reference data with its own API
    {"capacity"},
    {"members"},
    {"replacement"},
    {"evidence"},  # how replacement is proven: notice, announcement, dismantling
    {"caps"},
    {"readiness"},
    {"filings"},
    {"returns"},
    {"imports"},
    {"tasks"},
    {"summaries", "dashboard", "approvals", "notify"},
    {"public"},  # published figures, read from the summaries and the ledger
    {"demo", "scale"},
    {"cli"},
    {""},  # the factory, registry/__init__.py
)
LAYER = {package: level for level, packages in enumerate(LAYERS) for package in packages}


def _modules() -> dict[str, Path]:
    return {".".join(("registry", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(registry module imported, inside a function) for every registry import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    local = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
             for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("registry"):
            names = [f"{node.module}.{a.name}" for a in node.names]
            found += [(name if name in MODULES else node.module, id(node) in local) for name in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, id(node) in local) for a in node.names if a.name.startswith("registry")]
    return found


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def _is_schema(module: str) -> bool:
    return module.endswith(".models")


def test_every_package_has_a_layer():
    assert sorted({_package(m) for m in MODULES} - set(LAYER)) == []


def test_no_function_local_import_hides_a_dependency():
    hidden = [f"{name} -> {imported}" for name, path in MODULES.items() for imported, local in _imports(path)
              if local]
    assert hidden == []


def _points_up(importer: str, imported: str) -> bool:
    """Up, or sideways between two packages of one layer (the base's modules may share, acyclically)."""
    low, high = LAYER[_package(imported)], LAYER[_package(importer)]
    return _package(imported) != _package(importer) and not _is_schema(imported) and (
        low > high or (low == high and high != 0))


def test_no_import_points_up_or_sideways():
    wrong = [f"{name} -> {imported}" for name, path in MODULES.items() for imported, _ in _imports(path)
             if _points_up(name, imported)]
    assert wrong == []


def test_the_schema_imports_only_the_schema_and_the_base():
    wrong = [f"{name} -> {imported}" for name, path in MODULES.items() if _is_schema(name)
             for imported, _ in _imports(path) if not _is_schema(imported) and LAYER[_package(imported)] > 0]
    assert wrong == []


def test_the_module_graph_has_no_cycle():
    graph = {name: {imported for imported, _ in _imports(path) if imported != name} for name, path in MODULES.items()}
    try:
        TopologicalSorter(graph).prepare()
    except CycleError as error:
        raise AssertionError(f"import cycle: {' -> '.join(error.args[1])}") from None


def test_only_the_factory_imports_approvals():
    importers = sorted({name for name, path in MODULES.items() if _package(name) != "approvals"
                        for imported, _ in _imports(path) if _package(imported) == "approvals"})
    assert importers == ["registry"]


def test_the_workflow_does_not_reach_into_the_rules_it_does_not_own():
    imported = {name for name, _ in _imports(MODULES["registry.filings.workflow"])}
    assert not {_package(name) for name in imported} & {"caps", "replacement", "approvals"}
    # it keeps the projection in step with each status change, but checks no rule of its own
    assert not {name for name in imported if name.startswith("registry.capacity.")} - {
        "registry.capacity.projection", "registry.capacity.projection.record_transition"}


def test_the_rule_would_catch_an_upward_import(tmp_path):
    """The check itself: a members module importing filings is reported."""
    source = tmp_path / "probe.py"
    source.write_text("from registry.filings.services import filings_for\n")
    imported = [name for name, _ in _imports(source)]
    assert imported == ["registry.filings.services"]
    assert _points_up("registry.members.views", imported[0])
    assert _points_up("registry.summaries.views", "registry.dashboard.views")  # sideways
    assert not _points_up("registry.filings.views", "registry.members.services")
    assert not _points_up("registry.members.services", "registry.filings.models")  # the schema
