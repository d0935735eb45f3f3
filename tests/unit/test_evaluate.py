"""Grading and summing up question sets, and reading the news archive."""

from __future__ import annotations

import json
import lzma

import pytest

from qa.errors import SanadError
from qa.evaluate import Graded, contains_answer, lead_holds, load_questions, summarise
from qa.news import NEWS_QUESTIONS, dev_halves, read_archive


def question(answerable: bool, **extra) -> dict:
    return {"qid": "q", "question": "?", "answerable": answerable, **extra}


def test_the_summary_counts_answers_sources_and_abstentions():
    graded = [
        Graded(question(True), answered=True, right=True, sourced=True, led=True, has_lead=True),
        Graded(question(True), answered=True, right=True, sourced=False, miss="wrong source"),  # no lead
        Graded(question(True), answered=True, right=True, sourced=True, has_lead=True),  # a wrong lead
        Graded(question(True), answered=False, miss="abstained"),
        Graded(question(True), answered=True, right=False, miss="wrong answer"),
        Graded(question(False), answered=False),
        Graded(question(False), answered=True, miss="answered"),
        Graded(question(False), answered=False),
    ]
    result = summarise(graded)
    assert (result.answerable, result.unanswerable) == (5, 3)
    assert result.answer_accuracy == pytest.approx(3 / 5) and result.source_accuracy == pytest.approx(2 / 5)
    assert result.abstention_recall == pytest.approx(2 / 3)  # two of the three unanswerable were abstained
    assert result.abstention_precision == pytest.approx(2 / 3)  # one abstention was on an answerable question
    assert result.failures == ["wrong source", "abstained", "wrong answer", "answered"]
    assert result.lead_accuracy == pytest.approx(1 / 3)  # of the three right answers; no lead counts as not right
    assert result.lead_given == pytest.approx(2 / 3)  # one right answer leads with nothing


@pytest.mark.parametrize(
    ("lead", "expected", "holds"),
    [
        ("50 thousand", ["50 ألف"], True),  # a figure's scale in either language
        ("50 thousand", ["50,000"], True),
        ("50 million", ["50 ألف", "50,000"], False),
        ("12", ["12 ألف"], False),
        ("100 million dollars", ["$100 million"], True),
        ("4.0%", ["4.00 في المئة"], True),
        ("21 March 2018", ["21 آذار/مارس", "March 21"], True),
        ("11 تشرين الثاني/نوفمبر 1998", ["1998"], True),  # a fuller date than the one expected
        ("21 March 2019", ["21 آذار/مارس 2018"], False),
        ("حوالي ٧", ["7 ساعات"], True),
        ("27 million", ["324 ألف", "324,000"], False),  # another figure of the quote
        ("Sunday", ["21 آذار/مارس"], False),  # no figure where one is expected
        ("2005", ["ثماني", "eight"], False),
        ("Sweden", ["السويد", "Sweden"], True),
        ("ستوكهولم", ["السويد", "Sweden"], False),
        ("القناة العاشرة", ["القناة العاشرة", "Channel 10"], True),  # words, where another expected form has a figure
    ],
)
def test_a_lead_holds_the_expected_figure_or_words(lead, expected, holds):
    assert lead_holds(lead, expected) is holds


def test_expected_answers_match_across_arabic_spelling_variants():
    assert contains_answer("وصل إلى مطار لو بورجيه ظهر الجمعة", ["لو بورجيه"])
    assert contains_answer("بلغ عددهم ٢٥٠٠ جندي", ["2500"])
    assert contains_answer("الجامعة الأمريكية", ["الجامعه الامريكيه"])
    assert not contains_answer("بلغ عددهم 2000 جندي", ["2500"])


def test_the_archive_is_read_where_it_lies_and_filtered_by_id(tmp_path):
    archive = tmp_path / "news.jsonl.xz"
    with lzma.open(archive, "wt", encoding="utf-8") as f:
        for n in range(3):
            f.write(json.dumps({"id": f"a{n}", "text": "نص", "title": "عنوان"}, ensure_ascii=False) + "\n")
    assert [a["id"] for a in read_archive(archive)] == ["a0", "a1", "a2"]
    assert [a["id"] for a in read_archive(archive, {"a2", "zz"})] == ["a2"]
    with pytest.raises(SanadError, match="not at"):
        list(read_archive(tmp_path / "missing.jsonl.xz"))


def test_the_dev_split_is_halved_by_article_each_outlet_alternately_and_the_test_split_left_out():
    questions = [
        {"split": split, "outlet": outlet, "doc_id": f"{outlet}-{split}-{n}"}
        for outlet in ("bbc", "cnn")
        for split in ("dev", "test")
        for n in (3, 1, 2, 4, 1)  # an article's questions need not be together
    ]
    reader_half, confidence_half = dev_halves(questions)
    assert reader_half == {"bbc-dev-1", "bbc-dev-3", "cnn-dev-1", "cnn-dev-3"}
    assert confidence_half == {"bbc-dev-2", "bbc-dev-4", "cnn-dev-2", "cnn-dev-4"}


def test_the_real_news_dev_split_halves_hold_half_of_each_outlets_articles():
    questions = load_questions(NEWS_QUESTIONS)
    halves = dev_halves(questions)
    dev = {q["doc_id"]: q["outlet"] for q in questions if q["split"] == "dev"}
    assert not halves[0] & halves[1] and halves[0] | halves[1] == set(dev)
    for outlet in set(dev.values()):
        assert [sum(dev[d] == outlet for d in half) for half in halves] == [6, 6]


def test_each_respelled_question_is_an_arabic_question_with_only_its_listed_words_changed():
    from qa.config import PROJECT_ROOT

    sets = {
        name: {q["qid"]: q for q in load_questions(PROJECT_ROOT / "eval" / name)}
        for name in (NEWS_QUESTIONS.name, "questions.jsonl")
    }
    respelled = load_questions(PROJECT_ROOT / "eval" / "respelled_questions.jsonl")
    assert len(respelled) == len({(r["source_file"], r["qid"]) for r in respelled}) > 100
    for r in respelled:
        original = sets[r["source_file"]][r["qid"]]
        assert original["lang"] == "ar" and original["question"] == r["question"] != r["respelled"]
        changed = {(a, b) for a, b in zip(r["question"].split(), r["respelled"].split(), strict=True) if a != b}
        assert all(any(old in a and a.replace(old, new) == b for old, new in r["changed"]) for a, b in changed)
