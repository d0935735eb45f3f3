"""The direct answer: the figure or date a question asks for, pulled out of the quoted
sentence with its place in it, and said in the reader's language.

"How many US troops are in Iraq?" → "about 2500", the span of "2500" in
«وينتشر في العراق حوالى 2500 جندي أميركي…»; "When did they agree?" → "21 March
2018" for an English reader (٢١ آذار/مارس ٢٠١٨ in the quote). Names, places and
other phrases are not extracted yet: the quote is the answer then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from qa.arabic import to_western_digits
from qa.months import DATE_WORD, ENGLISH_MONTHS, MONTH_AHEAD, MONTHS, WEEKDAYS_AR

NUMBER_QUESTION = re.compile(
    r"\b(how many|how much|what number|number of)\b|^\s*و?كم\b|^\s*و?(ما|ماذا)\s+(هو\s+)?عدد", re.I
)
DATE_QUESTION = re.compile(
    r"\b(when|what date|which year|what year|which day)\b|متى|في أي (عام|سنة|يوم|شهر|تاريخ)", re.I
)
# Right before the figure: "حوالى 2500", "about 2,500" (not "نحو القاعدة" elsewhere in the sentence).
APPROXIMATE = re.compile(r"(?<!\w)(?:حوال[يى]|نحو|قرابة|ما يقارب|زهاء|about|around|approximately)\W{0,3}$", re.I)
_NUMBER = re.compile(r"(?<![A-Za-z0-9-])\d+(?:[.,]\d+)?")  # not the 16 of F-16
_YEAR_CONTEXT = re.compile(r"(?<!\w)(عام|سنة|منذ|في|بعد|قبل|حتى|year|in|since|after|before|until|by)\s*$", re.I)
_YEAR = re.compile(r"\d{4}")
_CALENDAR_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# Full month names ("كانون الثاني"); not "اب" or the English abbreviations, which are words too.
_MONTH_NAMES = {name for name in MONTHS if not name.isascii() and name != "اب"} | {
    m.capitalize() for m in ENGLISH_MONTHS
}
_MONTH = "|".join(sorted((re.escape(m) for m in _MONTH_NAMES), key=len, reverse=True))
_WEEKDAY_EN = dict(
    zip(WEEKDAYS_AR, ("Sunday", "Monday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"))
)
# The most specific first: a day of a month (with its year), a month with its year, a weekday.
_DATES = [
    re.compile(
        rf"(?<!\d)(?P<d>[12]?\d|3[01])\s+(?:من\s+)?(?P<m>{_MONTH})(?:\s*/\s*(?:{_MONTH}))?(?:\s*[,،]?\s+(?P<y>\d{{4}}))?(?!\w)",
    ),
    re.compile(rf"(?<!\w)(?P<m>{_MONTH})(?:\s*/\s*(?:{_MONTH}))?\s+(?:(?:عام|سنة)\s+)?(?P<y>\d{{4}})\b"),
    re.compile(rf"(?<!\w)(?P<w>{'|'.join(WEEKDAYS_AR)})(?!\w)"),
]


@dataclass(frozen=True)
class DirectAnswer:
    text: str  # as the quote writes it
    start: int  # its span in the quote
    end: int
    lead: str  # what the answer leads with, in the question's language


def number_spans(sentence: str) -> list[tuple[str, int, int]]:
    """Numbers in a sentence that count something, with their spans: years and days of a
    date excluded."""
    western = to_western_digits(sentence)  # one character for one: spans carry over
    out = []
    for match in _NUMBER.finditer(western):
        value = match.group().replace(",", "")
        before = western[max(0, match.start() - 12) : match.start()]
        after = western[match.end() : match.end() + 14]
        is_year = (
            len(value) == 4 and value[:2] in ("19", "20") and (_YEAR_CONTEXT.search(before) or has_date_word(before))
        )
        is_day = len(value) <= 2 and bool(MONTH_AHEAD.match(after))
        if not (is_year or is_day):
            out.append((value, match.start(), match.end()))
    return out


def key_numbers(sentence: str) -> list[str]:
    """The counting numbers of a sentence, in Western digits."""
    return [value for value, _, _ in number_spans(sentence)]


def has_date_word(text: str) -> bool:
    """A year, a month name or a day word (Western digits)."""
    return bool(_YEAR.search(text) or DATE_WORD.search(text))


def periods(sentence: str) -> frozenset[str]:
    """The dates and years a sentence names, each as day-month-year (months by number):
    figures for different periods ("73 attacks until 24 November", "40 since 17
    October") count different things."""
    western = to_western_digits(sentence)
    found = set()
    for pattern in _DATES:
        for match in pattern.finditer(western):
            parts = match.groupdict()
            month = MONTHS.get((parts.get("m") or "").lower(), parts.get("m"))
            found.add("-".join(str(x) for x in (parts.get("d"), month, parts.get("y"), parts.get("w")) if x))
            western = western[: match.start()] + " " * (match.end() - match.start()) + western[match.end() :]
    counts = {start for _, start, _ in number_spans(sentence)}  # "2000 soldiers" is no year
    found |= {m.group() for m in _CALENDAR_YEAR.finditer(western) if m.start() not in counts}
    return frozenset(found)


def _english_date(match: re.Match[str]) -> str:
    parts = match.groupdict()
    if parts.get("w"):
        return _WEEKDAY_EN[parts["w"]]
    number = MONTHS.get(parts["m"].lower())  # None for a spelling only case-folding matched
    month = ENGLISH_MONTHS[number - 1].capitalize() if number else parts["m"]
    return " ".join(x for x in (parts.get("d"), month, parts.get("y")) if x)


def direct_answer(question: str, sentence: str, english: bool) -> DirectAnswer | None:
    """The figure or date ``question`` asks for, as ``sentence`` gives it; ``english``: lead
    in English (Western digits, English month and day names)."""
    if NUMBER_QUESTION.search(question):
        numbers = number_spans(sentence)
        if not numbers:
            return None
        value, start, end = numbers[0]
        about = ("about " if english else "حوالي ") if APPROXIMATE.search(sentence[max(0, start - 15) : start]) else ""
        return DirectAnswer(sentence[start:end], start, end, f"{about}{value}")
    if DATE_QUESTION.search(question):
        western = to_western_digits(sentence)
        for pattern in _DATES:
            match = pattern.search(western)
            if match:
                text = sentence[match.start() : match.end()]
                return DirectAnswer(text, match.start(), match.end(), _english_date(match) if english else text)
    return None
