"""The default answerer: quotes the article sentences that answer the question.

No generation, so nothing can be invented: every answer is made of verbatim
sentences from retrieved passages, each with its citation. Sentences are
scored by meaning (the embedding model, question against sentence), by the
question's words (Arabic-normalised), and by whether they hold what the
question asks for (a number for "how many", a date for "when"). The chosen
sentence is then read together with the question (qa.reader), and a
calibrated confidence (qa.confidence) decides: below its threshold, or when
even the best sentence is not about the question, the answerer says the
articles do not answer.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from qa.answer_types import Answer, Citation, Finding
from qa.arabic import is_arabic, normalize_arabic, to_western_digits
from qa.asked_time import asked_time
from qa.bridge import Bridge
from qa.confidence import ConfidenceModel
from qa.constraints import (
    Constraint,
    counted_terms,
    counts_otherwise,
    qualified_otherwise,
    question_constraints,
    swapped,
    unsupported,
    wrong_measure,
)
from qa.digest import compose_digest, digest_topic
from qa.direct import (
    DATE_QUESTION,
    DirectAnswer,
    SpanReading,
    asks,
    asks_for_figure,
    direct_answer,
    has_date_word,
    key_numbers,
    measure_asked,
    periods,
)
from qa.injection import is_instruction
from qa.places import Place, places_in
from qa.retrieve import Hit
from qa.sentences import sentence_spans
from qa.spans import Span
from qa.terms import TermStats, lexical_terms

# Weights and thresholds chosen on eval/questions.jsonl. An answer's sentence (and each
# of a digest's) must score at least RELEVANT_FROM against the question: below it, the
# articles are about something else, whatever the confidence says. Cosines run higher
# between two Arabic texts than across languages, so each language has its own.
RELEVANT_FROM = {"ar": 0.85, "en": 0.82}
LEXICAL_WEIGHT = 0.10
INTENT_WEIGHT = 0.02
PASSAGE_RANK_PENALTY = 0.004  # per rank of the sentence's passage in retrieval
# Sentences embedded per question (not per digest): the best by fit (words, intent, passage
# rank) of those the passages read give (median 23 on the real-news store, about 40 at
# 10,000 articles). Embedding them was most of an answer's time at scale; on the real-news
# dev split keeping the best 7, 10, 14 or 20 changed right minus wrong answers by -1 to +1
# (README).
EMBEDDED_SENTENCES = 14
CORROBORATION_MARGIN = 0.05  # other sources reporting the same (cosine >= SAME_CLAIM) within this are cited too
NEAR_TIE = 0.01  # a second sentence this close to the best is quoted as well
# The best-scored sentences the span model (qa.spans) chooses among, and the weight of its
# score (start and end logits, spread about 2) against the answerer's (cosine and word
# fit, spread about 0.06): a sentence that holds an answer to the question outranks one
# that only restates it (an article's headline). Chosen on the real-news dev split.
SPAN_CHOICE_AMONG = 4
SPAN_WEIGHT = 0.015
# Sentences further behind than this are not read: it is 3.3 span logits, a lead over
# the best sentence's span that fewer than 1 in 20 runners-up had on the dev split.
SPAN_REACH = 0.05
READER_OVERRULES = 2.0  # reader logits by which a close runner-up must beat the best to take its place
# Reader logits by which the question asked of another country the sentence names must
# beat the question as asked for the sentence to be taken as about that other country.
# Chosen on the real-news dev split: the right answers there stay below 0.3.
READER_CONTRAST = 0.5
MAX_CONTRASTS = 3  # other countries read against, per answer
SAME_CLAIM = 0.88  # sentence-to-sentence cosine above which two sources report the same thing
MAX_SOURCES = 3
MAX_DIGEST = 5  # articles in a digest
MIN_DIGEST_WORDS = 8

NO_ANSWER = {
    "en": "The articles do not say.",
    "ar": "لا تذكر المقالات ذلك.",
}
NOT_FOUND_ABOUT = {
    "en": "The articles do not say: no passage found about this mentions {}.",
    "ar": "لا تذكر المقالات ذلك: لا يذكر أي مقطع وُجد عن ذلك «{}».",
}
GIVEN_FOR = {
    "en": "The articles do not give this for {asked}; the nearest they give is for {given}:",
    "ar": "لا تذكر المقالات ذلك عن «{asked}»؛ أقرب ما تذكره يخص «{given}»:",
}

_FOLLOW_UP_START = re.compile(
    r"^\s*(and|what about|how about|also|و(?:ماذا|متى|كم|من|أين|كيف|هل|ما)|وماذا|ماذا عن)\b", re.I
)
_PRONOUN = re.compile(r"\b(it|they|them|that|this|those|he|she|there)\b|ذلك|هذا|هذه|تلك|هؤلاء", re.I)


@dataclass(frozen=True)
class GivenFor:
    """The best sentence answers the question asked of something else: of another
    country, or of the question's word qualified otherwise («مؤسسة المياه» for «مؤسسة
    الكهرباء»)."""

    asked: str  # as the question writes it
    given: str  # as the sentence writes it; another country by its name in the question's language


@dataclass
class Choice:
    """What the answerer found for a question, before deciding whether to answer."""

    groups: list[list[Candidate]]  # sentences worth quoting, best first (qa.extractive.select)
    signals: dict[str, float] | None  # what the confidence reads, and "relevance"; None: nothing to quote
    missing: list[Constraint]  # what the question pins down that no candidate's article carries
    given_for: GivenFor | None = None  # the best sentence is about something else than asked: cited, not as the answer
    spans: ReadSpans | None = None  # the span model, with what it read to choose; None without one


class ReadSpans:
    """One answer's readings by the span model: a sentence read to choose among the best
    is not read again to pull the direct answer out of its quote. The direct answer's
    span then comes from the batch the choice read: in bfloat16, padding can move its
    score a little against reading the sentence alone (tests/test_answers.py allows 0.3
    logits), near the lead's floor (qa.direct.MIN_SPAN_SCORE) as anywhere."""

    def __init__(self, model: SpanReading) -> None:
        self.model = model
        self.read: dict[tuple[str, str], Span | None] = {}

    def find(self, question: str, sentence: str) -> Span | None:
        return self.find_all(question, [sentence])[0]

    def find_all(self, question: str, sentences: list[str]) -> list[Span | None]:
        unread = [s for s in dict.fromkeys(sentences) if (question, s) not in self.read]
        if unread:
            self.read.update(zip(((question, s) for s in unread), self.model.find_all(question, unread), strict=True))
        return [self.read[question, s] for s in sentences]


@dataclass
class Candidate:
    hit: Hit
    rank: int  # of the passage in retrieval
    text: str  # verbatim sentence of hit.text
    score: float = 0.0
    own_score: float = 0.0  # against the current question alone
    similarity: float = 0.0  # the embedding cosine part of ``score`` (with a follow-up's context)
    intent: float = 0.0
    fit: float = 0.0  # the part of ``score`` besides meaning: words, intent, passage rank
    vector: np.ndarray | None = None

    @property
    def key_number(self) -> str | None:
        numbers = key_numbers(self.text)
        return numbers[0] if numbers else None


def language_of(question: str) -> str:
    return "ar" if is_arabic(question) else "en"


def is_follow_up(question: str) -> bool:
    """Does the question lean on the previous one ("and how many attacks?", "ومتى حدث ذلك؟")?"""
    content = [w for w in lexical_terms(question)]
    return bool(_FOLLOW_UP_START.search(question) or _PRONOUN.search(question) or len(content) <= 2)


def follow_up_context(question: str, history: list[str] | None) -> str | None:
    """The previous question when this one is a follow-up of it, else None."""
    return history[-1] if history and is_follow_up(question) else None


def with_context(question: str, context: str | None) -> str:
    """A follow-up as it is judged: after the question it follows (it says little alone)."""
    return f"{context} {question}" if context else question


def is_relevant(signals: dict[str, float]) -> bool:
    """Is the best sentence about the question at all (``best_groups``' signals)?"""
    return signals["relevance"] >= RELEVANT_FROM["ar" if signals["arabic"] else "en"]


class SentenceReader(Protocol):
    """qa.reader.Reader: a logit per (question, sentence) pair, higher when the sentence answers."""

    def read(self, pairs: list[tuple[str, str]]) -> np.ndarray: ...


class DocumentEncoder(Protocol):
    def embed_sentences(self, texts: list[str]) -> list[list[float]]: ...

    def embed_query(self, text: str) -> list[float]: ...


class SentenceVectors:
    """Sentence embeddings, kept for the process: a passage read twice is embedded once."""

    def __init__(self, encoder: DocumentEncoder, size: int = 50_000) -> None:
        self.encoder = encoder
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def __call__(self, texts: list[str]) -> np.ndarray:
        with self._lock:
            missing = list(dict.fromkeys(t for t in texts if t not in self._items))
        if missing:
            encoded = np.asarray(self.encoder.embed_sentences(missing), dtype=np.float32)
            with self._lock:
                for text, vector in zip(missing, encoded):
                    self._items[text] = vector
                while len(self._items) > self._size:
                    self._items.popitem(last=False)
        with self._lock:
            return np.stack([self._items[t] for t in texts])


def _intent_fit(question: str, sentence: str) -> float:
    """+1 when the sentence holds what the question asks for, -1 when it cannot, 0 otherwise."""
    if asks_for_figure(question):
        return 1.0 if key_numbers(sentence) else -1.0
    if asks(DATE_QUESTION, question):
        return 1.0 if has_date_word(to_western_digits(sentence)) else -1.0
    return 0.0


def _lexical_fit(question: str, sentences: list[str], idf: Callable[[str], float]) -> list[float]:
    """For each sentence, the IDF-weighted share of the question's words (normalised,
    stemmed) in it."""
    wanted = set(lexical_terms(question))
    total = sum(idf(t) for t in wanted)
    if not total:
        return [0.0] * len(sentences)
    return [sum(idf(t) for t in wanted & set(lexical_terms(sentence))) / total for sentence in sentences]


def candidates(hits: list[Hit]) -> list[Candidate]:
    """Sentences of the retrieved passages (as many as asked for), each once per document."""
    seen: set[tuple[str, str]] = set()
    out: list[Candidate] = []
    for rank, hit in enumerate(hits):
        for span in sentence_spans(hit.passage.text):
            sentence = span.of(hit.passage.text)
            key = (hit.passage.doc_key, normalize_arabic(sentence))
            if key not in seen and len(sentence) >= 12 and not is_instruction(sentence):
                seen.add(key)
                out.append(Candidate(hit, rank, sentence))
    return out


def select(found: list[Candidate], question: str, latest: bool = False) -> list[list[Candidate]]:
    """Groups of sentences to quote: the best (for a question asking for the ``latest``,
    the newest of those about as good as the best), the sources that corroborate it,
    and, for a number question, other sources' differing figures for the same period
    (a sentence with another figure never supports this one)."""
    ranked = sorted(found, key=lambda c: c.score, reverse=True)
    top = ranked[0].score
    if latest:
        close = [c for c in ranked if c.score >= top - CORROBORATION_MARGIN]
        newest = max(close, key=lambda c: (c.hit.passage.date or "")[:10])  # the best-scored of a day
        ranked.remove(newest)
        ranked.insert(0, newest)
    best = ranked[0]
    groups: list[list[Candidate]] = [[best]]
    cited_docs = {best.hit.passage.doc_key}
    numeric = asks_for_figure(question)
    for other in ranked[1:]:
        if len(cited_docs) >= MAX_SOURCES or other.score < top - CORROBORATION_MARGIN:
            break
        if other.hit.passage.doc_key in cited_docs:
            if other.score >= best.score - NEAR_TIE and len(groups[0]) == 1 and not numeric:
                groups[0].append(other)  # too close to call: quote both
            continue
        if float(np.dot(other.vector, best.vector)) < SAME_CLAIM:  # type: ignore[arg-type]  # scored: set
            continue  # close in score but about something else
        same_figure = groups[0]
        if numeric:
            if not other.key_number:
                continue  # a sentence without the figure does not support it
            same_figure = next((g for g in groups if g[0].key_number == other.key_number), [])
            if not same_figure:
                if periods(other.text) != periods(best.text):
                    continue  # another period's figure answers another question
                groups.append(same_figure)
        same_figure.append(other)
        cited_docs.add(other.hit.passage.doc_key)
    # Different figures from different dates: newest first, undated last.
    if len(groups) > 1:
        groups.sort(key=lambda g: max((c.hit.passage.date or "") for c in g), reverse=True)
    return groups


def other_countries(question: str, constraints: list[Constraint], sentence: str) -> list[tuple[Constraint, Place, str]]:
    """For a sentence that names another country than the question's: each (country the
    question names, other country, the question asked of that country)."""
    codes = {c.country.code for c in constraints if c.country}
    asked = [c for c in constraints if c.country and c.by_name]  # "in Syria", not "Syrian" or "US troops"
    named = [place for place, _, _ in places_in(sentence, countries_only=True)]  # by name: "in Iraq", not "American"
    others = [country for country in named if country.code not in codes]
    return [(c, other, swapped(question, c, other)) for c in asked for other in others][:MAX_CONTRASTS]


def meeting(
    question: str, constraints: list[Constraint], counted: frozenset[str], found: list[Candidate], hits: list[Hit]
) -> tuple[list[Candidate], list[Constraint]]:
    """The candidates whose article (its retrieved passages and title) carries every year
    and country the question names, and whose figures are of the kind asked for and do
    not count another thing than the question (``counted``, qa.constraints.counted_terms);
    and the constraints that no candidate's article carries."""
    around: dict[str, str] = {}
    for hit in hits:
        key = hit.passage.doc_key
        around[key] = around.get(key, hit.passage.title or "") + "\n" + hit.passage.text
    dates = {hit.passage.doc_key: hit.passage.date for hit in hits}
    lacking = {key: unsupported(constraints, text, dates[key]) for key, text in around.items()}  # once per article
    measure = measure_asked(question)
    kept = [
        c
        for c in found
        if not lacking[c.hit.passage.doc_key]
        and not wrong_measure(measure, c.text)
        and not counts_otherwise(counted, measure, c.text)
    ]
    missing = [c for c in constraints if all(c in lacks for lacks in lacking.values())] if lacking else []
    return kept, missing


def compose(
    question: str, groups: list[list[Candidate]], spans: SpanReading | None = None
) -> tuple[str, list[Citation], list[Finding], DirectAnswer | None]:
    """Answer text with [n] markers, the citations in marker order, a finding per group,
    and the direct answer (qa.direct, with ``spans`` for names and phrases) in the first
    citation's quote, if any."""
    lang = language_of(question)
    citations: list[Citation] = []
    lines: list[str] = []
    findings: list[Finding] = []
    first_direct: DirectAnswer | None = None
    for group in groups:
        markers = ""
        for candidate in group:
            citations.append(Citation.of(len(citations) + 1, candidate.hit.passage, candidate.text, candidate.score))
            markers += f"[{len(citations)}]"
        first = group[0]
        sources = ("؛ " if lang == "ar" else "; ").join(
            dict.fromkeys(c.label(lang == "ar") for c in citations[-len(group) :])
        )
        # Other outlets saying the same are cited in their cards; a second sentence of
        # the same article (a near tie) is quoted too.
        quotes = " … ".join(f"«{c.text}»" for c in group if c.hit.passage.doc_key == first.hit.passage.doc_key)
        direct = direct_answer(question, first.text, english=lang == "en", spans=spans)
        if group is groups[0]:
            first_direct = direct
        numbers = [c.n for c in citations[-len(group) :]]
        findings.append(Finding(direct.lead, numbers, direct.text) if direct else Finding(None, numbers))
        # The claim and its sources on one line, the quote on its own: each line then
        # takes its own reading direction when an English lead meets an Arabic quote.
        lines.append(f"{direct.lead + ' — ' if direct else ''}{markers} ({sources})\n{quotes}")
    if len(lines) == 1:
        return lines[0], citations, findings, first_direct
    lead = (
        "تختلف الأرقام بحسب التاريخ (الأحدث أولاً):" if lang == "ar" else "The articles differ by date (newest first):"
    )
    if not asks_for_figure(question):
        lead = "تقول المقالات:" if lang == "ar" else "The articles say:"
    return lead + "\n" + "\n".join(f"- {line}" for line in lines), citations, findings, first_direct


class ExtractiveAnswerer:
    """Quotes the sentences of the retrieved passages that best answer the question."""

    mode = "extractive"

    def __init__(
        self,
        vectors: SentenceVectors,
        stats: TermStats,
        bridge: Bridge,
        reader: SentenceReader,
        confidence: ConfidenceModel,
        spans: SpanReading | None = None,
    ) -> None:
        self.vectors = vectors
        self.encoder = vectors.encoder
        self.stats = stats
        self.bridge = bridge
        self.reader = reader
        self.spans = spans  # reads names and phrases off the quote (qa.spans)
        self.confidence = confidence

    def query_for(self, question: str, history: list[str] | None) -> str:
        """What to retrieve for: the question, preceded by the previous one when it is a
        follow-up; for a digest, what it is about."""
        return digest_topic(question) or with_context(question, follow_up_context(question, history))

    def _prescore(self, question: str, context: str | None, found: list[Candidate]) -> None:
        """Fill in each candidate's intent and fit (in place): what it scores before its
        meaning is compared, which needs it embedded."""
        wanted = with_context(question, context)
        texts = [c.text for c in found]
        if is_arabic(question):
            word_fit = _lexical_fit(wanted, texts, self.stats.idf)
        else:
            word_fit = self.bridge.coverage(wanted, texts, self.stats)
        for candidate, words in zip(found, word_fit):
            candidate.intent = _intent_fit(question, candidate.text)
            candidate.fit = (
                LEXICAL_WEIGHT * words + INTENT_WEIGHT * candidate.intent - PASSAGE_RANK_PENALTY * candidate.rank
            )

    def score(
        self, question: str, context: str | None, found: list[Candidate], embedded: int | None = None
    ) -> list[Candidate]:
        """The candidates scored, in their order; with ``embedded``, only that many, the
        best by fit: the others are not embedded, and not returned (use what is returned)."""
        if not found:
            return []
        self._prescore(question, context, found)
        if embedded is not None and len(found) > embedded:
            best = sorted(sorted(range(len(found)), key=lambda i: found[i].fit, reverse=True)[:embedded])
            found = [found[i] for i in best]
        vectors = self.vectors([c.text for c in found])
        own = vectors @ np.asarray(self.encoder.embed_query(question), dtype=np.float32)
        blended = own
        if context:
            earlier = vectors @ np.asarray(self.encoder.embed_query(context), dtype=np.float32)
            blended = 0.5 * own + 0.5 * earlier  # a follow-up says little on its own
        for candidate, vector, own_cos, cos in zip(found, vectors, own, blended):
            candidate.vector = vector
            candidate.similarity = max(float(own_cos), float(cos))
            candidate.own_score = float(own_cos) + candidate.fit
            candidate.score = float(cos) + candidate.fit
        return found

    def shortlist(
        self, question: str, context: str | None, hits: list[Hit]
    ) -> tuple[list[Candidate], list[Constraint], list[Constraint]]:
        """The sentences of ``hits`` that meet the question's constraints, the best
        EMBEDDED_SENTENCES of them scored; the question's constraints; and those that no
        candidate's article carries."""
        constraints = question_constraints(question, self.bridge)
        kept, missing = meeting(question, constraints, counted_terms(question, self.bridge), candidates(hits), hits)
        return self.score(question, context, kept, EMBEDDED_SENTENCES), constraints, missing

    def best_groups(self, question: str, hits: list[Hit], history: list[str] | None) -> Choice:
        """The sentence groups worth quoting among those that meet the question's
        constraints (qa.constraints), and the signals the confidence is computed from."""
        context = follow_up_context(question, history)
        kept, constraints, missing = self.shortlist(question, context, hits)
        if not kept:
            return Choice([], None, missing)
        latest = asked_time(question, None).latest
        read_as = with_context(question, context)
        spans = ReadSpans(self.spans) if self.spans is not None else None
        if spans and not latest and not context:
            # For the latest, the date chooses; a follow-up read with the question before it
            # is two questions, and the span model reads one.
            self._choose_by_span(question, kept, spans)
        groups = select(kept, question, latest)
        best = groups[0][0]
        others = [c for c in kept if normalize_arabic(c.text) != normalize_arabic(best.text)]
        if latest:  # the newest was chosen among those about as good: its lead is over the rest
            top = max(c.score for c in kept)
            others = [c for c in others if c.score < top - CORROBORATION_MARGIN]
        runner_up = max(others, key=lambda c: c.score, default=None)
        contrasts = other_countries(read_as, constraints, best.text)
        pairs = [(read_as, c.text) for c in (best, runner_up) if c] + [(q, best.text) for _, _, q in contrasts]
        scores = self.reader.read(pairs)  # one pass: the reader's cost is mostly per pass
        read, contrasted = scores[: len(pairs) - len(contrasts)], scores[len(pairs) - len(contrasts) :]
        near_tie = runner_up is not None and best.score - runner_up.score < CORROBORATION_MARGIN
        if runner_up and near_tie and not latest and read[1] - read[0] > READER_OVERRULES:
            # A near tie the reader settles (for the latest, the date does): the runner-up is the one that answers.
            runner_up.score = best.score + 1e-6
            groups, best, runner_up, read = select(kept, question), runner_up, best, read[::-1]
            contrasts = other_countries(read_as, constraints, best.text)
            contrasted = self.reader.read([(q, best.text) for _, _, q in contrasts])
        signals = self.signals(language_of(question), best, runner_up, read)
        # A follow-up ("and how many attacks?") is judged with its context.
        signals["relevance"] = max(best.own_score, best.score) if context else best.own_score
        given_for = None
        if contrasts and float(np.max(contrasted)) - float(read[0]) > READER_CONTRAST:
            asked, country, _ = contrasts[int(np.argmax(contrasted))]
            given_for = GivenFor(asked.text, country.arabic if is_arabic(question) else country.english)
        elif otherwise := qualified_otherwise(question, best.text):
            given_for = GivenFor(*otherwise)
        return Choice(groups, signals, missing, given_for, spans)

    @staticmethod
    def _choose_by_span(question: str, kept: list[Candidate], spans: SpanReading) -> None:
        """Rescore (in place) the SPAN_CHOICE_AMONG best distinct sentences within
        SPAN_REACH of the best by their answer spans: each gains (or loses) SPAN_WEIGHT
        times how far its span's score is above (or below) the best one's. The new scores
        are the scores: what follows (the corroborating sources, the margin the confidence
        reads) sees them. Copies of a sentence (the same words in several articles: mostly
        an outlet's background paragraph carried from one day's story to the next, which
        the wire-copy grouping, across outlets only, leaves apart;
        benchmarks/shared_sentences.py) take one place among those read,
        and each copy is rescored alike. A sentence in which the span model marks nothing
        keeps its score, and if that is the best, none changes."""
        copies: dict[str, list[Candidate]] = {}
        for candidate in sorted(kept, key=lambda c: c.score, reverse=True):
            copies.setdefault(normalize_arabic(candidate.text), []).append(candidate)
        top = list(copies.values())[:SPAN_CHOICE_AMONG]
        top = [same for same in top if same[0].score > top[0][0].score - SPAN_REACH]
        if len(top) < 2:
            return
        found = spans.find_all(question, [same[0].text for same in top])
        if found[0] is None:
            return
        for same, span in zip(top[1:], found[1:]):
            if span is not None:
                for candidate in same:
                    candidate.score += SPAN_WEIGHT * (span.score - found[0].score)

    @staticmethod
    def signals(language: str, best: Candidate, runner_up: Candidate | None, read: np.ndarray) -> dict[str, float]:
        """What the confidence model reads: how well the chosen sentence fits, how far it
        leads the next best sentence, and the reader's view of both."""
        return {
            "similarity": best.similarity,
            "margin": best.score - runner_up.score if runner_up else 1.0,
            "intent": best.intent,
            "passage_rank": float(best.rank),
            "reader": float(read[0]),
            "reader_margin": float(read[0] - read[1]) if runner_up else 0.0,
            "arabic": 1.0 if language == "ar" else 0.0,
        }

    def answer(
        self,
        question: str,
        hits: list[Hit],
        history: list[str] | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer:
        """Answer from ``hits`` (retrieved for the question, with its context if a follow-up)."""
        topic = digest_topic(question)
        if topic:
            return self.digest(question, topic, hits)
        choice = self.best_groups(question, hits, history)
        lang = language_of(question)
        signals = choice.signals
        probability = self.confidence.probability(signals) if signals else 0.0
        confidence = round(probability, 3)  # as shown; the threshold was fitted on, and meets, the unrounded
        if not signals or not is_relevant(signals) or probability < self.confidence.threshold:
            text = NO_ANSWER[lang]
            if choice.missing:
                text = NOT_FOUND_ABOUT[lang].format(", ".join(c.text for c in choice.missing))
            return Answer(question, text, False, self.mode, confidence=confidence)
        text, citations, findings, direct = compose(
            question, choice.groups[:1] if choice.given_for else choice.groups, choice.spans
        )
        if choice.given_for:
            # What the articles give instead, cited, but not as the answer.
            text = GIVEN_FOR[lang].format(asked=choice.given_for.asked, given=choice.given_for.given) + "\n" + text
            return Answer(question, text, False, self.mode, citations, confidence=confidence)
        answer = Answer(question, text, True, self.mode, citations, confidence=confidence, findings=findings)
        if direct:
            answer.answer_text, answer.answer_span = direct.text, [direct.start, direct.end]
        return answer

    def digest(self, question: str, topic: str, hits: list[Hit]) -> Answer:
        """The key sentence of each article the hits come from, when it would answer on its
        own (its score against the topic passes the abstention threshold)."""
        lang = language_of(question)
        found = self.score(topic, None, candidates(hits))  # every sentence: a digest spans articles
        best: dict[str, Candidate] = {}
        for candidate in sorted(found, key=lambda c: c.score, reverse=True):
            if len(candidate.text.split()) >= MIN_DIGEST_WORDS:  # a statement, not a heading
                best.setdefault(candidate.hit.passage.doc_key, candidate)
        threshold = RELEVANT_FROM[language_of(topic)]
        picks = [c for c in best.values() if c.own_score >= threshold][:MAX_DIGEST]
        if not picks:
            return Answer(question, NO_ANSWER[lang], False, self.mode)
        text, citations = compose_digest(lang, [(c.hit.passage, c.text, c.score) for c in picks])
        return Answer(question, text, True, self.mode, citations)
