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
from dataclasses import dataclass
from pathlib import Path

from qa.config import PROJECT_ROOT, Settings
from qa.lexical import lexical_index
from qa.retrieve import dense_ranking, fused_scores
from qa.store import Store, open_store

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


def bench_settings(settings: Settings) -> Settings:
    return settings.with_overrides(
        store_dir=settings.model_cache.parent / "bench-store", chroma_url="", collection="bench"
    )


def bench_documents(docs_file: str, bench_dir: Path = BENCH_DIR) -> list[dict]:
    """A bench set's passages as documents of the `qa ingest` JSONL contract."""
    lines = (bench_dir / docs_file).read_text(encoding="utf-8").splitlines()
    return [
        {"id": d["doc_id"], "title": d["title"].replace("_", " "), "text": d["text"]} for d in map(json.loads, lines)
    ]


def prepare(settings: Settings, bench_dir: Path = BENCH_DIR, progress=None) -> Store:
    """Ingest the bench passages (as JSONL documents) into the bench store."""
    from ingest.sync import ingest

    folder = settings.store_dir.parent / "bench-docs"
    folder.mkdir(parents=True, exist_ok=True)
    for docs_file in sorted({docs for _, docs, _, _ in SETS}):
        converted = "\n".join(json.dumps(d, ensure_ascii=False) for d in bench_documents(docs_file, bench_dir))
        target = folder / docs_file
        if not target.is_file() or target.read_text(encoding="utf-8") != converted + "\n":
            target.write_text(converted + "\n", encoding="utf-8")
    ingest([folder], settings, progress=progress)
    return open_store(settings)


def _doc_ranking(hits: list[tuple[str, str]]) -> list[str]:
    """Document ids in first-seen order from (passage id, doc id) pairs."""
    seen: list[str] = []
    for _, doc in hits:
        if doc not in seen:
            seen.append(doc)
    return seen


def evaluate(
    store: Store, bench_dir: Path = BENCH_DIR, limit: int | None = None, progress: Callable | None = None
) -> dict[str, dict[str, Scores]]:
    """{set name: {method: mean scores}}."""
    lexical = lexical_index(store)
    doc_of: dict[str, str] = {}
    results: dict[str, dict[str, Scores]] = {}
    for name, _, queries_file, lang in SETS:
        queries = [json.loads(line) for line in (bench_dir / queries_file).read_text(encoding="utf-8").splitlines()]
        queries = [q for q in queries if q["lang"] == lang][:limit]
        totals = {m: Scores() for m in METHODS}
        for i, q in enumerate(queries):
            dense = dense_ranking(store, q["question"], 50)
            for hit in dense:
                doc_of[hit.passage_id] = hit.doc_id
            bm25 = [pid for pid, _ in lexical.search(q["question"], 50)]
            fused = fused_scores(lexical, q["question"], dense)
            _learn_docs(store, [pid for pid in {*bm25, *fused} if pid not in doc_of], doc_of)
            rankings = {
                "dense": [h.passage_id for h in dense],
                "bm25": bm25,
                "hybrid": sorted(fused, key=fused.get, reverse=True),
            }
            for method, ranking in rankings.items():
                docs = _doc_ranking([(pid, doc_of[pid]) for pid in ranking])
                totals[method].add(docs.index(q["gold_doc_id"]) + 1 if q["gold_doc_id"] in docs else None)
            if progress:
                progress(name, i + 1, len(queries))
        results[name] = {m: s.mean() for m, s in totals.items()}
    return results


def _learn_docs(store: Store, passage_ids: list[str], doc_of: dict[str, str]) -> None:
    if passage_ids:
        got = store.collection.get(ids=passage_ids, include=["metadatas"])
        for pid, meta in zip(got["ids"], got["metadatas"]):
            doc_of[pid] = meta["doc_id"]
