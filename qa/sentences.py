"""Arabic-aware sentence segmentation that keeps character spans.

Used to cut articles into passages and, later, to pick answer sentences, so
every quote can be traced back to its exact place in the article.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

# A sentence ends at . ! ? ؟ … (plus closing quotes/brackets) before white
# space, at a full stop glued to a following Arabic word ("أميركي.بداية"),
# and at every line break.
_BOUNDARY = re.compile(
    r"(?<=[.!?؟…])(?<!\b[A-Z]\.)(?<!\b[A-Z]\.[A-Z]\.)[\"”»’')\]]*(?=\s)"
    r"|(?<=\.)(?=[\u0621-\u064a])"
    r"|\n+"
)
_LETTER = re.compile(r"[^\W\d_]")
_CLAUSE = re.compile(r"(?<=[،,؛;:])\s+")


@dataclass(frozen=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def sentence_spans(text: str) -> list[Span]:
    """Spans of the sentences in ``text``, white space trimmed, in order.

    A fragment with no letters (a list number such as "1.") is joined to the
    sentence that follows it.
    """
    spans: list[Span] = []
    start = 0
    pending: int | None = None
    for match in _BOUNDARY.finditer(text):
        end = match.end() if match.group().strip() else match.start()
        pending = _emit(text, start if pending is None else pending, end, spans)
        start = match.end()
    _emit(text, start if pending is None else pending, len(text), spans, final=True)
    return spans


def _emit(text: str, start: int, end: int, spans: list[Span], final: bool = False) -> int | None:
    """Append the trimmed span; return its start if it must wait for more text."""
    span = _trim(text, Span(start, end))
    if span.end <= span.start:
        return None
    if not _LETTER.search(span.of(text)) and not final:
        return span.start
    spans.append(span)
    return None


def split_long(text: str, span: Span, fits) -> list[Span]:
    """Cut one over-long sentence at clause commas, then at spaces, until each piece fits."""
    pieces = [span]
    for pattern in (_CLAUSE, re.compile(r"\s+")):
        out: list[Span] = []
        for piece in pieces:
            if fits(piece.of(text)):
                out.append(piece)
                continue
            out.extend(_greedy_cut(text, piece, pattern, fits))
        pieces = out
    return pieces


def _greedy_cut(text: str, span: Span, pattern: re.Pattern[str], fits) -> list[Span]:
    """Pack the units between ``pattern`` matches into as few fitting pieces as possible."""
    bounds = [span.start] + [m.end() for m in pattern.finditer(text, span.start, span.end)] + [span.end]
    units = [_trim(text, Span(a, b)) for a, b in itertools.pairwise(bounds)]
    units = [u for u in units if u.end > u.start]
    out: list[Span] = []
    for unit in units:
        if out and fits(text[out[-1].start : unit.end]):
            out[-1] = Span(out[-1].start, unit.end)
        else:
            out.append(unit)
    return out


def _trim(text: str, span: Span) -> Span:
    piece = span.of(text)
    lead = len(piece) - len(piece.lstrip())
    return Span(span.start + lead, span.start + len(piece.rstrip()))
