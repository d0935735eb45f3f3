"""Month and weekday names as Arabic and English news write them (named so as not to
shadow the standard library's ``calendar``): one table for
reading dates at ingestion (ingest.metadata) and for telling whether a sentence
holds a date or a day of the month (qa.direct)."""

from __future__ import annotations

import re

MONTHS = {
    # Gregorian month names as used in Egypt and the Gulf
    "يناير": 1,
    "فبراير": 2,
    "مارس": 3,
    "أبريل": 4,
    "ابريل": 4,
    "إبريل": 4,
    "مايو": 5,
    "يونيو": 6,
    "يونيه": 6,
    "يوليو": 7,
    "يوليه": 7,
    "أغسطس": 8,
    "اغسطس": 8,
    "سبتمبر": 9,
    "أكتوبر": 10,
    "اكتوبر": 10,
    "نوفمبر": 11,
    "ديسمبر": 12,
    # Levantine / Iraqi (Syriac) month names
    "كانون الثاني": 1,
    "شباط": 2,
    "آذار": 3,
    "اذار": 3,
    "نيسان": 4,
    "أيار": 5,
    "ايار": 5,
    "حزيران": 6,
    "تموز": 7,
    "آب": 8,
    "اب": 8,
    "أيلول": 9,
    "ايلول": 9,
    "تشرين الأول": 10,
    "تشرين الاول": 10,
    "تشرين الثاني": 11,
    "كانون الأول": 12,
    "كانون الاول": 12,
    # English
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}

WEEKDAYS_AR = ("الأحد", "الاثنين", "الإثنين", "الثلاثاء", "الأربعاء", "الخميس", "الجمعة", "السبت")
RELATIVE_DAYS_AR = ("أمس", "اليوم")


def _alternatives(names) -> str:
    return "|".join(sorted((re.escape(n) for n in names), key=len, reverse=True))


# A month's first word is enough ("تشرين" in "تشرين الثاني"). Left out of sentence
# matching: "اب" (آب without its madda), which after a proclitic is باب or لاب, and
# the English abbreviations ("may", "mar" are words too).
ARABIC_MONTH_WORDS = frozenset({name.split()[0] for name in MONTHS if not name.isascii()} - {"اب"})
ENGLISH_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")  # fmt: skip
# A month name or day word in Arabic, as a whole word after at most a one-letter
# proclitic (وأمس, بيناير): the sentence holds a date.
DATE_WORD = re.compile(
    rf"(?<!\w)[وبلف]?(?:{_alternatives(ARABIC_MONTH_WORDS | set(WEEKDAYS_AR) | set(RELATIVE_DAYS_AR))})(?!\w)"
)
# A month name right after a number makes the number a day of the month.
MONTH_AHEAD = re.compile(rf"\s*(?:{_alternatives(ARABIC_MONTH_WORDS | set(ENGLISH_MONTHS))})(?!\w)", re.I)
