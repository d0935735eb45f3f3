"""From a raw document to the cleaned article and its LangChain passages."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ingest.clean import clean_lines, extract_html, strip_controls, strip_markdown
from ingest.load import RawDocument
from ingest.metadata import find_dates, outlet_name, publication_date, title_of
from ingest.split import MAX_TOKENS, TARGET_TOKENS, split_passages
from qa.errors import IngestError
from qa.passage import Passage
from qa.urls import web_address

# Bump when cleaning or splitting changes, so every article is processed again.
# 2: ISO 8601 times in a supplied date are read (the day kept); 3: controls and bidi overrides stripped
PIPELINE_VERSION = "3"
MAX_ARTICLE_CHARS = 2_000_000


@dataclass
class Article:
    raw: RawDocument
    text: str  # cleaned: title, blank line, body; passage spans index into this
    title: str
    outlet: str | None
    date: str | None
    url: str | None


def content_hash(raw: RawDocument) -> str:
    """Identity of a document's input; equal hashes mean nothing needs redoing."""
    payload = json.dumps(
        [PIPELINE_VERSION, TARGET_TOKENS, MAX_TOKENS, raw.doc_id, raw.source, raw.kind, raw.metadata, raw.text],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def clean_article(raw: RawDocument) -> Article:
    if len(raw.text) > MAX_ARTICLE_CHARS:
        raise IngestError(f"article is {len(raw.text):,} characters, over the {MAX_ARTICLE_CHARS:,} limit")
    given = {name: strip_controls(value) for name, value in raw.metadata.items()}
    text = strip_controls(raw.text)
    if raw.kind == "html":
        text, found = extract_html(text)
        given = {**found, **given}
    elif raw.kind == "markdown":
        text = strip_markdown(text)
    cleaned = clean_lines(text)
    if not cleaned.body.strip():
        raise IngestError("no article text left after removing page boilerplate")
    title = given.get("title") or title_of(cleaned.header, cleaned.body)
    body = cleaned.body
    if body.startswith(title):  # the title line came through as body text
        body = body[len(title) :].lstrip()
    return Article(
        raw=raw,
        text=f"{title}\n\n{body}" if body else title,
        title=title,
        outlet=given.get("outlet") or outlet_name(cleaned.header, cleaned.body, cleaned.trailer),
        date=_iso_date(given.get("date")) or publication_date(cleaned.header, cleaned.body),
        url=web_address(given.get("url") or ""),
    )


def _iso_date(value: str | None) -> str | None:
    """A supplied date in ISO form (the day as the source wrote it, for an ISO 8601 time
    such as 2018-02-18T21:35:43+04:00), or None when it cannot be read as one."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.strip()).date().isoformat()
    except ValueError:
        dates = find_dates(value)
        return dates[0][1].isoformat() if dates else None


def article_passages(article: Article, count_tokens: Callable[[str], int]) -> list[Passage]:
    """The article's passages, each carrying its metadata and its span in the cleaned text."""
    return [
        Passage(
            id="",
            text=p.text,
            doc_key=article.raw.key,
            doc_id=article.raw.doc_id,
            source=article.raw.source,
            title=article.title or None,
            outlet=article.outlet,
            date=article.date,
            url=article.url,
            uploaded_by=article.raw.metadata.get("uploaded_by"),
            index=i,
            start=p.start,
            end=p.end,
        )
        for i, p in enumerate(split_passages(article.text, count_tokens))
    ]
