"""The import graph of qa/ and ingest/ runs one way: no module imports, directly or
through others, a module that imports it (imports inside functions included)."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter

from qa.config import PROJECT_ROOT

PACKAGES = ("qa", "ingest", "ui")
# Only these may import the ingestion package: the commands and benchmarks on top.
INGEST_USERS = {"qa.cli", "qa.bench", "ui.app"}


def project_imports() -> dict[str, set[str]]:
    modules = {
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts): path
        for package in PACKAGES
        for path in (PROJECT_ROOT / package).glob("*.py")
        if path.name != "__init__.py"
    }
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                found |= {f"{node.module}.{a.name}" for a in node.names} | {node.module}
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_there_are_no_import_cycles():
    graph = project_imports()
    assert len(graph) > 30
    try:
        tuple(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        raise AssertionError(f"import cycle: {' -> '.join(exc.args[1])}") from None


def test_only_the_commands_on_top_import_ingestion():
    graph = project_imports()
    users = {module for module, imported in graph.items() if any(m.startswith("ingest.") for m in imported)}
    assert users - {m for m in graph if m.startswith("ingest.")} <= INGEST_USERS
