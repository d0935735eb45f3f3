"""Find article files and decode them into raw documents.

Untrusted input: every problem with one file becomes an ``IngestError`` for
that file (reported, never a traceback), and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from qa.errors import IngestError
from qa.urls import web_address

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


_LINK_LOOP = "symbolic link loops or leaves the ingested folder; skipped"


def _resolved(path: Path) -> Path | None:
    """The path with its links followed, or None when they loop (Python 3.11 raises RuntimeError)."""
    try:
        return path.resolve(strict=False)
    except (RuntimeError, OSError):
        return None


def discover(paths: list[Path], home: Path | None = None) -> Discovery:
    """Expand files and folders (recursively) into supported files, never leaving a given folder.

    A file given alone is found under its own folder, or under ``home`` (the articles
    folder) when it lies inside it: it then gets the id a scan of that folder gives it,
    so ingesting one upload and re-scanning later agree on what the document is.
    """
    home = _resolved(home) if home else None
    files: list[SourceFile] = []
    roots: list[Path] = []
    failed: list[tuple[str, str]] = []
    for given in paths:
        resolved = _resolved(given)
        if resolved is None:
            failed.append((str(given), _LINK_LOOP))
        elif not given.exists() and not given.is_symlink():
            failed.append((str(given), "no such file or folder"))
        elif given.is_dir():
            roots.append(resolved)
            files.extend(_walk(resolved, failed))
        elif given.suffix.lower() in SUPPORTED_SUFFIXES:
            files.append(SourceFile(resolved, home if home and resolved.is_relative_to(home) else resolved.parent))
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
        real = _resolved(here)
        if real is None or real in seen_dirs or not real.is_relative_to(root):
            failed.append((str(here), _LINK_LOOP))
            dirnames[:] = []
            continue
        seen_dirs.add(real)
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
                continue
            path = here / name
            resolved = _resolved(path)
            if resolved is None or not resolved.is_relative_to(root):
                failed.append((str(path), _LINK_LOOP))
                continue
            yield SourceFile(root / path.relative_to(root), root)


# A file that is UTF-8 but for a few bad bytes (a truncated copy, one stray Latin-1
# byte) keeps its text with those bytes replaced. It is UTF-8 when it has well-formed
# multi-byte characters (text in another encoding, cp1256 Arabic or Latin-1, almost
# never forms them by chance) and either they outnumber its bad bytes this many times
# (a short Arabic article with one stray byte) or its bad bytes are at most this share
# of its length (a long English article with a few curly quotes and one stray byte).
UTF8_EVIDENCE = 10
MAX_REPLACED_SHARE = 0.01


@dataclass(frozen=True)
class Decoded:
    text: str
    replaced: int = 0  # undecodable bytes replaced by U+FFFD


def decode_bytes(data: bytes) -> Decoded:
    """Decode article bytes: BOMs first, then UTF-8 (a few bad bytes replaced), then charset detection."""
    if not data.strip():
        raise IngestError("empty file")
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data.decode(encoding, errors="replace")
            return Decoded(text, text.count("\ufffd") - data.decode(encoding, errors="ignore").count("\ufffd"))
    if b"\x00" in data[:4096]:
        # UTF-16 without BOM is mostly NUL every other byte; binary files have NULs too.
        for encoding in ("utf-16-le", "utf-16-be"):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return Decoded(text)
        raise IngestError("binary file, not text")
    lossy = data.decode("utf-8", errors="replace")
    replaced = lossy.count("\ufffd") - data.count("\ufffd".encode())
    if replaced == 0:
        return Decoded(lossy)
    # UTF-8 with a few bad bytes, not another encoding ("Café" in windows-1252 has no
    # well-formed multi-byte character at all, and goes to detection).
    well_formed = sum(1 for ch in lossy if ord(ch) > 127 and ch != "\ufffd")
    few_bad = well_formed >= UTF8_EVIDENCE * replaced or (well_formed and replaced <= MAX_REPLACED_SHARE * len(lossy))
    if few_bad and _looks_like_text(lossy):
        return Decoded(lossy, replaced)
    best = from_bytes(data, cp_isolation=["cp1256", "utf_8", "iso8859_6", "cp1252", "latin_1"]).best()
    if best is None:
        raise IngestError("cannot detect the text encoding")
    text = str(best)
    if not _looks_like_text(text):
        raise IngestError(f"undecodable bytes (best guess {best.encoding} gives no readable text)")
    return Decoded(text)


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    printable = sum(1 for ch in text if ch.isprintable() or ch in "\n\r\t")
    return printable / len(text) > 0.95


_KINDS = {".txt": "text", ".md": "markdown", ".html": "html", ".htm": "html"}


@dataclass
class FileRead:
    docs: list[RawDocument]
    failed: list[tuple[str, str]]  # (where, reason) of JSONL lines that could not be read
    replaced: int = 0  # undecodable bytes replaced by U+FFFD


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """A regular file's bytes, never more than ``max_bytes`` whatever its size said.

    Opened without blocking and checked after opening, so a FIFO, a device or a
    file swapped in after discovery fails with a reason instead of hanging the
    ingest (which holds the writer lock) or reading without end.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except PermissionError:
        raise IngestError("permission denied") from None
    except OSError as exc:
        raise IngestError(f"cannot read file: {exc.strerror or exc}") from None
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise IngestError(f"not a regular file ({_file_kind(info.st_mode)}); only regular files are read")
        if info.st_size > max_bytes:
            raise IngestError(_too_big(f"{info.st_size:,} bytes", max_bytes))
        try:
            data = file.read(max_bytes + 1)
        except OSError as exc:
            raise IngestError(f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:  # it grew after it was measured
        raise IngestError(_too_big("growing", max_bytes))
    return data


def _too_big(size: str, max_bytes: int) -> str:
    return f"file is {size}, over the {max_bytes:,}-byte limit (QA_MAX_FILE_BYTES)"


def _file_kind(mode: int) -> str:
    kinds = {stat.S_ISFIFO: "a named pipe", stat.S_ISCHR: "a character device", stat.S_ISBLK: "a block device"}
    return next((name for test, name in kinds.items() if test(mode)), "a socket or other special file")


def read_source(source: SourceFile, max_bytes: int) -> FileRead:
    """Documents in one file and per-line failures (JSONL); raises IngestError for the whole file."""
    decoded = decode_bytes(read_bytes(source.path, max_bytes))
    suffix = source.path.suffix.lower()
    if suffix == ".jsonl":
        docs, failed = _read_jsonl(source, decoded.text)
        return FileRead(docs, failed, decoded.replaced)
    doc = RawDocument(
        key=str(source.path),
        doc_id=source.doc_id,
        source=str(source.path),
        file=str(source.path),
        root=str(source.root),
        text=decoded.text,
        kind=_KINDS[suffix],
    )
    return FileRead([doc], [], decoded.replaced)


def _read_jsonl(source: SourceFile, text: str) -> tuple[list[RawDocument], list[tuple[str, str]]]:
    docs: list[RawDocument] = []
    failed: list[tuple[str, str]] = []
    seen: set[str] = set()
    where = str(source.path)
    # JSONL lines end at "\n" only: U+2028, U+2029 and NEL, which str.splitlines also
    # breaks at, are ordinary characters inside a JSON string (news text has them).
    for number, line in enumerate(text.split("\n"), start=1):
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
        metadata = {k: str(record[k]) for k in ("title", "date", "outlet") if record.get(k)}
        url = web_address(str(record.get("url") or ""))
        if url:
            metadata["url"] = url
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
