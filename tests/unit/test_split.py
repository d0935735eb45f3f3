"""Passages: whole sentences, inside the model window, with exact spans and overlap."""

from __future__ import annotations

import itertools

from ingest.split import split_passages
from qa.sentences import sentence_spans


def count_words(text: str) -> int:
    return len(text.split())


def test_sentence_boundaries_arabic_and_english():
    text = 'قال: "نعم". ثم ذهب؟ 1. البند الأول\n2. البند الثاني. جندي أميركي.بداية جديدة\nU.S. troops number 2.5 thousand. Done!'
    assert [s.of(text) for s in sentence_spans(text)] == [
        'قال: "نعم".',
        "ثم ذهب؟",
        "1. البند الأول",
        "2. البند الثاني.",
        "جندي أميركي.",
        "بداية جديدة",
        "U.S. troops number 2.5 thousand.",
        "Done!",
    ]


def test_passages_are_exact_spans_with_one_sentence_overlap():
    sentences = [f"هذه الجملة رقم {i} في المقال الطويل." for i in range(40)]
    text = " ".join(sentences)
    passages = split_passages(text, count_words, target_tokens=30, max_tokens=60)
    assert len(passages) > 3
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert count_words(p.text) <= 60
    for before, after in itertools.pairwise(passages):
        last_sentence = sentence_spans(before.text)[-1].of(before.text)
        assert after.text.startswith(last_sentence)
    covered = " ".join(p.text for p in passages)
    assert all(s in covered for s in sentences)


def test_an_overlong_comma_sentence_is_cut_at_clauses():
    text = "، ".join(f"بند {i} من القائمة" for i in range(200)) + "."
    passages = split_passages(text, count_words, target_tokens=50, max_tokens=80)
    assert len(passages) > 5
    assert all(count_words(p.text) <= 80 for p in passages)
    assert all(text[p.start : p.end] == p.text for p in passages)


def test_a_sentence_that_fits_is_counted_once():
    """Counting tokens is most of splitting's cost (the model's tokenizer)."""
    sentences = [f"هذه الجملة رقم {i} في المقال." for i in range(30)]
    counted: list[str] = []
    split_passages(" ".join(sentences), lambda text: counted.append(text) or count_words(text), 20, 60)
    assert sorted(counted) == sorted(sentences)
