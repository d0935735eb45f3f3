"""The default answerer: quotes the article sentences that answer the question.

No generation, so nothing can be invented: every answer is made of verbatim
sentences from retrieved passages, each with its citation. Sentences are
scored by meaning (the embedding model, question against sentence), by the
question's words (Arabic-normalised), and by whether they hold what the
question asks for (a number for "how many", a date for "when"). Below a
threshold calibrated on the project's question set (``qa eval``), it says
the articles do not answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from qa.answer_types import Answer, Citation
from qa.arabic import is_arabic, normalize_arabic, to_western_digits
from qa.bridge import coverage
from qa.lexical import lexical_index, lexical_terms
from qa.retrieve import Hit
from qa.sentences import sentence_spans
from qa.store import Store

# Weights and thresholds chosen on eval/questions.jsonl (`qa eval --calibrate`
# prints the sweep): cosines run higher between two Arabic texts than across
# languages, so each question language has its own threshold.
ABSTAIN_BELOW = {"ar": 0.85, "en": 0.82}
LEXICAL_WEIGHT = 0.10
INTENT_WEIGHT = 0.02
PASSAGE_RANK_PENALTY = 0.004  # per rank of the sentence's passage in retrieval
CORROBORATION_MARGIN = 0.05  # other sources reporting the same (cosine >= SAME_CLAIM) within this are cited too
NEAR_TIE = 0.01  # a second sentence this close to the best is quoted as well
SAME_CLAIM = 0.88  # sentence-to-sentence cosine above which two sources report the same thing
MAX_SOURCES = 3

NO_ANSWER = {
    "en": "The articles do not say.",
    "ar": "لا تذكر المقالات ذلك.",
}

_NUMBER_Q = re.compile(r"\b(how many|how much|what number|number of)\b|^\s*و?كم\b|^\s*و?(ما|ماذا)\s+(هو\s+)?عدد", re.I)
_DATE_Q = re.compile(r"\b(when|what date|which year|what year|which day)\b|متى|في أي (عام|سنة|يوم|شهر|تاريخ)", re.I)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_YEAR_CONTEXT = re.compile(r"(عام|سنة|year|in)\s*$", re.I)
_DATE_WORDS = re.compile(
    r"\d{4}|يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|"
    r"كانون|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين|الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت|أمس|اليوم"
)
_MONTH_AFTER = re.compile(
    r"\s*(يناير|فبراير|مارس|أبريل|ابريل|مايو|يونيو|يوليو|أغسطس|سبتمبر|أكتوبر|نوفمبر|ديسمبر|"
    r"كانون|شباط|آذار|نيسان|أيار|حزيران|تموز|آب|أيلول|تشرين|January|February|March|April|May|June|July|"
    r"August|September|October|November|December)",
    re.I,
)
_APPROX = re.compile(r"حوال[يى]|نحو|قرابة|ما يقارب|زهاء|about|around|approximately", re.I)
_FOLLOW_UP_START = re.compile(
    r"^\s*(and|what about|how about|also|و(?:ماذا|متى|كم|من|أين|كيف|هل|ما)|وماذا|ماذا عن)\b", re.I
)
_PRONOUN = re.compile(r"\b(it|they|them|that|this|those|he|she|there)\b|ذلك|هذا|هذه|تلك|هؤلاء", re.I)


@dataclass
class Candidate:
    hit: Hit
    rank: int  # of the passage in retrieval
    text: str  # verbatim sentence of hit.text
    score: float = 0.0
    own_score: float = 0.0  # against the current question alone (abstention uses this)
    vector: np.ndarray | None = None

    @property
    def key_number(self) -> str | None:
        numbers = key_numbers(self.text)
        return numbers[0] if numbers else None


def language_of(question: str) -> str:
    return "ar" if is_arabic(question) else "en"


def key_numbers(sentence: str) -> list[str]:
    """Numbers in a sentence that count something: years and days of a date excluded."""
    western = to_western_digits(sentence)
    out = []
    for match in _NUMBER.finditer(western):
        value = match.group().replace(",", "")
        before = western[max(0, match.start() - 12) : match.start()]
        after = western[match.end() : match.end() + 14]
        is_year = (
            len(value) == 4
            and value[:2] in ("19", "20")
            and (_YEAR_CONTEXT.search(before) or _DATE_WORDS.search(before))
        )
        is_day = len(value) <= 2 and bool(_MONTH_AFTER.match(after))
        if not (is_year or is_day):
            out.append(value)
    return out


def is_follow_up(question: str) -> bool:
    """Does the question lean on the previous one ("and how many attacks?", "ومتى حدث ذلك؟")?"""
    content = [w for w in lexical_terms(question)]
    return bool(_FOLLOW_UP_START.search(question) or _PRONOUN.search(question) or len(content) <= 2)


class _VectorCache:
    """Sentence embeddings, process-wide: a passage read twice is embedded once."""

    def __init__(self, size: int = 50_000) -> None:
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def vectors(self, store: Store, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._items))
        if missing:
            encoded = np.asarray(store.embeddings.embed_documents(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, encoded):
                    self._items[text] = vector
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        with self._lock:
            return np.stack([self._items[t] for t in texts])


_cache = _VectorCache()


def _intent_fit(question: str, sentence: str) -> float:
    """+1 when the sentence holds what the question asks for, -1 when it cannot, 0 otherwise."""
    if _NUMBER_Q.search(question):
        return 1.0 if key_numbers(sentence) else -1.0
    if _DATE_Q.search(question):
        return 1.0 if _DATE_WORDS.search(to_western_digits(sentence)) else -1.0
    return 0.0


def _lexical_fit(question: str, sentence: str, idf) -> float:
    """IDF-weighted share of the question's words (normalised, stemmed) in the sentence."""
    wanted = set(lexical_terms(question))
    total = sum(idf(t) for t in wanted)
    if not total:
        return 0.0
    return sum(idf(t) for t in wanted & set(lexical_terms(sentence))) / total


def candidates(hits: list[Hit]) -> list[Candidate]:
    """Sentences of the retrieved passages (as many as asked for), each once per document."""
    seen: set[tuple[str, str]] = set()
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        for span in sentence_spans(hit.text):
            sentence = span.of(hit.text)
            key = (hit.doc_key, normalize_arabic(sentence))
            if key not in seen and len(sentence) >= 12:
                seen.add(key)
                out.append(Candidate(hit, rank, sentence))
    return out


def score(store: Store, question: str, context: str | None, found: list[Candidate]) -> None:
    """Fill in each candidate's scores (in place)."""
    if not found:
        return
    vectors = _cache.vectors(store, [c.text for c in found])
    own = vectors @ np.asarray(store.embeddings.embed_query(question), dtype=np.float32)
    blended = own
    if context:
        earlier = vectors @ np.asarray(store.embeddings.embed_query(context), dtype=np.float32)
        blended = 0.5 * own + 0.5 * earlier  # a follow-up says little on its own
    index = lexical_index(store)
    wanted = f"{context} {question}" if context else question
    if is_arabic(question):
        word_fit = [_lexical_fit(wanted, c.text, index.idf) for c in found]
    else:
        word_fit = coverage(wanted, [c.text for c in found], index)
    for candidate, vector, own_cos, cos, words in zip(found, vectors, own, blended, word_fit):
        fit = (
            LEXICAL_WEIGHT * words
            + INTENT_WEIGHT * _intent_fit(question, candidate.text)
            - PASSAGE_RANK_PENALTY * candidate.rank
        )
        candidate.vector = vector
        candidate.own_score = float(own_cos) + fit
        candidate.score = float(cos) + fit


def select(found: list[Candidate], question: str) -> list[list[Candidate]]:
    """Groups of sentences to quote: the best, the sources that corroborate it,
    and, for a number question, other sources' differing figures."""
    ranked = sorted(found, key=lambda c: c.score, reverse=True)
    best = ranked[0]
    groups: list[list[Candidate]] = [[best]]
    cited_docs = {best.hit.doc_key}
    numeric = bool(_NUMBER_Q.search(question))
    for other in ranked[1:]:
        if len(cited_docs) >= MAX_SOURCES or other.score < best.score - CORROBORATION_MARGIN:
            break
        if other.hit.doc_key in cited_docs:
            if other.score >= best.score - NEAR_TIE and len(groups[0]) == 1 and not numeric:
                groups[0].append(other)  # too close to call: quote both
            continue
        if float(other.vector @ best.vector) < SAME_CLAIM:
            continue  # close in score but about something else
        same_figure = groups[0]
        if numeric and other.key_number:
            same_figure = next((g for g in groups if g[0].key_number == other.key_number), None)
            if same_figure is None:
                groups.append(same_figure := [])
        same_figure.append(other)
        cited_docs.add(other.hit.doc_key)
    # Different figures from different dates: newest first, undated last.
    if len(groups) > 1:
        groups.sort(key=lambda g: max((c.hit.metadata.get("date") or "") for c in g), reverse=True)
    return groups


def _citation(n: int, candidate: Candidate) -> Citation:
    meta = candidate.hit.metadata
    return Citation(
        n=n,
        doc_id=candidate.hit.doc_id,
        source=meta.get("url") or meta.get("source", ""),
        title=meta.get("title"),
        outlet=meta.get("outlet"),
        date=meta.get("date"),
        quote=candidate.text,
        passage=candidate.hit.text,
        score=round(candidate.score, 4),
    )


def compose(question: str, groups: list[list[Candidate]]) -> tuple[str, list[Citation]]:
    """Answer text with [n] markers, and the citations in marker order."""
    lang = language_of(question)
    citations: list[Citation] = []
    lines: list[str] = []
    numeric = bool(_NUMBER_Q.search(question))
    for group in groups:
        markers = ""
        for candidate in group:
            citations.append(_citation(len(citations) + 1, candidate))
            markers += f"[{len(citations)}]"
        first = group[0]
        sources = "; ".join(dict.fromkeys(c.label for c in citations[-len(group) :]))
        # Other outlets saying the same are cited in their cards; a second sentence of
        # the same article (a near tie) is quoted too.
        quotes = " … ".join(f"«{c.text}»" for c in group if c.hit.doc_key == first.hit.doc_key)
        figure = ""
        if numeric and first.key_number:
            about = ("حوالي " if lang == "ar" else "about ") if _APPROX.search(first.text) else ""
            figure = f"{about}{first.key_number} — "
        # The claim and its sources on one line, the quote on its own: each line then
        # takes its own reading direction when an English lead meets an Arabic quote.
        lines.append(f"{figure}{markers} ({sources})\n{quotes}")
    if len(lines) == 1:
        return lines[0], citations
    lead = (
        "تختلف الأرقام بحسب التاريخ (الأحدث أولاً):" if lang == "ar" else "The articles differ by date (newest first):"
    )
    if not numeric:
        lead = "تقول المقالات:" if lang == "ar" else "The articles say:"
    return lead + "\n" + "\n".join(f"- {line}" for line in lines), citations


def best_groups(
    store: Store, question: str, hits: list[Hit], history: list[str] | None
) -> tuple[list[list[Candidate]], float]:
    """The sentence groups worth quoting, and the confidence that they answer the question."""
    context = history[-1] if history and is_follow_up(question) else None
    found = candidates(hits)
    score(store, question, context, found)
    if not found:
        return [], float("-inf")
    groups = select(found, question)
    best = groups[0][0]
    # A follow-up ("and how many attacks?") is judged with its context.
    return groups, max(best.own_score, best.score) if context else best.own_score


def answer_extractive(store: Store, question: str, hits: list[Hit], history: list[str] | None = None) -> Answer:
    """Answer from ``hits`` (retrieved for the question, with its context if a follow-up)."""
    groups, confidence = best_groups(store, question, hits, history)
    if confidence < ABSTAIN_BELOW[language_of(question)]:
        return Answer(question, NO_ANSWER[language_of(question)], False, "extractive")
    text, citations = compose(question, groups)
    return Answer(question, text, True, "extractive", citations)
