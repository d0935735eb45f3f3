"""A day's ingest into an archive-sized store: a few new articles added to a copy of it.

    python benchmarks/daily_ingest.py STORE [--articles 10]

STORE is a store folder, such as the scale benchmark's stages
(~/.cache/sanad/scale-news/store-29366); it is copied to a temporary folder and left
as it is. The new articles are the archive's first N (../shared/news) under new ids,
with a line of their own ahead of their text: new documents whatever the store
holds, and wire copies of the articles it may hold, as a day's news often is. The
copy's BM25 index is brought up to date first, untimed (a store saved by older code
rebuilds it once), then the ingest is timed in this process with the model loaded,
and the time spent embedding within it. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.sync import ingest
from qa.config import Settings
from qa.embeddings import SentenceTransformerEmbeddings
from qa.lexical import load_or_build
from qa.news import read_archive
from qa.store import open_store


class TimedEncoder(SentenceTransformerEmbeddings):
    """The ingest's encoder, adding up the seconds it spends embedding passages."""

    seconds = 0.0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        start = time.perf_counter()
        try:
            return super().embed_documents(texts)
        finally:
            self.seconds += time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path, help="the store folder to copy and add to")
    parser.add_argument("--articles", type=int, default=10, help="how many new articles")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store_dir, corpus = Path(tmp) / "store", Path(tmp) / "today"
        shutil.copytree(args.store, store_dir)
        corpus.mkdir()
        lines = [
            json.dumps({**a, "id": f"{a['id']}-today", "text": f"تحديث اليوم.\n{a['text']}"}, ensure_ascii=False)
            for a in itertools.islice(read_archive(), args.articles)
        ]
        (corpus / "today.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
        settings = Settings().with_overrides(store_dir=store_dir)
        encoder = TimedEncoder(settings.embedding_model, settings.model_cache)
        encoder.count_tokens("")  # the model loaded before the clock starts
        load_or_build(open_store(settings))
        start = time.perf_counter()
        report = ingest([corpus], settings, encoder=encoder)
        seconds = time.perf_counter() - start
        stored = open_store(settings).count()
    print(json.dumps({
        "store_passages": stored, "new_passages": report.passages, "seconds": round(seconds, 1),
        "embedding_seconds": round(encoder.seconds, 1), "summary": report.summary(),
    }, ensure_ascii=False))  # fmt: skip


if __name__ == "__main__":
    main()
