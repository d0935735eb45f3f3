"""A question written in a sentence's spelling of the words both hold (qa.variants).

The reader (qa.reader) reads the question and a sentence as they are written, and
its judgement drops when the two spell one name two ways («الجنود الأمريكيين»
against «جندي أميركي»: its logit falls from 0.9 to -1.1). So it is handed the
question with each such word in the sentence's spelling, prefixes and endings
kept: «الجنود الأميركيين».
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from qa.arabic import normalize_with_offsets
from qa.terms import stem_span, term_of
from qa.variants import has_variants

_WORD = re.compile(r"\w+")  # on normalised text, as qa.terms reads it


@dataclass(frozen=True)
class WrittenStem:
    start: int  # where the stem is written in the text (diacritics inside it included)
    end: int
    stem: str  # normalised
    term: str  # its index term: the same for every spelling of a variant


def written_stems(text: str) -> Iterator[WrittenStem]:
    """The stem of each word of ``text`` whose index term has spelling variants."""
    folded, offsets = normalize_with_offsets(text)
    for word in _WORD.finditer(folded):
        term = term_of(word.group())
        if has_variants(term):
            start, end = stem_span(word.group())
            first, last = word.start() + start, word.start() + end - 1
            yield WrittenStem(offsets[first], offsets[last] + 1, folded[first : last + 1], term)


def in_spelling_of(question: str, sentence: str) -> str:
    """``question`` with each word that ``sentence`` spells only another way (its index
    term the same, its stem not) written with the sentence's spelling of the stem."""
    asked = list(written_stems(question))
    if not asked:
        return question
    spellings: dict[str, dict[str, str]] = {}  # index term -> the sentence's stems: normalised -> as written
    for found in written_stems(sentence):
        spellings.setdefault(found.term, {}).setdefault(found.stem, sentence[found.start : found.end])
    respelled, at = [], 0
    for word in asked:
        theirs = spellings.get(word.term, {})
        if theirs and word.stem not in theirs:
            respelled += [question[at : word.start], next(iter(theirs.values()))]
            at = word.end
    return "".join(respelled) + question[at:]
