"""Digests: a summary request gets one cited key sentence per article, in date order."""

from __future__ import annotations

import pytest

from qa.digest import digest_topic
from qa.extractive import NO_ANSWER

from .conftest import passage

TOPIC = "القوات الأميركية في العراق والهجمات على قواعدها العسكرية"
LATE = passage("a1", f"وقالت الوزارة إن {TOPIC} تواصلت.", "late", outlet="Rudaw", date="2023-12-13")
EARLY = passage("b1", f"وذكر المتحدث أن {TOPIC} تراجعت.", "early", outlet="Shafaq News", date="2023-11-08")
UNDATED = passage("c1", f"وأكد مسؤولون أن {TOPIC} مستمرة.", "undated", outlet="Levant News")
HEADING = passage(
    "d1",
    "القوات الأميركية في العراق والهجمات على قواعدها\nافتتحت وزارة الزراعة موسم حصاد الحنطة في نينوى هذا الأسبوع.",
    "heading",
)


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("Summarise the news about US troops in Iraq", "US troops in Iraq"),
        ("Give me an overview of the attacks on US bases?", "the attacks on US bases"),
        ("What is happening in Iraq?", "Iraq"),
        ("لخص آخر الأخبار عن القوات الأميركية في العراق", "القوات الأميركية في العراق"),
        ("ما الذي يحدث في العراق؟", "العراق"),
        ("How many US troops are in Iraq?", None),
        ("من لخص التقرير؟", None),
        ("لخصت الوزارة أسباب الانسحاب، ما هي؟", None),  # a word that starts like the request
        ("ما الذي يحدث في حال انسحبت القوات؟", None),  # "what happens if"
        ("Overview of the attacks: how many were killed?", None),  # asks for a figure
        ("ما آخر الأخبار عن العراق", "العراق"),
        ("Can you summarise the news about Iraq?", "Iraq"),
    ],
)
def test_a_digest_request_and_what_it_is_about(question, topic):
    assert digest_topic(question) == topic


def test_a_digest_quotes_one_sentence_per_article_oldest_first(parts):
    retriever, answerer = parts([LATE, EARLY, UNDATED, HEADING])
    question = f"لخص آخر الأخبار عن {TOPIC}"
    assert answerer.query_for(question, ["an earlier question"]) == TOPIC  # what it is about is retrieved
    answer = answerer.answer(question, retriever.search(answerer.query_for(question, None), n=6))
    lines = answer.answer.splitlines()
    assert lines[0] == "ملخص من 3 مقالات (الأقدم أولاً):"
    assert [c.doc_id for c in answer.citations] == ["early", "late", "undated"]  # by date, undated last
    assert lines[1].startswith("- شفق نيوز، 2023-11-08: «وذكر المتحدث")  # the outlet in Arabic
    assert lines[1].endswith("[1]")
    assert all(c.quote in c.passage for c in answer.citations)


def test_a_digest_of_what_the_articles_do_not_cover_is_abstained(parts):
    retriever, answerer = parts([LATE, EARLY])
    question = "Summarise the news about the population of Mars"
    answer = answerer.answer(question, retriever.search(answerer.query_for(question, None), n=6))
    assert not answer.answerable and answer.answer == NO_ANSWER["en"]


def test_an_article_with_several_sentences_on_the_topic_is_quoted_once(parts):
    more = passage("a2", f"وقالت الوزارة إن {TOPIC} تواصلت. وأضافت أن {TOPIC} اشتدت.", "late", date="2023-12-13")
    retriever, answerer = parts([more, EARLY])
    question = f"لخص آخر الأخبار عن {TOPIC}"
    answer = answerer.answer(question, retriever.search(answerer.query_for(question, None), n=6))
    assert [c.doc_id for c in answer.citations] == ["early", "late"]
