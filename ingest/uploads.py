"""Saving uploaded article files: names sanitised, types and sizes capped,
always inside the articles folder."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from ingest.load import SUPPORTED_SUFFIXES, IngestError

UPLOAD_FOLDER = "uploads"
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


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
    folder = (articles_dir / UPLOAD_FOLDER).resolve()
    clean = safe_name(name)
    stem, suffix = clean.rsplit(".", 1)
    target = folder / clean
    number = 1
    while target.exists() and target.read_bytes() != data:  # never overwrite another article
        number += 1
        target = folder / f"{stem}-{number}.{suffix}"
    if not target.resolve().is_relative_to(folder):  # cannot happen after safe_name; checked all the same
        raise IngestError(f"{name!r} would be stored outside the articles folder")
    folder.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return target
