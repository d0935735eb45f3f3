"""Who may write to a store, and telling readers that it changed.

One ingest writes at a time: per store folder through a file lock (released by
the kernel even after kill -9) and, when the records database is shared
(QA_RECORD_DB), per collection across machines through a lease row
(qa.lease). A writer moves the catalogue's generation before it writes and
again when it is done or fails, so readers rebuild derived state (the BM25
index) and reopen an embedded store.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from qa.catalog import Catalog, database_errors
from qa.config import Settings
from qa.errors import StoreError, storage_hint
from qa.lease import Leases, writer_lease
from qa.store import open_catalog

LOCK_FILE = ".ingest.lock"


class Writer:
    """Handed to the code that writes while the writer lock is held."""

    def __init__(self, catalog: Catalog, still_writer: Callable[[], None]) -> None:
        self.catalog = catalog  # the writer's own: the store it writes to can share it
        self._still_writer = still_writer

    def check(self) -> None:
        """Raise StoreError if the shared lease was lost: called before each batch, so at
        most the batch under way is written after another writer took over."""
        self._still_writer()

    @contextmanager
    def changing(self) -> Iterator[None]:
        """Around writes: the generation moves before (an ingest killed half-way still
        marks derived indexes stale) and after, even on failure (a reader that rebuilt
        meanwhile rebuilds again from what was written)."""
        self.check()
        self.catalog.bump()
        try:
            yield
        finally:
            self.catalog.bump()


def _leases(catalog: Catalog) -> Leases:
    with database_errors(catalog.db_url):
        return Leases(catalog.engine, catalog.collection)


def _waiting(settings: Settings, who: str = "") -> str:
    return (
        f"Another ingest{f' ({who})' if who else ''} is writing to {settings.store_location}; waiting for it to finish…"
    )


@contextmanager
def writing(settings: Settings, on_wait: Callable[[str], None] | None = None) -> Iterator[Writer]:
    """Hold the store's writer lock, waiting (and saying so through ``on_wait``) while
    another ingest holds it, instead of interleaving writes."""
    try:
        settings.store_dir.mkdir(parents=True, exist_ok=True)
        lock = open(settings.store_dir / LOCK_FILE, "a+")  # noqa: SIM115 (closed below, after the lease)
    except OSError as exc:
        reason = storage_hint(exc) or exc.strerror or str(exc)
        raise StoreError(f"Cannot write to the store at {settings.store_location}: {reason}.") from None
    catalog = open_catalog(settings)
    with lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(_waiting(settings))
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not settings.record_db_url:
                yield Writer(catalog, lambda: None)
                return
            tell = (lambda holder: on_wait(_waiting(settings, holder))) if on_wait else None
            with writer_lease(_leases(catalog), settings.store_location, tell) as still:
                yield Writer(catalog, still)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def ingest_running(settings: Settings) -> bool:
    """Is an ingest writing to this store right now (in any process on this machine,
    or on any machine sharing the records database)?"""
    if settings.record_db_url:
        catalog = open_catalog(settings)
        with database_errors(catalog.db_url):
            if _leases(catalog).holder():
                return True
    try:
        with open(settings.store_dir / LOCK_FILE) as lock:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False
    except BlockingIOError:
        return True
