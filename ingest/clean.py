"""Strip scraped-page debris from article text, keeping the article itself.

General rules, not a list of known lines:
- HTML goes through trafilatura (main-content extraction) first.
- Everything after a trailing-block heading (comments, "latest news",
  "you may also like", newsletter sign-up…) is another page section and is cut,
  once the article body has started.
- Widget lines (font-size buttons, share counters, "read also" links, tag
  lists, lone punctuation) are dropped wherever they appear.
- Short lines before the first paragraph are the page header (title, byline,
  date, captions); they are handed to metadata extraction, not kept as body.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from qa.terminal import HIDDEN_CONTROLS

# Headings that open a section belonging to the page, not the article.
_TRAILING_SECTION = re.compile(
    r"^\s*(?:"
    r"تعليقات|التعليقات|اترك (?:تعليقا|تعليقاً|ردا|رداً|رد)|أضف تعليق[اً]?|اضف تعليق[اً]?|علق كضيف.*|"
    r"آخر الأخبار|اخر الاخبار|أحدث الأخبار|الأكثر قراءة|الأكثر مشاهدة|الأكثر تداولا|"
    r"أخبار ذات صلة|مواضيع ذات صلة|مقالات ذات صلة|اقرأ المزيد|قد (?:تحب|يعجبك|يهمك) (?:أيضا|أيضاً)|"
    r"منشورات شائعة|النشرة الإخبارية|النشرة البريدية|اشترك في .*|"
    r"comments?|leave a (?:reply|comment)|related(?: (?:news|articles|posts|stories))?|"
    r"latest news|most read|you may also like|read more|newsletter|subscribe.*"
    r")\s*[:：]?\s*$",
    re.IGNORECASE,
)

# Lines that are page widgets wherever they appear.
_WIDGET_LINE = re.compile(
    r"^\s*(?:"
    r"[-–—_|•·*#=\s]*|"  # lone punctuation
    r"(?:A\s*[+\-]\s*)+|"  # font-size buttons
    r"(?:اقرأ|إقرأ|اقرا) (?:أيضا|أيضاً|ايضا|المزيد)\s*[:：].*|"  # "read also: <other story>"
    r"(?:read also|see also|also read)\s*:.*|"
    r"(?:الكلمات الدالة|كلمات مفتاحية|الوسوم|tags)\b.*|"
    r"(?:شارك|مشاركة|share)(?: (?:on|عبر|على) .*)?|"
    r"[\d\s,.]+(?:shares?|مشاركة|views?|مشاهدة)?|"
    r"%d .*|"  # WordPress "likes" widget placeholder
    r"(?:print|طباعة|email|facebook|twitter|whatsapp|telegram)"
    r")\s*$",
    re.IGNORECASE,
)

_SENTENCE_END = re.compile(r"[.!?؟…][\"”»’')]*\s*$")  # headlines never end in a full stop
_BODY_MIN_CHARS = 120  # a line this long, or a shorter line that reads as a sentence, starts the body


# Control characters (but tab and line breaks) and the bidi embeddings, overrides and
# isolates: in scraped text they only hide or reorder what is shown ("5200" shown as
# "0025"). The marks (LRM, RLM, ALM) do not reorder and stay.
_CONTROLS = re.compile(f"[{HIDDEN_CONTROLS}]")


def strip_controls(text: str) -> str:
    """The text without control characters or bidi overrides (the raw file keeps them)."""
    return _CONTROLS.sub("", text)


@dataclass
class CleanText:
    body: str
    header: list[str] = field(default_factory=list)  # lines before the body: title, byline, date…
    trailer: list[str] = field(default_factory=list)  # short lines after the last paragraph (signatures)


def _is_body_line(line: str) -> bool:
    words = len(line.split())
    return len(line) >= _BODY_MIN_CHARS or (words >= 8 and bool(_SENTENCE_END.search(line)))


def clean_lines(text: str) -> CleanText:
    """Separate header, body and trailing debris of a plain-text scraped article."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    header: list[str] = []
    body: list[str] = []
    started = False
    for line in lines:
        if not line:
            if started and body and body[-1] != "":
                body.append("")
            continue
        if started and _TRAILING_SECTION.match(line):
            break
        if _WIDGET_LINE.match(line):
            continue
        if not started and not _is_body_line(line):
            if not header or header[-1] != line:  # captions are often repeated
                header.append(line)
            continue
        started = True
        body.append(line)
    # Short lines after the last real paragraph are signatures ("Outlet-agencies").
    trailer: list[str] = []
    while body and (body[-1] == "" or not _is_body_line(body[-1])):
        last = body.pop()
        if last:
            trailer.insert(0, last)
    if not body:  # a short note with no long paragraph: keep what there is
        body, header = header[1:] if len(header) > 1 else header, header[:1]
    return CleanText("\n".join(body).strip(), header, trailer)


def strip_markdown(text: str) -> str:
    """Markdown to plain lines: drop front matter, heading marks, emphasis and link targets."""
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    text = re.sub(r"^\s{0,3}#{1,6}\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)
    return re.sub(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1", r"\2", text)


_PAGE = re.compile(r"<(?:!doctype|html|head|body|frameset)[\s>]", re.IGNORECASE)
_UNSEEN = (
    "//script | //style | //noscript | //template | //nav | //form | //button | //select | //textarea"
    " | //iframe | //noembed | //noframes | //*[@hidden] | //*[@aria-hidden='true']"
    " | //*[contains(translate(@style, ' ', ''), 'display:none')]"
)
_BLOCKS = (
    "p", "div", "br", "hr", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "section", "article", "header", "footer",
    "aside", "main", "figure", "figcaption",
)  # fmt: skip


def fragment_text(html: str) -> str:
    """The text of markup that is not a whole page (a JSONL text that is one
    ``<p>``, or plain text with a stray tag), line breaks kept: what is kept
    when the extractor finds no article in it, rather than losing the document.
    A whole page with no article in it stays rejected (it is navigation, a form…)."""
    import lxml.etree
    import lxml.html

    if _PAGE.search(html):
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (lxml.etree.ParserError, ValueError, AssertionError, IndexError):  # lxml's own checks on odd markup
        return ""
    for element in root.xpath(_UNSEEN):
        element.drop_tree()
    for element in root.iter(*_BLOCKS):
        element.tail = "\n" + (element.tail or "")
    return root.text_content()


def extract_html(html: str) -> tuple[str, dict[str, str]]:
    """Main article text and metadata of an HTML page (scripts, navigation, footers dropped)."""
    import trafilatura

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        favor_precision=True,
        # Only the page's own date markup: a guess from the page body could be
        # a related story's date, and no date is better than a wrong one.
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    if not isinstance(doc, trafilatura.settings.Document) or not (doc.text or "").strip():
        return fragment_text(html), {}
    meta = {
        "title": doc.title,
        "outlet": doc.sitename,
        "date": doc.date,
        "url": doc.url,
    }
    title = (doc.title or "").strip()
    text = (doc.text or "").strip()
    if title and not text.startswith(title):
        text = f"{title}\n\n{text}"
    return text, {k: str(v) for k, v in meta.items() if v}
