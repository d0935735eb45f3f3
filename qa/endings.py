"""Words that keep an ending the light stemmer would cut (البحرين, لبنان, قانون, بوتين).

The stemmer (qa.terms) cuts the plural and dual endings ين / ون / ان, so that
لاعبين and لاعبون are one term. Names and many nouns end in the same letters:
cut, البحرين becomes بحر (sea), لبنان لبن (milk), فلسطين فلسط. The words that keep
their ending, ``qa/models/whole_words.json``, are learned from a real news archive
by ``training/word_endings.py``: a plural or dual shows its other case there, a name
does not. A word list by hand would miss most names.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from qa.arabic import normalize_arabic
from qa.errors import ModelError

WHOLE_WORDS_FILE = Path(__file__).resolve().parent / "models" / "whole_words.json"
# A cut ending → the endings the same stem takes in the word's other case or number:
# a plural's other case (ين / ون), a dual's (ان / ين), a present verb's singular (ون / -).
OTHER_FORMS: dict[str, tuple[str, ...]] = {"ين": ("ون", "ان"), "ون": ("ين", ""), "ان": ("ين",)}
_KEY = "words (without article or conjunction, articles), commonest first"


def _is_entry(entry: object) -> bool:
    return (
        isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and entry[0] == normalize_arabic(entry[0]) != ""
        and entry[0][-2:] in OTHER_FORMS
        and isinstance(entry[1], int)
    )


@cache
def _whole_words() -> frozenset[str]:
    try:
        entries = json.loads(WHOLE_WORDS_FILE.read_text(encoding="utf-8"))[_KEY]
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"cannot read the words that keep their ending {WHOLE_WORDS_FILE}: {exc}") from None
    for entry in entries if isinstance(entries, list) else [entries]:
        if not _is_entry(entry):
            raise ModelError(f"{WHOLE_WORDS_FILE}: not a normalised [word ending in ين/ون/ان, articles]: {entry!r:.80}")
    return frozenset(word for word, _ in entries)


def keeps_ending(word: str) -> bool:
    """Does ``word`` (normalised, without its article or conjunction) keep its ending?"""
    return word in _whole_words()


def whole_words_digest() -> str:
    """Changes with the list: part of the saved index's fingerprint (qa.lexical)."""
    return hashlib.sha256(json.dumps(sorted(_whole_words())).encode()).hexdigest()[:16]


def words_file_content(words: Sequence[tuple[str, int]], source: str) -> str:
    """The list file's text: one word a line, so a change reads well in a diff."""
    lines = ",\n".join(json.dumps([word, count], ensure_ascii=False) for word, count in words)
    return f'{{"learned_from": {json.dumps(source)},\n "{_KEY}": [\n{lines}\n]}}\n'
