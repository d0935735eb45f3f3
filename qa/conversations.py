"""Chat conversations kept across page reloads, per user.

They live in the records database (Settings.record_db), beside the catalogue,
in two tables of their own: ``sanad_conversations`` (one row per conversation)
and ``sanad_conversation_turns`` (its questions, each with the Answer as JSON,
or a note saying why there is none).

Every call takes its own connection from SQLAlchemy's pool, so one store
serves several Streamlit sessions; other processes are waited for through
SQLite's busy timeout. Each write transaction writes before it reads, so
SQLite takes its write lock first and waits instead of failing on upgrade.

Caps: a conversation keeps its latest ``max_turns`` turns (older ones are
dropped, so a long chat goes on; the title stays the first question), and a
user keeps the ``max_conversations`` most recently used conversations.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    case,
    create_engine,
    delete,
    func,
    select,
    update,
)
from sqlalchemy.engine import Connection

from qa.answer_types import Answer, Citation
from qa.arabic import is_arabic
from qa.catalog import database_errors
from qa.config import Settings
from qa.display import ASCII_PUNCTUATION, card_title
from qa.store import make_records_folder
from qa.urls import web_address

MAX_TURNS = 200
MAX_CONVERSATIONS = 500
TITLE_CHARS = 80

_metadata = MetaData()
conversations = Table(
    "sanad_conversations",
    _metadata,
    Column("id", String(32), primary_key=True),
    Column("owner", String(320), nullable=False),
    Column("title", Text, nullable=False),
    Column("created", String(32), nullable=False),
    Column("updated", String(32), nullable=False),
    Index("sanad_conversations_by_owner", "owner", "updated"),
)
turns = Table(
    "sanad_conversation_turns",
    _metadata,
    Column("conversation_id", String(32), primary_key=True),
    Column("position", Integer, primary_key=True),
    Column("question", Text, nullable=False),
    Column("answer", Text),  # Answer.as_dict() as JSON
    Column("note", Text),
)


@dataclass(frozen=True)
class Turn:
    question: str
    answer: Answer | None = None
    note: str | None = None  # why there is no answer: stopped, or "Cannot ask that: …"


@dataclass
class Conversation:
    id: str
    owner: str
    title: str  # "" until the first question
    created: str  # ISO, UTC
    updated: str
    turns: list[Turn] = field(default_factory=list)


@dataclass(frozen=True)
class ConversationSummary:
    id: str
    title: str
    created: str
    updated: str
    turns: int


class ConversationStore:
    """Each user's conversations. Another owner's id reads as no conversation.
    Database errors surface as StoreError."""

    def __init__(
        self, where: Settings | Path, max_turns: int = MAX_TURNS, max_conversations: int = MAX_CONVERSATIONS
    ) -> None:
        if isinstance(where, Settings):
            make_records_folder(where)
            self.db_url = where.record_db
        else:
            self.db_url = f"sqlite:///{where.resolve()}"
        self.max_turns = max_turns
        self.max_conversations = max_conversations
        with database_errors(self.db_url):
            self.engine = create_engine(self.db_url)
            _metadata.create_all(self.engine)

    def create(self, owner: str) -> Conversation:
        """A new, empty conversation; the owner's least recently used ones beyond the cap are deleted."""
        now = _now()
        conversation = Conversation(secrets.token_urlsafe(12), owner, "", now, now)
        with self._transaction() as conn:
            conn.execute(
                conversations.insert().values(id=conversation.id, owner=owner, title="", created=now, updated=now)
            )
            c = conversations.c
            stale = select(c.id).where(c.owner == owner).order_by(c.updated.desc()).offset(self.max_conversations)
            _delete(conn, conn.execute(stale).scalars().all())
        return conversation

    def append(self, conversation_id: str, owner: str, turn: Turn) -> bool:
        """Adds ``turn``, dropping the oldest beyond the cap; False when ``owner`` has no such conversation."""
        c, t = conversations.c, turns.c
        with self._transaction() as conn:
            found = conn.execute(
                update(conversations)
                .where(c.id == conversation_id, c.owner == owner)
                .values(updated=_now(), title=case((c.title == "", title_of(turn.question)), else_=c.title))
            ).rowcount
            if not found:
                return False
            position = conn.execute(
                select(func.coalesce(func.max(t.position) + 1, 0)).where(t.conversation_id == conversation_id)
            ).scalar_one()
            conn.execute(
                turns.insert().values(
                    conversation_id=conversation_id,
                    position=position,
                    question=turn.question,
                    answer=json.dumps(turn.answer.as_dict(), ensure_ascii=False) if turn.answer else None,
                    note=turn.note,
                )
            )
            conn.execute(
                delete(turns).where(t.conversation_id == conversation_id, t.position <= position - self.max_turns)
            )
        return True

    def get(self, conversation_id: str, owner: str) -> Conversation | None:
        c, t = conversations.c, turns.c
        with self._connection() as conn:
            row = conn.execute(select(conversations).where(c.id == conversation_id, c.owner == owner)).first()
            if row is None:
                return None
            query = select(t.question, t.answer, t.note).where(t.conversation_id == conversation_id)
            restored = [_turn(*r) for r in conn.execute(query.order_by(t.position))]
        return Conversation(row.id, row.owner, row.title, row.created, row.updated, restored)

    def delete(self, conversation_id: str, owner: str) -> bool:
        """False when ``owner`` has no such conversation."""
        c = conversations.c
        with self._transaction() as conn:
            gone = conn.execute(delete(conversations).where(c.id == conversation_id, c.owner == owner)).rowcount
            if gone:
                conn.execute(delete(turns).where(turns.c.conversation_id == conversation_id))
        return bool(gone)

    def list(self, owner: str, limit: int = 50) -> list[ConversationSummary]:
        """The owner's conversations, most recently updated first."""
        c = conversations.c
        query = (
            select(c.id, c.title, c.created, c.updated, func.count(turns.c.position))
            .select_from(conversations.outerjoin(turns, turns.c.conversation_id == c.id))
            .where(c.owner == owner)
            .group_by(c.id, c.title, c.created, c.updated)
            .order_by(c.updated.desc())
            .limit(limit)
        )
        with self._connection() as conn:
            return [ConversationSummary(*row) for row in conn.execute(query)]

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with database_errors(self.db_url), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def _connection(self) -> Iterator[Connection]:
        with database_errors(self.db_url), self.engine.connect() as conn:
            yield conn


def _delete(conn: Connection, ids: Sequence[str]) -> None:
    if ids:
        conn.execute(delete(turns).where(turns.c.conversation_id.in_(ids)))
        conn.execute(delete(conversations).where(conversations.c.id.in_(ids)))


def _turn(question: str, answer: str | None, note: str | None) -> Turn:
    return Turn(question, Answer.from_dict(json.loads(answer)) if answer else None, note)


def title_of(question: str) -> str:
    """The question on one line, cut to TITLE_CHARS."""
    line = " ".join(question.split())
    return line if len(line) <= TITLE_CHARS else line[: TITLE_CHARS - 1] + "…"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


# The export: Markdown a journalist can paste anywhere. Article text (titles, quotes,
# answers made of them) is untrusted: see ``_escaped``.


def _escaped(text: str) -> str:
    """``text`` with every ASCII punctuation character backslash-escaped: Markdown shows it
    as written and makes no link, image, HTML, emphasis or list of it. Arabic letters
    and punctuation (، ؛ ؟) are not ASCII and stay as they are."""
    return ASCII_PUNCTUATION.sub(lambda m: "\\" + m.group(), text)


def _markdown_line(text: str) -> str:
    """Escaped text on one line."""
    return _escaped(" ".join(text.split()))


def _paragraphs(text: str) -> list[str]:
    """Escaped text, a paragraph per line. Leading spaces go: four would make a code
    block, which shows backslashes as written."""
    return [_escaped(line.strip()) for line in text.splitlines() if line.strip()]


def _link(address: str) -> str:
    """An autolink; ``web_address`` has ruled out spaces, and ``<``/``>`` are percent-encoded."""
    return "<" + address.replace("<", "%3C").replace(">", "%3E") + ">"


def _citation_markdown(citation: Citation, arabic: bool) -> list[str]:
    parts = [_markdown_line(card_title(citation, arabic))]
    if address := web_address(citation.source):
        parts.append(_link(address))
    quote = _paragraphs(citation.quote)
    if quote:
        parts.append("\n>\n".join(f"> {p}" for p in quote))
    return parts


def _turn_markdown(turn: Turn) -> list[str]:
    parts = [f"**Q:** {_markdown_line(turn.question)}"]
    if turn.note:
        parts.append(f"*No answer:* {_markdown_line(turn.note)}")
    if turn.answer:
        parts += _paragraphs(turn.answer.answer)
        for citation in turn.answer.citations:
            parts += _citation_markdown(citation, is_arabic(turn.question))
    return parts


def to_markdown(conversation: Conversation) -> str:
    """The conversation as Markdown: title, date, then each question, its answer and citations."""
    started = datetime.fromisoformat(conversation.created).strftime("%Y-%m-%d %H:%M UTC")
    parts = [f"# {_markdown_line(conversation.title) or 'Conversation'}", started]
    for turn in conversation.turns:
        parts += _turn_markdown(turn)
    return "\n\n".join(parts) + "\n"
