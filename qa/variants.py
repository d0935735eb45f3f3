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

import json
import re
from functools import cache
from pathlib import Path

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


@cache
def _canonical() -> dict[str, str]:
    """Each variant term → its class's spelling the index uses (the archive's commonest)."""
    try:
        classes = json.loads(VARIANTS_FILE.read_text(encoding="utf-8"))["classes (term, articles), commonest first"]
        return {term: members[0][0] for members in classes for term, _ in members}
    except (OSError, KeyError, TypeError, IndexError, ValueError) as exc:
        raise ModelError(f"cannot read the spelling variants {VARIANTS_FILE}: {exc}") from None


def canonical(term: str) -> str:
    """The spelling of ``term`` (a normalised index term) that all its variants are indexed as."""
    return _canonical().get(term, term)
