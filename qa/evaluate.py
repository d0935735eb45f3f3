"""The project's own question set: answer accuracy, citation-source accuracy and
abstention, measured through the same ``ask`` the product uses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qa.answering import DEFAULT_PASSAGES, ask, retrieval_query
from qa.arabic import normalize_arabic
from qa.config import PROJECT_ROOT
from qa.extractive import best_groups, language_of
from qa.retrieve import hybrid_search
from qa.store import Store

QUESTIONS = PROJECT_ROOT / "eval" / "questions.jsonl"


@dataclass
class QAResult:
    answer_accuracy: float
    source_accuracy: float
    abstention_precision: float
    abstention_recall: float
    answerable: int
    unanswerable: int
    failures: list[str] = field(default_factory=list)


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def contains_answer(text: str, expected: list[str]) -> bool:
    folded = normalize_arabic(text)
    return any(normalize_arabic(e) in folded for e in expected)


def evaluate_answers(store: Store, questions: list[dict], llm=None) -> QAResult:
    correct = sourced = abstained = abstained_right = 0
    answerable = [q for q in questions if q["answerable"]]
    unanswerable = [q for q in questions if not q["answerable"]]
    failures: list[str] = []
    for q in questions:
        answer = ask(store, q["question"], llm=llm)
        if not answer.answerable:
            abstained += 1
            abstained_right += not q["answerable"]
            if q["answerable"]:
                failures.append(f"{q['qid']} abstained: {q['question']}")
            continue
        if not q["answerable"]:
            failures.append(f"{q['qid']} answered an unanswerable question: {q['question']}")
            continue
        ok = contains_answer(answer.answer, q["answers"])
        cited_right = bool(answer.citations) and answer.citations[0].doc_id in q["sources"]
        correct += ok
        sourced += cited_right
        if not (ok and cited_right):
            failures.append(
                f"{q['qid']} {'wrong answer' if not ok else 'wrong source'}: {q['question']} -> {answer.answer[:120]}"
            )
    return QAResult(
        answer_accuracy=correct / max(len(answerable), 1),
        source_accuracy=sourced / max(len(answerable), 1),
        abstention_precision=abstained_right / abstained if abstained else 1.0,
        abstention_recall=abstained_right / max(len(unanswerable), 1),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        failures=failures,
    )


def calibrate(store: Store, questions: list[dict]) -> dict[str, list[tuple[float, str, bool, bool]]]:
    """Per question language, every question's confidence, sorted: (confidence, qid,
    answerable, right-if-answered). A threshold is good where unanswerable questions
    sit below it and rightly answered ones above."""
    by_language: dict[str, list[tuple[float, str, bool, bool]]] = {}
    for q in questions:
        hits = hybrid_search(store, retrieval_query(q["question"], None), n=DEFAULT_PASSAGES)
        groups, confidence = best_groups(store, q["question"], hits, None)
        quoted = " ".join(c.text for g in groups for c in g)
        right = q["answerable"] and bool(groups) and contains_answer(quoted, q["answers"])
        by_language.setdefault(language_of(q["question"]), []).append((confidence, q["qid"], q["answerable"], right))
    return {lang: sorted(rows) for lang, rows in by_language.items()}
