"""Constraint checks: what a question pins down must be in what answers it.

A figure for US troops in Iraq does not answer "How many US troops are in
Syria?", and a count of soldiers does not answer "How much aid?". The
question's specific elements are found in it, and a candidate sentence answers
only when they hold:

- names (an English question's capitalised words: places, people,
  organisations) and calendar years must be in the sentence's passage or its
  title (a year also in the article's date);
- the kind of quantity asked for (money, a percentage, an age, a distance) must
  be the unit of a figure in the sentence.

Names reach Arabic through the bridge (glossary, dictionary, transliteration),
and are matched by Arabic index term, allowing a nisba or plural ending
(سوريا / السوري). An Arabic question's names cannot be told from its other
words without a tagger (Arabic has no capitals), so only its years and
quantities are checked here; the reader (qa.reader) judges the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.arabic import is_arabic, normalize_arabic, to_western_digits
from qa.bridge import Bridge
from qa.direct import NUMBER_QUESTION as QUANTITY_QUESTION
from qa.direct import number_spans
from qa.places import Country, arabic_words, countries

_ARABIC_TOKEN = re.compile(r"[\u0621-\u064a\u064b-\u065f\u0640]+")
_ENGLISH_WORD = re.compile(r"(?<![\w'’])[A-Z][A-Za-z'’-]*")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")


@dataclass(frozen=True)
class Measure:
    """A kind of quantity: how a question asks for it, and how a sentence gives it."""

    name: str
    asked: re.Pattern[str]  # in a question that asks for a quantity (normalised text)
    unit: re.Pattern[str]  # right after the figure (or a currency sign right before it)
    in_words: re.Pattern[str] | None = None  # given without a figure ("ثلثي", two thirds)


def _arabic_words(*stems: str) -> str:
    """Arabic words starting with one of ``stems`` (normalised), after a conjunction,
    preposition or article."""
    return rf"(?<!\w)[وفبلك]?(?:ال)?(?:{'|'.join(stems)})"


# The kinds of quantity whose unit tells them apart (the answer types of question
# classification); a plain count ("how many soldiers") has no unit to check.
_MONEY_WORDS = (
    r"\b(money|cost|costs|price|worth|budget|funds?|funding|invest|invested|investments?|aid|grants?|loans?|"
    r"debts?|pay|paid|spend|spent|salar\w+|fines?|compensation|revenues?|profits?)\b|"
    + _arabic_words(
        "تكلف", "كلف", "قيمه", "مبلغ", "ثمن", "سعر", "اسعار", "ميزاني", "موازن", "تمويل", "استثمار", "مساعدات",
        "قرض", "قروض", "ديون", "رواتب", "راتب", "غرام", "تعويض", "ايراد", "ارباح",
    )
)  # fmt: skip
MEASURES = (
    Measure(
        "money",
        re.compile(
            rf"(?=.*(?:{QUANTITY_QUESTION.pattern}))(?=.*(?:{_MONEY_WORDS}))|"
            r"\bwhat (?:is|was|are|were) the (?:value|price|cost|amount)\b|(?:^|\s)(?:ما|كم)\s+(?:هي\s+)?(?:قيمه|تكلفه|كلفه|سعر|ثمن|مبلغ)",
            re.I | re.S,
        ),
        re.compile(
            r"^\W{0,3}(?:(?:الف|الاف|مليون|ملايين|مليار|مليارات|ترليون|تريليون|thousand|million|billion|trillion)\W{0,3})?"
            r"(?:دولار|يورو|جنيه|ريال|درهم|دينار|ليره|روبل|ين(?!\w)|يوان|استرليني|فرنك|روبي|شيكل|شيقل|"
            r"dollars?|euros?|pounds?|\$|€|£)",
            re.I,
        ),
    ),
    Measure(
        "percent",
        re.compile(
            r"\b(what|which) (percentage|per ?cent|share|proportion)\b|\bhow much of\b|(?:ما|كم)\s+(?:هي\s+)?(?:ال)?نسب",
            re.I,
        ),
        re.compile(r"^\s?(?:%|٪|(?:في|بال)\s?(?:الميه|المايه|ميه|مايه)|percent|per cent)", re.I),
        re.compile(r"(?<!\w)(?:ال)?(?:نصف|ثلث|ثلثا|ثلثي|ربع|ثلاثه ارباع|half|third|quarter)(?!\w)", re.I),
    ),
    Measure(
        "age",
        re.compile(r"\bhow old\b|\bwhat age\b|كم\s+(?:\S+\s+){0,2}(?:عمر|سن)(?!\w)", re.I),
        re.compile(r"^\W{0,3}(?:عام|عاما|سنه|سنوات|سنين|years?)", re.I),
    ),
    Measure(
        "distance",
        re.compile(
            r"\bhow far\b|\bhow many (?:kilomet\w*|miles?|met(?:re|er)s?)\b|\b(?:distance|range)\b.*\b(?:kilomet|miles?)|"
            r"كم\s+(?:كيلومتر|كيلو|كلم|ميل|مترا)|(?:ما|كم)\s+(?:هي\s+)?(?:ال)?مسافه",
            re.I,
        ),
        re.compile(
            r"^\W{0,3}(?:كيلومتر|كيلو متر|كلم|كم|ميل|اميال|متر|امتار|km|kilomet\w*|miles?|met(?:re|er)s?)", re.I
        ),
    ),
)


def measure_asked(question: str) -> Measure | None:
    """The kind of quantity a question asks for, when it has a unit to check."""
    folded = normalize_arabic(question)
    return next((m for m in MEASURES if m.asked.search(folded)), None)


def figures_of(measure: Measure | None, sentence: str) -> list[tuple[str, int, int]]:
    """The sentence's counting numbers (qa.direct.number_spans) that give ``measure``:
    followed by its unit, or, for money, after a currency sign. All of them when no
    measure is asked for."""
    spans = number_spans(sentence)
    if measure is None:
        return spans
    return [
        (value, start, end)
        for value, start, end in spans
        if measure.unit.search(normalize_arabic(sentence[end : end + 40]))
        or sentence[max(0, start - 2) : start].strip() in ("$", "€", "£")
    ]


def wrong_measure(question: str, sentence: str) -> Measure | None:
    """The kind of quantity the question asks for, when the sentence's figures are all of
    another kind (a count of soldiers for "how much aid?"); None when they may give it,
    or when the sentence has no figure (which qa.extractive judges on its own)."""
    measure = measure_asked(question)
    if measure is None or not number_spans(sentence) or figures_of(measure, sentence):
        return None
    if measure.in_words and measure.in_words.search(normalize_arabic(sentence)):
        return None
    return measure


@dataclass(frozen=True)
class Constraint:
    """A year or a country the question pins down."""

    text: str  # as the question writes it
    country: Country | None = None  # None: a year

    def held_by(self, words: set[str], western: str, date: str | None) -> bool:
        """Does a text (its ``arabic_words`` and its Western-digit form) carry it? A year
        is also carried by the article's ``date``."""
        if self.country:
            return self.country.named_in(words)
        return self.text in western or (date or "").startswith(self.text)


def question_constraints(question: str, bridge: Bridge) -> list[Constraint]:
    """The years and countries a question names, each as the question writes it: an
    Arabic question's countries by their Arabic words, an English one's by English name
    ("Saudi Arabia") or, through the glossary and dictionary, by adjective ("Chinese")."""
    western = to_western_digits(question)
    found = [Constraint(year) for year in dict.fromkeys(_YEAR.findall(western))]
    named: dict[str, Constraint] = {}
    if is_arabic(question):
        for token in _ARABIC_TOKEN.findall(question):
            words = arabic_words(token)
            named.update((c.code, Constraint(token, c)) for c in countries() if c.named_in(words))
        return found + list(named.values())
    for country in countries():
        match = re.search(rf"(?<!\w){re.escape(country.english)}(?!\w)", question, re.I)
        if match:
            named[country.code] = Constraint(match.group(), country)
    for match in _ENGLISH_WORD.finditer(question):
        if match.start() > 0:  # the first word is capitalised anyway
            word = re.sub(r"['’]s$", "", match.group())
            for entry in bridge.entries(word):
                words = arabic_words(entry)
                named.update((c.code, Constraint(word, c)) for c in countries() if c.adjective_in(words))
    return found + list(named.values())


def swapped(question: str, constraint: Constraint, country: Country) -> str:
    """The question asked of another country instead (for the reader to compare)."""
    name = country.arabic if is_arabic(question) else country.english
    return question.replace(constraint.text, name)


def unsupported(constraints: list[Constraint], text: str, date: str | None) -> list[Constraint]:
    """The constraints ``text`` (what the article says around the answer, with its title)
    does not carry."""
    words, western = arabic_words(text), to_western_digits(text)
    return [c for c in constraints if not c.held_by(words, western, date)]
