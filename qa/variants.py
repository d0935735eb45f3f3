"""Spelling variants: one word that outlets write two ways (أمريكي / أميركي, ترامب / ترمب).

Arabic outlets spell foreign names and loanwords by their house style: where the
long vowels go (أمريكي, أميركي) and which letter writes a hard g (إنجليزي,
إنكليزي). A question typed in one style and an article written in the other
would share no word. The table of variants, ``qa/models/spelling_variants.json``,
is learned from a real news archive by ``training/spelling_variants.py``: index
terms with the same letters but for their inner long vowels and g-letters, each
outlet writing one of them, used in the same contexts. A word list by hand would
miss most names; the same-letters test alone would merge native words (كتاب,
كاتب), which every outlet writes alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from qa.errors import ModelError
from qa.learned import digest, file_content, is_counted_word, read_entries

VARIANTS_FILE = Path(__file__).resolve().parent / "models" / "spelling_variants.json"
_INNER_VOWELS = re.compile("[اوي]")
_G_LETTERS = re.compile("[جغكق]")  # a foreign hard g, by house style


def skeleton(term: str) -> str:
    """What spelling variants of a normalised term share: its first and last letters, and
    its inner letters without long vowels, every g-letter written alike."""
    if len(term) < 3:
        return term
    inner = _INNER_VOWELS.sub("", term[1:-1])
    return _G_LETTERS.sub("G", term[0] + inner + term[-1])


_KEY = "classes (term, articles), commonest first"


def _is_class(members: object) -> bool:
    return isinstance(members, list) and len(members) >= 2 and all(map(is_counted_word, members))


@cache
def _table() -> dict[str, str]:
    """Each variant term → its class's spelling the index uses (the archive's commonest)."""
    table: dict[str, str] = {}
    for members in read_entries(VARIANTS_FILE, _KEY, _is_class, "a class of two or more normalised [term, articles]"):
        for term, _ in members:
            if term in table:
                raise ModelError(f"{VARIANTS_FILE}: {term} is in two classes")
            table[term] = members[0][0]
    return table


def canonical(term: str) -> str:
    """The spelling of ``term`` (a normalised index term) that all its variants are indexed as."""
    return _table().get(term, term)


def has_variants(term: str) -> bool:
    """Is ``term`` (an index term) a word written more than one way?"""
    return term in _table()


def table_digest() -> str:
    """Changes with the table: part of the saved index's fingerprint (qa.lexical)."""
    return digest(sorted(_table().items()))


def table_file_content(classes: Sequence[Sequence[tuple[str, int]]], source: str) -> str:
    """The table file's text, one class a line."""
    return file_content(source, _KEY, [[list(member) for member in members] for members in classes])
