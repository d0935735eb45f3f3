"""The real-news question set (eval/news_questions.jsonl) and the archive it was written on.

The questions were written on 120 articles of the ANT corpus v2.1 (29,366
Arabic news articles from five outlets, 2018; ../shared/news, cited in the
README), by people who had not read the answerer's code, and split once by
article into dev and test. The archive is read where it lies, never copied
into the repository; ``qa eval --news`` ingests the questions' articles into
a store of their own under the model cache.
"""

from __future__ import annotations

import json
import lzma
from collections.abc import Iterator
from pathlib import Path

from qa.bench import ingest_documents
from qa.config import PROJECT_ROOT, Settings
from qa.engine import Engine
from qa.errors import SanadError

NEWS_ARCHIVE = PROJECT_ROOT.parent / "shared" / "news" / "ant-v2.1.jsonl.xz"
NEWS_QUESTIONS = PROJECT_ROOT / "eval" / "news_questions.jsonl"


def read_archive(path: Path = NEWS_ARCHIVE, ids: set[str] | None = None) -> Iterator[dict]:
    """The archive's articles (those with ``ids`` only, when given), as ``qa ingest`` documents."""
    if not path.is_file():
        raise SanadError(f"The news archive is not at {path} (see ../shared/news/README.md).")
    try:
        with lzma.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines, start=1):
                article = json.loads(line)
                if not isinstance(article, dict) or "id" not in article:
                    raise SanadError(f"{path}:{number} is not an article of the archive")
                if ids is None or article["id"] in ids:
                    yield article
    except (OSError, EOFError, lzma.LZMAError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise SanadError(f"Cannot read the news archive {path}: {exc}") from None


def prepare_news(settings: Settings, questions: list[dict], progress=None, engine: Engine | None = None) -> Engine:
    """A store (``side_store(settings, "news")``) holding the articles the questions were written on."""
    wanted = {q["doc_id"] for q in questions}
    articles = sorted(read_archive(ids=wanted), key=lambda a: a["id"])
    missing = wanted - {a["id"] for a in articles}
    if missing:
        raise SanadError(f"{len(missing)} question articles are not in {NEWS_ARCHIVE}: {sorted(missing)[:3]}")
    folder = settings.store_dir.parent / "news-docs"
    return ingest_documents(settings, folder, {"articles.jsonl": articles}, progress, engine)


def dev_halves(questions: list[dict]) -> tuple[set[str], set[str]]:
    """The dev split's articles in two fixed halves, each outlet's articles taken
    alternately in order of id: the reader learns from the first
    (training.news_pairs), the confidence is fitted on the second (``qa eval
    --fit-confidence``), so neither is fitted on scores the reader was trained on."""
    by_outlet: dict[str, set[str]] = {}
    for q in questions:
        if q["split"] == "dev":
            by_outlet.setdefault(q["outlet"], set()).add(q["doc_id"])
    ordered = [sorted(ids) for ids in by_outlet.values()]
    return {i for ids in ordered for i in ids[0::2]}, {i for ids in ordered for i in ids[1::2]}
