"""The answer's own words in its sentence: who, which organisation, what, read off the
quote by a small extractive question-answering model.

The answerer's rules read figures, dates, places and speakers off the quoted
sentence; a name or a phrase has no shape a rule can see in Arabic (no capitals).
This is the bundled multilingual-e5-small with its top layers fine-tuned to mark
where the answer starts and ends in a (question, sentence) pair
(``training/train_spans.py``, on XQuAD and ARCD, whose English questions are asked
of Arabic passages as the product's are), loaded and sharing the bundled model
as the reader does (qa.reader).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.arabic import normalize_arabic
from qa.reader import Reader, passage_text
from qa.respell import in_spelling_of

SPAN_WEIGHTS = Path(__file__).resolve().parent / "models" / "spans.safetensors"
MAX_ANSWER_TOKENS = 16
SENTENCE_AT = len(passage_text(""))  # where the sentence starts in the text the model reads
# Words an answer does not start with (normalised): the prepositions and conjunctions
# that only join it to the sentence, and the verbs that introduce who says or does
# something. Not those that carry meaning: «قبل انتهاء التحقيق» is not «انتهاء التحقيق».
_LEADING_WORDS = frozenset(
    normalize_arabic(word)
    for word in (
        "في الى إلى على عن ب بـ ل لـ و ف ثم ان إن أن أنّ إنّ"
        " قال وقال قالت وقالت اعلن وأعلن أعلنت وأعلنت اكد وأكد أكدت ذكر وذكر ذكرت صرح نشر ونشر نشرت"
        " in on at of to by and said told announced"
    ).split()
)


@dataclass(frozen=True)
class Span:
    start: int  # in the sentence
    end: int
    score: float  # the start and end logits, summed

    def of(self, sentence: str) -> str:
        return sentence[self.start : self.end]


def sentence_tokens(sides: list[int | None], offsets: np.ndarray) -> np.ndarray:
    """Which tokens of a tokenized (question, sentence) pair are the sentence's: of the
    second text, past "passage:" (a token's characters include the space before it)."""
    return np.array([side == 1 for side in sides]) & (offsets[:, 1] > SENTENCE_AT)


def best_tokens(starts: np.ndarray, ends: np.ndarray, allowed: np.ndarray) -> tuple[int, int, float] | None:
    """The best (start, end) token pair, start ≤ end < start + MAX_ANSWER_TOKENS, both
    among ``allowed``, by the sum of their logits."""
    positions = np.flatnonzero(allowed)
    if positions.size == 0:
        return None
    best: tuple[int, int, float] | None = None
    for i in positions:
        window = positions[(positions >= i) & (positions < i + MAX_ANSWER_TOKENS)]
        j = int(window[np.argmax(ends[window])])
        score = float(starts[i] + ends[j])
        if best is None or score > best[2]:
            best = (int(i), j, score)
    return best


def _in_word(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN" or char in "%٪"  # letters, marks (diacritics), digits


def whole_words(sentence: str, start: int, end: int) -> tuple[int, int]:
    """``start``–``end`` widened to whole words («بال|رئيس»: a token may start inside a
    word) and stripped of the quotes and punctuation around them, and of a first word
    that only leads into the answer (a preposition, a conjunction, a verb of saying:
    «وقال عامر العشي» answers with «عامر العشي»)."""
    if start < len(sentence) and _in_word(sentence[start]):
        while start > 0 and _in_word(sentence[start - 1]):
            start -= 1
    if end > 0 and _in_word(sentence[end - 1]):
        while end < len(sentence) and _in_word(sentence[end]):
            end += 1
    while True:
        while start < end and not _in_word(sentence[start]):
            start += 1
        while end > start and not _in_word(sentence[end - 1]):
            end -= 1
        first_end = start
        while first_end < end and _in_word(sentence[first_end]):  # diacritics too: «أنّ»
            first_end += 1
        if first_end == end or normalize_arabic(sentence[start:first_end]) not in _LEADING_WORDS:
            return start, end
        start = first_end


def tokens_to_words(sentence: str, offsets: np.ndarray, first: int, last: int) -> tuple[int, int]:
    """The whole words of ``sentence`` from token ``first`` to ``last`` (``offsets``: the
    tokens' characters in the text the model reads)."""
    return whole_words(sentence, max(0, int(offsets[first, 0]) - SENTENCE_AT), int(offsets[last, 1]) - SENTENCE_AT)


class SpanFinder:
    """Finds the answer's span in a sentence with the span model in ``weights``."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader  # a Reader of the span weights: loading and sharing as the reader's

    def find(self, question: str, sentence: str) -> Span | None:
        """The words of ``sentence`` that answer ``question``, if any are marked."""
        return self.find_all(question, [sentence])[0]

    def find_all(self, question: str, sentences: list[str]) -> list[Span | None]:
        """``find`` for each of ``sentences``, in one pass."""
        import torch

        if not sentences:
            return []
        model = self.reader.model
        encoded = model.features([(in_spelling_of(question, s), s) for s in sentences], offsets=True)
        offsets = encoded.pop("offset_mapping").numpy()
        with torch.inference_mode():
            logits = model.head(model.hidden(encoded)).numpy()
        found_all: list[Span | None] = []
        for i, sentence in enumerate(sentences):
            in_sentence = sentence_tokens(encoded.sequence_ids(i), offsets[i])
            found = best_tokens(logits[i, :, 0], logits[i, :, 1], in_sentence)
            if found is None:
                found_all.append(None)
                continue
            first, last, score = found
            start, end = tokens_to_words(sentence, offsets[i], first, last)
            found_all.append(Span(start, end, score) if end > start else None)
        return found_all
