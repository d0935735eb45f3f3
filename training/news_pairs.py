"""Training pairs for the reader from real news: the dev half of the real-news
question set that the confidence is not fitted on (qa.news.dev_halves).

The XQuAD/ARCD pairs are Wikipedia, and their near misses are made by swapping a
word; the reader must judge news sentences against questions written by people,
near misses among them. For each question of that half, the sentences the
extractive answerer scores best (qa.evaluate.ranked_candidates, as ``qa ask``
finds them) are paired with it: those holding an expected answer in the
question's article are positives, the best-scored three of the others
negatives; so are the best-scored three of an unanswerable question's (a near
miss: one constraint changed).
"""

from __future__ import annotations

from qa.bench import side_store
from qa.config import Settings
from qa.evaluate import load_questions, ranked_candidates
from qa.news import NEWS_QUESTIONS, dev_halves, prepare_news
from training.reader_pairs import Pair

CANDIDATES = 10  # per question: the answerer's best, as it reads them
# Wrong ones kept per question: with all ten, nine pairs in ten were negatives and the
# reader's logits sat low overall (README, "Readers tried").
NEGATIVES = 3


def news_pairs(top: int = CANDIDATES) -> list[Pair]:
    every = load_questions(NEWS_QUESTIONS)
    reader_half, _ = dev_halves(every)
    engine = prepare_news(side_store(Settings(), "news"), every)
    pairs = []
    for q in every:
        if q["doc_id"] not in reader_half:
            continue
        asked, ranked = ranked_candidates(engine, q, top)
        hardest = [i for i, (_, right) in enumerate(ranked) if not right][:NEGATIVES]  # best scored
        for i, (candidate, right) in enumerate(ranked):
            if right or i in hardest:
                kind = "news answer" if right else "news near miss" if q.get("kind") == "near_miss" else "news other"
                pairs.append(Pair(q["doc_id"], q["lang"], asked, candidate.text, int(right), kind))
    return pairs
