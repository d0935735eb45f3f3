"""Which of an English question's words an Arabic sentence contains, by meaning.

Exact word overlap says nothing across languages, and whole-sentence
similarity blurs names and key nouns ("population" vs "troops" both sit
near "Iraq"). The embedding model aligns single words across languages
well (population↔سكان, Macron↔ماكرون), so each question word is matched
to its nearest word in the sentence; a question word with no close match
is a sign the sentence does not answer it.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable

import numpy as np

from qa.arabic import normalize_arabic
from qa.lexical import STOPWORDS, light_stem
from qa.store import Store

# A question word "matches" a sentence word when their cosine stands out from the
# word's cosines to the whole candidate vocabulary: z-scores below the floor
# are noise (single-word embeddings all sit near 0.8), above the top a match.
Z_FLOOR, Z_FULL = 2.5, 4.0
_WORD = re.compile(r"[^\W_]{2,}")


class WordVectors:
    """Embeddings of single words, cached process-wide (a corpus has a bounded vocabulary)."""

    def __init__(self, size: int = 200_000) -> None:
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def __call__(self, store: Store, words: list[str]) -> np.ndarray:
        with self._lock:
            missing = [w for w in dict.fromkeys(words) if w not in self._items]
        if missing:
            encoded = store.embeddings.model.encode(missing, batch_size=128, normalize_embeddings=True)
            with self._lock:
                self._items.update(zip(missing, encoded))
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        with self._lock:
            return np.stack([self._items[w] for w in words]) if words else np.zeros((0, 1), np.float32)


word_vectors = WordVectors()


def content_words(text: str) -> list[str]:
    """Words worth matching: no stop words, no one-letter tokens, in order, once each."""
    return list(dict.fromkeys(w for w in _WORD.findall(text) if normalize_arabic(w) not in STOPWORDS))


def coverage(store: Store, question: str, sentences: list[str], idf: Callable[[str], float]) -> list[float]:
    """For each sentence, the IDF-weighted share of the question's words it expresses (0..1)."""
    terms = content_words(question.lower())
    if not terms or not sentences:
        return [0.0] * len(sentences)
    words_of = [content_words(s) for s in sentences]
    vocabulary = list(dict.fromkeys(w for words in words_of for w in words))
    if not vocabulary:
        return [0.0] * len(sentences)
    similarity = word_vectors(store, terms) @ word_vectors(store, vocabulary).T  # terms × vocabulary
    spread = similarity.std(axis=1, keepdims=True) + 1e-6
    z = (similarity - similarity.mean(axis=1, keepdims=True)) / spread
    column = {w: i for i, w in enumerate(vocabulary)}
    # A term weighs what its best match in the pool weighs: "Iraq" matches العراق, which is everywhere.
    best_anywhere = similarity.argmax(axis=1)
    weights = np.array([idf(light_stem(normalize_arabic(vocabulary[j]))) for j in best_anywhere])
    if weights.sum() <= 0:
        return [0.0] * len(sentences)
    out = []
    for words in words_of:
        if not words:
            out.append(0.0)
            continue
        best = z[:, [column[w] for w in words]].max(axis=1)
        matched = np.clip((best - Z_FLOOR) / (Z_FULL - Z_FLOOR), 0.0, 1.0)
        out.append(float((weights * matched).sum() / weights.sum()))
    return out
