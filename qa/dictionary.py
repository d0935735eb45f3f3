"""An English→Arabic dictionary in the dictd format, for the bridge (qa.bridge).

The default is FreeDict's English-Arabic dictionary (87,000 headwords, from
Arabeyes; GPL-2+), which Debian and Ubuntu ship as ``dict-freedict-eng-ara``:
read from where the package puts it, never copied into this project. With it,
English questions find Arabic passages by words the small news glossary lacks
(XQuAD English→Arabic nDCG@10 0.867 → 0.90, see the README).

The format is two files: ``NAME.index`` lines ``headword<TAB>offset<TAB>length``
(numbers in dictd's base 64) and ``NAME.dict.dz`` (gzip-compatible) or
``NAME.dict`` holding each entry: a headword line, then one translation per line,
numbered when there are several. Hand-written: ~30 lines, where the one library
that reads dictd (pyglossary) brings a converter for fifty formats.
"""

from __future__ import annotations

import gzip
import re
from functools import lru_cache
from pathlib import Path

DEFAULT_DICTIONARY = Path("/usr/share/dictd/freedict-eng-ara")
MAX_BYTES = 64 * 1024 * 1024  # the FreeDict files are 2.5 MB together
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_SENSE_NUMBER = re.compile(r"^\d+\.\s*")


class DictionaryError(Exception):
    """The configured dictionary cannot be read."""


def _number(text: str) -> int:
    value = 0
    for ch in text:
        value = value * 64 + _B64.index(ch)
    return value


def translations(setting: str) -> dict[str, tuple[str, ...]]:
    """The dictionary a setting names: none when it is "off", or when it is the
    default and that is not installed (retrieval then works as without it)."""
    if setting == "off" or (Path(setting) == DEFAULT_DICTIONARY and not Path(f"{setting}.index").is_file()):
        return {}
    return load_dictionary(Path(setting))


@lru_cache(maxsize=4)
def load_dictionary(base: Path) -> dict[str, tuple[str, ...]]:
    """{lower-case English headword: its Arabic translations} from ``base``.index and .dict(.dz)."""
    index, data = Path(f"{base}.index"), Path(f"{base}.dict.dz")
    if not data.is_file():
        data = Path(f"{base}.dict")
    try:
        for path in (index, data):
            if path.stat().st_size > MAX_BYTES:
                raise DictionaryError(f"{path} is over {MAX_BYTES // 2**20} MB: not a word list")
        raw = gzip.decompress(data.read_bytes()) if data.suffix == ".dz" else data.read_bytes()
        lines = index.read_text(encoding="utf-8").splitlines()
    except (OSError, EOFError, UnicodeDecodeError, gzip.BadGzipFile) as exc:
        raise DictionaryError(f"cannot read the dictionary {base}: {exc}") from None
    entries: dict[str, tuple[str, ...]] = {}
    for line in lines:
        parts = line.split("\t")
        if len(parts) != 3 or parts[0].startswith("00database"):
            continue
        try:
            offset, length = _number(parts[1]), _number(parts[2])
        except ValueError:
            continue
        body = raw[offset : offset + length].decode("utf-8", errors="replace").splitlines()[1:]
        senses = tuple(s for s in (_SENSE_NUMBER.sub("", line).strip() for line in body) if s)
        if senses:
            key = parts[0].lower()
            entries[key] = entries.get(key, ()) + senses
    if not entries:
        raise DictionaryError(f"{base} holds no entries: not a dictd dictionary")
    return entries
