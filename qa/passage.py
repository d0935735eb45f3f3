"""A passage: a piece of one article, as ingestion writes it and retrieval reads it back.

Chroma stores the text and a flat metadata dict; this module is the one place
that turns a passage into that dict (and a LangChain ``Document``) and back.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from langchain_core.documents import Document

# Metadata keys written for every passage (Chroma metadata has no nulls: absent means unknown).
_TEXT_FIELDS = ("doc_key", "doc_id", "source", "title", "outlet", "date", "url", "uploaded_by")


@dataclass(frozen=True)
class Passage:
    id: str  # Chroma's id (a hash of text and metadata, given by LangChain's indexing); "" before writing
    text: str
    doc_key: str  # the document's identity in the catalogue (file path, or file + JSONL id)
    doc_id: str  # what users call the document: the JSONL id, or the path within its folder
    source: str = ""  # file path or URL the document came from
    title: str | None = None
    outlet: str | None = None
    date: str | None = None  # ISO
    url: str | None = None
    uploaded_by: str | None = None  # "name on date" for an article added through the chat's uploader
    index: int = 0  # the passage's position in its document
    start: int = 0  # character span in the cleaned article text
    end: int = 0

    @property
    def link(self) -> str:
        """Where a reader finds the article: its URL, else its file."""
        return self.url or self.source

    def metadata(self) -> dict[str, Any]:
        values: dict[str, Any] = {k: getattr(self, k) for k in _TEXT_FIELDS if getattr(self, k)}
        return {**values, "passage": self.index, "start": self.start, "end": self.end}

    def to_document(self) -> Document:
        from langchain_core.documents import Document

        return Document(page_content=self.text, metadata=self.metadata(), id=self.id or None)

    @classmethod
    def from_chroma(cls, passage_id: str, text: str | None, metadata: Mapping[str, Any] | None) -> Passage:
        meta = metadata or {}
        return cls(
            id=passage_id,
            text=text or "",
            doc_key=str(meta.get("doc_key", passage_id)),
            doc_id=str(meta.get("doc_id", passage_id)),
            source=str(meta.get("source", "")),
            title=meta.get("title"),
            outlet=meta.get("outlet"),
            date=meta.get("date"),
            url=meta.get("url"),
            uploaded_by=meta.get("uploaded_by"),
            index=int(meta.get("passage", 0)),
            start=int(meta.get("start", 0)),
            end=int(meta.get("end", 0)),
        )
