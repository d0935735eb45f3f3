"""Does a sentence of an LLM's answer say only what the quotes it cites say?

A verified quote proves the passage says something, not that the answer does:
"The number of US troops in Iraq is 42 [1]" can cite a real quote that says
2500. So every figure of the sentence must be a figure of its quotes (or of
their articles' dates), every name in Latin letters (a capitalised word past the
first) must be in the quotes or their outlet and title, literally or as the
bridge carries it into Arabic, and every country an Arabic sentence names (or
describes: جندي فرنسي) must be one its quotes name. Other Arabic names are not
checked: Arabic has no capitals to tell a name by.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from qa.answer_types import Citation
from qa.bridge import Bridge
from qa.direct import all_numbers
from qa.places import places_in
from qa.terms import STOPWORDS, loose_terms

_NAME = re.compile(r"(?<![\w'’])[A-Z][\w'’-]*")


def _names(sentence: str) -> list[str]:
    words = _NAME.findall(sentence)
    first = re.match(r"\W*([\w'’-]+)", sentence)
    if first and words and words[0] == first.group(1):
        words = words[1:]  # capitalised because it starts the sentence
    return [w for w in words if w.lower() not in STOPWORDS]


def _countries(text: str) -> set[str]:
    return {place.code for place, _, _ in places_in(text, as_names=False, countries_only=True)}


def supported(claim: str, citations: Iterable[Citation], bridge: Bridge | None) -> bool:
    """Are the claim's figures and names all in what its citations quote?"""
    cited = list(citations)
    context = " ".join(f"{c.quote} {c.outlet or ''} {c.title or ''} {c.date or ''}" for c in cited)
    if not all_numbers(claim) <= all_numbers(context):
        return False
    if not _countries(claim) <= _countries(context):
        return False
    present = loose_terms(context)
    for name in _names(claim):
        if name.lower() in context.lower():
            continue
        if bridge is None or not bridge.terms_for(name) & present:
            return False
    return True
