"""Find the passages that best match a question."""

from __future__ import annotations

from dataclasses import dataclass, field

from qa.store import Store


@dataclass(frozen=True)
class Hit:
    passage_id: str
    text: str
    score: float
    metadata: dict = field(default_factory=dict)

    @property
    def doc_key(self) -> str:
        return self.metadata.get("doc_key", self.passage_id)

    @property
    def doc_id(self) -> str:
        return self.metadata.get("doc_id", self.passage_id)


def dense_search(store: Store, query: str, n: int) -> list[Hit]:
    """The ``n`` nearest passages by cosine similarity, best first."""
    count = store.passage_count()
    if count == 0 or n <= 0:
        return []
    vector = store.embeddings.embed_query(query)
    result = store.collection.query(
        query_embeddings=[vector],
        n_results=min(n, count),
        include=["documents", "metadatas", "distances"],
    )
    return [
        Hit(passage_id=pid, text=text, score=1.0 - distance, metadata=dict(meta or {}))
        for pid, text, meta, distance in zip(
            result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0]
        )
    ]


def best_per_document(hits: list[Hit], k: int) -> list[Hit]:
    """Each document once (its best passage), best first, at most ``k``."""
    seen: set[str] = set()
    out: list[Hit] = []
    for hit in sorted(hits, key=lambda h: h.score, reverse=True):
        if hit.doc_key not in seen:
            seen.add(hit.doc_key)
            out.append(hit)
            if len(out) == k:
                break
    return out


def search_documents(store: Store, query: str, k: int = 5) -> list[Hit]:
    """Documents best matching ``query``, each represented by its best passage."""
    return best_per_document(dense_search(store, query, max(k * 8, 40)), k)
