"""Keep a Chroma collection in step with article files.

Unchanged documents are recognised by their content hash and cost nothing
(the model is not even loaded); new and changed ones are cleaned, split and
indexed through LangChain's indexing API, which replaces a changed
document's old passages; documents whose files left an ingested folder are
deleted.
"""

from __future__ import annotations

import getpass
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ingest.documents import article_passages, clean_article, content_hash
from ingest.load import Discovery, RawDocument, discover, read_source
from ingest.uploads import UPLOAD_FOLDER
from ingest.wire import Article, copy_groups, signature
from qa.catalog import DocumentRecord
from qa.config import BUNDLED_CORPUS, Settings
from qa.embeddings import SentenceTransformerEmbeddings
from qa.errors import IngestError
from qa.integrity import check_store
from qa.lexical import load_or_build
from qa.memory import release_free_memory
from qa.passage import Passage
from qa.store import PassageStore, drop_collection, forget_in_memory_state, open_store
from qa.writer import Writer, writing

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
    warnings: list[dict[str, str]] = field(default_factory=list)  # ingested, with something to know
    repairs: list[str] = field(default_factory=list)  # what was found wrong with the store, and mended
    deferred: int = 0  # new or changed documents left for the next ingest (over the passage cap)

    def as_dict(self) -> dict:
        return asdict(self)

    def summary(self) -> str:
        return (
            f"{self.documents} documents, {self.passages} passages: {self.added} added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.deleted} deleted, {len(self.failed)} failed"
            + (f", {len(self.warnings)} with warnings" if self.warnings else "")
            + (f", {self.deferred} deferred (over this ingest's passage cap: ingest again)" if self.deferred else "")
        )


def ingest(
    paths: Iterable[Path] | None,
    settings: Settings,
    progress: ProgressCallback | None = None,
    rebuild: bool = False,
    on_wait: Callable[[str], None] | None = None,
    encoder: SentenceTransformerEmbeddings | None = None,
    who: str | None = None,
    action: str | None = None,
    max_passages: int | None = None,
) -> IngestReport:
    """Ingest files and folders (the bundled corpus when ``paths`` is empty).

    One ingest writes to a store at a time; another waits, told through ``on_wait``.
    ``encoder``: the process's encoder when it has one (the chat's engine); else one is
    made, and loaded only if something needs embedding. An ingest that changes the
    store is logged as ``action`` (default: "ingest" and the paths) made by ``who``
    (default: the operating-system user). ``max_passages`` caps what one ingest embeds
    (the chat's, so one upload cannot hold the store for long): documents past it are
    left, whole, for the next ingest.
    """
    given = list(paths or []) or [BUNDLED_CORPUS]
    encoder = encoder or SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
    with writing(settings, on_wait) as writer:
        if rebuild:
            drop_collection(settings)
        store = open_store(settings, create=True, catalog=writer.catalog)
        report = _ingest(store, encoder, given, progress, writer, max_passages)
        if report.added or report.updated or report.deleted or report.repairs:
            writer.catalog.log_change(
                who or f"{getpass.getuser()} (command line)",
                (action or f"ingest {', '.join(p.name or str(p) for p in given)}")[:500],
                report.summary(),
            )
    if report.added or report.updated or report.deleted:
        load_or_build(store)  # now rather than on the first question; saved, as the lock is free
        forget_in_memory_state(settings)  # questions asked next in this process see every new passage
    return report


def _ingest(
    store: PassageStore,
    encoder: SentenceTransformerEmbeddings,
    paths: list[Path],
    progress: ProgressCallback | None,
    writer: Writer,
    max_passages: int | None = None,
) -> IngestReport:
    report = IngestReport()
    found = discover(paths, store.settings.articles_dir)
    report.failed.extend({"path": p, "error": e} for p, e in found.failed)

    raw_docs, incomplete = _read_all(found, store.settings.max_file_bytes, report)
    _mark_uploads(raw_docs, store.catalog.uploaders(), store.settings)
    _repair(store, writer, report, {doc.key for doc in raw_docs})
    known = store.catalog.hashes()
    hashes = {doc.key: content_hash(doc) for doc in raw_docs}
    changed = [doc for doc in raw_docs if known.get(doc.key) != hashes[doc.key]]
    report.unchanged = len(raw_docs) - len(changed)

    removed = _removed_keys(found, raw_docs, incomplete, store)
    if changed or removed:
        with writer.changing():
            if removed:
                store.delete_documents(removed)
                report.deleted += len(removed)
            prepared = _prepare(store, encoder, changed, hashes, report)
            _index(store, encoder, _within_cap(prepared, max_passages, report), known, report, progress, writer)
            _group_copies(store, raw_docs)
    elif {doc.key for doc in raw_docs} & known.keys() - store.catalog.signed():
        with writer.changing():  # a store from before wire copies were found: its articles get signatures once
            _group_copies(store, raw_docs)

    current = {r.key: r.passages for r in store.catalog.all()}
    stored = [doc for doc in raw_docs if doc.key in current]
    report.documents = len(stored)
    report.passages = sum(current[doc.key] for doc in stored)
    return report


def _group_copies(store: PassageStore, raw_docs: list[RawDocument]) -> None:
    """Sign the stored articles that have no signature yet (those read in this ingest),
    and group the whole collection's wire copies again (ingest.wire)."""
    signatures = store.catalog.signatures()
    records = {r.key: r for r in store.catalog.all()}
    for doc in raw_docs:
        if doc.key in records and doc.key not in signatures:
            signatures[doc.key] = signature(doc.text)
    signatures = {key: sig for key, sig in signatures.items() if key in records}
    articles = [Article(key, records[key].outlet, records[key].date, sig) for key, sig in signatures.items()]
    store.catalog.set_copies(signatures, copy_groups(articles))


def _mark_uploads(docs: list[RawDocument], uploaders: dict[str, tuple[str, str]], settings: Settings) -> None:
    """Articles saved from the chat's uploader carry who uploaded them (and the outlets
    trusted then, so a change to that list processes them again). Every file in the
    uploads folder is an upload, recorded or not (a re-scan can read a file before its
    uploader is recorded, and a remade records database has forgotten them all)."""
    uploads = (settings.articles_dir / UPLOAD_FOLDER).resolve()
    for doc in docs:
        if doc.file in uploaders or Path(doc.file).is_relative_to(uploads):
            user, at = uploaders.get(doc.file, ("an unrecorded user", ""))
            doc.metadata["uploaded_by"] = f"{user} on {at[:10]}" if at else user
            doc.metadata["trusted_outlets"] = ",".join(sorted(settings.trusted_outlets))


def _vouched_outlet(outlet: str | None, raw: RawDocument, trusted: frozenset[str]) -> str | None:
    """An uploaded article keeps the outlet it names only when the operator trusts that
    outlet (QA_TRUSTED_OUTLETS): anyone may write "Reuters" in a file."""
    if "uploaded_by" in raw.metadata and (outlet or "").casefold() not in trusted:
        return None
    return outlet


def _repair(store: PassageStore, writer: Writer, report: IngestReport, read: set[str]) -> None:
    """Make the catalogue, the records and Chroma agree before anything is compared.

    A document with lost passages whose file was read in this ingest is forgotten, so it
    is embedded again below; one whose file was not is left as it is (forgetting it would
    lose it). Passages of documents the catalogue does not list are deleted when the
    catalogue is the collection's own: an embedded store's, or the shared records database
    of a Chroma server (QA_RECORD_DB). A server's collection checked against one machine's
    own catalogue may hold other machines' articles, and is left alone.
    """
    check = check_store(store)
    if check.sound:
        return
    report.repairs.extend(check.problems())
    damaged = [key for key in check.damaged if key in read]
    if len(damaged) < len(check.damaged):
        report.repairs.append(
            f"{len(check.damaged) - len(damaged)} of those documents were left as they are: their files are not "
            "part of this ingest (ingest their folders to mend them)"
        )
    owned = not store.settings.chroma_url or store.settings.record_db_url is not None
    if check.orphans and not owned:
        report.repairs.append(
            "the passages the catalogue does not list were left in the Chroma server's collection: other "
            "machines may have written them; every machine ingesting into it should share QA_RECORD_DB"
        )
    orphans = check.orphans if owned else {}
    if not damaged and not orphans:
        return
    with writer.changing():
        found = [pid for key in damaged for pid in check.damaged[key][1]]
        store.delete_documents([*damaged, *orphans], [*found, *(pid for ids in orphans.values() for pid in ids)])


def _read_all(found: Discovery, max_bytes: int, report: IngestReport) -> tuple[list[RawDocument], set[str]]:
    """The documents read, and the files not read completely (whole file or some JSONL lines failed)."""
    docs: list[RawDocument] = []
    incomplete: set[str] = set()
    for source in found.files:
        try:
            read = read_source(source, max_bytes)
        except IngestError as exc:
            incomplete.add(str(source.path))
            report.failed.append({"path": str(source.path), "error": str(exc)})
            continue
        docs.extend(read.docs)
        if read.failed:
            incomplete.add(str(source.path))
            report.failed.extend({"path": p, "error": e} for p, e in read.failed)
        if read.replaced:
            places = f"{read.replaced} place{'s' if read.replaced > 1 else ''}"
            report.warnings.append({"path": str(source.path), "warning": f"not UTF-8 in {places}, replaced by �"})
    return docs, incomplete


def _removed_keys(found: Discovery, docs: list[RawDocument], incomplete: set[str], store: PassageStore) -> list[str]:
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


def _prepare(
    store: PassageStore,
    encoder: SentenceTransformerEmbeddings,
    changed: list[RawDocument],
    hashes: dict[str, str],
    report: IngestReport,
) -> list[tuple[DocumentRecord, list[Passage]]]:
    """Each new or changed document cleaned and split, with its catalogue row."""
    prepared: list[tuple[DocumentRecord, list[Passage]]] = []
    for raw in changed:
        try:
            article = clean_article(raw)
            article.outlet = _vouched_outlet(article.outlet, raw, store.settings.trusted_outlets)
            passages = article_passages(article, encoder.count_tokens)
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
    return prepared


def _within_cap(
    prepared: list[tuple[DocumentRecord, list[Passage]]], max_passages: int | None, report: IngestReport
) -> list[tuple[DocumentRecord, list[Passage]]]:
    """The documents this ingest embeds: in order, as many as fit under the cap (at least
    one, so every ingest makes progress); the rest are counted as deferred."""
    if max_passages is None:
        return prepared
    taken: list[tuple[DocumentRecord, list[Passage]]] = []
    size = 0
    for item in prepared:
        if taken and size + len(item[1]) > max_passages:
            break
        taken.append(item)
        size += len(item[1])
    report.deferred = len(prepared) - len(taken)
    return taken


def _index(
    store: PassageStore,
    encoder: SentenceTransformerEmbeddings,
    prepared: list[tuple[DocumentRecord, list[Passage]]],
    known: dict[str, str],
    report: IngestReport,
    progress: ProgressCallback | None,
    writer: Writer,
) -> None:
    """Embed and store the prepared documents in batches, each with its catalogue rows."""
    if not prepared:
        return
    total = sum(len(p) for _, p in prepared)
    done = 0
    if progress:
        progress(0, total)
    # Documents go in groups of about `ingest_batch` passages: each group is one
    # embedding batch and one catalogue transaction, and a document never spans two
    # groups (so replacing its old passages happens in one step).
    batch = store.settings.ingest_batch
    for group in _groups(prepared, batch):
        passages = [p for _, document_passages in group for p in document_passages]
        writer.check()  # a writer whose shared lease lapsed stops before its next batch
        store.write(passages, encoder, batch)
        store.catalog.upsert(record for record, _ in group)
        for record, _ in group:
            if record.key in known:
                report.updated += 1
            else:
                report.added += 1
        done += len(passages)
        release_free_memory()  # a batch's buffers, freed in the encoder's threads (qa.memory)
        if progress:
            progress(done, total)


def _groups(prepared: list[tuple[DocumentRecord, list[Passage]]], batch: int):
    group: list[tuple[DocumentRecord, list[Passage]]] = []
    size = 0
    for item in prepared:
        group.append(item)
        size += len(item[1])
        if size >= batch:
            yield group
            group, size = [], 0
    if group:
        yield group
