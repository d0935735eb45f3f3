"""How often articles that ingest does not group as wire copies share a sentence.

    python benchmarks/shared_sentences.py

Reads the news archive (../shared/news) and groups its articles as ingest does
(ingest.wire: copies across outlets only). It then counts the sentences of at
least eight words, Arabic-normalised, that stand in more than one story: those
the answerer sees several times when the span model chooses the quoted sentence
(qa.extractive.ExtractiveAnswerer._choose_by_span counts each once). Last, it
counts the pairs of one outlet's articles, at most two days apart, whose texts are
near copies (a story run again, which ingest leaves ungrouped), by their estimated
Jaccard similarity, and how many of the real-news question set's articles are in them.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.wire import Article, copy_groups, days_close, same_outlet, signature, similar_pairs
from qa.arabic import normalize_arabic
from qa.evaluate import load_questions
from qa.news import NEWS_QUESTIONS, read_archive
from qa.sentences import sentence_spans

MIN_WORDS = 8  # a statement, not a dateline or a caption
RERUN_SIMILARITIES = (0.5, 0.8, 0.9)


def main() -> None:
    articles = list(read_archive())
    signed = [Article(a["id"], a.get("outlet"), a.get("date"), signature(a["text"])) for a in articles]
    groups = copy_groups(signed)
    outlet = {a["id"]: a.get("outlet") for a in articles}
    holders: dict[str, set[str]] = defaultdict(set)
    for article in articles:
        text = article["text"]
        for span in sentence_spans(text):
            sentence = span.of(text)
            if len(sentence.split()) >= MIN_WORDS:
                holders[normalize_arabic(sentence)].add(article["id"])
    shared = {s: ids for s, ids in holders.items() if len({groups.get(i, i) for i in ids}) > 1}
    few = [ids for ids in shared.values() if len(ids) <= 5]
    print(f"{len(articles)} articles, {len(groups)} of them in wire-copy groups")
    print(f"sentences of {MIN_WORDS}+ words in more than one story: {len(shared)}")
    print(
        f"  in 2-5 articles: {len(few)}, of which all of one outlet: {sum(len({outlet[i] for i in ids}) == 1 for ids in few)}"
    )
    print(f"  in 20 or more articles (an outlet's boilerplate): {sum(len(ids) >= 20 for ids in shared.values())}")
    print(f"articles holding such a sentence: {len({i for ids in shared.values() for i in ids})}")
    asked_of = {q["doc_id"] for q in load_questions(NEWS_QUESTIONS)}
    reruns = similar_pairs(signed, lambda a, b: same_outlet(a, b) and days_close(a, b), min(RERUN_SIMILARITIES))
    print("one outlet's articles at most two days apart, as near copies:")
    for least in RERUN_SIMILARITIES:
        keys = {key for score, *pair in reruns if score >= least for key in pair}
        pairs = sum(score >= least for score, *_ in reruns)
        print(
            f"  similarity >= {least}: {pairs} pairs, {len(keys)} articles, {len(keys & asked_of)} of the question set's"
        )


if __name__ == "__main__":
    main()
