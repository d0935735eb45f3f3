"""The import graph runs one way: each module imports only modules of its own layer or
below (imports inside functions included), and there are no cycles."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter

from qa.config import PROJECT_ROOT

PACKAGES = ("qa", "ingest", "ui", "training")
# Bottom to top, as docs/architecture.md draws them.
LAYERS = [
    {"qa.errors", "qa.config", "qa.terminal", "qa.urls", "qa.access", "qa.memory", "qa.precision"},
    {
        "qa.arabic",
        "qa.injection",
        "qa.months",
        "qa.sentences",
        "qa.learned",
        "qa.variants",
        "qa.endings",
        "qa.terms",
        "qa.respell",
        "qa.glossary",
        "qa.dictionary",
        "qa.bridge",
        "qa.places",
        "qa.outlets",
        "qa.asked_time",
    },
    {
        "qa.e5_file",
        "qa.bundled_model",
        "qa.half_table",
        "qa.embeddings",
        "qa.fanout",
        "qa.reader",
        "qa.spans",
        "qa.confidence",
    },
    {
        "qa.passage",
        "qa.scope",
        "qa.scopes",
        "qa.catalog",
        "qa.lease",
        "qa.store",
        "qa.writer",
        "qa.lexical",
        "qa.integrity",
    },
    {
        "qa.retrieve",
        "qa.copies",
        "qa.answer_types",
        "qa.direct",
        "qa.constraints",
        "qa.digest",
        "qa.extractive",
        "qa.llm",
        "qa.claims",
        "qa.display",
        "qa.conversations",
    },
    {"qa.engine", "qa.chain", "qa.evaluate"},
    {
        "ingest.load",
        "ingest.clean",
        "ingest.metadata",
        "ingest.split",
        "ingest.documents",
        "ingest.sync",
        "ingest.uploads",
        "ingest.wire",
        "ingest.jobs",
    },
    {"qa.bench", "qa.news", "qa.cli", "ui.auth", "ui.conversation", "ui.articles", "ui.app"},
    {
        "training.reader_pairs",
        "training.news_pairs",
        "training.train_reader",
        "training.train_spans",
        "training.archive",
        "training.spelling_variants",
        "training.word_endings",
    },
]


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
        package = name.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:  # from . import x, from .y import z
                    base = ".".join(filter(None, [package, base]))
                found |= {f"{base}.{a.name}" for a in node.names} | {base}
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


def test_each_module_imports_only_its_layer_or_below():
    graph = project_imports()
    layer = {module: n for n, modules in enumerate(LAYERS) for module in modules}
    assert set(graph) == set(layer), "a module is missing from LAYERS (or LAYERS names one that is gone)"
    upward = [f"{m} -> {i}" for m, imported in graph.items() for i in imported if layer[i] > layer[m]]
    assert upward == []
