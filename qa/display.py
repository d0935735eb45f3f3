"""Safe HTML for showing article text: everything escaped, direction marked.

Article text is untrusted: it is only ever shown through these functions,
which escape it before adding the few tags of our own (a <mark> around the
quote, dir="auto" blocks so Arabic runs right-to-left and English
left-to-right, each paragraph finding its own direction).

Streamlit renders Markdown around and inside inline HTML, with KaTeX
(``$…$``), colour directives (``:red[…]``), shortcodes and bare-URL links on
top. HTML escaping is not enough: ``markdown_safe`` writes every ASCII
punctuation character as a character reference, which Markdown shows as the
character and never reads as syntax. Every block is also a single line: a
blank line would end the HTML block.
"""

from __future__ import annotations

import re

from qa.answer_types import Answer, Citation
from qa.urls import web_address

_SYNTAX = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation character


def markdown_safe(text: str) -> str:
    """Text that shows as itself in any Streamlit Markdown (st.markdown, st.error, st.info…):
    no link, image, HTML, math, colour or shortcode can be made from it."""
    return _SYNTAX.sub(lambda m: f"&#{ord(m.group())};", text)


def _inline(text: str) -> str:
    """Escaped text on one line, line breaks kept as <br>."""
    return markdown_safe(text.replace("\r", "")).replace("\n", "<br>")


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
    marker = re.escape(markdown_safe("[")) + r"(\d+)" + re.escape(markdown_safe("]"))
    return re.sub(marker, r'<sup class="cite">&#91;\1&#93;</sup>', text_block(answer.answer))


HIGH_CONFIDENCE = 0.75  # right about three times in four or better (qa.confidence is calibrated)


def confidence_line(answer: Answer) -> str | None:
    """'Confidence: high (0.82)' for an answer that has one, as plain text."""
    if answer.confidence is None or not answer.answerable:
        return None
    level = "high" if answer.confidence >= HIGH_CONFIDENCE else "medium"
    return f"Confidence: {level} ({answer.confidence:.2f})"


def card_title(citation: Citation) -> str:
    """'[n] Outlet · date — Title' as plain text."""
    parts = [citation.outlet_label or "Unknown outlet", citation.date or "undated"]
    return f"[{citation.n}] {' · '.join(parts)} — {citation.title or citation.doc_id}"


def card_header(citation: Citation) -> str:
    return f'<div dir="auto" style="unicode-bidi: plaintext"><b>{_inline(card_title(citation))}</b></div>'


def source_line(citation: Citation) -> str:
    """The file path, or a link for a web address (a plain http(s) address, as ingest keeps)."""
    source = _inline(citation.source)
    if web_address(citation.source):
        link = f'<a href="{source}" target="_blank" rel="noopener noreferrer nofollow">{source}</a>'
        return f'<div dir="ltr">{link}</div>'
    return f'<div dir="ltr"><code>{source}</code></div>'


def quote_block(citation: Citation) -> str:
    return f'<div dir="auto" style="unicode-bidi: plaintext"><mark>{_inline(citation.quote)}</mark></div>'
