"""Where the real-news set's answers are lost: retrieval, the choice of sentence, or abstention.

    python benchmarks/answer_losses.py [--store STORE] [--split dev|test]

Each answerable question of the split is asked as ``qa eval --news`` asks it, and the
passages ``ask`` read are looked at too (``Engine.passages``). A row is what the answer
was: right and citing the question's article (or a wire copy of it), right but citing
another article, a sentence of its article without the expected answer, another
article's sentence without it, or an abstention. A column is where the article was
among those read: first, later, or not at all. Unanswerable questions: how many were
answered. STORE defaults to the evaluation's 120-article store; a stage of
benchmarks/scale.py (e.g. ~/.cache/sanad/scale-news/store-29366) shows what the
archive's other articles cost.
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
from qa.evaluate import contains_answer, load_questions
from qa.news import NEWS_QUESTIONS, prepare_news

OUTCOMES = (
    "right, its article cited",
    "right, another article cited",
    "a sentence of its article, without the answer",
    "another article's sentence, without the answer",
    "abstained",
)
PLACES = ("first", "2nd or later", "not read")  # the question's article among those read
NOT_READ = PLACES[2]


def articles_of(engine: Engine, doc_key: str, doc_id: str) -> set[str]:
    """An article's id and those of its wire copies."""
    return {doc_id} | {c["doc_id"] for c in engine.refresh().copies.also_reported_by(doc_key)}


def where_lost(engine: Engine, q: dict) -> tuple[str, str]:
    """(where the question's article was among those read, the answer's outcome)."""
    read_order: list[str] = []
    place = NOT_READ
    for hit in engine.passages(q["question"]):
        if hit.passage.doc_key not in read_order:
            read_order.append(hit.passage.doc_key)
        if q["doc_id"] in articles_of(engine, hit.passage.doc_key, hit.passage.doc_id):
            place = PLACES[0] if len(read_order) == 1 else PLACES[1]
            break
    answer = engine.ask(q["question"])
    if not answer.answerable or not answer.citations:
        return place, "abstained"
    cited = answer.citations[0]
    cited_it = q["doc_id"] in articles_of(engine, cited.doc_key, cited.doc_id)
    if contains_answer(answer.answer, q["answers"] + q.get("answers_en", [])):
        return place, OUTCOMES[0] if cited_it else OUTCOMES[1]
    return place, OUTCOMES[2] if cited_it else OUTCOMES[3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="a store holding the questions' articles")
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    args = parser.parse_args()
    settings = Settings()
    every = load_questions(NEWS_QUESTIONS)
    if args.store:
        engine = Engine(settings.with_overrides(store_dir=args.store))
    else:
        engine = prepare_news(side_store(settings, "news"), every, engine=Engine(settings))
    questions = [q for q in every if q["split"] == args.split]
    outcomes = {lang: Counter() for lang in ("en", "ar")}
    for q in (q for q in questions if q["answerable"]):
        outcomes[q["lang"]][where_lost(engine, q)] += 1
    answered = Counter(q["lang"] for q in questions if not q["answerable"] and engine.ask(q["question"]).answerable)
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
