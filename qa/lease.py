"""The writer lease: one ingest at a time per collection, across every machine that
shares the records database (QA_RECORD_DB).

A row in that database names the writer and when its lease lapses; a thread
renews it while the ingest runs. A lock held by a database session would free
itself on a crash, but no such lock works alike on SQLite, PostgreSQL and
MySQL; a lease does, at the price of a killed writer blocking the next one
until its lease lapses. Expiry is compared on each machine's own clock, so
clocks must agree to well within LEASE_SECONDS.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Double, MetaData, String, Table, delete, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from qa.errors import StoreError

LEASE_SECONDS = 30.0  # a writer that stops renewing (killed, paused) loses its lease after this
RENEW_EVERY = LEASE_SECONDS / 3
RETRY_AFTER = 1.0  # seconds between attempts to take the lease, or to renew it after an error
GIVE_UP_AFTER_ERRORS = 60  # consecutive database errors while waiting
log = logging.getLogger(__name__)

_metadata = MetaData()
# Which ingest may write to a collection, until when (Unix time, renewed while it runs).
writers = Table(
    "sanad_writers",
    _metadata,
    Column("collection", String(200), primary_key=True),
    Column("holder", String(300), nullable=False),
    Column("expires_at", Double, nullable=False),  # Float is 4 bytes on MySQL: seconds lost
)


class Leases:
    """The lease rows of one collection in the records database (SQLAlchemy Core, so
    SQLite, PostgreSQL and MySQL alike). Methods raise SQLAlchemyError: the callers
    below tell transient errors from lost leases."""

    def __init__(self, engine: Engine, collection: str) -> None:
        self.engine = engine
        self.collection = collection
        _metadata.create_all(engine)

    def take(self, holder: str, seconds: float) -> str | None:
        """Become the writer unless another holds an unexpired lease (then its holder is returned)."""
        now = time.time()
        try:
            with self.engine.begin() as conn:
                conn.execute(delete(writers).where(writers.c.collection == self.collection, writers.c.expires_at < now))
                conn.execute(
                    insert(writers).values(collection=self.collection, holder=holder, expires_at=now + seconds)
                )
            return None
        except IntegrityError:
            return self.holder() or "another ingest"

    def renew(self, holder: str, seconds: float) -> bool:
        """Extend this holder's lease; False if it was lost (expired and taken over)."""
        with self.engine.begin() as conn:
            renewed = conn.execute(
                update(writers)
                .where(writers.c.collection == self.collection, writers.c.holder == holder)
                .values(expires_at=time.time() + seconds)
            )
        return renewed.rowcount == 1

    def release(self, holder: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(writers).where(writers.c.collection == self.collection, writers.c.holder == holder))

    def holder(self) -> str | None:
        """Who holds an unexpired lease, if anyone."""
        query = select(writers.c.holder).where(
            writers.c.collection == self.collection, writers.c.expires_at >= time.time()
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar()


@contextmanager
def writer_lease(
    leases: Leases, where: str, on_wait: Callable[[str], None] | None = None
) -> Iterator[Callable[[], None]]:
    """Hold the collection's writer lease, waiting for another holder (named through
    ``on_wait``). Yields a check that raises StoreError unless the lease is surely still
    held: the writer calls it before it writes and between batches, so at most the batch
    under way is written after the lease lapsed."""
    holder = f"{socket.gethostname()} pid {os.getpid()} #{uuid.uuid4().hex[:6]}"
    _take(leases, holder, on_wait)
    stop, lost = threading.Event(), threading.Event()
    renewed = [time.time()]  # when the lease was last taken or renewed (wall clock, as its expiry)

    def renew() -> bool:
        if not lost.is_set() and leases.renew(holder, LEASE_SECONDS):
            renewed[0] = time.time()
            return True
        lost.set()
        return False

    def keep_renewing() -> None:
        pause = RENEW_EVERY
        while not stop.wait(pause):
            try:
                if not renew():
                    return
                pause = RENEW_EVERY
            except SQLAlchemyError as exc:
                log.warning("Cannot renew the writer lease, retrying: %s", exc)
                pause = RETRY_AFTER

    def still_writer() -> None:
        """Raise unless the lease is surely held: renewed lately, or renewed now."""
        if not lost.is_set() and time.time() - renewed[0] < LEASE_SECONDS - RENEW_EVERY:
            return
        try:
            held = renew()
        except SQLAlchemyError:
            held = False
        if not held:
            raise StoreError(
                f"This ingest lost its writer lease on {where} (paused, or cut off from the records "
                f"database, for over {LEASE_SECONDS:.0f} s) and stopped. Run it again."
            )

    renewer = threading.Thread(target=keep_renewing, name="writer-lease", daemon=True)
    renewer.start()
    try:
        yield still_writer
    finally:
        stop.set()
        renewer.join(timeout=5 * RETRY_AFTER)
        try:
            leases.release(holder)
        except SQLAlchemyError as exc:  # it lapses by itself; the ingest's own outcome matters more
            log.warning("Cannot release the writer lease (it lapses in %.0f s): %s", LEASE_SECONDS, exc)


def _take(leases: Leases, holder: str, on_wait: Callable[[str], None] | None) -> None:
    """Wait until this holder has the lease; transient database errors are retried."""
    told, errors = False, 0
    while True:
        other: str | None = None
        try:
            other = leases.holder()  # a read first: waiting takes no write lock
            if other is None and (other := leases.take(holder, LEASE_SECONDS)) is None:
                return
            if other == holder:  # taken by an attempt whose commit reported an error
                return
            errors = 0
        except SQLAlchemyError as exc:
            errors += 1
            if errors >= GIVE_UP_AFTER_ERRORS:
                raise StoreError(f"Cannot take the writer lease in the records database: {exc}") from None
            log.warning("Cannot take the writer lease yet: %s", exc)
        if on_wait and other and not told:
            on_wait(other)
            told = True
        time.sleep(RETRY_AFTER)
