"""Reading the time a question asks about (qa.asked_time)."""

from __future__ import annotations

from datetime import date

import pytest

from qa.asked_time import Period, asked_time, covered
from qa.scope import Scope

NEWEST = date(2018, 10, 20)  # the newest article's date: relative periods count from it


@pytest.mark.parametrize(
    ("question", "since", "until"),
    [
        ("How many troops were in Iraq in March 2018?", "2018-03-01", "2018-03-31"),
        ("How many troops were in Iraq in March, 2018?", "2018-03-01", "2018-03-31"),
        ("كم عدد القتلى في آذار/مارس 2018؟", "2018-03-01", "2018-03-31"),
        ("كم عدد القتلى في شهر مارس من عام ٢٠١٨؟", "2018-03-01", "2018-03-31"),  # Arabic-Indic digits
        ("ما الذي أعلنته الوزارة يوم ١٥ مايو ٢٠١٨؟", "2018-05-15", "2018-05-16"),  # and the morning after
        ("What did the minister say on 5 March?", "2018-03-05", "2018-03-06"),
        ("Who won the match on June 5th, 2018?", "2018-06-05", "2018-06-06"),
        ("What happened on 2018-03-05?", "2018-03-05", "2018-03-06"),
        ("What happened from 3 to 7 June?", "2018-06-03", "2018-06-08"),
        ("What happened between March and May 2018?", "2018-03-01", "2018-05-31"),
        ("What did he say in late September?", "2018-09-16", "2018-09-30"),
        ("في منتصف أبريل، ماذا أعلنت الحكومة؟", "2018-04-08", "2018-04-24"),
        ("مَاذا حَدَثَ فـــي أيلول الماضي؟", "2018-09-01", "2018-09-30"),  # diacritics and tatweel
        # A month not yet reached in the newest article's year is last year's.
        ("كم بلغ عدد اللاجئين في شهر تشرين الثاني؟", "2017-11-01", "2017-11-30"),
        ("What happened last week in Gaza?", "2018-10-14", "2018-10-20"),
        ("ماذا حدث الاسبوع الماضى في غزة؟", "2018-10-14", "2018-10-20"),  # alef and ya variants
        ("ماذا قال الوزير الشهر الماضي؟", "2018-09-01", "2018-09-30"),
        ("What did the minister say last month?", "2018-09-01", "2018-09-30"),
        ("What was said this month?", "2018-10-01", "2018-10-20"),
        ("What did he say yesterday?", "2018-10-19", "2018-10-20"),
        ("ماذا قال أول أمس؟", "2018-10-18", "2018-10-19"),
        ("How many people died in the past two weeks?", "2018-10-07", "2018-10-20"),
        ("كم قتيلا سقط خلال الأسبوعين الماضيين؟", "2018-10-07", "2018-10-20"),
        ("ما عدد القتلى خلال 3 أيام الماضية", "2018-10-18", "2018-10-20"),
        ("كم قتيلا سقط في الأيام الثلاثة الماضية؟", "2018-10-18", "2018-10-20"),
        ("ماذا قال بالأمس؟", "2018-10-19", "2018-10-20"),
        ("ماذا قال أمس الأول؟", "2018-10-18", "2018-10-19"),
        ("How many died since March?", "2018-03-01", "2018-10-20"),  # to the newest article
        ("What happened between March and May?", "2018-03-01", "2018-05-31"),
        ("ماذا حدث من آذار إلى أيار 2018؟", "2018-03-01", "2018-05-31"),
        ("What happened between November and February?", "2017-11-01", "2018-02-28"),
        ("What did he say on 25 October?", "2017-10-25", "2017-10-26"),  # after the newest article: last year's
        ("How many died in the past 100000000 days?", "2008-10-13", "2018-10-20"),  # ten years at most
        # Of several periods, the most precise says when the reports were published...
        (
            "According to reports on 21 May 2018, how many had been killed in the war in March?",
            "2018-05-21",
            "2018-05-22",
        ),
        # ...and not one a count runs from
        ("كم مدنيا قتلوا منذ 18 فبراير بحسب تقارير نشرت في مايو 2018؟", "2018-05-01", "2018-05-31"),
    ],
)
def test_a_named_period_is_read_as_publication_days(question, since, until):
    period = asked_time(question, NEWEST).period
    assert period == Period(date.fromisoformat(since), date.fromisoformat(until))


@pytest.mark.parametrize(
    "question",
    [
        "How many US troops are in Iraq?",
        "What did Theresa May say about Brexit?",  # "may" is a month only where a time is
        "Who may win the election?",
        "Will protesters march on the capital?",
        "What did she say last year?",  # years are left to the constraint checks
        "How many soldiers died in 2003?",
        "What happened on 31 June?",  # no such day
        "من مارس الضغط على الحكومة؟",  # "who applied pressure"
        "كم طفلا ولد من أب أجنبي؟",  # a father, not August
        "How many joined the last march in Gaza?",
        "What did they say until March?",
    ],
)
def test_no_period_where_none_is_named(question):
    assert asked_time(question, NEWEST).period is None


def test_nothing_relative_is_read_without_a_dated_article():
    assert asked_time("What happened last week?", None).period is None
    assert asked_time("What is the latest toll?", None).latest


@pytest.mark.parametrize(
    ("question", "latest"),
    [
        ("What is the latest death toll?", True),
        ("What is the most recent figure for refugees?", True),
        ("How many troops are there now?", True),
        ("What is the current price of oil?", True),
        ("When was the last time Iran tested a missile?", True),
        ("ما آخر حصيلة للقتلى في اليمن؟", True),
        ("ما هي آخر حصيلة للقتلى؟", True),
        ("آخر تطورات الأزمة؟", True),
        ("ما أحدث الأرقام عن اللاجئين؟", True),
        ("ما هو سعر النفط حاليا؟", True),
        ("كم بلغ عدد القتلى حتى الآن؟", True),
        ("ما الذي قاله مسؤول آخر عن الهجوم؟", False),  # «آخر» after its noun: "another"
        ("ما الذي قاله الطرف الآخر؟", False),
        ("What happened last week?", False),
        ("How many troops are in Iraq?", False),
        ("How many died in the last 2 days?", False),  # a period, not "the latest"
        ("كم عدد القتلى في الشهر الحالي؟", False),
    ],
)
def test_asking_for_the_latest(question, latest):
    assert asked_time(question, NEWEST).latest is latest


def test_a_period_narrows_only_when_an_article_is_from_it():
    dates = ["2018-03-10", "2018-06-02", "2018-10-20"]
    june = Period(date(2018, 6, 1), date(2018, 6, 30))
    august = Period(date(2018, 8, 1), date(2018, 8, 31))
    assert covered(june, dates) == june
    assert covered(august, dates) is None  # the time of an event, maybe, not of publication
    assert covered(Period(date(2018, 10, 20), date(2018, 10, 21)), dates) is not None
    assert covered(None, dates) is None


def test_a_period_is_labelled_in_the_readers_language():
    assert Period(date(2018, 3, 1), date(2018, 3, 31)).label() == "1–31 March 2018"
    assert Period(date(2018, 3, 5), date(2018, 3, 5)).label(arabic=True) == "5 مارس 2018"
    assert Period(date(2018, 9, 16), date(2018, 10, 2)).label() == "16 September – 2 October 2018"


@pytest.mark.parametrize(
    ("question", "left"),
    [
        ("How many US troops were in Iraq in December 2023?", "How many US troops were in Iraq?"),
        ("كم عدد القتلى في آذار/مارس 2018؟", "كم عدد القتلى؟"),
        ("في منتصف أبريل، ماذا أعلنت الحكومة؟", "ماذا أعلنت الحكومة؟"),
        ("ماذا حَدَثَ في أيلولَ؟", "ماذا حَدَثَ؟"),  # the mark after the month goes with it
        ("How many people died in the past two weeks?", "How many people died?"),
        (
            "According to reports published on 9 July 2018, how many were killed?",
            "According to reports published, how many were killed?",
        ),
        ("خلال 3 أشهر الماضية؟", "خلال 3 أشهر الماضية؟"),  # nothing else asked: kept whole
    ],
)
def test_the_words_naming_the_period_are_taken_out_of_the_question(question, left):
    asked = asked_time(question, NEWEST)
    assert asked.period is not None and asked.without_period(question) == left


def test_a_later_article_recalls_a_period_by_naming_its_month_as_a_time_of_its_year():
    march = Period(date(2018, 3, 1), date(2018, 3, 31))
    assert march.recalled_in("قتل 40 شخصا في آذار الماضي", "2018-10-05")
    assert march.recalled_in("وفي 5 مارس قتل 40 شخصا", "2018-04-01")
    assert not march.recalled_in("مارس الوزير ضغوطا على البرلمان", "2018-10-05")  # the verb "practised"
    assert not march.recalled_in("قتل 700 شخص في آذار", "2019-04-02")  # another year's March
    assert march.recalled_in("قتل 40 شخصا في آذار 2018", "2019-04-02")  # unless it says the year
    assert not march.recalled_in("سيعقد المؤتمر في مارس", "2018-02-20")  # before the period: a plan, not a report
    assert not Period(date(2018, 5, 1), date(2018, 5, 31)).named_in("The minister may resign")


def test_a_scope_narrowed_to_a_period_keeps_the_narrower_ends_and_can_be_empty():
    scope = Scope(outlet="BBC Arabic", since="2018-03-10")
    narrowed = scope.within(date(2018, 3, 1), date(2018, 3, 31))
    assert narrowed == Scope(outlet="BBC Arabic", since="2018-03-10", until="2018-03-31")
    empty = Scope(until="2018-02-01").within(date(2018, 3, 1), date(2018, 3, 31))
    assert not empty.admits("BBC Arabic", "2018-03-05") and not empty.admits("BBC Arabic", "2018-01-05")
