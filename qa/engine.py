"""The engine: everything a process needs to answer questions, built once from
``Settings`` and kept current.

It holds the encoder, the passage store, the BM25 index with its bridge, the
sentence-vector cache and the answerers, and offers ``ask``, ``search`` and
``refresh``. ``refresh`` is the one place that notices another process's
ingest: it reopens an embedded store and rebuilds the derived parts when the
catalogue's generation moves. The parts themselves (``Retriever``,
``ExtractiveAnswerer``, ``LLMAnswerer``) are plain objects handed what they
need, so they can be built and tested on their own. ``qa.chain`` offers the
engine to LangChain applications (a retriever and a Runnable).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import zip_longest
from pathlib import Path
from typing import NamedTuple

from qa.answer_types import Answer, Answerer
from qa.asked_time import AskedTime, Period, asked_time, covered
from qa.bridge import Bridge
from qa.bundled_model import ensure_bundled_model
from qa.confidence import ConfidenceModel
from qa.config import BUNDLED_MODEL_NAME, Settings
from qa.copies import WireCopies
from qa.dictionary import Dictionary
from qa.embeddings import SentenceTransformerEmbeddings
from qa.errors import QuestionError
from qa.extractive import NO_ANSWER, ExtractiveAnswerer, SentenceVectors, language_of
from qa.lexical import LexicalIndex, load_or_build
from qa.llm import LLMAnswerer, answerer_from_spec
from qa.memory import releasing_free_memory
from qa.reader import LowerStates, Reader, SharedModel
from qa.retrieve import Hit, Retriever, first_per_document
from qa.scope import Scope
from qa.spans import SPAN_WEIGHTS, SpanFinder
from qa.store import PassageStore, open_store

MAX_QUESTION_CHARS = 2000
DEFAULT_PASSAGES = 6
_HAS_WORD = re.compile(r"[^\W_]")


NO_ARTICLES = {
    "en": "There are no articles in the store yet: add some (`qa ingest FOLDER`, or the chat's uploader), then ask.",
    "ar": "لا توجد مقالات في المخزن بعد: أضف مقالات (qa ingest أو رفع الملفات في المحادثة) ثم اسأل.",
}


def _llm_key(spec: str) -> str:
    """One LLM per model: a GGUF file however its path is written."""
    provider, _, name = spec.partition(":")
    return f"gguf:{Path(name).expanduser().resolve()}" if provider == "gguf" and name else spec


def _time_in(question: str, parts: Parts, scope: Scope | None) -> tuple[AskedTime, Period | None, str]:
    """The time ``question`` names (qa.asked_time), the period it narrows the articles to
    (None when no article is from it), and the question to read without that period's
    words (the articles' dates check it)."""
    asked = asked_time(question, date.fromisoformat(parts.dates[-1]) if parts.dates else None)
    period = covered(asked.period, parts.dates, *((scope.since, scope.until) if scope else ()))
    return asked, period, asked.without_period(question) if period else question


def _interleaved(first: list[Hit], second: list[Hit]) -> list[Hit]:
    """Both rankings' hits taking turns (each keeps its order), each passage once."""
    seen: set[str] = set()
    out: list[Hit] = []
    for hit in (h for pair in zip_longest(first, second) for h in pair if h):
        if hit.passage.id not in seen:
            seen.add(hit.passage.id)
            out.append(hit)
    return out


def _first_token_says_writing(
    on_token: Callable[[str], None] | None, on_phase: Callable[[str], None]
) -> Callable[[str], None]:
    """``on_token``, telling ``on_phase`` "writing" before the first token."""
    started = False

    def token(piece: str) -> None:
        nonlocal started
        if not started:
            started = True
            on_phase("writing")
        if on_token:
            on_token(piece)

    return token


def check_question(question: str) -> str:
    question = question.strip()
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}")
    return question


class Reading(NamedTuple):
    """What the extractive answerer is handed for a question (``Engine.reading``)."""

    hits: list[Hit]  # the passages read
    question: str  # as the answerer reads it: without the words of a period the articles' dates check


@dataclass(frozen=True)
class Parts:
    """The store and what is derived from it, consistent with one another."""

    store: PassageStore
    lexical: LexicalIndex
    bridge: Bridge
    retriever: Retriever
    extractive: ExtractiveAnswerer
    dates: list[str]  # the dated articles' days, oldest first (qa.asked_time reads "last week" against them)
    copies: WireCopies  # the stories several outlets ran, each read once


class Engine:
    def __init__(
        self,
        settings: Settings,
        create: bool = False,
        encoder: SentenceTransformerEmbeddings | None = None,
        dictionary: Dictionary | None = None,
        reader: Reader | None = None,
        confidence: ConfidenceModel | None = None,
        spans: SpanFinder | None = None,
    ) -> None:
        """``create``: make the collection when the store has none (the chat), rather than
        telling the user to ingest first (the CLI). ``encoder``, ``dictionary``, ``reader``
        and ``spans``: another engine's, shared (the evaluation's side stores), instead of
        loading them again."""
        self.settings = settings
        self.create = create
        self.encoder = encoder or SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
        self.dictionary = dictionary or Dictionary(settings.dictionary)
        self.vectors = SentenceVectors(self.encoder)
        bundled = lambda: ensure_bundled_model(settings.model_cache)  # noqa: E731
        self.reader = reader or Reader(bundled, shared=self._bundled_model)
        self.spans = spans or SpanFinder(Reader(bundled, weights=SPAN_WEIGHTS, shared=self._bundled_model))
        self.confidence = confidence or ConfidenceModel.load()
        self._lower_states = LowerStates()  # the reader's and the span model's, when both share the encoder's
        self._parts: Parts | None = None
        self._llms: dict[str, LLMAnswerer] = {}
        self._lock = threading.Lock()
        self._llm_lock = threading.Lock()

    def _bundled_model(self) -> SharedModel | None:
        """The bundled model as the encoder has it loaded, for the reader to share; None
        when the encoder is another model."""
        if isinstance(self.encoder, SentenceTransformerEmbeddings) and self.encoder.model_name == BUNDLED_MODEL_NAME:
            model = self.encoder.model
            return SharedModel(model[0].auto_model, model.tokenizer, self.encoder.tokenizer_lock, self._lower_states)
        return None

    def refresh(self) -> Parts:
        """The current parts: the store reopened when another process changed it (an
        embedded store does not see other processes' writes), and the BM25 index and
        bridge rebuilt when the collection changed."""
        with self._lock:
            parts = self._parts
            if parts is not None and parts.store.catalog.generation() == parts.store.generation:
                return parts
            # Another ingest changed the collection. Embedded Chroma keeps each process's vector
            # index in memory and does not see other processes' writes until the store is reopened
            # (chroma-core/chroma#3792); on a server the collection may have been rebuilt.
            store = parts.store.reopen() if parts else open_store(self.settings, create=self.create)
            lexical = load_or_build(store)
            bridge = Bridge(lexical.stats.doc_freq, self.dictionary)
            self._parts = Parts(
                store=store,
                lexical=lexical,
                bridge=bridge,
                retriever=Retriever(store, self.encoder, lexical, bridge),
                extractive=ExtractiveAnswerer(
                    self.vectors, lexical.stats, bridge, self.reader, self.confidence, self.spans
                ),
                dates=store.catalog.dates(),
                copies=WireCopies.of(store.catalog.copy_groups()),
            )
            return self._parts

    def answerer(self, llm: str | None = None, parts: Parts | None = None) -> Answerer:
        """The extractive answerer, or the LLM named by ``llm`` falling back to it. An LLM
        (a GGUF file's server) is set up once per engine."""
        parts = parts or self.refresh()
        extractive = parts.extractive
        if not llm:
            return extractive
        key = _llm_key(llm)
        with self._llm_lock:  # starting a model can take a while: questions without one go on
            if key not in self._llms:
                self._llms[key] = answerer_from_spec(llm, extractive, self.settings.llm_timeout)
        return replace(self._llms[key], fallback=extractive, bridge=parts.bridge)

    @releasing_free_memory  # what the question's buffers freed, on every way out
    def ask(
        self,
        question: str,
        history: list[str] | None = None,
        k: int = DEFAULT_PASSAGES,
        llm: str | None = None,
        on_token: Callable[[str], None] | None = None,
        cancel: threading.Event | None = None,
        on_phase: Callable[[str], None] | None = None,
        scope: Scope | None = None,
    ) -> Answer:
        """Answer ``question`` (earlier questions of the conversation in ``history``)
        from ``k`` passages; ``on_token`` receives an LLM's text as it streams.

        ``cancel``, set from another thread, stops an LLM's answer at its next chunk with
        ``AnswerCancelled`` (an extractive answer takes too little time to stop).
        ``on_phase`` hears "reading N passages" when they are retrieved and handed to the
        answerer, then "writing" at an LLM's first token. ``scope`` limits the articles
        read to an outlet and a range of dates."""
        question = check_question(question)
        started = time.perf_counter()
        if not _HAS_WORD.search(question):  # only punctuation: nothing to look for
            answer = Answer(question, NO_ANSWER[language_of(question)], False, "extractive")
            answer.timings_ms = {"retrieve": 0.0, "answer": 0.0, "total": 0.0}
            return answer
        parts = self.refresh()
        if not parts.lexical.ids:  # nothing ingested yet, or every file failed
            answer = Answer(question, NO_ARTICLES[language_of(question)], False, "extractive")
            answer.timings_ms = {"retrieve": 0.0, "answer": 0.0, "total": 0.0}
            return answer
        answerer = self.answerer(llm, parts)
        read, period = self._reading(parts, answerer, question, history, k, scope)
        hits = read.hits
        retrieved = time.perf_counter()
        if on_phase:
            on_phase(f"reading {len(hits)} passage{'' if len(hits) == 1 else 's'}")
            on_token = _first_token_says_writing(on_token, on_phase)
        if isinstance(answerer, LLMAnswerer):  # a model reads the question whole, and the articles' dates
            answer = answerer.answer(question, hits, history, on_token, cancel, read_as=read.question)
        else:
            answer = answerer.answer(read.question, hits, history, on_token)
        done = time.perf_counter()
        for citation in answer.citations:
            citation.also_reported_by = parts.copies.also_reported_by(citation.doc_key)
        if period:
            answer.question, answer.period = question, period.iso()
        answer.timings_ms = {
            "retrieve": round((retrieved - started) * 1000, 1),
            "answer": round((done - retrieved) * 1000, 1),
            "total": round((done - started) * 1000, 1),
        }
        return answer

    def reading(
        self, question: str, history: list[str] | None = None, k: int = DEFAULT_PASSAGES, scope: Scope | None = None
    ) -> Reading:
        """What ``ask`` hands the extractive answerer for ``question``: the passages (none
        where it reads none: no word to look for, no articles) and the question as read.
        For measuring and fitting on what users get (qa.evaluate, benchmarks/answer_losses.py)."""
        question = check_question(question)
        parts = self.refresh()
        if not _HAS_WORD.search(question) or not parts.lexical.ids:
            return Reading([], question)
        return self._reading(parts, parts.extractive, question, history, k, scope)[0]

    def _reading(
        self, parts: Parts, answerer: Answerer, question: str, history: list[str] | None, k: int, scope: Scope | None
    ) -> tuple[Reading, Period | None]:
        """The ``k`` passages ``answerer`` reads with the question as it reads them (without
        the words of a period the articles' dates check), and that period."""
        asked, period, read_as = _time_in(question, parts, scope)
        hits = self._retrieve(parts, answerer.query_for(read_as, history), max(k, 1), scope, asked, period)
        return Reading(hits, read_as), period

    @staticmethod
    def _retrieve(
        parts: Parts, query: str, k: int, scope: Scope | None, asked: AskedTime, period: Period | None
    ) -> list[Hit]:
        """The ``k`` best passages. For a question naming a ``period``, the ``k`` best of the
        articles dated in it and, for a period named by its dates, the ``k`` best of any
        date that name it (what happened in June may be reported in July); for one asking
        for the latest, also the ``k`` best of the articles newer than any of those (the
        answerer prefers the newest of the sentences that answer equally well)."""
        scope = scope or Scope()

        def best(within: Scope) -> list[Hit]:  # each story once (qa.copies): fetched twice over
            return parts.copies.distinct(parts.retriever.search(query, n=2 * k, scope=within))[:k]

        if period:
            hits = best(scope.within(period.since, period.until))
            if asked.named:
                later = [
                    h for h in best(scope) if period.recalled_in(f"{h.passage.title} {h.passage.text}", h.passage.date)
                ]
                hits = parts.copies.distinct(_interleaved(hits, later))
        else:
            hits = best(scope)
        newest_read = max((h.passage.date or "")[:10] for h in hits) if hits else ""
        if not (asked.latest and newest_read and newest_read < parts.dates[-1]):
            return hits
        after = date.fromisoformat(newest_read) + timedelta(days=1)
        newer = best(scope.within(after, period.until if period else date.max))
        return parts.copies.distinct(_interleaved(hits, newer))

    def has_articles(self) -> bool:
        return bool(self.refresh().lexical.ids)

    def search(self, query: str, k: int = 5, scope: Scope | None = None) -> list[Hit]:
        """The ``k`` documents best matching ``query``, read as ``ask`` reads them: a period
        the query names narrows them, "latest" adds the newest (taking turns with the
        best), and a wire story counts once. Each is given by its first passage in that
        order; scores from different periods' searches are not comparable."""
        return self.search_in_period(query, k, scope)[0]

    def search_in_period(self, query: str, k: int = 5, scope: Scope | None = None) -> tuple[list[Hit], Period | None]:
        """``search``'s documents, and the period the query named that they were narrowed
        to (None when it names none, or no article is from it)."""
        parts = self.refresh()
        asked, period, reading = _time_in(query, parts, scope)
        hits = self._retrieve(parts, reading, max(k * 8, 40), scope, asked, period)
        return first_per_document(hits, k), period
