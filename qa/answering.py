"""One question in, one cited answer out: retrieval, then the chosen answerer."""

from __future__ import annotations

import re
import time

from qa.answer_types import Answer
from qa.extractive import NO_ANSWER, answer_extractive, is_follow_up, language_of
from qa.retrieve import hybrid_search
from qa.store import Store

MAX_QUESTION_CHARS = 2000
DEFAULT_PASSAGES = 6
_HAS_WORD = re.compile(r"[^\W_]")


class QuestionError(ValueError):
    """The question cannot be asked as given (empty, too long)."""


def check_question(question: str) -> str:
    question = question.strip()
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(f"the question is {len(question):,} characters long; the limit is {MAX_QUESTION_CHARS:,}")
    return question


def retrieval_query(question: str, history: list[str] | None) -> str:
    """The question, preceded by the previous one when it is a follow-up."""
    if history and is_follow_up(question):
        return f"{history[-1]} {question}"
    return question


def ask(
    store: Store,
    question: str,
    history: list[str] | None = None,
    k: int = DEFAULT_PASSAGES,
    llm=None,
    on_token=None,
) -> Answer:
    """Answer ``question`` (earlier questions of the conversation in ``history``).

    ``llm`` is an ``qa.llm.LLMAnswerer`` or None for the extractive answerer;
    ``on_token`` receives streamed text when an LLM answers.
    """
    question = check_question(question)
    started = time.perf_counter()
    if not _HAS_WORD.search(question):  # only punctuation: nothing to look for
        answer = Answer(question, NO_ANSWER[language_of(question)], False, "extractive")
        answer.timings_ms = {"retrieve": 0.0, "answer": 0.0, "total": 0.0}
        return answer
    if llm is not None and history and is_follow_up(question):
        query = llm.standalone(question, history)  # the LLM rewrites the follow-up
    else:
        query = retrieval_query(question, history)  # the extractive answerer widens retrieval
    hits = hybrid_search(store, query, n=max(k, 1))
    retrieved = time.perf_counter()
    if llm is None:
        answer = answer_extractive(store, question, hits, history)
    else:
        answer = llm.answer(store, question, hits, history, on_token=on_token)
    done = time.perf_counter()
    answer.timings_ms = {
        "retrieve": round((retrieved - started) * 1000, 1),
        "answer": round((done - retrieved) * 1000, 1),
        "total": round((done - started) * 1000, 1),
    }
    return answer
