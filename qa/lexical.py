"""BM25 over Arabic-normalised, lightly stemmed passages (bm25s).

The index is derived state: rebuilt from the Chroma collection whenever the
catalogue's generation says the collection changed (the engine checks), and saved beside the
store so other processes load it instead of rebuilding. An ingest moves the
generation once before it writes and once when it is done (or fails), so a
question asked in another process during a long ingest rebuilds at most once;
passages added after that are found by the dense ranking alone until the
ingest ends (with a Chroma server; an embedded store shows another process's
writes only when it is reopened after the ingest), and not at all by a search
limited to an outlet or dates, which reads only the passages this index holds
(qa.scopes). An index built while an
ingest writes is never saved, so one killed mid-way leaves no stale index.

Each passage's terms are saved with the index, so a rebuild after an ingest
splits into terms only the passages added since (on the whole news archive,
most of a rebuild was making the terms of 59,000 passages to add a few).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from qa.endings import whole_words_digest
from qa.learned import digest
from qa.store import PassageStore
from qa.terms import TERMS_VERSION, TermStats, lexical_terms
from qa.variants import table_digest
from qa.writer import ingest_running

TERMS_FILE = "terms.npz"  # the saved passages' numbered terms
# The terms made of this text, the spelling variants' table and the words that keep their
# ending are part of the fingerprint as well as TERMS_VERSION, so that saved terms are not
# reused after a change to the term rules that forgot to bump it, or to either list.
_RULES_SAMPLE = (
    "وقالت الوزارةُ إنّ القواتِ الأمريكيّة في العراق (٢٥٠٠ جنديٍّ) والمستشارين باقون، "
    "كما أعلنـــت الهيئات والمؤسسات فى بغداد والبصرة؛ U.S. troops: 2,500 in Iraq."
)


@dataclass(frozen=True)
class LexicalIndex:
    ids: list[str]
    fingerprint: list[int | str]
    _bm25: Any  # bm25s.BM25
    stats: TermStats

    def search(self, query: str, n: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """(passage id, BM25 score) of the ``n`` best passages with a positive score, among
        those ``allowed`` when given (a boolean per passage, in ``ids`` order)."""
        return self.search_terms(lexical_terms(query), n, allowed)

    def search_terms(self, terms: list[str], n: int, allowed: np.ndarray | None = None) -> list[tuple[str, float]]:
        """``search`` for index terms already made (a repeated term weighs more)."""
        if not self.ids:
            return []
        vocab = self._bm25.vocab_dict
        terms = [t for t in terms if t in vocab]
        if not terms:
            return []
        scores = self._bm25.get_scores(terms)
        if allowed is not None:
            scores = np.where(allowed, scores, 0.0)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


def fingerprint(store: PassageStore) -> list[int | str]:
    """What the index was built from: the term rules, the collection and its generation
    (last: saved terms are reused when all but the generation agree)."""
    return [TERMS_VERSION, _term_rules(), str(store.collection.id), store.catalog.generation()]


@cache
def _term_rules() -> str:
    return digest([lexical_terms(_RULES_SAMPLE), table_digest(), whole_words_digest()])


def _folder(store: PassageStore) -> Path:
    return store.settings.store_dir / "lexical" / store.collection.name


@dataclass
class NumberedTerms:
    """Passages' index terms as numbers into one vocabulary (a term's number is the order
    it was first met in). Saved beside the index, so that the next build splits into
    terms only the passages added since: a passage id is a hash of its text and
    metadata (LangChain's indexing), so an id still stored still has the same terms."""

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
    """The saved index's description, when it is one this code writes."""
    try:
        meta = json.loads((folder / "sanad.json").read_text())
    except (OSError, ValueError):
        return None
    fields = ("fingerprint", "ids", "terms", "doc_freq")
    if not isinstance(meta, dict) or not all(isinstance(meta.get(f), list) for f in fields):
        return None
    return meta if len(meta["terms"]) == len(meta["doc_freq"]) else None


def _load(folder: Path, meta: dict) -> LexicalIndex | None:
    import bm25s

    try:
        bm25 = bm25s.BM25.load(str(folder), show_progress=False)
    except Exception:  # a damaged saved index is built again, like a missing one
        return None
    again = _saved_meta(folder)
    if again is None or again.get("token") != meta.get("token"):
        return None  # another process's save replaced the folder after ``meta`` was read: not its rows
    stats = TermStats(dict(zip(meta["terms"], meta["doc_freq"])), len(meta["ids"]))
    return LexicalIndex(meta["ids"], meta["fingerprint"], bm25, stats)


def _saved_terms(folder: Path, meta: dict | None, wanted: list[int | str]) -> NumberedTerms:
    """The saved index's numbered terms, when made by the same term rules for the same
    collection and sound; else none, and every passage's terms are made again (the
    file is a cache: anything wrong with it, even a foreign file, costs only that)."""
    if meta is None or meta["fingerprint"][:-1] != wanted[:-1]:
        return NumberedTerms()
    try:
        with np.load(folder / TERMS_FILE) as saved:
            flat, ends, token = saved["flat"], saved["ends"], str(saved["token"])
        ids, vocab = meta["ids"], meta["terms"]
        sound = (
            token == meta.get("token")  # the two files of one save, not of two racing ones
            and flat.ndim == ends.ndim == 1
            and flat.dtype.kind in "iu"
            and ends.dtype.kind in "iu"
            and len(ends) == len(ids) == len(set(ids))
            and len(set(vocab)) == len(vocab)
            and all(isinstance(text, str) for text in (*ids, *vocab))
            and bool(np.all(np.diff(ends, prepend=0) >= 0))  # each row ends where the one before does, or later
            and (ends[-1] if len(ends) else 0) == len(flat)
            and (not len(flat) or 0 <= flat.min() <= flat.max() < len(vocab))
        )
    except Exception:
        return NumberedTerms()
    if not sound:
        return NumberedTerms()
    rows = np.split(flat.astype(np.int32), ends[:-1])
    return NumberedTerms({term: n for n, term in enumerate(vocab)}, dict(zip(ids, rows)))


def _save(index: LexicalIndex, terms: NumberedTerms, folder: Path) -> None:
    if not index.ids:
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
    try:
        index._bm25.save(str(staging), show_progress=False)
        rows = [terms.rows[i] for i in index.ids]
        token = uuid.uuid4().hex
        ends = np.cumsum([len(row) for row in rows])
        np.savez(staging / TERMS_FILE, flat=np.concatenate(rows), ends=ends, token=np.array(token))
        vocab = sorted(terms.vocab, key=terms.vocab.__getitem__)
        meta = {
            "fingerprint": index.fingerprint,
            "token": token,
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
