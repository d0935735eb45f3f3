"""What an answer is, for every answerer and every front end."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Protocol

from qa.outlets import outlet_name
from qa.passage import Passage

if TYPE_CHECKING:
    from qa.retrieve import Hit


@dataclass
class Citation:
    n: int
    doc_id: str
    source: str
    title: str | None
    outlet: str | None
    date: str | None
    quote: str  # verbatim from ``passage``
    passage: str
    score: float
    uploaded_by: str | None = None  # "name on date" when a chat user uploaded the article
    doc_key: str = ""  # the document in the store (PassageStore.article_text gives it whole)
    # Other outlets' copies of the same agency story (qa.copies): {"outlet", "date", "doc_id"}
    also_reported_by: list[dict[str, str | None]] = field(default_factory=list)

    @classmethod
    def of(cls, n: int, passage: Passage, quote: str, score: float) -> Citation:
        """Citation number ``n`` of ``quote``, which is verbatim from ``passage``."""
        return cls(
            n=n,
            doc_id=passage.doc_id,
            source=passage.link,
            title=passage.title,
            outlet=passage.outlet,
            date=passage.date,
            quote=quote,
            passage=passage.text,
            score=round(score, 4),
            uploaded_by=passage.uploaded_by,
            doc_key=passage.doc_key,
        )

    @classmethod
    def from_dict(cls, values: dict) -> Citation:
        """The citation an ``Answer.as_dict`` holds; keys this version does not know are ignored."""
        return cls(**{f.name: values[f.name] for f in fields(cls) if f.name in values})

    def outlet_label(self, arabic: bool = False) -> str | None:
        """The outlet in the reader's script, and for an uploaded article who uploaded it:
        "Rudaw (uploaded by sara on 2026-11-30)"."""
        outlet = outlet_name(self.outlet, arabic) if self.outlet else None
        uploaded = f"uploaded by {self.uploaded_by}" if self.uploaded_by else None
        return f"{outlet} ({uploaded})" if outlet and uploaded else outlet or uploaded

    def label(self, arabic: bool = False) -> str:
        """'Outlet, date' as far as known (an Arabic comma for an Arabic reader)."""
        return ("، " if arabic else ", ").join(x for x in (self.outlet_label(arabic), self.date) if x) or self.doc_id


@dataclass
class Finding:
    """One claim of an answer: what was read off its quote (a figure, a date, a name) if
    anything, and the citations that back it. Figures that differ are several findings."""

    lead: str | None
    citations: list[int]  # citation numbers
    text: str | None = None  # the lead as its first citation's quote writes it


@dataclass
class Answer:
    question: str
    answer: str
    answerable: bool
    mode: str  # "extractive", "llm", or "extractive (LLM fallback: …)"
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    answer_text: str | None = None  # the figure, date, place or name asked for, as the first citation's quote writes it
    answer_span: list[int] | None = None  # [start, end] of answer_text in that quote
    # How likely the best sentence found answers the question (qa.confidence), also when
    # it was too unlikely to be given; None for digests and LLM answers.
    confidence: float | None = None
    findings: list[Finding] = field(default_factory=list)  # the extractive answer's claims, newest first
    period: list[str] | None = None  # [since, until]: only articles dated then were read, as the question asked

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> Answer:
        """The answer ``as_dict`` gave, its citations restored; keys this version does not know are ignored."""
        known = {f.name: values[f.name] for f in fields(cls) if f.name in values}
        known["citations"] = [Citation.from_dict(c) for c in known.get("citations", [])]
        known["findings"] = [
            Finding(f.get("lead"), list(f.get("citations", [])), f.get("text")) for f in known.get("findings", [])
        ]
        return cls(**known)


class Answerer(Protocol):
    """Turns retrieved passages into a cited answer (qa.extractive, qa.llm)."""

    def query_for(self, question: str, history: list[str] | None) -> str:
        """What to retrieve for the question (a follow-up needs its context)."""
        ...

    def answer(
        self,
        question: str,
        hits: list[Hit],
        history: list[str] | None = None,
        on_token: Callable[[str], None] | None = None,
    ) -> Answer: ...
