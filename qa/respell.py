"""A question written in a sentence's spelling of the words both hold (qa.variants).

The reader (qa.reader) reads the question and a sentence as they are written, and
its judgement drops when the two spell one name two ways («الجنود الأمريكيين»
against «جندي أميركي»: its logit falls from 0.9 to -1.1). So it is handed the
question with each such word in the sentence's spelling, prefixes and endings
kept: «الجنود الأميركيين».
"""

from __future__ import annotations

import re

from qa.arabic import normalize_with_offsets
from qa.terms import light_stem, term_of

_WORD = re.compile(r"\w+")


def _stem_as_written(word: str) -> tuple[int, int, str, str] | None:
    """Where in ``word`` its stem is written (start, end), the stem (normalised) and its
    index term; None for a word whose stem is not written in it as it is."""
    folded, offsets = normalize_with_offsets(word)
    stem = light_stem(folded)
    at = folded.find(stem)
    if not stem or at < 0:
        return None
    return offsets[at], offsets[at + len(stem) - 1] + 1, stem, term_of(folded)


def in_spelling_of(question: str, sentence: str) -> str:
    """``question`` with each word that ``sentence`` spells another way (its index term
    the same, its stem not) written with the sentence's spelling of the stem."""
    spelled: dict[str, tuple[str, str]] = {}  # index term -> the sentence's stem: normalised, as written
    for word in _WORD.findall(sentence):
        if found := _stem_as_written(word):
            start, end, stem, term = found
            spelled.setdefault(term, (stem, word[start:end]))

    def respelled(match: re.Match[str]) -> str:
        word = match.group()
        found = _stem_as_written(word)
        if not found or found[3] not in spelled:
            return word
        start, end, stem, term = found
        their_stem, written = spelled[term]
        return word if stem == their_stem else word[:start] + written + word[end:]

    return _WORD.sub(respelled, question)
