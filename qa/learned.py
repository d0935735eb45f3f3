"""Word lists learned from a news archive and shipped in ``qa/models/`` (the spelling
variants, the words that keep their ending): read and checked on load, fingerprinted,
written one entry a line so that a relearned list reads well in a diff."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeGuard

from qa.arabic import normalize_arabic
from qa.errors import ModelError


def is_counted_word(entry: object) -> TypeGuard[list]:
    """Is ``entry`` a [normalised word, article count] pair?"""
    return (
        isinstance(entry, list)
        and len(entry) == 2
        and isinstance(entry[0], str)
        and entry[0] == normalize_arabic(entry[0]) != ""
        and isinstance(entry[1], int)
    )


def read_entries(path: Path, key: str, is_entry: Callable[[object], bool], entry_kind: str) -> list:
    """The list under ``key`` in the file, every entry checked: a clear ModelError, not a
    wrong index, when the file is missing or malformed."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))[key]
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"cannot read {path}: {exc}") from None
    for entry in entries if isinstance(entries, list) else [entries]:
        if not is_entry(entry):
            raise ModelError(f"{path}: not {entry_kind}: {entry!r:.80}")
    return entries


def digest(value: object) -> str:
    """Changes with ``value`` (JSON-able): part of the saved index's fingerprint (qa.lexical)."""
    return hashlib.sha256(json.dumps(value).encode()).hexdigest()[:16]


def file_content(source: str, key: str, entries: Sequence[object]) -> str:
    """A list file's text: where it was learned from, then one entry a line."""
    lines = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in entries)
    return f'{{"learned_from": {json.dumps(source)},\n "{key}": [\n{lines}\n]}}\n'
