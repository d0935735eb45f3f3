"""The Arabic questions of both question sets asked again in another real spelling.

    python benchmarks/respelled.py [--store STORE]

``eval/respelled_questions.jsonl`` holds, for each Arabic question with a name or
loanword that outlets spell more than one way, the question with that word in the
other spelling (written by a helper that had not read the code: أمريكا / أميركا,
ترامب / ترمب, نتنياهو / نتانياهو …). Each is graded as its original is, by
``qa.evaluate.grade``: news questions on ``qa eval --news``'s 120-article store,
the project's on the store ``--store`` names (default: the settings' store, as
``qa eval``). Prints right, wrong and abstained for the originals and the
respelled questions, answerable and unanswerable apart: a reader that takes a
respelling for another word abstains where the original was answered.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.bench import side_store
from qa.config import PROJECT_ROOT, Settings
from qa.engine import Engine
from qa.evaluate import QUESTIONS, Graded, grade, load_questions
from qa.news import NEWS_QUESTIONS, prepare_news

RESPELLED = PROJECT_ROOT / "eval" / "respelled_questions.jsonl"


def tally(graded: list[Graded]) -> str:
    right = sum(g.answered and g.right for g in graded)
    wrong = sum(g.answered and not g.right for g in graded)
    return f"{right:>7}{wrong:>7}{len(graded) - right - wrong:>11}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="the project question set's store")
    settings = Settings().with_overrides(store_dir=parser.parse_args().store)
    engine = Engine(settings)
    news_questions = load_questions(NEWS_QUESTIONS)
    engines = {
        NEWS_QUESTIONS.name: prepare_news(side_store(settings, "news"), news_questions, engine=engine),
        QUESTIONS.name: engine,
    }
    originals = {(NEWS_QUESTIONS.name, q["qid"]): q for q in news_questions}
    originals |= {(QUESTIONS.name, q["qid"]): q for q in load_questions(QUESTIONS)}
    rows: dict[bool, list[tuple[Graded, Graded]]] = {True: [], False: []}
    for respelling in load_questions(RESPELLED):
        original = originals[respelling["source_file"], respelling["qid"]]
        asker = engines[respelling["source_file"]]
        pair = grade(asker, original), grade(asker, original | {"question": respelling["respelled"]})
        rows[original["answerable"]].append(pair)
    print(f"{'questions':<28}{'n':>5}{'right':>7}{'wrong':>7}{'abstained':>11}")
    for answerable, pairs in rows.items():
        kind = "answerable" if answerable else "unanswerable"
        print(f"{kind + ', as written':<28}{len(pairs):>5}{tally([a for a, _ in pairs])}")
        print(f"{kind + ', respelled':<28}{len(pairs):>5}{tally([b for _, b in pairs])}")


if __name__ == "__main__":
    main()
