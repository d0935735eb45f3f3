"""`qa search` on real news: is the question's article among the documents it lists?

    python benchmarks/search_news.py STORE [-k 5]

For every answerable question of the real-news set (eval/news_questions.jsonl) and of
the time questions (eval/time_questions.jsonl, when the store holds their articles),
``Engine.search`` lists ``k`` documents; a question counts at 1 when its article (or a
wire copy of it) is listed first, at k when it is listed at all. Per set and split, and
the time questions per kind. STORE is a stage of benchmarks/scale.py, e.g.
~/.cache/sanad/scale-news/store-10000.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.config import PROJECT_ROOT, Settings
from qa.engine import Engine
from qa.evaluate import load_questions, story_ids
from qa.news import NEWS_QUESTIONS

TIME_QUESTIONS = PROJECT_ROOT / "eval" / "time_questions.jsonl"


def rank_of_article(engine: Engine, question: dict, k: int) -> int | None:
    """Where the question's article (or a wire copy of it) is listed; None when it is not."""
    copies = engine.refresh().copies
    for rank, hit in enumerate(engine.search(question["question"], k), start=1):
        if question["doc_id"] in story_ids(copies, hit.passage.doc_key, hit.passage.doc_id):
            return rank
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("store", type=Path)
    parser.add_argument("-k", type=int, default=5)
    args = parser.parse_args()
    engine = Engine(Settings().with_overrides(store_dir=args.store))
    stored = {r.doc_id for r in engine.refresh().store.catalog.all()}
    sets = {"news": load_questions(NEWS_QUESTIONS), "time": load_questions(TIME_QUESTIONS)}
    ranks: dict[str, list[int | None]] = defaultdict(list)
    for name, questions in sets.items():
        answerable = [q for q in questions if q["answerable"]]
        if not {q["doc_id"] for q in answerable} <= stored:
            print(f"{name}: the store lacks some of its articles, skipped")
            continue
        for q in answerable:
            rank = rank_of_article(engine, q, args.k)
            ranks[f"{name} {q['split']}"].append(rank)
            if name == "time":
                ranks[f"{name} {q['split']} {q['kind']}"].append(rank)
    print(f"| questions | n | article first | article in top {args.k} |")
    print("|---|---:|---:|---:|")
    for label, found in sorted(ranks.items()):
        first = sum(r == 1 for r in found) / len(found)
        listed = sum(r is not None for r in found) / len(found)
        print(f"| {label} | {len(found)} | {first:.3f} | {listed:.3f} |")


if __name__ == "__main__":
    main()
