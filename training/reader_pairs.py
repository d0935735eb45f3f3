"""Training pairs for the reader (qa.reader), made from the public QA sets.

For each XQuAD/ARCD question: its answer sentence (positive), other sentences
of the same passage (negatives: about the same thing, without the answer),
and the question with one name, place or number swapped for one the passage
does not support, against the answer sentence (a near miss, negative).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from qa.arabic import normalize_arabic
from qa.bench import BENCH_DIR
from qa.sentences import sentence_spans
from qa.terms import lexical_terms

MIN_SENTENCE = 12  # characters, as the answerer's candidates
# A name or number in an English question (not its first word): a run of capitalised
# words or figures, "of"/"the" allowed inside ("Bank of England").
_ENGLISH_ENTITY = re.compile(
    r"(?<!^)\b((?:[A-Z][\w'’-]*|\d[\d,.]*)(?:\s+(?:of\s+|the\s+)?(?:[A-Z][\w'’-]*|\d[\d,.]*))*)"
)
_NUMBER = re.compile(r"\d[\d,.]*")
_ARABIC_PREFIX = re.compile(r"^(?:وال|بال|فال|كال|لل|ال|و|ب|ل)(?=\w{3})")


@dataclass(frozen=True)
class Pair:
    group: str  # the passage: pairs of one passage stay on one side of a split
    lang: str
    question: str
    sentence: str
    label: int
    kind: str  # "answer", "other sentence", "swapped"


def read_jsonl(path: Path) -> Iterator[dict]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            yield json.loads(line)


def _sentences(text: str) -> list[tuple[int, int, str]]:
    return [(s.start, s.end, s.of(text)) for s in sentence_spans(text) if len(s.of(text)) >= MIN_SENTENCE]


def _answer_sentence(doc: dict, query: dict) -> tuple[int, int, str] | None:
    starts, answers = query.get("answer_start") or [], query.get("answers") or []
    if not starts or not answers:
        return None
    start, answer = starts[0], answers[0]
    if doc["text"][start : start + len(answer)] != answer:
        return None
    return next((s for s in _sentences(doc["text"]) if s[0] <= start < s[1]), None)


def _supported_words(question: str, sentence: str) -> list[str]:
    """The question's Arabic words (not numbers) that the sentence also has."""
    present = set(lexical_terms(sentence))
    words = (w.strip('؟?،,.()"') for w in question.split())
    return [w for w in words if len(w) > 3 and not _NUMBER.search(w) and set(lexical_terms(w)) & present]


class Swapper:
    """Near-miss questions: one constraint changed for one from another passage's question."""

    def __init__(
        self, rng: random.Random, english_entities: list[tuple[str, str]], arabic_words: list[tuple[str, str]]
    ):
        self.rng = rng
        self.english_entities = english_entities
        self.arabic_words = arabic_words

    def number(self, question: str) -> str | None:
        found = list(_NUMBER.finditer(question))
        if not found:
            return None
        match = self.rng.choice(found)
        try:
            value = int(float(match.group(0).replace(",", "")))
        except ValueError:
            return None
        if 1900 < value < 2100:  # a year: another year
            new = value + self.rng.choice([-7, -3, -2, 2, 3, 5])
        else:
            new = value + self.rng.choice([1, 2, 3, 5, 10, 100]) * (1 if value < 5 else self.rng.choice([1, -1]))
        return question[: match.start()] + str(new) + question[match.end() :]

    def english(self, question: str, group: str) -> str | None:
        found = [m for m in _ENGLISH_ENTITY.finditer(question) if m.group(1) != "I"]
        if not found:
            return self.number(question)
        match = self.rng.choice(found)
        for _ in range(20):
            other_group, entity = self.rng.choice(self.english_entities)
            same_kind = bool(_NUMBER.fullmatch(entity)) == bool(_NUMBER.fullmatch(match.group(1)))
            if other_group != group and entity.lower() != match.group(1).lower() and same_kind:
                return question[: match.start(1)] + entity + question[match.end(1) :]
        return None

    def arabic(self, question: str, group: str, passage: str, sentence: str) -> str | None:
        words = _supported_words(question, sentence)
        if not words:
            return self.number(question)
        word = self.rng.choice(words)
        passage_terms = set(lexical_terms(passage))
        for _ in range(30):
            other_group, other = self.rng.choice(self.arabic_words)
            if other_group != group and not set(lexical_terms(other)) & passage_terms:
                prefix = _ARABIC_PREFIX.match(word)  # keep the article or conjunction: "والعراق" -> "والسودان"
                return question.replace(word, (prefix.group(0) if prefix else "") + _ARABIC_PREFIX.sub("", other), 1)
        return None

    def swap(self, query: dict, passage: str, sentence: str) -> str | None:
        if self.rng.random() < 0.25 and _NUMBER.search(query["question"]):
            return self.number(query["question"])
        if query["lang"] == "en":
            return self.english(query["question"], query["gold_doc_id"])
        return self.arabic(query["question"], query["gold_doc_id"], passage, sentence)


def bench_queries(bench: Path = BENCH_DIR) -> list[dict]:
    """The questions of XQuAD (Arabic and English, on Arabic passages) and ARCD."""
    return [q for name in ("xquad", "arcd") for q in read_jsonl(bench / f"{name}.queries.jsonl")]


def answered_queries(bench: Path = BENCH_DIR) -> list[tuple[dict, dict, tuple[int, int, str]]]:
    """Each question whose answer is where its ``answer_start`` says, with its passage and
    the sentence holding the answer (start and end in the passage, text)."""
    docs = {d["doc_id"]: d for name in ("xquad", "arcd") for d in read_jsonl(bench / f"{name}.docs.jsonl")}
    return [
        (q, docs[q["gold_doc_id"]], s)
        for q in bench_queries(bench)
        if q["gold_doc_id"] in docs
        for s in [_answer_sentence(docs[q["gold_doc_id"]], q)]
        if s
    ]


def bench_pairs(bench: Path = BENCH_DIR, seed: int = 13) -> list[Pair]:
    """Pairs from XQuAD (Arabic and English questions on Arabic passages) and ARCD."""
    rng = random.Random(seed)
    queries = bench_queries(bench)
    answered = answered_queries(bench)
    # The Arabic twin of an XQuAD English question ranks its passage's sentences by shared words.
    arabic_twin = {q["src_id"]: q["question"] for q in queries if q["lang"] == "ar" and q.get("src_id")}
    english_entities = [
        (q["gold_doc_id"], m.group(1))
        for q in queries
        if q["lang"] == "en"
        for m in _ENGLISH_ENTITY.finditer(q["question"])
        if m.group(1) != "I"
    ]
    arabic_words = [
        (q["gold_doc_id"], w)
        for q, _, s in answered
        if q["lang"] == "ar"
        for w in _supported_words(q["question"], s[2])
    ]
    swapper = Swapper(rng, english_entities, arabic_words)
    pairs: list[Pair] = []
    for query, doc, (start, _, sentence) in answered:
        group, lang, question = query["gold_doc_id"], query["lang"], query["question"]
        pairs.append(Pair(group, lang, question, sentence, 1, "answer"))
        answer = normalize_arabic(query["answers"][0])
        others = [s for s in _sentences(doc["text"]) if s[0] != start and answer not in normalize_arabic(s[2])]
        if others:
            wanted = set(lexical_terms(arabic_twin.get(query.get("src_id", ""), "") if lang == "en" else question))
            others.sort(key=lambda s: -len(wanted & set(lexical_terms(s[2]))))
            picks = others[:1] + rng.sample(others[1:], min(1, len(others) - 1))  # the closest, and one at random
            pairs += [Pair(group, lang, question, s[2], 0, "other sentence") for s in picks]
        swapped = swapper.swap(query, doc["text"], sentence)
        if swapped and swapped != question:
            pairs.append(Pair(group, lang, swapped, sentence, 0, "swapped"))
    return pairs
