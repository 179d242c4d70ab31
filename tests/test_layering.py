"""Imports point down: base modules import no feature, only the factory imports approvals, none hides."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "registry"
FEATURES = {"members", "filings", "caps", "returns", "summaries", "replacement", "auth", "audit", "web", "ledger",
            "approvals", "demo", "scale", "cli"}
BASE = ("messages", "problems", "formatting", "labels", "months", "db", "i18n", "reference")


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(module imported, inside a function) for every registry import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    local = {id(n) for f in ast.walk(tree) if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef)
             for n in ast.walk(f) if isinstance(n, ast.Import | ast.ImportFrom)}
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("registry"):
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [(name, id(node) in local) for name in names]
        elif isinstance(node, ast.Import):
            found += [(a.name, id(node) in local) for a in node.names if a.name.startswith("registry")]
    return found


def _modules() -> dict[str, Path]:
    return {".".join(("registry", *p.relative_to(PACKAGE).with_suffix("").parts)).removesuffix(".__init__"): p
            for p in PACKAGE.rglob("*.py")}


def _top(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_function_local_import_hides_a_dependency():
    hidden = [f"{name} in {path.name}" for name, path in _modules().items()
              for imported, local in _imports(path) if local]
    assert hidden == []


def test_base_modules_import_no_feature():
    upward = [f"{name} -> {imported}" for name, path in _modules().items() if _top(name) in BASE
              for imported, _ in _imports(path) if _top(imported) in FEATURES]
    assert upward == []


def test_only_the_factory_imports_approvals():
    importers = sorted({name for name, path in _modules().items() if _top(name) != "approvals"
                        for imported, _ in _imports(path) if _top(imported) == "approvals"})
    assert importers == ["registry"]


def test_the_workflow_does_not_reach_into_the_rules_it_does_not_own():
    workflow = _modules()["registry.filings.workflow"]
    reached = {_top(imported) for imported, _ in _imports(workflow)}
    assert not reached & {"caps", "replacement", "ledger", "approvals"}
