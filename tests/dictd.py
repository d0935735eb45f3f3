"""dictd dictionaries written for tests, as dictfmt writes them."""

from __future__ import annotations

import gzip
from pathlib import Path

import qa.dictionary

_B64 = qa.dictionary._B64  # dictd numbers: base 64, most significant digit first


def _dictd_number(value: int) -> str:
    digits = ""
    while True:
        digits = _B64[value % 64] + digits
        value //= 64
        if not value:
            return digits


def write_dictd(base: Path, entries: dict[str, str], compress: bool = True) -> None:
    """A dictd pair as dictfmt writes it: the entries' text and an index of (offset, length)."""
    data, index = b"", []
    for head, body in {"00databaseinfo": "a test dictionary", **entries}.items():
        entry = f"{head}\n{body}\n".encode()
        index.append(f"{head}\t{_dictd_number(len(data))}\t{_dictd_number(len(entry))}")
        data += entry
    Path(f"{base}.index").write_text("\n".join(index) + "\n", encoding="utf-8")
    if compress:
        Path(f"{base}.dict.dz").write_bytes(gzip.compress(data))
    else:
        Path(f"{base}.dict").write_bytes(data)
