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

Each passage's terms are saved with the index, so a rebuild after an ingest
splits into terms only the passages added since (on the whole news archive,
most of a rebuild was making the terms of 59,000 passages to add a few).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from qa.store import PassageStore
from qa.terms import TERMS_VERSION, TermStats, lexical_terms
from qa.writer import ingest_running

TERMS_FILE = "terms.npz"  # the saved passages' numbered terms


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


@dataclass
class NumberedTerms:
    """Passages' index terms as numbers into one vocabulary (a term's number is the order
    it was first met in). Saved beside the index, so that the next build splits into
    terms only the passages added since: a passage id is a hash of its text, so an id
    that is still stored still has the same terms."""

    vocab: dict[str, int] = field(default_factory=dict)
    rows: dict[str, np.ndarray] = field(default_factory=dict)  # passage id -> its terms' numbers

    def add(self, passage_id: str, terms: list[str]) -> None:
        vocab = self.vocab
        self.rows[passage_id] = np.fromiter((vocab.setdefault(t, len(vocab)) for t in terms), np.int32, len(terms))


def load_or_build(store: PassageStore) -> LexicalIndex:
    """The store's current BM25 index: from disk when saved for this generation, else
    built from the collection, reusing the saved index's terms for the passages it
    already held (and saved when no ingest is writing)."""
    wanted = fingerprint(store)
    folder = _folder(store)
    meta = _saved_meta(folder)
    if meta is not None and meta["fingerprint"] == wanted and (saved := _load(folder, meta)):
        return saved
    known = _saved_terms(folder, meta, wanted)
    ids = store.passage_ids()
    terms = NumberedTerms(known.vocab, {i: known.rows[i] for i in ids if i in known.rows})
    for passage_id, text in store.texts_of([i for i in ids if i not in terms.rows]):
        terms.add(passage_id, lexical_terms(text))
    index, compacted = _index_of([i for i in ids if i in terms.rows], terms, wanted)
    # Not saved while an ingest writes (it may be killed before it moves the
    # generation again) nor when the generation moved during the build.
    if not ingest_running(store.settings) and fingerprint(store) == wanted:
        _save(index, compacted, folder)
    return index


def build_index(passages: Iterable[tuple[str, str]], fingerprint: list[int | str]) -> LexicalIndex:
    """A BM25 index of (passage id, text) pairs."""
    terms = NumberedTerms()
    ids: list[str] = []
    for passage_id, text in passages:
        ids.append(passage_id)
        terms.add(passage_id, lexical_terms(text))
    return _index_of(ids, terms, fingerprint)[0]


def _index_of(ids: list[str], terms: NumberedTerms, fingerprint: list[int | str]) -> tuple[LexicalIndex, NumberedTerms]:
    """The BM25 index of the passages ``ids`` (in that order), and their terms numbered
    afresh from 0 over the terms they hold (a removed passage's other terms leave the
    vocabulary, as bm25s needs every number below the vocabulary's size to be a term)."""
    import bm25s

    rows = [terms.rows[i] for i in ids]
    held = np.concatenate([np.unique(row) for row in rows]) if rows else np.empty(0, np.int32)
    doc_freq = np.bincount(held, minlength=len(terms.vocab))
    used = doc_freq > 0
    renumber = (np.cumsum(used) - 1).astype(np.int32)
    vocab = {term: int(renumber[n]) for term, n in terms.vocab.items() if used[n]}
    rows = [renumber[row] for row in rows]
    bm25 = bm25s.BM25()
    if rows:
        bm25.index(([row.tolist() for row in rows], vocab), create_empty_token=False, show_progress=False)
    stats = TermStats({term: int(doc_freq[n]) for term, n in terms.vocab.items() if used[n]}, len(ids))
    return LexicalIndex(ids, fingerprint, bm25, stats), NumberedTerms(vocab, dict(zip(ids, rows)))


def _saved_meta(folder: Path) -> dict | None:
    try:
        meta = json.loads((folder / "sanad.json").read_text())
        return meta if {"fingerprint", "ids", "terms", "doc_freq"} <= meta.keys() else None
    except (OSError, ValueError, AttributeError):
        return None


def _load(folder: Path, meta: dict) -> LexicalIndex | None:
    import bm25s

    try:
        bm25 = bm25s.BM25.load(str(folder), show_progress=False)
    except (OSError, ValueError):
        return None
    stats = TermStats(dict(zip(meta["terms"], meta["doc_freq"])), len(meta["ids"]))
    return LexicalIndex(meta["ids"], meta["fingerprint"], bm25, stats)


def _saved_terms(folder: Path, meta: dict | None, wanted: list[int | str]) -> NumberedTerms:
    """The saved index's numbered terms, when made by the same term rules for the same
    collection (none when they cannot be read: all are made again)."""
    if meta is None or meta["fingerprint"][:2] != wanted[:2]:
        return NumberedTerms()
    try:
        with np.load(folder / TERMS_FILE) as saved:
            flat, ends = saved["flat"], saved["ends"]
    except (OSError, ValueError, KeyError):
        return NumberedTerms()
    ids, vocab = meta["ids"], meta["terms"]
    if len(ends) != len(ids) or (
        len(flat) and (ends[-1] != len(flat) or not 0 <= flat.min() <= flat.max() < len(vocab))
    ):
        return NumberedTerms()
    return NumberedTerms({term: n for n, term in enumerate(vocab)}, dict(zip(ids, np.split(flat, ends[:-1]))))


def _save(index: LexicalIndex, terms: NumberedTerms, folder: Path) -> None:
    if not index.ids:
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
    try:
        index._bm25.save(str(staging), show_progress=False)
        rows = [terms.rows[i] for i in index.ids]
        np.savez(staging / TERMS_FILE, flat=np.concatenate(rows), ends=np.cumsum([len(row) for row in rows]))
        vocab = sorted(terms.vocab, key=terms.vocab.__getitem__)
        meta = {
            "fingerprint": index.fingerprint,
            "ids": index.ids,
            "terms": vocab,
            "doc_freq": [index.stats.doc_freq[term] for term in vocab],
        }
        (staging / "sanad.json").write_text(json.dumps(meta, ensure_ascii=False))
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    except OSError:
        pass  # another process saved it first; this one still serves from memory
    finally:
        shutil.rmtree(staging, ignore_errors=True)
