"""The reader (qa.reader) on real news: does it tell the sentence that answers apart?

    python benchmarks/reader_news.py [--split dev-confidence] [--weights FILE] [--top 10]

For each question of the real-news set's split (eval/news_questions.jsonl, on the
120-article store `qa eval --news` builds; by default the dev half the reader was
not trained on, qa.news.dev_halves), the answerer's candidate sentences are
found and scored as ``qa ask`` finds and scores them (the constraint checks
included), and the ``--top`` best by the answerer's score are read with the reader
(the shipped weights, or ``--weights`` to compare a retrained one). A candidate is
right when it holds an expected answer and is from the question's article.

Per language:
- pair AUC: the reader's logit, right candidates against the others, on answerable
  questions;
- first right: of the answerable questions with a right candidate among those read,
  how often the answerer's best is right, and how often the reader's best is;
- abstention AUC: the reader's logit for the answerer's best candidate, answerable
  questions whose best is right against unanswerable ones (near misses and others).

``--choice`` prints, instead, how often a choice among the CHOICE_AMONG best by
score + weight x logit would be right, for a range of reader weights (0: the
answerer's score alone, without its near-tie overrule or its merging of wire
copies' identical sentences), of all the split's answerable questions: the reader
choosing among the answerer's best sentences (measured, not shipped: README,
"Readers tried").
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.bench import side_store
from qa.bundled_model import ensure_bundled_model
from qa.config import Settings
from qa.engine import Engine
from qa.evaluate import load_questions, ranked_candidates
from qa.news import NEWS_QUESTIONS, dev_halves, prepare_news
from qa.reader import READER_WEIGHTS, Reader

CHOICE_AMONG = 4
CHOICE_WEIGHTS = (0.0, 0.01, 0.02, 0.03, 0.05, 0.1, 1.0)


def read_question(engine: Engine, question: dict, top: int) -> tuple[list[bool], np.ndarray, np.ndarray] | None:
    """Whether each of the ``top`` best candidates is right, best first, their scores and the reader's logits."""
    asked, ranked = ranked_candidates(engine, question, top)
    if not ranked:
        return None
    logits = engine.reader.read([(asked, c.text) for c, _ in ranked])
    return [right for _, right in ranked], np.array([c.score for c, _ in ranked]), logits


def print_choices(read: dict[str, list[tuple[list[bool], np.ndarray, np.ndarray]]]) -> None:
    """Of each language's answerable questions, the share whose chosen sentence is right, by reader weight."""
    print(f"  {'weight':>8}" + "".join(f"{lang:>8}" for lang in read))
    for weight in CHOICE_WEIGHTS:
        shares = []
        for questions in read.values():
            chosen = [
                right[int(np.argmax(scores[:CHOICE_AMONG] + weight * logits[:CHOICE_AMONG]))]
                for right, scores, logits in questions
            ]
            shares.append(sum(chosen) / len(questions))
        print(f"  {weight:>8}" + "".join(f"{share:>8.3f}" for share in shares))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--split",
        default="dev-confidence",
        choices=("dev", "dev-reader", "dev-confidence", "test"),
        help="dev-reader: the dev half the reader learns from; dev-confidence: the other (qa.news.dev_halves)",
    )
    parser.add_argument("--weights", type=Path, default=READER_WEIGHTS)
    parser.add_argument("--top", type=int, default=10, help="candidates read per question")
    parser.add_argument("--choice", action="store_true", help="the answerer's choice by reader weight")
    args = parser.parse_args()
    if args.choice:
        args.top = CHOICE_AMONG  # only those are chosen among: read no more

    settings = Settings()
    # The reader's own copy of the bundled model (not the encoder's): logits within 1e-3 (1e-4 in float32).
    engine = Engine(settings, reader=Reader(lambda: ensure_bundled_model(settings.model_cache), args.weights))
    every = load_questions(NEWS_QUESTIONS)
    news = prepare_news(side_store(settings, "news"), every, engine=engine)
    halves = dict(zip(("dev-reader", "dev-confidence"), dev_halves(every)))
    questions = [q for q in every if args.split == q["split"] or q["doc_id"] in halves.get(args.split, ())]

    pairs: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    firsts: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
    abstain: dict[str, tuple[list[int], list[float]]] = defaultdict(lambda: ([], []))
    answerable: dict[str, list[tuple[list[bool], np.ndarray, np.ndarray]]] = {"en": [], "ar": []}
    for q in questions:
        read = read_question(news, q, args.top)
        if read is None:
            if q["answerable"]:  # nothing to choose from: a miss
                answerable[q["lang"]].append(([False], np.zeros(1), np.zeros(1)))
            continue
        right, _, logits = read
        lang = q["lang"]
        if q["answerable"]:
            answerable[lang].append(read)
            pairs[lang][0].extend(int(r) for r in right)
            pairs[lang][1].extend(logits.tolist())
            if any(right):
                firsts[lang].append((right[0], right[int(np.argmax(logits))]))
        if right[0] or not q["answerable"]:
            abstain[lang][0].append(int(right[0]))
            abstain[lang][1].append(float(logits[0]))

    if args.choice:
        print(f"The answerer's choice among its {CHOICE_AMONG} best, right ({args.split} split, {args.weights.name})")
        print_choices(answerable)
        return
    print(f"The reader on real news ({args.split} split, {args.weights.name}, top {args.top} candidates)")
    print(f"  {'lang':<6}{'pair AUC':>10}{'first right: answerer':>24}{'reader':>8}{'abstention AUC':>16}")
    for lang in ("en", "ar"):
        labels, scores = pairs[lang]
        first = firsts[lang]
        print(
            f"  {lang:<6}{roc_auc_score(labels, scores):>10.3f}"
            f"{sum(a for a, _ in first) / len(first):>24.3f}{sum(r for _, r in first) / len(first):>8.3f}"
            f"{roc_auc_score(*abstain[lang]):>16.3f}"
        )


if __name__ == "__main__":
    main()
