"""The document catalogue: one row per ingested article.

LangChain's record manager tracks passages; this table tracks documents, so
an unchanged article is recognised from its content hash before it is even
cleaned, removed files are found by their folder, and the chat can list
articles (title, outlet, date, passages, when ingested) without scanning
the vector store. It lives in the record manager's database.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    inspect,
    select,
    update,
)
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from qa.errors import StoreError, storage_hint

_metadata = MetaData()
documents = Table(
    "sanad_documents",
    _metadata,
    Column("collection", String(200), primary_key=True),
    Column("key", String(2000), primary_key=True),
    Column("doc_id", Text, nullable=False),
    Column("file", Text, nullable=False),
    Column("root", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("title", Text),
    Column("outlet", Text),
    Column("date", String(10)),
    Column("url", Text),
    Column("content_hash", String(64), nullable=False),
    Column("passages", Integer, nullable=False),
    Column("ingested_at", String(32), nullable=False),
)

# Bumped by every ingest that changes the collection; derived indexes compare it. The
# identity is new whenever the row is made, so a records database that was lost and
# made again never meets an index saved for the old one at the same count.
state = Table(
    "sanad_state",
    _metadata,
    Column("collection", String(200), primary_key=True),
    Column("generation", Integer, nullable=False),
    Column("identity", String(32), nullable=False),
)


# Every change to the corpus: who, when, what was asked and what the ingest did.
change_log = Table(
    "sanad_changes",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("collection", String(200), nullable=False),
    Column("at", String(32), nullable=False),
    Column("user", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("summary", Text, nullable=False),
)

# Files saved from the chat's uploader, and by whom: their articles' citations say so.
uploaded_files = Table(
    "sanad_uploads",
    _metadata,
    Column("collection", String(200), primary_key=True),
    Column("file", String(2000), primary_key=True),
    Column("user", Text, nullable=False),
    Column("at", String(32), nullable=False),
)


# Each article's near-duplicate signature (ingest.wire) and, for a wire copy, the key
# of its group's earliest article. Rows go with their document's (upsert, remove).
copies = Table(
    "sanad_copies",
    _metadata,
    Column("collection", String(200), primary_key=True),
    Column("key", String(2000), primary_key=True),
    Column("signature", LargeBinary, nullable=False),
    Column("group_key", String(2000)),
)


@dataclass(frozen=True)
class CopyRecord:
    """A wire copy: its group (the earliest copy's key), outlet and date."""

    key: str
    group: str
    doc_id: str
    outlet: str | None
    date: str | None


@dataclass(frozen=True)
class Change:
    at: str
    user: str
    action: str
    summary: str


@dataclass(frozen=True)
class DocumentRecord:
    key: str
    doc_id: str
    file: str
    root: str
    source: str
    title: str | None
    outlet: str | None
    date: str | None
    url: str | None
    content_hash: str
    passages: int
    ingested_at: str = ""


def shown(db_url: str) -> str:
    """A database URL as users may see it: without its password."""
    try:
        return make_url(db_url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(an unreadable QA_RECORD_DB URL)"


@contextmanager
def database_errors(db_url: str) -> Iterator[None]:
    """SQLAlchemy's errors (disk full, locked, unreachable, no driver) as a StoreError
    naming the database."""
    try:
        yield
    except (SQLAlchemyError, ImportError) as exc:
        hint = storage_hint(exc)
        if hint:
            raise StoreError(f"Cannot write to the records database {shown(db_url)}: {hint}.") from None
        raise StoreError(
            f"The records database {shown(db_url)} is not usable: {getattr(exc, 'orig', None) or exc}"
        ) from None


def _reported(method):
    """A catalogue method whose database errors surface as StoreError."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with database_errors(self.db_url):
            return method(self, *args, **kwargs)

    return wrapper


def _engine(db_url: str) -> Engine:
    """An engine on ``db_url`` with the catalogue's tables in place."""
    engine = create_engine(db_url)
    for table in (documents, state):  # the change log and the uploads are kept: never dropped
        if not inspect(engine).has_table(table.name):
            continue
        if {c["name"] for c in inspect(engine).get_columns(table.name)} != {c.name for c in table.columns}:
            # Made by another version. The catalogue is bookkeeping: the next ingest
            # rebuilds it, and LangChain's record manager spares re-embedding.
            table.drop(engine)
    _metadata.create_all(engine)
    return engine


class Catalog:
    """The catalogue of one collection. Database errors surface as StoreError."""

    def __init__(self, db_url: str, collection: str) -> None:
        self.db_url = db_url
        self.collection = collection
        with database_errors(db_url):
            self.engine = _engine(db_url)

    @_reported
    def all(self) -> list[DocumentRecord]:
        query = select(documents).where(documents.c.collection == self.collection).order_by(documents.c.key)
        with self.engine.connect() as conn:
            return [_record(row) for row in conn.execute(query)]

    def _by_key(self, column: Column) -> dict[str, Any]:
        """{key: value of ``column``} over this collection's rows of the column's table."""
        table = column.table
        query = select(table.c.key, column).where(table.c.collection == self.collection)
        with self.engine.connect() as conn:
            return dict(conn.execute(query).all())

    @_reported
    def hashes(self) -> dict[str, str]:
        return self._by_key(documents.c.content_hash)

    @_reported
    def upsert(self, records: Iterable[DocumentRecord]) -> None:
        now = _now()
        rows = [{**r.__dict__, "ingested_at": now, "collection": self.collection} for r in records]
        if not rows:
            return
        with self.engine.begin() as conn:
            for table in (documents, copies):  # a changed article's signature is made again
                keys = [r["key"] for r in rows]
                conn.execute(delete(table).where(table.c.collection == self.collection, table.c.key.in_(keys)))
            conn.execute(documents.insert(), rows)

    @_reported
    def remove(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        with self.engine.begin() as conn:
            for i in range(0, len(keys), 500):  # stay under SQL parameter limits
                for table in (documents, copies):
                    conn.execute(
                        delete(table).where(table.c.collection == self.collection, table.c.key.in_(keys[i : i + 500]))
                    )

    @_reported
    def clear(self) -> None:
        with self.engine.begin() as conn:
            for table in (documents, copies):
                conn.execute(delete(table).where(table.c.collection == self.collection))
        self.bump()

    @_reported
    def log_change(self, user: str, action: str, summary: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                change_log.insert().values(
                    collection=self.collection, at=_now(), user=user, action=action, summary=summary
                )
            )

    @_reported
    def changes(self, limit: int = 50) -> list[Change]:
        """The latest changes, newest first."""
        query = (
            select(change_log.c.at, change_log.c.user, change_log.c.action, change_log.c.summary)
            .where(change_log.c.collection == self.collection)
            .order_by(change_log.c.id.desc())
            .limit(limit)
        )
        with self.engine.connect() as conn:
            return [Change(*row) for row in conn.execute(query)]

    @_reported
    def record_upload(self, file: str, user: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                delete(uploaded_files).where(
                    uploaded_files.c.collection == self.collection, uploaded_files.c.file == file
                )
            )
            conn.execute(uploaded_files.insert().values(collection=self.collection, file=file, user=user, at=_now()))

    @_reported
    def datelines(self) -> dict[str, tuple[str | None, str | None]]:
        """{key: (outlet, date)} of every document (three columns read, not whole records)."""
        c = documents.c
        query = select(c.key, c.outlet, c.date).where(c.collection == self.collection)
        with self.engine.connect() as conn:
            return {key: (outlet, day) for key, outlet, day in conn.execute(query)}

    @_reported
    def signatures(self) -> dict[str, bytes]:
        """{key: near-duplicate signature} of the articles that have one."""
        return self._by_key(copies.c.signature)

    @_reported
    def signed(self) -> set[str]:
        """The keys of the articles that have a near-duplicate signature (not read whole)."""
        return set(self._by_key(copies.c.group_key))

    @_reported
    def set_copies(self, signatures: dict[str, bytes], groups: dict[str, str]) -> None:
        """Replace the signatures and wire-copy groups (``groups``: {key: group key})."""
        rows = [
            {"collection": self.collection, "key": key, "signature": sig, "group_key": groups.get(key)}
            for key, sig in signatures.items()
        ]
        with self.engine.begin() as conn:
            conn.execute(delete(copies).where(copies.c.collection == self.collection))
            if rows:
                conn.execute(copies.insert(), rows)

    @_reported
    def copy_groups(self) -> list[CopyRecord]:
        """The articles that are wire copies of another, with their group, outlet and date."""
        c, d = copies.c, documents.c
        query = (
            select(c.key, c.group_key, d.doc_id, d.outlet, d.date)
            .join(documents, (d.collection == c.collection) & (d.key == c.key))
            .where(c.collection == self.collection, c.group_key.isnot(None))
        )
        with self.engine.connect() as conn:
            return [CopyRecord(*row) for row in conn.execute(query)]

    @_reported
    def dates(self) -> list[str]:
        """The dated articles' days (ISO), oldest first, one per article."""
        c = documents.c
        query = select(c.date).where(c.collection == self.collection, c.date.isnot(None))
        with self.engine.connect() as conn:
            return sorted(day[:10] for day in conn.execute(query).scalars() if day)

    @_reported
    def files(self) -> set[str]:
        """The files the stored documents came from."""
        query = select(documents.c.file).where(documents.c.collection == self.collection)
        with self.engine.connect() as conn:
            return set(conn.execute(query).scalars())

    @_reported
    def outlets(self) -> list[str]:
        """The outlets the articles name, each once, in alphabetical order (case aside)."""
        query = select(documents.c.outlet).where(
            documents.c.collection == self.collection, documents.c.outlet.isnot(None)
        )
        with self.engine.connect() as conn:
            return sorted(set(conn.execute(query).scalars()), key=str.casefold)

    @_reported
    def uploaders(self) -> dict[str, tuple[str, str]]:
        """{file: (who uploaded it, when)} of the files saved from the chat."""
        query = select(uploaded_files.c.file, uploaded_files.c.user, uploaded_files.c.at).where(
            uploaded_files.c.collection == self.collection
        )
        with self.engine.connect() as conn:
            return {file: (user, at) for file, user, at in conn.execute(query)}

    @_reported
    def generation(self) -> str:
        """'identity/count': it changes whenever the collection may have changed."""
        query = select(state.c.identity, state.c.generation).where(state.c.collection == self.collection)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return f"{row.identity}/{row.generation}" if row else "new/0"

    @_reported
    def bump(self) -> None:
        """Record that the collection changed."""
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(state).where(state.c.collection == self.collection).values(generation=state.c.generation + 1)
            )
            if updated.rowcount == 0:
                conn.execute(state.insert().values(collection=self.collection, generation=1, identity=uuid.uuid4().hex))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _record(row) -> DocumentRecord:
    values = dict(row._mapping)
    values.pop("collection")
    return DocumentRecord(**values)
