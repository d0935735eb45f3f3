"""Keep a Chroma collection in step with article files.

Unchanged documents are recognised by their content hash and cost nothing
(the model is not even loaded); new and changed ones are cleaned, split and
indexed through LangChain's indexing API, which replaces a changed
document's old passages; documents whose files left an ingested folder are
deleted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from langchain_core.documents import Document
from langchain_core.indexing import index

from ingest.documents import article_passages, clean_article, content_hash
from ingest.load import Discovery, IngestError, RawDocument, discover, read_source
from qa.catalog import DocumentRecord
from qa.config import BUNDLED_CORPUS, Settings
from qa.lexical import lexical_index
from qa.store import Store, drop_collection, forget_in_memory_state, open_store, writing

ProgressCallback = Callable[[int, int], None]  # (passages done, passages to embed)


@dataclass
class IngestReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    documents: int = 0
    passages: int = 0
    failed: list[dict[str, str]] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"{self.documents} documents, {self.passages} passages: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted, {len(self.failed)} failed"
        )


def ingest(
    paths: Iterable[Path] | None,
    settings: Settings,
    progress: ProgressCallback | None = None,
    rebuild: bool = False,
    on_wait: Callable[[str], None] | None = None,
) -> IngestReport:
    """Ingest files and folders (the bundled corpus when ``paths`` is empty).

    One ingest writes to a store at a time; another waits, told through ``on_wait``.
    """
    with writing(settings, on_wait) as still_writer:
        if rebuild:
            drop_collection(settings)
        store = open_store(settings, create=True)
        report = _ingest(store, list(paths or []) or [BUNDLED_CORPUS], progress, still_writer)
    if report.added or report.updated or report.deleted:
        lexical_index(store)  # now rather than on the first question; saved, as the lock is free
        if not settings.chroma_url:
            forget_in_memory_state(settings)  # questions asked next in this process see every new passage
    return report


def _ingest(
    store: Store, paths: list[Path], progress: ProgressCallback | None, still_writer: Callable[[], None]
) -> IngestReport:
    report = IngestReport()
    found = discover(paths)
    report.failed.extend({"path": p, "error": e} for p, e in found.failed)

    raw_docs, incomplete = _read_all(found, store.settings.max_file_bytes, report)
    known = store.catalog.hashes()
    hashes = {doc.key: content_hash(doc) for doc in raw_docs}
    changed = [doc for doc in raw_docs if known.get(doc.key) != hashes[doc.key]]
    report.unchanged = len(raw_docs) - len(changed)

    removed = _removed_keys(found, raw_docs, incomplete, store)
    if changed or removed:
        # The generation moves before writing, so that an ingest killed half-way still
        # marks derived indexes stale, and after, even when this ingest fails half-way:
        # a reader that rebuilt meanwhile rebuilds again from what was written.
        still_writer()
        store.catalog.bump()
        try:
            _delete(store, removed, report)
            _index_changed(store, changed, hashes, known, report, progress, still_writer)
        finally:
            store.catalog.bump()

    current = {r.key: r.passages for r in store.catalog.all()}
    stored = [doc for doc in raw_docs if doc.key in current]
    report.documents = len(stored)
    report.passages = sum(current[doc.key] for doc in stored)
    return report


def _read_all(found: Discovery, max_bytes: int, report: IngestReport) -> tuple[list[RawDocument], set[str]]:
    """The documents read, and the files not read completely (whole file or some JSONL lines failed)."""
    docs: list[RawDocument] = []
    incomplete: set[str] = set()
    for source in found.files:
        try:
            file_docs, line_failures = read_source(source, max_bytes)
        except IngestError as exc:
            incomplete.add(str(source.path))
            report.failed.append({"path": str(source.path), "error": str(exc)})
            continue
        docs.extend(file_docs)
        if line_failures:
            incomplete.add(str(source.path))
            report.failed.extend({"path": p, "error": e} for p, e in line_failures)
    return docs, incomplete


def _removed_keys(found: Discovery, docs: list[RawDocument], incomplete: set[str], store: Store) -> list[str]:
    """Catalogued documents under an ingested folder that are no longer there.

    A file that exists but was not read completely this time (unreadable, or a
    JSONL file with bad lines) keeps its documents: bad input never loses what
    was already ingested.
    """
    present = {doc.key for doc in docs}
    read_files = {str(f.path) for f in found.files} - incomplete
    roots = {str(root) for root in found.roots}
    removed = []
    for record in store.catalog.all():
        if record.key in present or record.file in incomplete:
            continue
        under_root = record.root in roots or any(record.file.startswith(root + "/") for root in roots)
        jsonl_line_gone = record.file in read_files  # the JSONL file was read whole but this id is gone
        if under_root or jsonl_line_gone:
            removed.append(record.key)
    return removed


def _delete(store: Store, keys: list[str], report: IngestReport) -> None:
    if not keys:
        return
    passage_ids = store.record_manager.list_keys(group_ids=keys)
    if passage_ids:
        store.collection.delete(ids=passage_ids)
        store.record_manager.delete_keys(passage_ids)
    store.catalog.remove(keys)
    report.deleted += len(keys)


def _index_changed(
    store: Store,
    changed: list[RawDocument],
    hashes: dict[str, str],
    known: dict[str, str],
    report: IngestReport,
    progress: ProgressCallback | None,
    still_writer: Callable[[], None],
) -> None:
    if not changed:
        return
    tokenizer = store.embeddings.model.tokenizer

    def count_tokens(text: str) -> int:
        return len(tokenizer(text, add_special_tokens=False)["input_ids"])

    prepared: list[tuple[DocumentRecord, list[Document]]] = []
    for raw in changed:
        try:
            article = clean_article(raw)
            passages = article_passages(article, count_tokens)
        except IngestError as exc:
            report.failed.append({"path": raw.source if raw.key == raw.source else raw.key, "error": str(exc)})
            continue
        record = DocumentRecord(
            key=raw.key,
            doc_id=raw.doc_id,
            file=raw.file,
            root=raw.root,
            source=raw.source,
            title=article.title,
            outlet=article.outlet,
            date=article.date,
            url=article.url,
            content_hash=hashes[raw.key],
            passages=len(passages),
        )
        prepared.append((record, passages))

    total = sum(len(p) for _, p in prepared)
    done = 0
    if progress:
        progress(0, total)
    # Documents go in groups of about `ingest_batch` passages: each group is one
    # embedding batch and one catalogue transaction, and a document never spans two
    # groups (so replacing its old passages happens in one step).
    batch = store.settings.ingest_batch
    for group in _groups(prepared, batch):
        documents = [doc for _, passages in group for doc in passages]
        still_writer()  # a writer whose shared lease lapsed stops before its next batch
        index(
            documents,
            store.record_manager,
            store.vectorstore,
            cleanup="scoped_full",
            source_id_key="doc_key",
            batch_size=batch,
            key_encoder="sha256",
        )
        store.catalog.upsert(record for record, _ in group)
        for record, _ in group:
            if record.key in known:
                report.updated += 1
            else:
                report.added += 1
        done += len(documents)
        if progress:
            progress(done, total)


def _groups(prepared: list[tuple[DocumentRecord, list[Document]]], batch: int):
    group: list[tuple[DocumentRecord, list[Document]]] = []
    size = 0
    for item in prepared:
        group.append(item)
        size += len(item[1])
        if size >= batch:
            yield group
            group, size = [], 0
    if group:
        yield group
