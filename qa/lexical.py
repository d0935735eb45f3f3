"""BM25 over Arabic-normalised, lightly stemmed passages (bm25s).

The index is derived state: rebuilt from the Chroma collection whenever the
catalogue's generation says the collection changed (the engine checks), and saved beside the
store so other processes load it instead of rebuilding. An ingest moves the
generation once before it writes and once when it is done (or fails), so a
question asked in another process during a long ingest rebuilds at most once;
passages added after that are found by the dense ranking alone until the
ingest ends (with a Chroma server; an embedded store shows another process's
writes only when it is reopened after the ingest). An index built while an
ingest writes is never saved, so one killed mid-way leaves no stale index.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from qa.store import PassageStore
from qa.terms import TERMS_VERSION, TermStats, lexical_terms
from qa.writer import ingest_running


@dataclass(frozen=True)
class LexicalIndex:
    ids: list[str]
    fingerprint: list[int | str]
    _bm25: Any  # bm25s.BM25
    stats: TermStats

    def search(self, query: str, n: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """(passage id, BM25 score) of the ``n`` best passages with a positive score,
        among the ``allowed`` ids when given."""
        return self.search_terms(lexical_terms(query), n, allowed)

    def search_terms(self, terms: list[str], n: int, allowed: set[str] | None = None) -> list[tuple[str, float]]:
        """``search`` for index terms already made (a repeated term weighs more)."""
        if not self.ids:
            return []
        vocab = self._bm25.vocab_dict
        terms = [t for t in terms if t in vocab]
        if not terms:
            return []
        scores = self._bm25.get_scores(terms)
        if allowed is not None:
            scores = np.where(np.fromiter((i in allowed for i in self.ids), bool, len(self.ids)), scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def fingerprint(store: PassageStore) -> list[int | str]:
    """What the index was built from: the term rules, the collection and its generation."""
    return [TERMS_VERSION, str(store.collection.id), store.catalog.generation()]


def _folder(store: PassageStore) -> Path:
    return store.settings.store_dir / "lexical" / store.collection.name


def load_or_build(store: PassageStore) -> LexicalIndex:
    """The store's current BM25 index: from disk when saved for this generation, else
    built from the collection (and saved when no ingest is writing)."""
    import bm25s

    wanted = fingerprint(store)
    folder = _folder(store)
    try:
        meta = json.loads((folder / "sanad.json").read_text())
        if meta["fingerprint"] == wanted:
            bm25 = bm25s.BM25.load(str(folder), show_progress=False)
            return LexicalIndex(meta["ids"], wanted, bm25, TermStats(meta["doc_freq"], len(meta["ids"])))
    except (OSError, ValueError, KeyError):
        pass
    index = build_index(store.texts(), wanted)
    # Not saved while an ingest writes (it may be killed before it moves the
    # generation again) nor when the generation moved during the build.
    if not ingest_running(store.settings) and fingerprint(store) == wanted:
        _save(index, folder)
    return index


def build_index(passages: Iterable[tuple[str, str]], fingerprint: list[int | str]) -> LexicalIndex:
    """A BM25 index of (passage id, text) pairs."""
    import bm25s

    ids: list[str] = []
    corpus: list[list[str]] = []
    for passage_id, text in passages:
        ids.append(passage_id)
        corpus.append(lexical_terms(text))
    bm25 = bm25s.BM25()
    if corpus:
        bm25.index(corpus, show_progress=False)
    return LexicalIndex(ids, fingerprint, bm25, TermStats.of(corpus))


def _save(index: LexicalIndex, folder: Path) -> None:
    if not index.ids:
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
    try:
        index._bm25.save(str(staging), show_progress=False)
        meta = {"fingerprint": index.fingerprint, "ids": index.ids, "doc_freq": dict(index.stats.doc_freq)}
        (staging / "sanad.json").write_text(json.dumps(meta, ensure_ascii=False))
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    except OSError:
        pass  # another process saved it first; this one still serves from memory
    finally:
        shutil.rmtree(staging, ignore_errors=True)
