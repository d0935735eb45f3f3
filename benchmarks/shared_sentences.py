"""How often articles that ingest does not group as wire copies share a sentence.

    python benchmarks/shared_sentences.py

Reads the news archive (../shared/news) and groups its articles as ingest does
(ingest.wire: copies across outlets only). It then counts the sentences of at
least eight words, Arabic-normalised, that stand in more than one story: those
the answerer sees several times when the span model chooses the quoted sentence
(qa.extractive.ExtractiveAnswerer._choose_by_span counts each once).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.wire import Article, copy_groups, signature
from qa.arabic import normalize_arabic
from qa.news import read_archive
from qa.sentences import sentence_spans

MIN_WORDS = 8  # a statement, not a dateline or a caption


def main() -> None:
    articles = list(read_archive())
    groups = copy_groups(Article(a["id"], a.get("outlet"), a.get("date"), signature(a["text"])) for a in articles)
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


if __name__ == "__main__":
    main()
