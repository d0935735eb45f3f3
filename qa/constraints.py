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
from qa.direct import Measure, figures_of, measure_asked, number_spans
from qa.places import Place, arabic_words, countries

_ARABIC_TOKEN = re.compile(r"[\u0621-\u064a\u064b-\u065f\u0640]+")
_ENGLISH_WORD = re.compile(r"(?<![\w'’])[A-Z][A-Za-z'’-]*")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# A year said relative to the article's date (normalised text).
_RELATIVE_YEARS = (
    (-1, re.compile(r"(?:العام|السنه|عام) (?:الماضي|المنصرم|السابق)|\blast year\b")),
    (0, re.compile(r"(?:هذا العام|العام الحالي|العام الجاري|هذه السنه|السنه الحاليه)|\bthis year\b")),
    (1, re.compile(r"(?:العام|السنه) (?:المقبل|القادم|المقبله|القادمه)|\bnext year\b")),
)


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
    country: Place | None = None  # None: a year

    def held_by(self, words: set[str], western: str, date: str | None) -> bool:
        """Does a text (its ``arabic_words`` and its Western-digit form) carry it? A year
        is also carried by the article's ``date``, and by "last year" / "العام الماضي"
        in an article dated the year after."""
        if self.country:
            return self.country.named_in(words)
        if self.text in western or (date or "").startswith(self.text):
            return True
        dated = int(date[:4]) if date and date[:4].isdigit() else None
        folded = normalize_arabic(western)
        return dated is not None and any(
            dated + offset == int(self.text) and pattern.search(folded) for offset, pattern in _RELATIVE_YEARS
        )


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


def swapped(question: str, constraint: Constraint, country: Place) -> str:
    """The question asked of another country instead (for the reader to compare)."""
    name = country.arabic if is_arabic(question) else country.english
    return question.replace(constraint.text, name)


def unsupported(constraints: list[Constraint], text: str, date: str | None) -> list[Constraint]:
    """The constraints ``text`` (what the article says around the answer, with its title)
    does not carry."""
    words, western = arabic_words(text), to_western_digits(text)
    return [c for c in constraints if not c.held_by(words, western, date)]
