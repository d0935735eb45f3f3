"""Safe HTML for showing article text: everything escaped, direction marked.

Article text is untrusted: it is only ever shown through these functions,
which escape it before adding the few tags of our own (a <mark> around the
quote, a dir="auto" block so Arabic runs right-to-left and English
left-to-right, each paragraph finding its own direction).
"""

from __future__ import annotations

import html
import re

from qa.answer_types import Answer, Citation


def text_block(text: str) -> str:
    """Escaped text in a block whose direction follows its first strong letter."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "".join(f'<p dir="auto" style="unicode-bidi: plaintext">{html.escape(p)}</p>' for p in paragraphs)


def highlighted_passage(citation: Citation) -> str:
    """The passage, escaped, with the quoted words marked."""
    passage, quote = citation.passage, citation.quote
    start = passage.find(quote)
    if start < 0:
        return text_block(passage)
    end = start + len(quote)
    marked = (
        html.escape(passage[:start])
        + "<mark>"
        + html.escape(passage[start:end])
        + "</mark>"
        + html.escape(passage[end:])
    )
    return f'<div dir="auto" style="unicode-bidi: plaintext; white-space: pre-wrap">{marked}</div>'


def answer_block(answer: Answer) -> str:
    """The answer text, escaped, with its [n] markers shown as badges."""
    escaped = text_block(answer.answer)
    return re.sub(r"\[(\d+)\]", r'<sup class="cite">[\1]</sup>', escaped)


def card_title(citation: Citation) -> str:
    """'[n] Outlet · date — Title' (plain text: the caller escapes or renders as text)."""
    parts = [citation.outlet or "Unknown outlet", citation.date or "undated"]
    return f"[{citation.n}] {' · '.join(parts)} — {citation.title or citation.doc_id}"


def card_header(citation: Citation) -> str:
    return f'<div dir="auto" style="unicode-bidi: plaintext"><b>{html.escape(card_title(citation))}</b></div>'


def source_line(citation: Citation) -> str:
    """The file path, or a link for a web address (http and https only)."""
    source = html.escape(citation.source)
    if citation.source.startswith(("http://", "https://")):
        return f'<a href="{source}" target="_blank" rel="noopener noreferrer nofollow">{source}</a>'
    return f"<code>{source}</code>"


def quote_block(citation: Citation) -> str:
    return f'<div dir="auto" style="unicode-bidi: plaintext"><mark>{html.escape(citation.quote)}</mark></div>'
