"""The fast lane's stand-ins: a fake encoder and an in-memory passage store.

Unit tests run the real retrieval and answering code on a few hand-made
passages without the model, Chroma or other processes (`make check`).
"""

from __future__ import annotations

import numpy as np
import pytest

from qa.bridge import Bridge
from qa.confidence import FEATURES, ConfidenceModel
from qa.extractive import ExtractiveAnswerer, SentenceVectors
from qa.lexical import build_index
from qa.passage import Passage
from qa.retrieve import Retriever
from qa.spans import Span
from qa.terms import lexical_terms, term_of


class FakeEncoder:
    """A text's vector counts its index terms, one dimension per term, normalised: texts
    sharing words are close, others orthogonal. Not a model of meaning across
    languages: tests of that use the real model."""

    dims = 4096  # distinct terms a test may use

    def __init__(self) -> None:
        self.calls = 0  # embed_documents (passages)
        self.sentence_calls = 0  # embed_sentences (the answerer's sentences)
        self.sentences: list[str] = []  # every sentence embedded, in order
        self._dimension: dict[str, int] = {}

    def vector(self, text: str) -> list[float]:
        vector = np.zeros(self.dims, dtype=np.float32)
        for term in lexical_terms(text):
            vector[self._dimension.setdefault(term, len(self._dimension))] += 1.0
        norm = float(np.linalg.norm(vector))
        return (vector / norm if norm else vector).tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        self.calls += 1
        return [self.vector(t) for t in texts]

    def embed_sentences(self, texts: list[str]) -> list[list[float]]:
        self.sentence_calls += 1
        self.sentences += texts
        return [self.vector(t) for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.vector(text)


class FakeReader:
    """The reader's stand-in: the share of the question's index terms the sentence has
    (so a sentence about another place reads lower), as a logit around 0."""

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, str]]] = []  # the pairs of each pass

    def score(self, question: str, sentence: str) -> float:
        wanted = set(lexical_terms(question))
        return 10 * len(wanted & set(lexical_terms(sentence))) / max(len(wanted), 1) - 5

    def read(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        self.calls.append(pairs)
        return np.array([self.score(q, s) for q, s in pairs], dtype=np.float32)


def confidence_on(feature: str, weight: float = 10.0, threshold: float = 0.5, at: float = 0.5) -> ConfidenceModel:
    """A confidence that reads one signal only: 0.5 where ``feature`` equals ``at``."""
    coefficients = dict.fromkeys(FEATURES, 0.0) | {feature: weight}
    return ConfidenceModel(coefficients, -weight * at, threshold, "tests")


class MemoryStore:
    """The passage store's reading side over a list, nearest by the fake encoder. ``dense_limit``
    stands for a large store, where the dense ranking proposes only some passages."""

    def __init__(self, passages: list[Passage], encoder: FakeEncoder, dense_limit: int | None = None) -> None:
        self.passages = {p.id: p for p in passages}
        self.encoder = encoder
        self.dense_limit = dense_limit

    def nearest(self, vector: list[float], n: int, within: list[str] | None = None) -> list[tuple[Passage, float]]:
        scored = [
            (p, float(np.dot(vector, self.encoder.vector(p.text))))
            for p in self.passages.values()
            if within is None or p.id in within
        ]
        return sorted(scored, key=lambda pair: pair[1], reverse=True)[: min(n, self.dense_limit or n)]

    def passage_articles(self, passage_ids: list[str]) -> dict[str, str]:
        return {i: self.passages[i].doc_key for i in passage_ids if i in self.passages}

    def article_datelines(self) -> dict[str, tuple[str | None, str | None]]:
        return {p.doc_key: (p.outlet, p.date) for p in self.passages.values()}

    def get(self, ids: list[str]) -> list[Passage]:
        return [self.passages[i] for i in ids if i in self.passages]


class MarkedSpans:
    """Stands in for the span model (qa.spans.SpanFinder): in any sentence it marks, of
    ``marks``' words, those it holds first, with their score; nothing in the others."""

    def __init__(self, marks: dict[str, float]) -> None:
        self.marks = marks
        self.questions: list[str] = []  # the question of each call, in order
        self.pairs: list[tuple[str, str]] = []  # each (question, sentence) read, in order

    def find(self, question: str, sentence: str) -> Span | None:
        return self.find_all(question, [sentence])[0]

    def find_all(self, question: str, sentences: list[str]) -> list[Span | None]:
        self.questions.append(question)
        self.pairs += [(question, sentence) for sentence in sentences]
        found: list[Span | None] = []
        for sentence in sentences:
            at = [(sentence.find(words), words, score) for words, score in self.marks.items() if words in sentence]
            start, words, score = min(at) if at else (-1, "", 0.0)
            found.append(Span(start, start + len(words), score) if at else None)
        return found


def passage(pid: str, text: str, doc: str | None = None, **meta: str) -> Passage:
    return Passage(pid, text, doc_key=doc or pid, doc_id=doc or pid, source=f"/articles/{doc or pid}.txt", **meta)


@pytest.fixture
def encoder() -> FakeEncoder:
    return FakeEncoder()


@pytest.fixture
def parts(encoder):
    """(retriever, extractive answerer) over the passages given, with an optional dictionary;
    the answer's confidence reads the embedding similarity of its sentence, and the fake
    reader reads, unless told otherwise."""

    def build(
        passages: list[Passage],
        dictionary: dict[str, tuple[str, ...]] | None = None,
        dense_limit: int | None = None,
        confidence: ConfidenceModel | None = None,
        reader: FakeReader | None = None,
        spans: MarkedSpans | None = None,
    ):
        lexical = build_index(((p.id, p.text) for p in passages), [0, 0])
        bridge = Bridge(lexical.stats.doc_freq, lambda: dictionary or {})
        retriever = Retriever(MemoryStore(passages, encoder, dense_limit), encoder, lexical, bridge)
        confidence = confidence or confidence_on("similarity")
        answerer = ExtractiveAnswerer(
            SentenceVectors(encoder), lexical.stats, bridge, reader or FakeReader(), confidence, spans
        )
        return retriever, answerer

    return build


@pytest.fixture
def learned_list(tmp_path, monkeypatch):
    """``install(module, attribute, content, *cached)``: a learned word list's file
    (qa.learned) with ``content`` in place of the shipped one for this test; the
    ``cached`` functions reading it, and the cached index terms, cleared before and after."""
    cleared = [term_of]

    def install(module, attribute: str, content: str, *cached) -> None:
        path = tmp_path / f"{attribute}.json"
        path.write_text(content, encoding="utf-8")
        monkeypatch.setattr(module, attribute, path)
        cleared.extend(cached)
        for function in cleared:
            function.cache_clear()

    yield install
    for function in cleared:
        function.cache_clear()
