"""The project's own question set: answer accuracy, citation-source accuracy and
abstention, measured through the same ``ask`` the product uses."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from qa.answer_types import Citation
from qa.arabic import normalize_arabic
from qa.config import PROJECT_ROOT
from qa.copies import WireCopies
from qa.digest import digest_topic
from qa.direct import figures_read
from qa.engine import Engine
from qa.extractive import Candidate, compose

QUESTIONS = PROJECT_ROOT / "eval" / "questions.jsonl"


@dataclass
class QAResult:
    answer_accuracy: float
    source_accuracy: float
    abstention_precision: float
    abstention_recall: float
    lead_accuracy: float  # of the right answers, how many lead with an expected answer (a figure, date or name)
    lead_given: float  # of the right answers, how many lead with anything (lead_accuracy / lead_given: leads right)
    answerable: int
    unanswerable: int
    failures: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Graded:
    """One question's outcome."""

    question: dict
    answered: bool
    right: bool = False  # an expected answer string is in the answer
    sourced: bool = False  # the first citation is from an expected article
    miss: str | None = None
    cited: Citation | None = None  # the first citation, when answered
    led: bool = False  # the answer leads (qa.direct) with an expected answer
    has_lead: bool = False  # the answer leads with something


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def contains_answer(text: str, expected: list[str]) -> bool:
    folded = normalize_arabic(text)
    return any(normalize_arabic(e) in folded for e in expected)


def lead_holds(lead: str, expected: list[str]) -> bool:
    """Is an answer's lead ("50 thousand", "21 March 2018", "Sweden") an expected answer:
    does it contain one, or every figure of one, scale applied ("50 thousand" holds "50,000"
    and «50 ألف», "12" does not hold «12 ألف», "8 October 2015" holds "October 2015")? A
    figure's unit is not compared: "7 years" holds «7 ساعات»."""
    values = {value for value, _ in figures_read(lead)}
    return contains_answer(lead, expected) or any(
        (wanted := {value for value, _ in figures_read(e)}) and wanted <= values for e in expected
    )


def grade(engine: Engine, q: dict, llm: str | None = None) -> Graded:
    """Ask ``q`` and judge the answer. A question names its expected answers (``answers``,
    and for English questions optionally ``answers_en``) and its articles (``sources``,
    or the one ``doc_id``)."""
    answer = engine.ask(q["question"], llm=llm)
    if not answer.answerable:
        return Graded(q, False, miss=f"{q['qid']} abstained: {q['question']}" if q["answerable"] else None)
    if not q["answerable"]:
        return Graded(
            q, True, miss=f"{q['qid']} answered an unanswerable question: {q['question']} -> {answer.answer[:120]}"
        )
    # A question asking for the latest is right only when the newest value leads.
    lead = answer.citations[0].quote if q.get("kind") == "latest" and answer.citations else answer.answer
    right = contains_answer(lead, q["answers"] + q.get("answers_en", []))
    sourced = bool(answer.citations) and answer.citations[0].doc_id in q.get("sources", [q.get("doc_id")])
    miss = None
    if not (right and sourced):
        miss = f"{q['qid']} {'wrong answer' if not right else 'wrong source'}: {q['question']} -> {answer.answer[:120]}"
    said = answer.findings[0].lead if answer.findings else None
    led = said is not None and lead_holds(said, q["answers"] + q.get("answers_en", []))
    cited = answer.citations[0] if answer.citations else None
    return Graded(q, True, right, sourced, miss, cited, led, said is not None)


def story_ids(copies: WireCopies, doc_key: str, doc_id: str) -> set[str]:
    """An article's id and those of its wire copies: the story's, which any of them tells."""
    return {doc_id} | {str(c["doc_id"]) for c in copies.also_reported_by(doc_key)}


def summarise(graded: list[Graded]) -> QAResult:
    answerable = [g for g in graded if g.question["answerable"]]
    unanswerable = [g for g in graded if not g.question["answerable"]]
    abstained = [g for g in graded if not g.answered]
    abstained_right = [g for g in unanswerable if not g.answered]
    right = [g for g in answerable if g.right]  # no lead counts as no right lead: dropping a lead never scores
    return QAResult(
        answer_accuracy=sum(g.right for g in answerable) / max(len(answerable), 1),
        source_accuracy=sum(g.sourced for g in answerable) / max(len(answerable), 1),
        abstention_precision=len(abstained_right) / len(abstained) if abstained else 1.0,
        abstention_recall=len(abstained_right) / max(len(unanswerable), 1),
        lead_accuracy=sum(g.led for g in right) / max(len(right), 1),
        lead_given=sum(g.has_lead for g in right) / max(len(right), 1),
        answerable=len(answerable),
        unanswerable=len(unanswerable),
        failures=[g.miss for g in graded if g.miss],
    )


def evaluate_answers(engine: Engine, questions: list[dict], llm: str | None = None) -> QAResult:
    return summarise([grade(engine, q, llm) for q in questions])


def confidence_rows(engine: Engine, questions: list[dict]) -> list[tuple[dict[str, float], bool]]:
    """Per question ``ask`` would answer or abstain on by its confidence: the signals of
    the answer the extractive answerer would give from what ``ask`` reads, abstention
    aside, and whether that answer is right (has an expected answer and cites an
    expected article first; never, for an unanswerable one). A digest, an answer given
    for something else (another country, a word qualified otherwise: Choice.given_for),
    and nothing to quote are left out: ``ask`` gives none of them
    as an answer, whatever the confidence."""
    rows = []
    for q in questions:
        read = engine.reading(q["question"])
        if digest_topic(read.question):
            continue
        choice = engine.refresh().extractive.best_groups(read.question, read.hits, None)
        if choice.signals is None or choice.given_for:
            continue
        text, citations, _, _ = compose(read.question, choice.groups, choice.spans)
        right = (
            q["answerable"]
            and contains_answer(text, q["answers"] + q.get("answers_en", []))
            and citations[0].doc_id in q.get("sources", [q.get("doc_id")])
        )
        rows.append((choice.signals, bool(right)))
    return rows


def ranked_candidates(engine: Engine, q: dict, top: int) -> tuple[str, list[tuple[Candidate, bool]]]:
    """The question as ``ask`` reads it, and the ``top`` sentences the extractive answerer
    scores best for it (from what ``ask`` reads, checked against the question's
    constraints and scored as ``ask`` scores them before the span model rescores the
    best (ExtractiveAnswerer._choose_by_span), so at most EMBEDDED_SENTENCES; none for a
    digest), best first, each with whether it is right: it holds an expected answer and
    is from the question's article (never, for an unanswerable question)."""
    read = engine.reading(q["question"])
    if digest_topic(read.question):
        return read.question, []
    kept, _, _ = engine.refresh().extractive.shortlist(read.question, None, read.hits)
    expected = q["answers"] + q.get("answers_en", []) if q["answerable"] else []
    best = sorted(kept, key=lambda c: c.score, reverse=True)[:top]
    return read.question, [
        (c, bool(expected) and c.hit.passage.doc_id == q.get("doc_id") and contains_answer(c.text, expected))
        for c in best
    ]
