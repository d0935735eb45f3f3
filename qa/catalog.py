"""The document catalogue: one row per ingested article.

LangChain's record manager tracks passages; this table tracks documents, so
an unchanged article is recognised from its content hash before it is even
cleaned, removed files are found by their folder, and the chat can list
articles (title, outlet, date, passages, when ingested) without scanning
the vector store. It lives in the record manager's database.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    Column,
    Double,
    Integer,
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
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

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

# Bumped by every ingest that changes the collection; derived indexes compare it.
state = Table(
    "sanad_state",
    _metadata,
    Column("collection", String(200), primary_key=True),
    Column("generation", Integer, nullable=False),
)

# The writer lease: which ingest may write to the collection, until when (Unix time,
# renewed while it runs). Kept apart from sanad_state, which the writer itself updates.
writers = Table(
    "sanad_writers",
    _metadata,
    Column("collection", String(200), primary_key=True),
    Column("holder", String(300), nullable=False),
    Column("expires_at", Double, nullable=False),  # Float is 4 bytes on MySQL: seconds lost
)


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


_engines: dict[str, Engine] = {}


def _engine(db_url: str) -> Engine:
    if db_url not in _engines:
        engine = create_engine(db_url)
        existing = (
            {c["name"] for c in inspect(engine).get_columns(documents.name)}
            if inspect(engine).has_table(documents.name)
            else None
        )
        if existing is not None and existing != {c.name for c in documents.columns}:
            # Made by another version. The catalogue is bookkeeping: the next ingest
            # rebuilds it, and LangChain's record manager spares re-embedding.
            documents.drop(engine)
        _metadata.create_all(engine)
        _engines[db_url] = engine
    return _engines[db_url]


class Catalog:
    def __init__(self, db_url: str, collection: str) -> None:
        self.engine = _engine(db_url)
        self.collection = collection

    def all(self) -> list[DocumentRecord]:
        query = select(documents).where(documents.c.collection == self.collection).order_by(documents.c.key)
        with self.engine.connect() as conn:
            return [_record(row) for row in conn.execute(query)]

    def hashes(self) -> dict[str, str]:
        query = select(documents.c.key, documents.c.content_hash).where(documents.c.collection == self.collection)
        with self.engine.connect() as conn:
            return dict(conn.execute(query).all())

    def upsert(self, records: Iterable[DocumentRecord]) -> None:
        now = datetime.now(UTC).isoformat(timespec="seconds")
        rows = [{**r.__dict__, "ingested_at": now, "collection": self.collection} for r in records]
        if not rows:
            return
        with self.engine.begin() as conn:
            conn.execute(
                delete(documents).where(
                    documents.c.collection == self.collection, documents.c.key.in_([r["key"] for r in rows])
                )
            )
            conn.execute(documents.insert(), rows)

    def remove(self, keys: Iterable[str]) -> None:
        keys = list(keys)
        with self.engine.begin() as conn:
            for i in range(0, len(keys), 500):  # stay under SQL parameter limits
                conn.execute(
                    delete(documents).where(
                        documents.c.collection == self.collection, documents.c.key.in_(keys[i : i + 500])
                    )
                )

    def clear(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(documents).where(documents.c.collection == self.collection))
        self.bump()

    def generation(self) -> int:
        query = select(state.c.generation).where(state.c.collection == self.collection)
        with self.engine.connect() as conn:
            return conn.execute(query).scalar() or 0

    def bump(self) -> None:
        """Record that the collection changed."""
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(state).where(state.c.collection == self.collection).values(generation=state.c.generation + 1)
            )
            if updated.rowcount == 0:
                conn.execute(state.insert().values(collection=self.collection, generation=1))

    def take_lease(self, holder: str, seconds: float) -> str | None:
        """Become the collection's writer unless another holds an unexpired lease
        (then its holder is returned)."""
        now = time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(writers).where(writers.c.collection == self.collection, writers.c.expires_at < now))
                conn.execute(
                    writers.insert().values(collection=self.collection, holder=holder, expires_at=now + seconds)
                )
            return None
        except IntegrityError:
            return self.lease_holder() or "another ingest"

    def renew_lease(self, holder: str, seconds: float) -> bool:
        """Extend this holder's lease; False if it was lost (expired and taken over)."""
        with self.engine.begin() as conn:
            renewed = conn.execute(
                update(writers)
                .where(writers.c.collection == self.collection, writers.c.holder == holder)
                .values(expires_at=time.time() + seconds)
            )
        return renewed.rowcount == 1

    def release_lease(self, holder: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(writers).where(writers.c.collection == self.collection, writers.c.holder == holder))

    def lease_holder(self) -> str | None:
        """Who holds an unexpired writer lease, if anyone."""
        query = select(writers.c.holder).where(
            writers.c.collection == self.collection, writers.c.expires_at >= time.time()
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()


def _record(row) -> DocumentRecord:
    values = dict(row._mapping)
    values.pop("collection")
    return DocumentRecord(**values)
