"""What a count question counts, and whether a sentence that names it counts something
else (qa.constraints.counts_otherwise)."""

from __future__ import annotations

import pytest

from qa.bridge import Bridge
from qa.constraints import counted_terms, counts_otherwise
from qa.direct import measure_asked
from qa.terms import lexical_terms

BRIDGE = Bridge([])  # the glossary only: "troops" is in it, "tourists" is not


@pytest.mark.parametrize(
    ("question", "counted"),
    [
        ("كم عدد القوات الأميركية في العراق؟", "قوات جندي جنود عسكري"),  # with the glossary's other words
        ("كم هجوما تعرضت له القوات؟", "هجوم هجمات استهداف"),
        ("How many US troops are in Iraq?", "قوات جندي جنود عسكري"),
        ("How many Chinese tourists visited Egypt?", ""),  # "tourists": no word the bridge knows
        ("How many Yemenis are at risk of famine?", ""),  # a people: counted in any word
        ("ما هي عاصمة العراق؟", ""),  # no count
    ],
)
def test_what_a_count_question_counts(question, counted):
    terms = set(lexical_terms(counted))
    assert terms <= counts_of(question) and bool(terms) == bool(counts_of(question))


def counts_of(question: str) -> frozenset[str]:
    return counted_terms(question, BRIDGE)


@pytest.mark.parametrize(
    ("question", "sentence", "otherwise"),
    [
        # The troops named, attacks on them counted.
        (
            "كم عدد القوات الأميركية في العراق؟",
            "أعلنت عن تعرض قواتها في العراق وسوريا إلى 73 هجوماً منذ بدء الحرب",
            True,
        ),
        ("How many US troops are in Iraq?", "أعلنت عن تعرض قواتها في العراق وسوريا إلى 73 هجوماً منذ بدء الحرب", True),
        ("كم عدد الجنود في العراق؟", "قتل 5 أشخاص في هجوم على قوات الأمن", True),  # the glossary's other word named
        (
            "كم عدد القوات الأميركية في العراق؟",
            "وينتشر في العراق حوالى 2500 جندي أميركي",
            False,
        ),  # counted in another word
        ("كم عدد القوات الأميركية في العراق؟", "نشرت القوات 2500 جندي", False),  # ... named besides
        ("كم عدد القوات الأميركية في العراق؟", "نشرت واشنطن 2500 جندي من القوات الخاصة", False),  # a part of them
        (
            "كم عدد المنتخبات المتأهلة؟",
            "مع توسيع عدد المنتخبات المتأهلة إلى 24 فريقا",
            False,
        ),  # «عدد» says what is counted
        ("كم عدد القتلى؟", "أسفر الهجوم عن مقتل 5 أشخاص", False),  # the word right before the figure counts it
        ("كم عدد القوات في العراق؟", "وصلت القوات إلى العراق بعد 5 أيام من", True),
        ("كم عدد القوات في العراق؟", "وصلت القوات إلى العراق", False),  # no figure
        ("كم عدد القوات في العراق؟", "وصلت القوات إلى العراق عام 2014", False),  # a year counts nothing
        ("كم مهمة نفذتها القوات؟", "هذه المهمة الـ61 للقوات", False),  # nor does a number naming one
        ("كم عدد القوات في العراق؟", "أرسلت القوات 300 إلى العراق", False),  # no noun after the figure
        ("How many hate groups were counted?", "ارتفعت المجموعات من 892 في 2015 إلى 917 في 2016", False),
        ("ما هي تكلفة نشر القوات؟", "تعرضت القوات إلى 73 هجوماً", False),  # not a count
    ],
)
def test_a_sentence_that_names_what_is_counted_but_counts_something_else(question, sentence, otherwise):
    assert counts_otherwise(counts_of(question), measure_asked(question), sentence) is otherwise
