"""Retrieval quality on the public QA sets in ../shared/bench (XQuAD, ARCD).

The sets' passages are ingested once into their own store (incrementally, so
a rerun costs nothing), then every question is searched and the gold
passage's rank is scored, for dense alone, BM25 alone and the fused ranking
that the product uses.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from qa.config import PROJECT_ROOT, Settings
from qa.engine import Engine

BENCH_DIR = PROJECT_ROOT.parent / "shared" / "bench"
# (name, docs file, queries file, language filter)
SETS = [
    ("XQuAD en→ar", "xquad.docs.jsonl", "xquad.queries.jsonl", "en"),
    ("XQuAD ar→ar", "xquad.docs.jsonl", "xquad.queries.jsonl", "ar"),
    ("ARCD ar→ar", "arcd.docs.jsonl", "arcd.queries.jsonl", "ar"),
]
METHODS = ("dense", "bm25", "hybrid")


@dataclass
class Scores:
    ndcg10: float = 0.0
    recall1: float = 0.0
    recall10: float = 0.0
    n: int = 0

    def add(self, rank: int | None) -> None:
        self.n += 1
        if rank is not None and rank <= 10:
            self.ndcg10 += 1 / math.log2(rank + 1)
            self.recall10 += 1
            self.recall1 += rank == 1

    def mean(self) -> Scores:
        n = max(self.n, 1)
        return Scores(self.ndcg10 / n, self.recall1 / n, self.recall10 / n, self.n)


def side_store(settings: Settings, name: str) -> Settings:
    """An evaluation's own embedded store beside the model cache, with its own records
    (never the shared QA_RECORD_DB or a Chroma server the product uses)."""
    return replace(
        settings,
        store_dir=settings.model_cache.parent / f"{name}-store",
        chroma_url=None,
        collection=name,
        record_db_url=None,
    )


def bench_documents(docs_file: str, bench_dir: Path = BENCH_DIR) -> list[dict]:
    """A bench set's passages as documents of the `qa ingest` JSONL contract."""
    lines = (bench_dir / docs_file).read_text(encoding="utf-8").splitlines()
    return [
        {"id": d["doc_id"], "title": d["title"].replace("_", " "), "text": d["text"]} for d in map(json.loads, lines)
    ]


def ingest_documents(
    settings: Settings, folder: Path, files: dict[str, list[dict]], progress=None, engine: Engine | None = None
) -> Engine:
    """Write JSONL files of ``qa ingest`` documents into ``folder`` (rewritten only when
    they change), ingest that folder incrementally into ``settings``' store, and return
    an engine on it (sharing ``engine``'s models when given)."""
    from ingest.sync import ingest

    folder.mkdir(parents=True, exist_ok=True)
    for name, documents in files.items():
        converted = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)
        target = folder / name
        if not target.is_file() or target.read_text(encoding="utf-8") != converted:
            target.write_text(converted, encoding="utf-8")
    encoder = engine.encoder if engine else None
    ingest([folder], settings, progress=progress, encoder=encoder)
    if engine is None:
        return Engine(settings)
    return Engine(
        settings,
        encoder=engine.encoder,
        dictionary=engine.dictionary,
        reader=engine.reader,
        confidence=engine.confidence,
        spans=engine.spans,
    )


def prepare(settings: Settings, bench_dir: Path = BENCH_DIR, progress=None, engine: Engine | None = None) -> Engine:
    """The bench store: the bench sets' passages as JSONL documents, ingested."""
    names = sorted({docs for _, docs, _, _ in SETS})
    files = {name: bench_documents(name, bench_dir) for name in names}
    return ingest_documents(settings, settings.store_dir.parent / "bench-docs", files, progress, engine)


def _doc_ranking(hits: list[tuple[str, str]]) -> list[str]:
    """Document ids in first-seen order from (passage id, doc id) pairs."""
    seen: list[str] = []
    for _, doc in hits:
        if doc not in seen:
            seen.append(doc)
    return seen


def evaluate(
    engine: Engine, bench_dir: Path = BENCH_DIR, limit: int | None = None, progress: Callable | None = None
) -> dict[str, dict[str, Scores]]:
    """{set name: {method: mean scores}}."""
    parts = engine.refresh()
    doc_of: dict[str, str] = {}
    results: dict[str, dict[str, Scores]] = {}
    for name, _, queries_file, lang in SETS:
        queries = [json.loads(line) for line in (bench_dir / queries_file).read_text(encoding="utf-8").splitlines()]
        queries = [q for q in queries if q["lang"] == lang][:limit]
        totals = {m: Scores() for m in METHODS}
        for i, q in enumerate(queries):
            dense = parts.retriever.dense(q["question"], 50)
            for hit in dense:
                doc_of[hit.passage.id] = hit.passage.doc_id
            bm25 = [pid for pid, _ in parts.lexical.search(q["question"], 50)]
            fused = parts.retriever.fused_scores(q["question"], dense)
            unknown = [pid for pid in {*bm25, *fused} if pid not in doc_of]
            doc_of.update((p.id, p.doc_id) for p in parts.store.get(unknown))
            rankings = {
                "dense": [h.passage.id for h in dense],
                "bm25": bm25,
                "hybrid": sorted(fused, key=fused.__getitem__, reverse=True),
            }
            for method, ranking in rankings.items():
                docs = _doc_ranking([(pid, doc_of[pid]) for pid in ranking])
                totals[method].add(docs.index(q["gold_doc_id"]) + 1 if q["gold_doc_id"] in docs else None)
            if progress:
                progress(name, i + 1, len(queries))
        results[name] = {m: s.mean() for m, s in totals.items()}
    return results
