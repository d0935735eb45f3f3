"""Index terms of a text: Arabic-normalised words, stop words dropped, lightly stemmed.

Shared by BM25 (qa.lexical), the English→Arabic bridge and the extractive
answerer, so a word is the same term everywhere.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from qa.arabic import normalize_arabic
from qa.endings import PLURAL_ENDINGS, keeps_ending
from qa.variants import canonical

_WORD = re.compile(r"\w+")
_PREFIXES = ("وال", "فال", "بال", "كال", "لل", "ال")
_MIN_STEM = 3
_SUFFIXES = ("ات", "ون", "ين", "ان", "ها", "هم", "ه", "ا")  # "ا": the accusative tanween alef (هجوماً)
# Part of the saved index's fingerprint: a change to how terms are made rebuilds it.
TERMS_VERSION = 4
STOPWORDS = frozenset(
    normalize_arabic(w)
    for w in (
        "في من على إلى الى عن أن إن ان ما لا لم لن هذا هذه ذلك تلك التي الذي الذين هو هي هم و أو او ثم كان كانت قد مع بعد قبل حتى عند كل أي اي بين منذ هل كم متى ماذا لماذا كيف أين اين عدد هؤلاء هناك هنا ومن وما ومتى وكم وماذا وهل"
        " the a an of and or in on at to for from by with is are was were be been has have had do does did what which who whom when where why how many much this that these those it its as about into than they them he she there also"
    ).split()
)  # fmt: skip


def prefix_length(word: str) -> int:
    """How many letters of ``word`` (normalised Arabic) are its article or conjunction."""
    for prefix in _PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 2:
            return len(prefix)
    return 1 if word.startswith("و") and len(word) >= 5 else 0


def plural_ending(word: str) -> str | None:
    """The plural or dual ending (ين ون ان) the stemmer would cut from ``word`` (normalised,
    without its article or conjunction), if any."""
    ending = word[-2:]
    return ending if ending in PLURAL_ENDINGS and len(word) - len(ending) >= _MIN_STEM else None


def stem_span(word: str) -> tuple[int, int]:
    """Where the stem of ``word`` (normalised Arabic) is: without one article/conjunction
    prefix and one plural/pronoun suffix, unless the word keeps its ending (qa.endings)."""
    start = prefix_length(word)
    if keeps_ending(word[start:]):
        return start, len(word)
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - start - len(suffix) >= _MIN_STEM:
            return start, len(word) - len(suffix)
    return start, len(word)


def light_stem(word: str) -> str:
    """``word`` (normalised Arabic) without its prefix and suffix (``stem_span``)."""
    start, end = stem_span(word)
    return word[start:end]


def _is_term(word: str) -> bool:
    """Is this normalised word indexed (not a stop word, not a lone underscore)?"""
    return word not in STOPWORDS and word != "_"


@lru_cache(maxsize=1 << 14)  # a question's passages hold a few thousand distinct words, mostly common ones
def term_of(word: str) -> str:
    """The index term of a normalised word: lightly stemmed, in the spelling its variants
    share (qa.variants)."""
    return canonical(light_stem(word))


def stems(text: str) -> list[str]:
    """Normalised words minus stop words, lightly stemmed, each as spelled: what the
    spelling variants are learned from (training/spelling_variants.py)."""
    return [light_stem(w) for w in _WORD.findall(normalize_arabic(text)) if _is_term(w)]


def lexical_terms(text: str) -> list[str]:
    """Index terms: normalised words minus stop words, lightly stemmed, one spelling per word."""
    return [term_of(w) for w in _WORD.findall(normalize_arabic(text)) if _is_term(w)]


def loose_terms(text: str) -> set[str]:
    """The index terms of ``text``, plus those of its words read without a one-letter
    proclitic (ل ب ك ف و: لوكالة is ل + وكالة), which the index's stemmer keeps, as
    stripping them from every word would conflate many others."""
    words = set(_WORD.findall(normalize_arabic(text)))  # each word stemmed once
    terms = {term_of(w) for w in words if _is_term(w)}
    terms.update(term_of(bare) for w in words if (bare := without_proclitic(w)))
    return terms


def without_proclitic(word: str) -> str | None:
    """``word`` (normalised) read without a one-letter proclitic (ل ب ك ف و), if it may
    have one: long enough that the rest is a word."""
    return word[1:] if word[0] in "لبكفو" and len(word) >= 5 else None


@dataclass(frozen=True)
class TermStats:
    """How many passages hold each term: what BM25's IDF and the answerer's word weights need."""

    doc_freq: Mapping[str, int]
    passages: int

    def idf(self, term: str) -> float:
        """BM25's inverse document frequency: rare terms weigh more."""
        df = self.doc_freq.get(term, 0)
        return math.log(1 + (self.passages - df + 0.5) / (df + 0.5))
