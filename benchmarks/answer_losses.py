"""Where the real-news set's answers are lost: retrieval, the choice of sentence, or abstention.

    python benchmarks/answer_losses.py [--store STORE] [--split dev|test]

Each answerable question of the split is asked and graded as ``qa eval --news`` does
(``qa.evaluate.grade``), and the passages ``ask`` read are looked at too
(``Engine.reading``). A row is what the answer was: right (it holds an expected
answer) or wrong, citing the question's article first or another one (a wire copy of
the article counts as the article; ``qa eval``'s first source does not count it), or
an abstention. A column is where the article (or a copy) was among the articles read:
first, later, or not at all. Unanswerable questions: how many were answered. STORE
defaults to the evaluation's 120-article store; a stage of benchmarks/scale.py (e.g.
~/.cache/sanad/scale-news/store-29366) shows what the archive's other articles cost.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.bench import side_store
from qa.config import Settings
from qa.engine import Engine
from qa.evaluate import grade, load_questions, story_ids
from qa.news import NEWS_QUESTIONS, prepare_news

OUTCOMES = (
    "right, citing its article first",
    "right, citing another article first",
    "wrong, citing its article first",
    "wrong, citing another article first",
    "abstained",
)
PLACES = ("first", "2nd or later", "not read")  # the question's article among those read


def where_lost(engine: Engine, q: dict) -> tuple[str, str]:
    """(where the question's article was among those read, the answer's outcome)."""
    copies = engine.refresh().copies
    read_order: list[str] = []
    place = PLACES[2]
    for hit in engine.reading(q["question"]).hits:
        if hit.passage.doc_key not in read_order:
            read_order.append(hit.passage.doc_key)
        if q["doc_id"] in story_ids(copies, hit.passage.doc_key, hit.passage.doc_id):
            place = PLACES[0] if len(read_order) == 1 else PLACES[1]
            break
    graded = grade(engine, q)
    if not graded.answered or graded.cited is None:
        return place, OUTCOMES[4]
    cited_it = q["doc_id"] in story_ids(copies, graded.cited.doc_key, graded.cited.doc_id)
    return place, OUTCOMES[(0 if graded.right else 2) + (0 if cited_it else 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="a store holding the questions' articles")
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    args = parser.parse_args()
    settings = Settings()
    every = load_questions(NEWS_QUESTIONS)
    if args.store:
        engine = Engine(settings.with_overrides(store_dir=args.store))
        stored = {r.doc_id for r in engine.refresh().store.catalog.all()}
        if not {q["doc_id"] for q in every if q["answerable"]} <= stored:
            sys.exit(f"{args.store} lacks some of the real-news set's articles: every question would count as not read")
    else:
        engine = prepare_news(side_store(settings, "news"), every, engine=Engine(settings))
    questions = [q for q in every if q["split"] == args.split]
    outcomes = {lang: Counter() for lang in ("en", "ar")}
    for q in (q for q in questions if q["answerable"]):
        outcomes[q["lang"]][where_lost(engine, q)] += 1
    answered = Counter(q["lang"] for q in questions if not q["answerable"] and grade(engine, q).answered)
    unanswerable = Counter(q["lang"] for q in questions if not q["answerable"])
    print("| answerable questions: the answer | English: article read first | later | not read ", end="")
    print("| Arabic: read first | later | not read |\n|---|---:|---:|---:|---:|---:|---:|")
    for outcome in OUTCOMES:
        counts = [outcomes[lang][place, outcome] for lang in ("en", "ar") for place in PLACES]
        print(f"| {outcome} | " + " | ".join(map(str, counts)) + " |")
    print(f"\nUnanswerable questions answered: English {answered['en']} of {unanswerable['en']}, ", end="")
    print(f"Arabic {answered['ar']} of {unanswerable['ar']}.")


if __name__ == "__main__":
    main()
