"""Right answers minus wrong ones on a split of the real-news question set.

    python benchmarks/right_minus_wrong.py [--split dev|test|dev-reader|dev-confidence]

The product's trade in one number: an answer to an unanswerable question, or one
without an expected answer, counts as wrong; an abstention counts as neither.
Questions are asked and graded as ``qa eval --news`` asks and grades them, on its
120-article store; ``dev-reader`` and ``dev-confidence`` are the dev split's
halves a news-trained reader learns from and is measured on (qa.news.dev_halves).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.bench import side_store
from qa.config import Settings
from qa.engine import Engine
from qa.evaluate import grade, load_questions
from qa.news import NEWS_QUESTIONS, dev_halves, prepare_news


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--split", default="dev", choices=("dev", "test", "dev-reader", "dev-confidence"))
    split = parser.parse_args().split
    settings = Settings()
    every = load_questions(NEWS_QUESTIONS)
    news = prepare_news(side_store(settings, "news"), every, engine=Engine(settings))
    halves = dict(zip(("dev-reader", "dev-confidence"), dev_halves(every)))
    questions = [q for q in every if split == q["split"] or q["doc_id"] in halves.get(split, ())]
    graded = [(q, grade(news, q)) for q in questions]
    print(f"{'lang':<6}{'questions':>10}{'right':>7}{'wrong':>7}{'right - wrong':>15}")
    for lang in ("en", "ar", "all"):
        mine = [(q, g) for q, g in graded if lang in ("all", q["lang"])]
        right = sum(g.answered and g.right and q["answerable"] for q, g in mine)
        wrong = sum(g.answered and not (g.right and q["answerable"]) for q, g in mine)
        print(f"{lang:<6}{len(mine):>10}{right:>7}{wrong:>7}{right - wrong:>15}")


if __name__ == "__main__":
    main()
