"""The passage store: one Chroma collection, LangChain's record manager and the
document catalogue, behind one object.

Chroma's default embedding function downloads a model, so collections are
always opened with ``embedding_function=None`` and vectors come from the
encoder handed in (``qa.embeddings``).
"""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from operator import attrgetter
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

from qa.catalog import Catalog, database_errors
from qa.config import Settings
from qa.errors import MissingCollectionError, ModelMismatchError, SanadError, StoreError, storage_hint
from qa.passage import Passage

if TYPE_CHECKING:
    from chromadb.api import ClientAPI
    from chromadb.api.models.Collection import Collection
    from langchain_classic.indexes import SQLRecordManager
    from langchain_core.embeddings import Embeddings

MODEL_KEY = "embedding_model"
_QUERIED = ("ids", "documents", "metadatas", "distances")
# Chroma creates and registers an embedded store's in-memory system in a process-wide
# map without a lock; a thread opening a client while another creates or drops that
# system gets a half-started one ("no attribute 'bindings'", "Could not connect to
# tenant"). The lock is process-wide because Chroma's map is: the one module-level
# state the project keeps.
_embedded_systems = threading.Lock()


@contextmanager
def chroma_errors(settings: Settings) -> Iterator[None]:
    """Chroma's failures (it raises plain exceptions) as a StoreError naming the store."""
    try:
        yield
    except SanadError:
        raise
    except Exception as exc:
        hint = storage_hint(exc) or _space_hint(settings)  # Chroma's own errors may not say why
        if hint:
            raise StoreError(f"Cannot write to the store at {settings.store_location}: {hint}.") from None
        raise StoreError(
            f"The Chroma store at {settings.store_location} failed: {exc}. {_start_again(settings)}"
        ) from None


def _start_again(settings: Settings) -> str:
    """How to build a broken store again. An embedded one's damaged files can defeat
    `--rebuild` itself (it cannot drop a malformed collection), so Chroma's files are moved
    aside; records.sqlite stays (conversations, the change log, who uploaded what), and
    the next ingest finds its documents missing from Chroma and embeds them again."""
    if settings.chroma_url:
        return "If it stays broken, `qa ingest --rebuild` builds the collection again from the articles."
    folder = settings.store_dir
    return (
        f"If Chroma's files are damaged, move them aside, keeping records.sqlite (mkdir {folder}.broken && "
        f"mv {folder}/chroma.sqlite3 {folder}/*-*-*-*-*/ {folder}.broken/) and run `qa ingest` to embed the "
        "articles again."
    )


LOW_SPACE_BYTES = 16 * 1024 * 1024


def _space_hint(settings: Settings) -> str | None:
    """'The disk is full' when an embedded store's disk has almost no room left."""
    if settings.chroma_url:
        return None
    try:
        free = shutil.disk_usage(settings.store_dir).free
    except OSError:
        return None
    return (
        f"the disk is full ({free:,} bytes free): free some space, then run it again"
        if free < LOW_SPACE_BYTES
        else None
    )


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
        forget_in_memory_state(settings)  # a half-made system for this path would fail every later client
        folder = settings.store_dir
        hint = storage_hint(exc)
        if hint:
            raise StoreError(f"Cannot use the store at {folder}: {hint}.") from None
        raise StoreError(f"{folder} is not a usable Chroma store ({exc}). {_start_again(settings)}") from None


def make_records_folder(settings: Settings) -> None:
    """The default records database is a SQLite file in the store folder, in server mode too."""
    if settings.record_db_url is None:
        settings.store_dir.mkdir(parents=True, exist_ok=True)


def open_catalog(settings: Settings) -> Catalog:
    """The catalogue of the configured collection (the records database is made if needed)."""
    make_records_folder(settings)
    return Catalog(settings.record_db, settings.collection)


@dataclass
class PassageStore:
    """One collection with everything that keeps it in step with the article files."""

    settings: Settings
    client: ClientAPI
    collection: Collection
    catalog: Catalog
    generation: str  # the catalogue's generation when opened

    def reopen(self) -> PassageStore:
        """The same store read afresh (see ``forget_in_memory_state``)."""
        forget_in_memory_state(self.settings)
        return open_store(self.settings, catalog=self.catalog)

    @cached_property
    def record_manager(self) -> SQLRecordManager:
        return record_manager(self.settings)

    def count(self) -> int:
        with chroma_errors(self.settings):
            return self.collection.count()

    def nearest(self, vector: list[float], n: int, within: list[str] | None = None) -> list[tuple[Passage, float]]:
        """The ``n`` passages nearest to ``vector`` (among the passage ids ``within`` when
        given) with their cosine similarity, best first. Chroma returns fewer when fewer are
        stored, so the store is not counted first: on the whole archive a count took 11 ms
        of a search's 37."""
        if n <= 0 or within == []:
            return []
        with chroma_errors(self.settings):
            result = self._query_held(vector, n, within)
        return [
            (Passage.from_chroma(pid, text, meta), 1.0 - distance)
            for pid, text, meta, distance in zip(
                result["ids"][0], result["documents"][0], result["metadatas"][0], result["distances"][0]
            )
        ]

    def _query_held(self, vector: list[float], n: int, within: list[str] | None) -> Any:
        """Chroma refuses a whole query limited to ids when one of them is not stored
        (another process removed its article since the ids were read): the query is asked
        again of the ids Chroma still holds, for as long as some go missing between tries.
        A failure with every id held is not that one, and is raised as it was."""
        while True:
            try:
                return self._query(vector, n, within)
            except Exception:
                if within is None:
                    raise
                held = [pid for got in self._got(within, []) for pid in got["ids"]]
                if len(held) == len(set(within)):
                    raise
                if not held:
                    return {key: [[]] for key in _QUERIED}
                within = held

    def _query(self, vector: list[float], n: int, within: list[str] | None) -> Any:
        return self.collection.query(
            query_embeddings=[vector],  # type: ignore[arg-type]  # a list of floats is accepted
            n_results=n,
            include=["documents", "metadatas", "distances"],
            ids=within,
        )

    def passage_articles(self, passage_ids: list[str]) -> dict[str, str]:
        """{passage id: its article's key} for ``passage_ids``. The key is the record
        manager's for the ids it lists, returned without asking Chroma whether it still
        holds them (an id hashes its passage's text and metadata, the key among them, so the
        two agree), and Chroma's metadata for the rest, which are left out when Chroma does
        not hold them either (normally there is no rest: passages an ingest stopped before
        recording, or a lost records database). Reading every passage's metadata from Chroma
        took 6.3-7.6 s at the whole archive; the record manager's table, read directly in
        one query, 60 ms (its API lists the keys of given articles only: a second for half a
        year's)."""
        from langchain_classic.indexes._sql_record_manager import UpsertionRecord
        from sqlalchemy import inspect, select

        engine = self.catalog.engine  # the records' database: the catalogue lives in it
        records: dict[str, str] = {}
        with database_errors(self.settings.record_db), engine.connect() as conn:
            if inspect(conn).has_table(UpsertionRecord.__tablename__):  # none before a first ingest
                query: Any = select(UpsertionRecord.key, UpsertionRecord.group_id).where(
                    UpsertionRecord.namespace == record_namespace(self.settings)
                )
                records = {key: group for key, group in conn.execute(query) if key and group}
        found = {pid: records[pid] for pid in passage_ids if pid in records}
        unknown = [pid for pid in passage_ids if pid not in records]
        for got in self._got(unknown, ["metadatas"]):
            found.update((pid, str((meta or {}).get("doc_key", ""))) for pid, meta in zip(got["ids"], got["metadatas"]))
        return found

    def article_datelines(self) -> dict[str, tuple[str | None, str | None]]:
        """{article key: (outlet, date)} from the catalogue."""
        return self.catalog.datelines()

    def get(self, ids: list[str]) -> list[Passage]:
        if not ids:
            return []
        with chroma_errors(self.settings):
            got: Any = self.collection.get(ids=ids, include=["documents", "metadatas"])
        return [Passage.from_chroma(*row) for row in zip(got["ids"], got["documents"], got["metadatas"])]

    def article_text(self, doc_key: str) -> str:
        """A document's cleaned text, put back together from its passages (each knows its span)."""
        with chroma_errors(self.settings):
            got: Any = self.collection.get(where={"doc_key": doc_key}, include=["documents", "metadatas"])
        passages = map(Passage.from_chroma, got["ids"], got["documents"], got["metadatas"])
        text = ""
        for passage in sorted(passages, key=attrgetter("start")):
            gap = passage.start - len(text)  # the spaces between sentences: a paragraph break is two or more
            text += " " if gap == 1 else "\n" * gap
            if passage.start + len(passage.text) > len(
                text
            ):  # overlapping text agrees; a passage inside another adds nothing
                text = text[: passage.start] + passage.text
        return text

    def _pages(self, include: list[str], page: int = 5000) -> Iterator[Any]:
        """The whole collection read in pages of ``page`` passages (ids, and ``include``)."""
        for offset in range(0, self.count(), page):
            with chroma_errors(self.settings):
                got: Any = self.collection.get(include=include, limit=page, offset=offset)  # type: ignore[arg-type]
            yield got

    def texts(self) -> Iterator[tuple[str, str]]:
        """(passage id, text) of every passage."""
        for got in self._pages(["documents"]):
            yield from _id_texts(got)

    def passage_ids(self) -> list[str]:
        """The id of every passage, in the order ``texts`` reads them."""
        return [passage_id for got in self._pages([]) for passage_id in got["ids"]]

    def texts_of(self, passage_ids: list[str]) -> Iterator[tuple[str, str]]:
        """(passage id, text) of the given passages that are stored, read in pages."""
        for got in self._got(passage_ids, ["documents"]):
            yield from _id_texts(got)

    def _got(self, passage_ids: list[str], include: list[str], page: int = 5000) -> Iterator[Any]:
        """Chroma's ``get`` of the given passages (those stored), in pages: it refuses one of
        more than about 32,000 ids."""
        for start in range(0, len(passage_ids), page):
            with chroma_errors(self.settings):
                got: Any = self.collection.get(ids=passage_ids[start : start + page], include=include)  # type: ignore[arg-type]
            yield got

    def passages_by_document(self) -> dict[str, list[str]]:
        """The passage ids Chroma holds, by the key of their document."""
        found: dict[str, list[str]] = {}
        for passage_id, key in self.passage_articles(self.passage_ids()).items():
            found.setdefault(key, []).append(passage_id)
        return found

    def write(self, passages: list[Passage], encoder: Embeddings, batch_size: int) -> None:
        """Store the passages of whole documents, replacing those documents' old passages
        (LangChain's indexing API: unchanged passages are not embedded again)."""
        from langchain_chroma import Chroma
        from langchain_core.indexing import index

        vectorstore = Chroma(client=self.client, collection_name=self.collection.name, embedding_function=encoder)
        with database_errors(self.settings.record_db), chroma_errors(self.settings):
            index(
                [p.to_document() for p in passages],
                self.record_manager,
                vectorstore,
                cleanup="scoped_full",
                source_id_key="doc_key",
                batch_size=batch_size,
                key_encoder="sha256",
            )

    def delete_documents(self, doc_keys: list[str], found: Sequence[str] = ()) -> None:
        """Remove documents: their passages, their records and their catalogue rows.
        ``found``: passage ids Chroma holds for them beyond what the records list (a
        repair, where the two disagree)."""
        if not doc_keys:
            return
        with database_errors(self.settings.record_db), chroma_errors(self.settings):
            recorded = self.record_manager.list_keys(group_ids=doc_keys)
            passage_ids = list(dict.fromkeys([*recorded, *found]))
            for start in range(0, len(passage_ids), 5000):
                self.collection.delete(ids=passage_ids[start : start + 5000])
            if recorded:
                self.record_manager.delete_keys(recorded)
        self.catalog.remove(doc_keys)


def _id_texts(got: Any) -> Iterator[tuple[str, str]]:
    """(passage id, text) pairs of what a Chroma ``get`` returned with its documents."""
    return zip(got["ids"], (text or "" for text in got["documents"]))


def open_store(settings: Settings, create: bool = False, catalog: Catalog | None = None) -> PassageStore:
    """Open the configured collection, checking it was built with the configured model."""
    if not settings.chroma_url and not create and not settings.store_dir.exists():
        raise StoreError(f"There is no store at {settings.store_dir}. Run `qa ingest` first.")
    catalog = catalog or open_catalog(settings)
    # Read before Chroma loads the store: an ingest in between costs one needless reopen, not a missed one.
    generation = catalog.generation()
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
    except Exception as exc:
        if not create and "does not exist" in str(exc):
            raise MissingCollectionError(
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
    return PassageStore(settings, client, collection, catalog, generation)


def forget_in_memory_state(settings: Settings) -> None:
    """Make the next client of an embedded store in this process load it from disk.

    Chroma shares one in-memory system per path within a process. Another
    process's writes never reach it (chroma-core/chroma#3792), and even this
    process's own writes are sometimes missing from its vector index when the
    index is first loaded after them (measured: 1 in ~10 fresh stores, Chroma
    1.5.9). Stores opened before keep the old system: open them again.
    No public call reloads one path (``clear_system_cache()`` drops every path).
    """
    if settings.chroma_url:
        return
    from chromadb.api.shared_system_client import SharedSystemClient

    with _embedded_systems:
        SharedSystemClient._identifier_to_system.pop(str(settings.store_dir), None)


def drop_collection(settings: Settings) -> None:
    """Delete the collection, its records and its catalogue (for a rebuild)."""
    client = chroma_client(settings)
    try:
        client.delete_collection(settings.collection)
    except Exception as exc:  # a missing collection is already dropped
        if "does not exist" not in str(exc):
            raise StoreError(f"Cannot delete collection '{settings.collection}': {exc}") from None
    catalog = open_catalog(settings)
    manager = record_manager(settings)
    with database_errors(settings.record_db):
        keys = manager.list_keys()
        if keys:
            manager.delete_keys(keys)
    catalog.clear()


def record_namespace(settings: Settings) -> str:
    """The record manager's namespace for the configured collection."""
    return f"chroma/{settings.collection}"


def record_manager(settings: Settings) -> SQLRecordManager:
    from langchain_classic.indexes import SQLRecordManager

    make_records_folder(settings)
    with database_errors(settings.record_db):
        manager = SQLRecordManager(record_namespace(settings), db_url=settings.record_db)
        manager.create_schema()
    return manager
