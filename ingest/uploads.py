"""Saving uploaded article files: names sanitised, types and sizes capped,
always inside the articles folder."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from ingest.load import SUPPORTED_SUFFIXES, IngestError

UPLOAD_FOLDER = "uploads"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# Articles in one uploaded JSONL file: a day's copy, not an archive (44,489 one-line
# documents in 5 MB held the store for over ten minutes). Archives go in with `qa ingest`.
MAX_UPLOAD_DOCUMENTS = 200


def safe_name(name: str) -> str:
    """A plain file name: no folders, no control or shell characters, a supported extension."""
    name = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    suffix = suffix.lower()
    if not dot or f".{suffix}" not in SUPPORTED_SUFFIXES:
        raise IngestError(f"{name!r}: only {', '.join(SUPPORTED_SUFFIXES)} files can be added")
    stem = re.sub(r"[^\w\- ]+", "_", stem).strip(" ._") or "article"
    return f"{stem[:100]}.{suffix}"


def save_upload(articles_dir: Path, name: str, data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> Path:
    """Write one uploaded file under ``articles_dir/uploads`` and return its path."""
    if len(data) > max_bytes:
        raise IngestError(f"{name!r} is {len(data):,} bytes; uploads are limited to {max_bytes:,}")
    if not data.strip():
        raise IngestError(f"{name!r} is empty")
    # Lines as the reader splits them (str.splitlines: \x1e, U+2028… end a line too).
    lines = sum(1 for line in data.decode("utf-8", errors="replace").splitlines() if line.strip())
    if name.lower().endswith(".jsonl") and lines > MAX_UPLOAD_DOCUMENTS:
        raise IngestError(
            f"{name!r} holds {lines:,} articles; an upload holds at most {MAX_UPLOAD_DOCUMENTS:,} "
            "(larger collections go in with `qa ingest`)"
        )
    folder = (articles_dir / UPLOAD_FOLDER).resolve()
    clean = safe_name(name)
    stem, suffix = clean.rsplit(".", 1)
    folder.mkdir(parents=True, exist_ok=True)
    number = 0
    while True:
        number += 1
        target = folder / (clean if number == 1 else f"{stem}-{number}.{suffix}")
        if not target.resolve().is_relative_to(folder):  # cannot happen after safe_name; checked all the same
            raise IngestError(f"{name!r} would be stored outside the articles folder")
        try:
            # Created exclusively: two uploads of one name at once never write one file.
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            if _holds(target, data):  # the same article uploaded again
                return target
            continue  # never overwrite another article
        with os.fdopen(fd, "wb") as file:
            file.write(data)
        return target


def _holds(path: Path, data: bytes) -> bool:
    return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data


def discard_unstored(uploads: list[Path], stored_files: set[str]) -> list[Path]:
    """Delete the uploaded files that put nothing in the store (kept, each would fail
    again on every re-scan); the ones deleted."""
    discarded = [path for path in uploads if str(path) not in stored_files]
    for path in discarded:
        path.unlink(missing_ok=True)
    return discarded
