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
from collections.abc import Sequence
from datetime import date

from qa.answer_types import Answer, Citation
from qa.arabic import is_arabic
from qa.asked_time import Period
from qa.catalog import DocumentRecord
from qa.direct import asks_for_figure
from qa.outlets import outlet_name
from qa.urls import web_address

ASCII_PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")  # every ASCII punctuation character


def markdown_safe(text: str) -> str:
    """Text that shows as itself in any Streamlit Markdown (st.markdown, st.error, st.info…):
    no link, image, HTML, math, colour or shortcode can be made from it."""
    return ASCII_PUNCTUATION.sub(lambda m: f"&#{ord(m.group())};", text)


# A run of Latin letters and digits joined by neutral marks (a date, a file name, a time,
# a decimal): inside a right-to-left line the bidi algorithm would reorder its parts
# (2023-12-13 shown as 13-12-2023, 004_x.txt as x.txt_004), so it is isolated.
_MIXED_RUN = re.compile(r"[0-9A-Za-z]+(?:[_.\-/:][0-9A-Za-z]+)+")


def _inline(text: str) -> str:
    """Escaped text on one line, line breaks kept as <br>, mixed runs isolated in <bdi>."""
    text = text.replace("\r", "")
    out, last = [], 0
    for run in _MIXED_RUN.finditer(text):
        out.append(markdown_safe(text[last : run.start()]))
        out.append(f"<bdi>{markdown_safe(run.group())}</bdi>")
        last = run.end()
    out.append(markdown_safe(text[last:]))
    return "".join(out).replace("\n", "<br>")


def _paragraph(inner: str, direction: str = "auto") -> str:
    """A block aligned to its start (the page's style), by default taking the direction
    of its first strong letter."""
    return f'<p dir="{direction}">{inner}</p>'


def text_block(text: str, direction: str = "auto") -> str:
    """Escaped text, a paragraph per line, each taking the direction of its first strong
    letter unless ``direction`` is given."""
    return "".join(_paragraph(_inline(p), direction) for p in text.split("\n") if p.strip())


def _marked(text: str, start: int, end: int, tag: str = "mark", attributes: str = "") -> str:
    """Escaped text with ``text[start:end]`` inside ``tag``."""
    return f"{_inline(text[:start])}<{tag}{attributes}>{_inline(text[start:end])}</{tag}>{_inline(text[end:])}"


def _answer_span(citation: Citation, answer: Answer) -> tuple[int, int] | None:
    """Where the answer asked for (a figure, a date, a name) is in this citation's quote:
    the figure of its own finding when figures differ."""
    if citation.n == 1 and answer.answer_span:
        return answer.answer_span[0], answer.answer_span[1]
    finding = next((f for f in answer.findings if citation.n in f.citations), None)
    written = finding.text if finding else answer.answer_text
    if not written:
        return None
    found = re.search(rf"(?<!\d){re.escape(written)}(?!\d)", citation.quote)  # not 12 in 2012
    return found.span() if found else None


def quote_block(citation: Citation, answer: Answer) -> str:
    """The quote, marked, with the answer asked for in bold inside it."""
    span = _answer_span(citation, answer)
    inner = _marked(citation.quote, *span, tag="strong") if span else _inline(citation.quote)
    return _paragraph(f"<mark>{inner}</mark>")


CITED_ID = "sanad-cited"  # the quote's element in the article view, scrolled into view


def article_block(text: str, passage: str, quote: str) -> str:
    """A whole article, escaped, a paragraph per line, with the cited quote marked.
    A quote not found within one paragraph (the article changed since) is shown first."""
    paragraphs = [p for p in text.split("\n") if p.strip()]
    cited = next((i for i, p in enumerate(paragraphs) if quote and quote in p), None)
    blocks = []
    for i, paragraph in enumerate(paragraphs):
        if i == cited:
            start = paragraph.find(quote)
            blocks.append(_paragraph(_marked(paragraph, start, start + len(quote), attributes=f' id="{CITED_ID}"')))
        else:
            blocks.append(_paragraph(_inline(paragraph)))
    if cited is None:
        blocks.insert(0, _paragraph(f'<mark id="{CITED_ID}">{_inline(passage)}</mark>'))
    return "".join(blocks)


def _bare_quote(line: str, quotes: set[str]) -> bool:
    """A line that only quotes a cited sentence (its card shows it, marked)."""
    match = re.fullmatch(r"\s*«(.*)»\s*(?:\[\d+\]\s*)*", line)
    return match is not None and match.group(1) in quotes


def _lead_lines(answer: Answer) -> list[str]:
    """The answer's lines but those that only quote a cited sentence (its card shows it)."""
    quotes = {c.quote for c in answer.citations}
    return [line for line in answer.answer.split("\n") if not _bare_quote(line, quotes)]


def quoted_in_answer(answer: Answer) -> set[int]:
    """The citations whose quote the answer text itself shows (a digest's list): their
    cards leave it out, so each quote is shown once."""
    lead = "\n".join(_lead_lines(answer))
    return {c.n for c in answer.citations if c.quote in lead}


def _cite_link(n: int | str, anchor: str) -> str:
    return f'<a class="cite" href="#{anchor}-{n}" target="_self">&#91;{n}&#93;</a>'


def answer_block(answer: Answer, anchor: str) -> str:
    """The answer text, escaped, without the quotes its cards show; each [n] a link to
    card n (whose element id is ``anchor``-n). Figures that differ are a table instead.
    An answer to an Arabic question runs right to left even when its line starts with a
    figure or a file name."""
    direction = "rtl" if is_arabic(answer.question) else "auto"
    table = figures_table(answer, anchor)
    if table:
        return table
    marker = re.escape(markdown_safe("[")) + r"(\d+)" + re.escape(markdown_safe("]"))
    return re.sub(marker, _cite_link(r"\1", anchor), text_block("\n".join(_lead_lines(answer)), direction))


FIGURES_DIFFER = {
    "en": ("The articles give different figures, newest first:", ("Figure", "Source", "Outlet", "Date")),
    "ar": ("تعطي المقالات أرقاما مختلفة، الأحدث أولا:", ("الرقم", "المصدر", "الوسيلة", "التاريخ")),
}


def _figure_row(lead: str, citation: Citation, anchor: str, arabic: bool) -> str:
    cells = [f"<bdi>{_inline(lead)}</bdi>", _cite_link(citation.n, anchor)]
    cells += [f"<bdi>{_inline(part)}</bdi>" for part in _where_and_when(citation, arabic)]
    return "<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>"


def figures_table(answer: Answer, anchor: str) -> str | None:
    """Figures that differ as a table, a row per source: the figure, its [n], outlet and
    date, newest first (undated last); None unless the answer has several figures (not
    several names: those are listed as the answer says them)."""
    if len(answer.findings) < 2 or not all(f.lead for f in answer.findings) or not asks_for_figure(answer.question):
        return None
    arabic = is_arabic(answer.question)
    heading, columns = FIGURES_DIFFER["ar" if arabic else "en"]
    by_number = {c.n: c for c in answer.citations}
    rows = [(f.lead or "", by_number[n]) for f in answer.findings for n in f.citations if n in by_number]
    rows.sort(key=lambda row: row[1].date or "", reverse=True)
    head = "".join(f"<th>{markdown_safe(name)}</th>" for name in columns)
    body = "".join(_figure_row(lead, c, anchor, arabic) for lead, c in rows)
    direction = "rtl" if arabic else "ltr"
    return (
        _paragraph(markdown_safe(heading), direction)
        + f'<table dir="{direction}" class="figures"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    )


NO_OUTLET = "outlet not stated"
UNSTATED = {False: (NO_OUTLET, "undated"), True: ("الوسيلة غير مذكورة", "بلا تاريخ")}  # in the reader's language
HIGH_CONFIDENCE = 0.75  # right about three times in four or better (qa.confidence is calibrated)


def confidence_line(answer: Answer) -> str | None:
    """'Confidence: high (0.82)' for an answer that has one, as plain text."""
    if answer.confidence is None or not answer.answerable:
        return None
    level = "high" if answer.confidence >= HIGH_CONFIDENCE else "medium"
    return f"Confidence: {level} ({answer.confidence:.2f})"


def also_reported(citation: Citation, arabic: bool = False) -> str | None:
    """'Also reported by Sky News Arabia (2018-03-26), BBC Arabic (2018-03-27)' as plain
    text: the other outlets that ran the cited article's story (qa.copies)."""
    if not citation.also_reported_by:
        return None
    no_outlet, undated = UNSTATED[arabic]
    copies = ("، " if arabic else ", ").join(
        f"{outlet_name(c['outlet'], arabic) if c['outlet'] else no_outlet} ({c['date'] or undated})"
        for c in citation.also_reported_by
    )
    return f"نشرها أيضاً: {copies}" if arabic else f"Also reported by {copies}"


def also_block(citation: Citation, arabic: bool = False) -> str:
    """``also_reported`` as escaped HTML for a card; empty when there are no copies."""
    line = also_reported(citation, arabic)
    return f'<div class="source">{_paragraph(_inline(line))}</div>' if line else ""


def period_line(answer: Answer) -> str | None:
    """The period the question named, which the answer was sought in, as plain text."""
    if not answer.period:
        return None
    return period_sentence(Period(*map(date.fromisoformat, answer.period)), is_arabic(answer.question))


def period_sentence(period: Period, arabic: bool) -> str:
    """Which articles were read, for a question or query that names ``period``."""
    if arabic:
        return f"بحثنا في مقالات الفترة التي يذكرها السؤال: {period.label(arabic=True)}."
    return f"Sought in the articles of the period the question names: {period.label()}."


def _where_and_when(citation: Citation, arabic: bool) -> list[str]:
    no_outlet, undated = UNSTATED[arabic]
    return [citation.outlet_label(arabic) or no_outlet, citation.date or undated]


def card_title(citation: Citation, arabic: bool = False) -> str:
    """'[n] Outlet · date — Title' as plain text, the outlet in the reader's script."""
    return f"[{citation.n}] {' · '.join(_where_and_when(citation, arabic))} — {citation.title or citation.doc_id}"


def plain_text(answer: Answer) -> str:
    """The answer and its sources as plain text, to copy: each source's outlet, date,
    title, quote and address."""
    arabic = is_arabic(answer.question)
    sources = [
        f"{card_title(c, arabic)}\n«{c.quote}»"
        + (f"\n{c.source}" if web_address(c.source) else "")
        + (f"\n{also_reported(c, arabic)}" if c.also_reported_by else "")
        for c in answer.citations
    ]
    return "\n\n".join([answer.answer, *filter(None, [period_line(answer)]), *sources])


def card_header(citation: Citation, anchor: str, arabic: bool = False) -> str:
    """'[n] Outlet · date' over the title, the outlet in the reader's script; each part
    isolated so none reorders the others."""
    meta = " · ".join(f"<bdi>{_inline(part)}</bdi>" for part in _where_and_when(citation, arabic))
    title = _paragraph(f"<b>{_inline(citation.title)}</b>") if citation.title else ""
    return f'<div id="{anchor}-{citation.n}" class="card-head">&#91;{citation.n}&#93; {meta}</div>{title}'


def source_line(citation: Citation) -> str:
    """A link for a web address (a plain http(s) address, as ingest keeps), else the file's name."""
    if web_address(citation.source):
        href, text = markdown_safe(citation.source), _inline(citation.source)
        link = f'<a href="{href}" target="_blank" rel="noopener noreferrer nofollow">{text}</a>'
        return f'<div dir="ltr" class="source">{link}</div>'
    name = citation.source.replace("\\", "/").rsplit("/", 1)[-1]
    return f'<div dir="ltr" class="source">file <bdi>{markdown_safe(name)}</bdi></div>' if name else ""


def article_rows(records: Sequence[DocumentRecord]) -> str:
    """The article list: each title on one line, cut at its end (an ellipsis on the left
    for Arabic), over its outlet, date and passage count."""
    rows = []
    for r in records:
        meta = " · ".join(f"<bdi>{_inline(part)}</bdi>" for part in (r.outlet or NO_OUTLET, r.date or "undated"))
        rows.append(
            f'<div class="article-row"><div dir="auto" class="title">{_inline(r.title or r.doc_id)}</div>'
            f'<div class="meta">{meta} · {r.passages} passage(s)</div></div>'
        )
    return "".join(rows)
