"""Find the passages that best match a question: dense (Chroma) and lexical
(BM25) rankings fused by their normalised scores."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Protocol

import numpy as np

from qa.arabic import is_arabic
from qa.bridge import Bridge
from qa.lexical import LexicalIndex
from qa.passage import Passage
from qa.scope import Scope
from qa.scopes import ArticleScopes, Dateline

CANDIDATES = 50  # passages taken from each ranking before fusion
# Measured on XQuAD English→Arabic (400 questions): 0.865 -> 0.874 nDCG@10 at 0.3-0.4.
BRIDGE_WEIGHT = 0.3
# BM25 over an English question carried into Arabic (qa.bridge), fused with the
# dense ranking. With the dictionary, on XQuAD English→Arabic (1,190 questions;
# odd and even halves agree): 0.2 -> 0.905, 0.4 -> 0.908, 0.7 -> 0.903, 1.0 -> 0.878.
TRANSLATED_BM25_WEIGHT = 0.4


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float


class DenseIndex(Protocol):
    """What retrieval needs of the passage store (qa.store.PassageStore)."""

    def nearest(self, vector: list[float], n: int, within: list[str] | None = None) -> list[tuple[Passage, float]]: ...

    def get(self, ids: list[str]) -> list[Passage]: ...

    def passage_articles(self, passage_ids: list[str]) -> dict[str, str]: ...

    def article_datelines(self) -> dict[str, Dateline]: ...


class QueryEncoder(Protocol):
    def embed_query(self, text: str) -> list[float]: ...


def fuse(dense: list[tuple[str, float]], lexical: list[tuple[str, float]], lexical_weight: float) -> dict[str, float]:
    """Convex combination of the two rankings' scores, each min-max normalised over its
    candidates. Measured against reciprocal-rank fusion (k=60) on 700 ARCD questions:
    nDCG@10 0.836 -> 0.854, and XQuAD Arabic→Arabic 0.93 -> 0.948 (400 questions)."""
    fused: dict[str, float] = {}
    for ranking, weight in ((dense, 1.0), (lexical, lexical_weight)):
        if not ranking or not weight:
            continue
        scores = [score for _, score in ranking]
        low, span = min(scores), (max(scores) - min(scores)) or 1.0
        for pid, score in ranking:
            fused[pid] = fused.get(pid, 0.0) + weight * (score - low) / span
    return fused


def first_per_document(hits: list[Hit], k: int) -> list[Hit]:
    """Each document once (its first passage in ``hits``' order), at most ``k``."""
    seen: set[str] = set()
    out: list[Hit] = []
    if k <= 0:
        return out
    for hit in hits:
        if hit.passage.doc_key not in seen:
            seen.add(hit.passage.doc_key)
            out.append(hit)
            if len(out) == k:
                break
    return out


@dataclass(frozen=True)
class Retriever:
    """Dense search in the store fused with BM25; an English question reaches BM25
    through the bridge's Arabic words."""

    store: DenseIndex
    encoder: QueryEncoder
    lexical: LexicalIndex
    bridge: Bridge

    @cached_property
    def scopes(self) -> ArticleScopes:
        """Which passages each scope admits, read once (only a scoped search needs it)."""
        ids = self.lexical.ids
        return ArticleScopes.of(ids, self.store.passage_articles(ids), self.store.article_datelines())

    def dense(self, query: str, n: int = CANDIDATES, within: list[str] | None = None) -> list[Hit]:
        """The ``n`` nearest passages by cosine similarity (among the ids ``within``), best first."""
        if n <= 0:
            return []
        return [Hit(p, score) for p, score in self.store.nearest(self.encoder.embed_query(query), n, within)]

    def fused_scores(self, query: str, dense: list[Hit], allowed: np.ndarray | None = None) -> dict[str, float]:
        """An Arabic query: dense and BM25 scores fused. Any other: BM25 over the query's
        words carried into Arabic, at a lower weight, and the dense candidates checked
        for those words. BM25 ranks only the ``allowed`` passages when given (a boolean
        per passage of the BM25 index)."""
        scored = [(h.passage.id, h.score) for h in dense]
        if is_arabic(query):
            return fuse(scored, self.lexical.search(query, CANDIDATES, allowed), 1.0)
        translated = self.lexical.search_terms(self.bridge.arabic_query(query), CANDIDATES, allowed)
        fused = fuse(scored, translated, TRANSLATED_BM25_WEIGHT)
        shares = self.bridge.coverage(query, [h.passage.text for h in dense], self.lexical.stats)
        for hit, share in zip(dense, shares):
            fused[hit.passage.id] += BRIDGE_WEIGHT * share
        return fused

    def scoped_scores(self, query: str, scope: Scope) -> tuple[list[Hit], dict[str, float]]:
        """The dense candidates and fused scores of the passages ``scope`` admits: those of
        the BM25 index whose article is in it (a passage the index does not list yet, as in
        the middle of an ingest, is in no scope)."""
        allowed = self.scopes.admitted(scope)
        if not allowed.any():
            return [], {}
        if allowed.all():  # no list of ids to send, but Chroma may hold passages the index lacks
            dense = [h for h in self.dense(query, CANDIDATES) if h.passage.id in self.scopes.known]
        else:
            dense = self.dense(query, CANDIDATES, [self.scopes.passage_ids[i] for i in np.flatnonzero(allowed)])
        return dense, self.fused_scores(query, dense, allowed)

    def search(self, query: str, n: int = 20, scope: Scope | None = None) -> list[Hit]:
        """The ``n`` best passages by the fused dense and BM25 scores, from the articles in
        ``scope`` (both rankings are restricted, not their result filtered)."""
        if scope is None:
            dense = self.dense(query, CANDIDATES)
            fused = self.fused_scores(query, dense)
        else:
            dense, fused = self.scoped_scores(query, scope)
        best = sorted(fused, key=fused.__getitem__, reverse=True)[:n]
        known = {h.passage.id: h.passage for h in dense}
        known.update((p.id, p) for p in self.store.get([pid for pid in best if pid not in known]))
        return [Hit(known[pid], fused[pid]) for pid in best if pid in known]
