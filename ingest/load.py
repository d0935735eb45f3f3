"""Find article files and decode them into raw documents.

Untrusted input: every problem with one file becomes an ``IngestError`` for
that file (reported, never a traceback), and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from qa.errors import IngestError

SUPPORTED_SUFFIXES = (".txt", ".md", ".html", ".htm", ".jsonl")
_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # resolved absolute path of the file
    root: Path  # the folder it was found under (its own folder for a single file)

    @property
    def doc_id(self) -> str:
        return self.path.relative_to(self.root).as_posix()


@dataclass
class RawDocument:
    """A document before cleaning: its text and whatever metadata came with it."""

    key: str  # unique across the store: the file path, plus "#id" for a JSONL line
    doc_id: str  # the contract's doc_id: JSONL id, else the path relative to the ingested folder
    source: str  # file path or URL shown to users
    file: str  # the file it came from
    root: str  # the ingested folder the file was found under
    text: str
    kind: str  # "text", "markdown" or "html"
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass
class Discovery:
    files: list[SourceFile]
    roots: list[Path]  # folders given: each is the whole truth for the documents under it
    failed: list[tuple[str, str]]  # (path, reason)


def discover(paths: list[Path]) -> Discovery:
    """Expand files and folders (recursively) into supported files, never leaving a given folder."""
    files: list[SourceFile] = []
    roots: list[Path] = []
    failed: list[tuple[str, str]] = []
    for given in paths:
        if not given.exists() and not given.is_symlink():
            failed.append((str(given), "no such file or folder"))
        elif given.is_dir():
            root = given.resolve()
            roots.append(root)
            files.extend(_walk(root, failed))
        elif given.suffix.lower() in SUPPORTED_SUFFIXES:
            path = given.resolve()
            files.append(SourceFile(path, path.parent))
        else:
            failed.append((str(given), f"unsupported file type (expected one of {', '.join(SUPPORTED_SUFFIXES)})"))
    unique = list({f.path.resolve(): f for f in reversed(files)}.values())[::-1]  # first mention wins
    return Discovery(unique, roots, failed)


def _walk(root: Path, failed: list[tuple[str, str]]) -> Iterator[SourceFile]:
    seen_dirs: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(
        root, followlinks=True, onerror=lambda e: failed.append((e.filename, f"cannot read folder: {e.strerror}"))
    ):
        here = Path(dirpath)
        real = here.resolve()
        if real in seen_dirs or not real.is_relative_to(root):
            failed.append((str(here), "symbolic link loops or leaves the ingested folder; skipped"))
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            path = here / name
            resolved = path.resolve()
            if not resolved.is_relative_to(root):
                failed.append((str(path), "symbolic link leaves the ingested folder; skipped"))
                continue
            yield SourceFile(root / path.relative_to(root), root)


def decode_bytes(data: bytes) -> str:
    """Decode article bytes: BOMs first, then strict UTF-8, then charset detection."""
    if not data.strip():
        raise IngestError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding)
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM is mostly NUL every other byte; binary files have NULs too.
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text
        raise IngestError("binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = from_bytes(data, cp_isolation=["cp1256", "utf_8", "iso8859_6", "cp1252", "latin_1"]).best()
    if best is None:
        raise IngestError("cannot detect the text encoding")
    text = str(best)
    if not _looks_like_text(text):
        raise IngestError(f"undecodable bytes (best guess {best.encoding} gives no readable text)")
    return text


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return printable / len(text) > 0.95


_KINDS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html"}


def read_source(source: SourceFile, max_bytes: int) -> tuple[list[RawDocument], list[tuple[str, str]]]:
    """Documents in one file, and per-line failures (JSONL); raises IngestError for the whole file."""
    try:
        size = source.path.stat().st_size
        if size > max_bytes:
            raise IngestError(f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (QA_MAX_FILE_BYTES)")
        data = source.path.read_bytes()
    except PermissionError:
        raise IngestError("permission denied") from None
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from None
    text = decode_bytes(data)
    suffix = source.path.suffix.lower()
    if suffix == ".jsonl":
        return _read_jsonl(source, text)
    doc = RawDocument(
        key=str(source.path),
        doc_id=source.doc_id,
        source=str(source.path),
        file=str(source.path),
        root=str(source.root),
        text=text,
        kind=_KINDS[suffix],
    )
    return [doc], []


def _read_jsonl(source: SourceFile, text: str) -> tuple[list[RawDocument], list[tuple[str, str]]]:
    docs: list[RawDocument] = []
    failed: list[tuple[str, str]] = []
    seen: set[str] = set()
    where = str(source.path)
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            failed.append((f"{where}:{number}", f"line {number}: malformed JSON ({exc.msg})"))
            continue
        if not isinstance(record, dict):
            failed.append((f"{where}:{number}", f"line {number}: expected a JSON object"))
            continue
        body, doc_id = record.get("text"), record.get("id")
        if not isinstance(body, str) or not body.strip():
            failed.append((f"{where}:{number}", f'line {number}: missing or empty "text"'))
            continue
        if doc_id is None or not str(doc_id).strip():
            failed.append((f"{where}:{number}", f'line {number}: missing "id"'))
            continue
        doc_id = str(doc_id)
        if doc_id in seen:
            failed.append((f"{where}:{number}", f"line {number}: duplicate id {doc_id!r}"))
            continue
        seen.add(doc_id)
        metadata = {k: str(record[k]) for k in ("title", "url", "date", "outlet") if record.get(k)}
        docs.append(
            RawDocument(
                key=f"{where}#{doc_id}",
                doc_id=doc_id,
                source=metadata.get("url", where),
                file=where,
                root=str(source.root),
                text=body,
                kind="html" if body.lstrip().startswith("<") else "text",
                metadata=metadata,
            )
        )
    if not docs and not failed:
        raise IngestError("no documents in JSONL file")
    return docs, failed
