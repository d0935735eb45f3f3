"""The chat's article panel at archive size (issue 13): its work per page draw on a
catalogue of the whole news archive's 29,366 articles.

    python benchmarks/panel_scale.py [--rounds 5]

Fills a catalogue (in a temporary folder) with the archive's titles, outlets and dates,
as an ingest would record them, with no embedding; then times what the sidebar's
article panel does on every page draw: read the catalogue, count by outlet and month,
search titles (none, and a common word), sort newest first and draw one page of rows.
Streamlit's own drawing of 20 rows and a small chart is not included.
"""

from __future__ import annotations

import argparse
import json
import lzma
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.catalog import Catalog, DocumentRecord
from qa.display import NO_OUTLET, article_rows
from ui.articles import PAGE_SIZE, matching, newest_first

ARCHIVE = Path(__file__).resolve().parent.parent.parent / "shared" / "news" / "ant-v2.1.jsonl.xz"


def archive_records() -> list[DocumentRecord]:
    records = []
    with lzma.open(ARCHIVE, "rt", encoding="utf-8") as lines:
        for n, line in enumerate(lines):
            article = json.loads(line)
            records.append(
                DocumentRecord(
                    key=f"{ARCHIVE}#{article['id']}",
                    doc_id=str(article["id"]),
                    file=str(ARCHIVE),
                    root=str(ARCHIVE.parent),
                    source=str(ARCHIVE),
                    title=article.get("title"),
                    outlet=article.get("outlet"),
                    date=(article.get("date") or "")[:10] or None,
                    url=None,
                    content_hash=str(n),
                    passages=1,
                )
            )
    return records


def page_draw(catalog: Catalog, query: str) -> int:
    """What the article panel computes on one page draw; the number of titles found."""
    records = catalog.all()
    Counter(r.outlet or NO_OUTLET for r in records).most_common()
    Counter(r.date[:7] for r in records if r.date)
    found = newest_first(matching(records, query))
    article_rows(found[:PAGE_SIZE])
    return len(found)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        catalog = Catalog(f"sqlite:///{folder}/records.sqlite", "articles")
        records = archive_records()
        catalog.upsert(records)
        print(f"{len(records):,} articles in the catalogue")
        for query in ("", "العراق"):
            seconds = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                found = page_draw(catalog, query)
                seconds.append(time.perf_counter() - start)
            label = f"search {query!r}" if query else "no search"
            print(f"{label}: {found:,} titles, median {statistics.median(seconds):.2f} s a page draw")


if __name__ == "__main__":
    main()
