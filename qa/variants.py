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

import hashlib
import json
import re
from functools import cache
from pathlib import Path

from qa.arabic import normalize_arabic
from qa.errors import ModelError

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


def _is_member(member: object) -> bool:
    return (
        isinstance(member, list)
        and len(member) == 2
        and isinstance(member[0], str)
        and member[0] == normalize_arabic(member[0]) != ""
        and isinstance(member[1], int)
    )


@cache
def _table() -> dict[str, str]:
    """Each variant term → its class's spelling the index uses (the archive's commonest)."""
    try:
        classes = json.loads(VARIANTS_FILE.read_text(encoding="utf-8"))[_KEY]
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"cannot read the spelling variants {VARIANTS_FILE}: {exc}") from None
    table: dict[str, str] = {}
    for members in classes if isinstance(classes, list) else [classes]:
        if not (isinstance(members, list) and len(members) >= 2 and all(map(_is_member, members))):
            raise ModelError(
                f"{VARIANTS_FILE}: not a class of two or more normalised [term, articles]: {members!r:.80}"
            )
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
    return hashlib.sha256(json.dumps(sorted(_table().items())).encode()).hexdigest()[:16]
