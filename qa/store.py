"""The Chroma collection, LangChain's record manager and the document catalogue.

Chroma's default embedding function downloads a model, so collections are
always opened with ``embedding_function=None`` and vectors come from
``qa.embeddings``.
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from sqlalchemy.exc import SQLAlchemyError

from qa.config import Settings
from qa.embeddings import SentenceTransformerEmbeddings

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from langchain_chroma import Chroma
    from langchain_classic.indexes import SQLRecordManager

    from qa.catalog import Catalog

MODEL_KEY = "embedding_model"
# Chroma creates and registers an embedded store's in-memory system without a
# lock; a thread opening a client while another creates or drops that system
# gets a half-started one ("no attribute 'bindings'", "Could not connect to tenant").
_embedded_systems = threading.Lock()


class StoreError(RuntimeError):
    """The store cannot be used as asked; the message says what to do."""


class ModelMismatchError(StoreError):
    pass


def chroma_client(settings: Settings) -> ClientAPI:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in ("http", "https") or not url.hostname:
            raise StoreError(f"QA_CHROMA_URL must look like http://HOST:PORT, not {settings.chroma_url!r}")
        try:
            return chromadb.HttpClient(
                host=url.hostname,
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=chroma_settings,
            )
        except Exception as exc:  # chromadb raises plain Exceptions for connection failures
            raise StoreError(f"Cannot reach the Chroma server at {settings.chroma_url}: {exc}") from None
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    try:
        with _embedded_systems:
            return chromadb.PersistentClient(path=str(settings.store_dir), settings=chroma_settings)
    except Exception as exc:
        raise StoreError(f"{settings.store_dir} is not a usable Chroma store: {exc}") from None


@dataclass
class Store:
    """One collection with everything that keeps it in step with the article files."""

    settings: Settings
    client: ClientAPI
    collection: Collection
    generation: int  # the catalogue's generation when opened

    def is_stale(self) -> bool:
        """Has an ingest (in any process) changed this embedded store since it was opened?

        Embedded Chroma keeps each process's vector index in memory and does not
        see another process's writes until it is reopened (chroma-core/chroma#3792),
        nor, after ``forget_in_memory_state``, this one's; a server has no such lag.
        """
        return not self.settings.chroma_url and self.catalog.generation() != self.generation

    @cached_property
    def embeddings(self) -> SentenceTransformerEmbeddings:
        return SentenceTransformerEmbeddings(self.settings.embedding_model, self.settings.model_cache)

    @cached_property
    def vectorstore(self) -> Chroma:
        from langchain_chroma import Chroma

        return Chroma(
            client=self.client,
            collection_name=self.collection.name,
            embedding_function=self.embeddings,
        )

    @cached_property
    def record_manager(self) -> SQLRecordManager:
        return _record_manager(self.settings)

    @cached_property
    def catalog(self) -> Catalog:
        return _catalog(self.settings)

    def passage_count(self) -> int:
        return self.collection.count()


def _ensure_record_folder(settings: Settings) -> None:
    """The default records database is a SQLite file in the store folder, in server mode too."""
    if settings.record_db_url is None:
        settings.store_dir.mkdir(parents=True, exist_ok=True)


def open_store(settings: Settings, create: bool = False) -> Store:
    """Open the configured collection, checking it was built with the configured model."""
    if not settings.chroma_url and not create and not settings.store_dir.exists():
        raise StoreError(f"There is no store at {settings.store_dir}. Run `qa ingest` first.")
    _ensure_record_folder(settings)
    # Read before Chroma loads the store: an ingest in between costs one needless reopen, not a missed one.
    generation = _catalog(settings).generation()
    client = chroma_client(settings)
    try:
        if create:
            collection = client.get_or_create_collection(
                settings.collection,
                metadata={MODEL_KEY: settings.embedding_model},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        else:
            collection = client.get_collection(settings.collection, embedding_function=None)
    except StoreError:
        raise
    except Exception as exc:
        if not create and "does not exist" in str(exc):
            raise StoreError(
                f"The store at {settings.store_location} has no collection "
                f"'{settings.collection}'. Run `qa ingest` first."
            ) from None
        raise StoreError(f"Cannot open collection '{settings.collection}': {exc}") from None
    built_with = (collection.metadata or {}).get(MODEL_KEY)
    if built_with != settings.embedding_model:
        raise ModelMismatchError(
            f"The collection '{settings.collection}' was built with the embedding model "
            f"{built_with!r}, but {settings.embedding_model!r} is configured. Either use "
            f"--embedding-model {built_with!r}, or rebuild the collection with "
            f"`qa --embedding-model {settings.embedding_model!r} ingest --rebuild`."
        )
    return Store(settings, client, collection, generation)


def forget_in_memory_state(settings: Settings) -> None:
    """Make the next client of an embedded store in this process load it from disk.

    Chroma shares one in-memory system per path within a process. Another
    process's writes never reach it (chroma-core/chroma#3792), and even this
    process's own writes are sometimes missing from its vector index when the
    index is first loaded after them (measured: 1 in ~10 fresh stores, Chroma
    1.5.9). Stores opened before keep the old system: open them again.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    with _embedded_systems:
        SharedSystemClient._identifier_to_system.pop(str(settings.store_dir), None)


def reopen(store: Store) -> Store:
    """The same store read afresh from disk (see ``Store.is_stale``)."""
    forget_in_memory_state(store.settings)
    return open_store(store.settings)


def current(store: Store) -> Store:
    """``store``, reopened if another process changed it since."""
    return reopen(store) if store.is_stale() else store


def ingest_running(settings: Settings) -> bool:
    """Is an ingest writing to this store right now (in any process on this machine,
    or on any machine sharing the records database)?"""
    try:
        if settings.record_db_url and _catalog(settings).lease_holder():
            return True
    except SQLAlchemyError as exc:
        raise StoreError(f"The records database {settings.record_db} is not usable: {exc}") from None
    try:
        with open(settings.store_dir / ".ingest.lock") as lock:
            fcntl.flock(lock, fcntl.LOCK_SH | fcntl.LOCK_NB)
            fcntl.flock(lock, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False
    except BlockingIOError:
        return True


def _waiting(settings: Settings, who: str = "") -> str:
    return (
        f"Another ingest{f' ({who})' if who else ''} is writing to {settings.store_location}; waiting for it to finish…"
    )


@contextmanager
def writing(settings: Settings, on_wait: Callable[[str], None] | None = None) -> Iterator[Callable[[], None]]:
    """Hold the store's writer lock: one ingest at a time per store folder and, when the
    records database is shared (QA_RECORD_DB), per collection across machines (qa.lease).

    A second ingest waits for the first (saying so through ``on_wait``) instead of
    interleaving its writes; the folder's lock is released by the kernel even after
    kill -9. Yields a check for the writer to call between batches: it raises
    StoreError if the shared lease was lost.
    """
    settings.store_dir.mkdir(parents=True, exist_ok=True)
    with open(settings.store_dir / ".ingest.lock", "a+") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait:
                on_wait(_waiting(settings))
            fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not settings.record_db_url:
                yield lambda: None
                return
            from qa.lease import writer_lease

            tell = (lambda holder: on_wait(_waiting(settings, holder))) if on_wait else None
            with writer_lease(_catalog(settings), settings.store_location, tell) as still_writer:
                yield still_writer
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def drop_collection(settings: Settings) -> None:
    """Delete the collection, its records and its catalogue (for a rebuild)."""
    client = chroma_client(settings)
    _ensure_record_folder(settings)
    try:
        client.delete_collection(settings.collection)
    except Exception as exc:  # a missing collection is already dropped
        if "does not exist" not in str(exc):
            raise StoreError(f"Cannot delete collection '{settings.collection}': {exc}") from None
    manager = _record_manager(settings)
    keys = manager.list_keys()
    if keys:
        manager.delete_keys(keys)
    _catalog(settings).clear()


def _record_manager(settings: Settings) -> SQLRecordManager:
    from langchain_classic.indexes import SQLRecordManager

    try:
        manager = SQLRecordManager(f"chroma/{settings.collection}", db_url=settings.record_db)
        manager.create_schema()
    except SQLAlchemyError as exc:
        raise StoreError(f"The records database {settings.record_db} is not usable: {exc.orig or exc}") from None
    return manager


def _catalog(settings: Settings) -> Catalog:
    from qa.catalog import Catalog

    try:
        return Catalog(settings.record_db, settings.collection)
    except SQLAlchemyError as exc:
        raise StoreError(f"The records database {settings.record_db} is not usable: {exc.orig or exc}") from None
