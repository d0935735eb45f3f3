"""Words that keep an ending the light stemmer would cut (البحرين, لبنان, قانون, كانون).

The stemmer (qa.terms) cuts the plural and dual endings ين / ون / ان, so that
لاعبين and لاعبون are one term. Names and many nouns end in the same letters:
cut, البحرين becomes بحر (sea), لبنان لبن (milk), فلسطين فلسط. The words that keep
their ending, ``qa/models/whole_words.json``, are learned from a real news archive
by ``training/word_endings.py``: a plural or dual shows its other forms there, a name
does not. A word list by hand would miss most names.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path

from qa.learned import digest, file_content, is_counted_word, read_entries

WHOLE_WORDS_FILE = Path(__file__).resolve().parent / "models" / "whole_words.json"
PLURAL_ENDINGS = ("ين", "ون", "ان")  # the plural and dual endings the stemmer cuts
_KEY = "words (without article or conjunction, articles), commonest first"


def _is_entry(entry: object) -> bool:
    return is_counted_word(entry) and entry[0].endswith(PLURAL_ENDINGS)


@cache
def _whole_words() -> frozenset[str]:
    entries = read_entries(WHOLE_WORDS_FILE, _KEY, _is_entry, "a normalised [word ending in ين/ون/ان, articles]")
    return frozenset(word for word, _ in entries)


def keeps_ending(word: str) -> bool:
    """Does ``word`` (normalised, without its article or conjunction) keep its ending?"""
    return word in _whole_words()


def whole_words_digest() -> str:
    """Changes with the list: part of the saved index's fingerprint (qa.lexical)."""
    return digest(sorted(_whole_words()))


def words_file_content(words: Sequence[tuple[str, int]], source: str) -> str:
    """The list file's text, one word a line."""
    return file_content(source, _KEY, [list(word) for word in words])
