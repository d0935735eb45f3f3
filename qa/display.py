"""Safe HTML for showing article text: everything escaped, direction marked.

Article text is untrusted: it is only ever shown through these functions,
which escape it before adding the few tags of our own (a <mark> around the
quote, dir="auto" blocks so Arabic runs right-to-left and English
left-to-right, each paragraph finding its own direction). Every block is a
single line: a blank line would end the HTML block and hand the rest of the
article text to the markdown renderer (images, links).
"""

from __future__ import annotations

import html
import re

from qa.answer_types import Answer, Citation


def _inline(text: str) -> str:
    """Escaped text on one line, line breaks kept as <br>."""
    return html.escape(text).replace("\r", "").replace("\n", "<br>")


def text_block(text: str) -> str:
    """Escaped text, a paragraph per line, each taking the direction of its first strong letter."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "".join(f'<p dir="auto" style="unicode-bidi: plaintext">{_inline(p)}</p>' for p in paragraphs)


def highlighted_passage(citation: Citation) -> str:
    """The passage, escaped, with the quoted words marked."""
    passage, quote = citation.passage, citation.quote
    start = passage.find(quote)
    if start < 0:
        return text_block(passage)
    end = start + len(quote)
    marked = _inline(passage[:start]) + "<mark>" + _inline(passage[start:end]) + "</mark>" + _inline(passage[end:])
    return f'<div dir="auto" style="unicode-bidi: plaintext">{marked}</div>'


def answer_block(answer: Answer) -> str:
    """The answer text, escaped, with its [n] markers shown as badges."""
    return re.sub(r"\[(\d+)\]", r'<sup class="cite">[\1]</sup>', text_block(answer.answer))


HIGH_CONFIDENCE = 0.75  # right about three times in four or better (qa.confidence is calibrated)


def confidence_line(answer: Answer) -> str | None:
    """'Confidence: high (0.82)' for an answer that has one, as plain text."""
    if answer.confidence is None or not answer.answerable:
        return None
    level = "high" if answer.confidence >= HIGH_CONFIDENCE else "medium"
    return f"Confidence: {level} ({answer.confidence:.2f})"


def card_title(citation: Citation) -> str:
    """'[n] Outlet · date — Title' as plain text."""
    parts = [citation.outlet or "Unknown outlet", citation.date or "undated"]
    return f"[{citation.n}] {' · '.join(parts)} — {citation.title or citation.doc_id}"


def card_header(citation: Citation) -> str:
    return f'<div dir="auto" style="unicode-bidi: plaintext"><b>{_inline(card_title(citation))}</b></div>'


def source_line(citation: Citation) -> str:
    """The file path, or a link for a web address (http and https only)."""
    source = _inline(citation.source)
    if citation.source.startswith(("http://", "https://")):
        return f'<a href="{source}" target="_blank" rel="noopener noreferrer nofollow">{source}</a>'
    return f"<code>{source}</code>"


def quote_block(citation: Citation) -> str:
    return f'<div dir="auto" style="unicode-bidi: plaintext"><mark>{_inline(citation.quote)}</mark></div>'
