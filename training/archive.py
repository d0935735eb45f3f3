"""The news archive the word lists are learned from: ../shared/news, read where it lies."""

from __future__ import annotations

import json
import lzma
from collections.abc import Iterator
from pathlib import Path

ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "news" / "ant-v2.1.jsonl.xz"
CITATION = "ANT corpus v2.1 (Chouigui et al., 2021)"


def archive_articles(path: Path) -> Iterator[tuple[str, str]]:
    """Each article's outlet and text, its title first."""
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield record["outlet"], f"{record.get('title') or ''} {record['text']}"


def learned_from(path: Path) -> str:
    """What a list file says it was learned from: the archive's citation, else the path."""
    return CITATION if path.name == ARCHIVE.name else str(path)
