"""Digests: a request for a summary, or a question as broad as "what is happening in
Iraq?", is answered with the key sentence of each of the most relevant articles,
one per article, in date order, each quoted and cited, and labelled as a digest.
"""

from __future__ import annotations

import re

from qa.answer_types import Citation
from qa.direct import DATE_QUESTION, asks, asks_for_figure
from qa.passage import Passage

# The request, then what it is about: "Summarise the news about X", «لخص أخبار X».
_REQUEST = re.compile(
    r"^\s*(?:(?:please|can\s+you|could\s+you)\s+)?(?:"
    r"summari[sz]e|give\s+(?:me\s+)?(?:an?\s+)?(?:summary|digest|overview)\s+of|"
    r"(?:an?\s+)?(?:summary|digest|overview)\s+of|what(?:'s|\s+is)\s+(?:happening|going\s+on)\s+(?:in|with)|"
    r"what(?:'s|\s+is|\s+are)\s+the\s+latest(?:\s+news|\s+developments)?\s+(?:on|in|about)|"
    r"catch\s+me\s+up\s+on|brief\s+me\s+on|"
    r"ل[ّ]?خ[ِّ]*ص|(?:أعطني\s+)?ملخص[اً]*|تلخيص|ما\s+الذي\s+(?:يحدث|يجري)\s+في(?!\s*حال)|ماذا\s+(?:يحدث|يجري)\s+في(?!\s*حال)|"
    r"ما\s+(?:هي\s+)?آخر\s+(?:الأخبار|أخبار|المستجدات|مستجدات|التطورات|تطورات)(?:\s+(?:عن|حول|في))?"
    r")(?!\w)"
    r"\s*(?:(?:the\s+)?(?:latest\s+)?(?:news|articles|coverage|reports)\s+(?:about|on|of|from|in)\s+|"
    r"(?:لي\s+)?(?:آخر\s+)?(?:أخبار|الأخبار|المقالات)\s+(?:عن\s+|حول\s+)?|(?:عن|حول)\s+)?",
    re.I,
)
TITLE = {
    "en": "Digest of {n} articles (oldest first):",
    "ar": "ملخص من {n} مقالات (الأقدم أولاً):",
}
TITLE_ONE = {"en": "Digest of 1 article:", "ar": "ملخص من مقال واحد:"}


def digest_topic(question: str) -> str | None:
    """What a digest request is about ("US troops in Iraq"), or None when the question
    asks something particular."""
    match = _REQUEST.match(question)
    if not match or asks_for_figure(question) or asks(DATE_QUESTION, question):
        return None  # "Overview of casualties: how many were killed?" asks for a figure
    topic = question[match.end() :].strip(" ?؟.!")
    return topic or None


def compose_digest(lang: str, picks: list[tuple[Passage, str, float]]) -> tuple[str, list[Citation]]:
    """One line per article (its passage, key sentence and score), oldest first, undated last."""
    ordered = sorted(picks, key=lambda pick: (pick[0].date is None, pick[0].date or ""))
    citations = [Citation.of(n, passage, sentence, score) for n, (passage, sentence, score) in enumerate(ordered, 1)]
    lines = [TITLE[lang].format(n=len(citations)) if len(citations) > 1 else TITLE_ONE[lang]]
    for citation in citations:
        lines.append(f"- {citation.label(lang == 'ar')}: «{citation.quote}» [{citation.n}]")
    return "\n".join(lines), citations
