"""BM25 over Arabic-normalised, lightly stemmed passages (bm25s).

The index is derived state: rebuilt from the Chroma collection whenever the
catalogue's generation says the collection changed, and saved beside the
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
import math
import re
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from qa.arabic import normalize_arabic
from qa.dictionary import DictionaryError, translations
from qa.store import Store, StoreError, ingest_running

if TYPE_CHECKING:
    from qa.bridge import Bridge

_WORD = re.compile(r"\w+")
_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")
_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "هم", "ه", "ا")  # "ا": the accusative tanween alef (هجوماً)
# Part of the saved index's fingerprint: a change to how terms are made rebuilds it.
TERMS_VERSION = 2
STOPWORDS = frozenset(
    normalize_arabic(w)
    for w in (
        "في من على إلى الى عن أن إن ان ما لا لم لن هذا هذه ذلك تلك التي الذي الذين هو هي هم و أو او ثم كان كانت قد مع بعد قبل حتى عند كل أي اي بين منذ هل كم متى ماذا لماذا كيف أين اين عدد هؤلاء هناك هنا ومن وما ومتى وكم وماذا وهل"
        " the a an of and or in on at to for from by with is are was were be been has have had do does did what which who whom when where why how many much this that these those it its as about into than they them he she there also"
    ).split()
)  # fmt: skip


def light_stem(word: str) -> str:
    """Strip one article/conjunction prefix and one plural/pronoun suffix (normalised Arabic)."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            word = word[len(prefix) :]
            break
    else:
        if word.startswith("و") and len(word) >= 5:
            word = word[1:]
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def lexical_terms(text: str) -> list[str]:
    """Index terms: normalised words minus stop words, lightly stemmed."""
    return [light_stem(w) for w in _WORD.findall(normalize_arabic(text)) if w not in STOPWORDS and w != "_"]


def loose_terms(text: str) -> set[str]:
    """The index terms of ``text``, plus those of its words read without a one-letter
    proclitic (ل ب ك ف و: لوكالة is ل + وكالة), which the index's stemmer keeps, as
    stripping them from every word would conflate many others."""
    terms = set(lexical_terms(text))
    for word in _WORD.findall(normalize_arabic(text)):
        if word[0] in "لبكفو" and len(word) >= 5:
            terms.add(light_stem(word[1:]))
    return terms


@dataclass
class LexicalIndex:
    ids: list[str]
    fingerprint: list[int]
    _bm25: object
    doc_freq: dict[str, int]
    dictionary_setting: str = "off"  # Settings.dictionary: English→Arabic, for the bridge
    _bridge: tuple[Mapping[str, tuple[str, ...]], Bridge] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency: rare terms weigh more."""
        df = self.doc_freq.get(term, 0)
        return math.log(1 + (len(self.ids) - df + 0.5) / (df + 0.5))

    @property
    def bridge(self) -> Bridge:
        """English words to this corpus's Arabic terms; built again when the
        dictionary file changes (a package installed while the chat runs)."""
        from qa.bridge import Bridge

        with _bridge_lock:  # the chat's threads: one load, one bridge
            try:
                dictionary = translations(self.dictionary_setting)
            except DictionaryError as exc:
                raise StoreError(f"{exc} (the QA_DICTIONARY setting; QA_DICTIONARY=off goes without)") from None
            built = self._bridge
            if built is None or built[0] is not dictionary:
                built = self._bridge = (dictionary, Bridge(self.doc_freq, dictionary))
            return built[1]

    def search(self, query: str, n: int) -> list[tuple[str, float]]:
        """(passage id, BM25 score) of the ``n`` best passages with a positive score."""
        return self.search_terms(lexical_terms(query), n)

    def search_terms(self, terms: list[str], n: int) -> list[tuple[str, float]]:
        """``search`` for index terms already made (a repeated term weighs more)."""
        vocab = self._bm25.vocab_dict
        terms = [t for t in terms if t in vocab]
        if not terms or not self.ids:
            return []
        scores = self._bm25.get_scores(terms)
        n = min(n, len(scores))
        top = np.argpartition(-scores, n - 1)[:n]
        top = top[np.argsort(-scores[top])]
        return [(self.ids[i], float(scores[i])) for i in top if scores[i] > 0]


_lock = threading.Lock()
_bridge_lock = threading.Lock()
_loaded: dict[str, LexicalIndex] = {}


def _fingerprint(store: Store) -> list[int]:
    return [TERMS_VERSION, store.catalog.generation()]


def _folder(store: Store) -> Path:
    return store.settings.store_dir / "lexical" / store.collection.name


def lexical_index(store: Store) -> LexicalIndex:
    """The current BM25 index of ``store``: cached in memory, then on disk, else rebuilt."""
    import bm25s

    key = f"{store.settings.store_location}::{store.collection.name}"
    fingerprint = _fingerprint(store)
    dictionary = store.settings.dictionary
    with _lock:
        cached = _loaded.get(key)
        if cached and cached.fingerprint == fingerprint:
            if cached.dictionary_setting != dictionary:
                cached = _loaded[key] = replace(cached, dictionary_setting=dictionary)
            return cached
        folder = _folder(store)
        try:
            meta = json.loads((folder / "sanad.json").read_text())
            if meta["fingerprint"] == fingerprint:
                bm25 = bm25s.BM25.load(str(folder), show_progress=False)
                index = LexicalIndex(meta["ids"], fingerprint, bm25, meta["doc_freq"], dictionary)
                _loaded[key] = index
                return index
        except (OSError, ValueError, KeyError):
            pass
        index = _build(store, fingerprint, dictionary)
        # Not saved while an ingest writes (it may be killed before it moves the
        # generation again) nor when the generation moved during the build.
        if not ingest_running(store.settings) and _fingerprint(store) == fingerprint:
            _save(index, folder)
        _loaded[key] = index
        return index


def _build(store: Store, fingerprint: list[int], dictionary: str) -> LexicalIndex:
    import bm25s

    ids: list[str] = []
    corpus: list[list[str]] = []
    batch = 5000
    for offset in range(0, max(store.passage_count(), 1), batch):
        page = store.collection.get(include=["documents"], limit=batch, offset=offset)
        ids.extend(page["ids"])
        corpus.extend(lexical_terms(text or "") for text in page["documents"])
    bm25 = bm25s.BM25()
    if corpus:
        bm25.index(corpus, show_progress=False)
    doc_freq = dict(Counter(t for terms in corpus for t in set(terms)))
    return LexicalIndex(ids, fingerprint, bm25, doc_freq, dictionary)


def _save(index: LexicalIndex, folder: Path) -> None:
    if not index.ids:
        return
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
    try:
        index._bm25.save(str(staging), show_progress=False)
        meta = {"fingerprint": index.fingerprint, "ids": index.ids, "doc_freq": index.doc_freq}
        (staging / "sanad.json").write_text(json.dumps(meta, ensure_ascii=False))
        shutil.rmtree(folder, ignore_errors=True)
        staging.rename(folder)
    except OSError:
        pass  # another process saved it first; this one still serves from memory
    finally:
        shutil.rmtree(staging, ignore_errors=True)
