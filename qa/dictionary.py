"""An English→Arabic dictionary in the dictd format, for the bridge (qa.bridge).

The default is FreeDict's English-Arabic dictionary (87,000 headwords, from
Arabeyes; GPL-2+), which Debian and Ubuntu ship as ``dict-freedict-eng-ara``:
read from where the package puts it, never copied into this project. With it,
English questions find Arabic passages by words the small news glossary lacks
(XQuAD English→Arabic nDCG@10 0.867 → 0.908, see the README).

The format is two files: ``NAME.index`` lines ``headword<TAB>offset<TAB>length``
(numbers in dictd's base 64) and ``NAME.dict.dz`` (gzip-compatible) or
``NAME.dict`` holding each entry: a headword line, then one translation per line,
numbered when there are several. Hand-written: ~40 lines, where the one library
that reads dictd (pyglossary) brings a converter for fifty formats.
"""

from __future__ import annotations

import gzip
import re
import threading
import zlib
from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

from qa.config import DEFAULT_DICTIONARY
from qa.errors import DictionaryError

MAX_BYTES = 64 * 1024 * 1024  # each file, decompressed; FreeDict's are 4 MB
MAX_ENTRY_BYTES = 64 * 1024
MAX_SENSES = 16  # per headword; using 1 to all of FreeDict's changed nothing measurable
NONE: Mapping[str, tuple[str, ...]] = MappingProxyType({})
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SENSE_NUMBER = re.compile(r"^\d+\.\s*")


class Dictionary:
    """The dictionary a setting names (``NAME``, ``NAME.index`` or ``NAME.dict.dz``):
    empty when it is "off", or when it is the default and that is not installed.
    ``current()`` reads it again when its files change (a package installed while
    the chat runs)."""

    def __init__(self, setting: str) -> None:
        self.setting = setting
        self._loaded: tuple[tuple, Mapping[str, tuple[str, ...]]] | None = None
        self._lock = threading.Lock()  # the chat's threads: one load

    def current(self) -> Mapping[str, tuple[str, ...]]:
        if self.setting.strip().lower() == "off":
            return NONE
        base = Path(re.sub(r"\.(index|dict\.dz|dict)$", "", self.setting.strip()))
        index = Path(f"{base}.index")
        if base == DEFAULT_DICTIONARY and not index.is_file():
            return NONE
        try:
            stat = index.stat()
        except OSError as exc:
            raise DictionaryError(f"cannot read the dictionary {base}: {exc.strerror}: {index}") from None
        data = _data_file(base)
        data_stat = data.stat() if data.is_file() else None
        versions = (stat.st_mtime_ns, stat.st_size, data_stat and (data_stat.st_mtime_ns, data_stat.st_size))
        with self._lock:
            if self._loaded is None or self._loaded[0] != versions:
                self._loaded = (versions, _load(base))
            return self._loaded[1]

    def __call__(self) -> Mapping[str, tuple[str, ...]]:
        """``current()``, with the setting to change named when it fails."""
        try:
            return self.current()
        except DictionaryError as exc:
            raise DictionaryError(f"{exc} (the QA_DICTIONARY setting; QA_DICTIONARY=off goes without)") from None


def _data_file(base: Path) -> Path:
    compressed = Path(f"{base}.dict.dz")
    return compressed if compressed.is_file() else Path(f"{base}.dict")


def _read(path: Path) -> bytes:
    """A file's bytes (gunzipped for .dz), refusing more than MAX_BYTES either way."""
    if path.stat().st_size > MAX_BYTES:
        raise DictionaryError(f"{path} is over {MAX_BYTES // 2**20} MB: not a word list")
    with gzip.open(path) if path.suffix == ".dz" else path.open("rb") as f:
        data = f.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise DictionaryError(f"{path} unpacks to over {MAX_BYTES // 2**20} MB: not a word list")
    return data


def _number(text: str) -> int | None:
    if not 0 < len(text) <= 8 or any(ch not in _B64 for ch in text):
        return None
    value = 0
    for ch in text:
        value = value * 64 + _B64.index(ch)
    return value


def _load(base: Path) -> Mapping[str, tuple[str, ...]]:
    """{lower-case English headword: its Arabic translations} from ``base``.index and .dict(.dz)."""
    try:
        raw = _read(_data_file(base))
        lines = _read(Path(f"{base}.index")).decode("utf-8").splitlines()
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile, zlib.error) as exc:
        raise DictionaryError(f"cannot read the dictionary {base}: {exc}") from None
    entries: dict[str, list[str]] = {}
    read = 0
    for line in lines:
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database"):
            continue
        offset, length = _number(parts[1]), _number(parts[2])
        if offset is None or length is None or length > MAX_ENTRY_BYTES or offset + length > len(raw):
            continue
        read += length
        if read > len(raw) + MAX_ENTRY_BYTES:  # entries of a dictd file do not overlap
            raise DictionaryError(f"{base}: its index reads the entries over and over: not a dictd dictionary")
        body = raw[offset : offset + length].decode("utf-8", errors="replace").splitlines()[1:]
        senses = entries.setdefault(parts[0].lower(), [])
        for sense in body:
            sense = _SENSE_NUMBER.sub("", sense).strip()
            if sense and len(senses) < MAX_SENSES:
                senses.append(sense)
    found = {head: tuple(senses) for head, senses in entries.items() if senses}
    if not found:
        raise DictionaryError(f"{base} holds no entries: not a dictd dictionary")
    return MappingProxyType(found)
