"""The time a question asks about: a period it names ("in March 2018", "on 5 May",
«الأسبوع الماضي») and whether it asks for the latest ("the latest toll", «آخر حصيلة»).

A period relative to now ("last week", «الشهر الماضي») is counted from the newest
article's date: an archive's "last week" is the last week it covers, not the calendar's.
A month named without a year is its latest occurrence up to that date. Years alone
("in 2018", "last year") are left out: a year in a question is as often the time of
an event an article recalls as the time it was published, and the constraint checks
(qa.constraints) already hold an answer's article to the year named.

Hand-written rather than a date parser library's: dateparser and its kind read a
whole string as one date, while a question holds its period among other words, in
two languages, with Arabic month names in two traditions («آذار/مارس»).
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

from qa.arabic import normalize_arabic, normalize_with_offsets
from qa.months import ENGLISH_MONTHS, MONTHS


@dataclass(frozen=True)
class Period:
    since: date
    until: date  # both ends included

    def iso(self) -> list[str]:
        """[since, until] as ISO days: how ``--json`` gives a period."""
        return [self.since.isoformat(), self.until.isoformat()]

    def label(self, arabic: bool = False) -> str:
        """ "1–31 March 2018", "5 March 2018", «1–31 مارس 2018»."""
        a, b = self.since, self.until

        def month(d: date) -> str:
            return _ARABIC_MONTH_NAMES[d.month - 1] if arabic else d.strftime("%B")

        if a == b:
            return f"{a.day} {month(a)} {a.year}"
        if (a.year, a.month) == (b.year, b.month):
            return f"{a.day}–{b.day} {month(a)} {a.year}"
        if a.year == b.year:
            return f"{a.day} {month(a)} – {b.day} {month(b)} {a.year}"
        return f"{a.day} {month(a)} {a.year} – {b.day} {month(b)} {b.year}"

    def recalled_in(self, text: str, day: str | None) -> bool:
        """Does an article of this ISO date, published after the period began, name it in
        ``text`` (a month of it, as a time; of the same year, unless the year is said)?"""
        if not day or day[:10] < self.since.isoformat():
            return False
        return self.named_in(text) and (day[:4] == str(self.until.year) or str(self.until.year) in text)

    def named_in(self, text: str) -> bool:
        """Does ``text`` name this period as a time (in either language, any tradition): a
        month of it, or for a period of days, one of its days with its month ("21 May")?"""
        folded = normalize_arabic(text)
        if (self.until - self.since).days < 27:
            days = [self.since + timedelta(days=n) for n in range((self.until - self.since).days + 1)]
            return any(_day_in_text(day).search(folded) for day in days)
        first, last = self.since.year * 12 + self.since.month - 1, self.until.year * 12 + self.until.month - 1
        return any(_MONTH_IN_TEXT[n % 12 + 1].search(folded) for n in range(first, min(last, first + 11) + 1))


@dataclass(frozen=True)
class AskedTime:
    period: Period | None = None  # the dates the question names
    latest: bool = False  # it asks for the newest report
    # The period is named ("in March", "on 5 May"), not relative ("last week"): an article
    # published later may name it as the time of what it reports.
    named: bool = False
    spans: tuple[tuple[int, int], ...] = ()  # where the question names the period, with its preposition

    def without_period(self, question: str) -> str:
        """The question without the words naming its period: once the articles read are
        those of the period, the sentence that answers need not say it again."""
        left = question
        for start, end in sorted(self.spans, reverse=True):
            left = left[:start] + " " + left[end:]
        left = re.sub(r"\s+([?؟.,،!])", r"\1", re.sub(r"\s+", " ", left)).strip(" ,،")
        if not _HAS_WORD.search(left):
            return question  # nothing but the period was asked about
        return left[:1].upper() + left[1:] if left[:1].isascii() else left


_ARABIC_MONTH_NAMES = ("يناير", "فبراير", "مارس", "أبريل", "مايو", "يونيو", "يوليو", "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر")  # fmt: skip
# Month names as normalised text (qa.arabic); English abbreviations left out ("mar", "jun").
_MONTH_OF = {normalize_arabic(n): m for n, m in MONTHS.items() if not n.isascii() or n in ENGLISH_MONTHS}
# A month named in an article (its two-word Levantine names whole; «آب» left out, which
# without its madda is also أب, "father").
# A month named in an article, where it reads as a time (after a preposition or a day,
# or before a year or «الماضي»): «مارس» is also the verb "practised", "may" a modal.
_IN_TIME = r"(?:(?<!\w)[وف]?(?:في|خلال|منذ|حتي|مطلع|بدايه|نهايه|اواخر|اوايل|منتصف|شهر|بشهر|الي|in|since|during|until|early|late|mid)\s+|\d\s+)"
_MONTH_IN_TEXT = {
    month: re.compile(rf"{_IN_TIME}(?:{names})(?!\w)|(?<!\w)(?:{names})\s+(?:\d|الماضي|المنصرم|الفايت|المقبل)")
    for month in range(1, 13)
    if (names := "|".join(re.escape(n) for n, m in _MONTH_OF.items() if m == month))
}


def _day_in_text(day: date) -> re.Pattern[str]:
    """A day with its month's name, either way round: «21 مايو», "May 21"."""
    names = "|".join(re.escape(n) for n, m in _MONTH_OF.items() if m == day.month)
    return re.compile(
        rf"(?<!\d){day.day}\s+(?:من\s+)?(?:شهر\s+)?(?:{names})(?!\w)|(?<!\w)(?:{names})\s+{day.day}(?!\d)"
    )


_MONTH_NAME = "|".join(sorted(map(re.escape, _MONTH_OF), key=len, reverse=True))  # "تشرين الثاني" before "تشرين"
# A month, maybe with its other tradition's name beside it: «اذار/مارس», «اذار (مارس)».
_MONTH = rf"(?<!\w)(?P<month>{_MONTH_NAME})(?!\w)(?:\s*[/(-]\s*(?:{_MONTH_NAME})\)?)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)(?!\d)"
_YEAR_AFTER = rf"(?:,?\s+(?:of\s+|من\s+)?(?:عام\s+|سنه\s+)?{_YEAR})"
_DAY = r"(?<!\d)(?P<{}>[0-3]?\d)(?:st|nd|rd|th)?(?!\d)"
_OF_MONTH = r"\s+(?:of\s+)?(?:من\s+)?(?:شهر\s+)?"
# Where in the month: "early March", «منتصف مارس».
_PART = r"(?P<part>early|mid|late|the end of|end of|the beginning of|beginning of|the middle of|اوايل|مطلع|بدايه|منتصف|اواسط|اواخر|نهايه)[\s-]+(?:شهر\s+)?"
# A word before a month named alone that makes it a time ("in May", not "may").
# Not «من» ("who", "from": «من مارس الضغط») nor "last" ("the last march").
_LEAD = r"(?<!\w)(?P<lead>in|during|since|through|في|خلال|منذ|شهر|بشهر)\s+(?:the\s+month\s+of\s+)?"

_ISO_DAY = re.compile(r"(?<!\d)(?P<year>(?:19|20)\d\d)-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?!\d)")
_DAY_RANGE = re.compile(
    rf"{_DAY.format('first')}\s*(?:-|–|to|and|الي|و|حتي)\s*{_DAY.format('day')}{_OF_MONTH}{_MONTH}{_YEAR_AFTER}?"
)
_DAY_MONTH = re.compile(rf"{_DAY.format('day')}{_OF_MONTH}{_MONTH}{_YEAR_AFTER}?")
_MONTH_DAY = re.compile(rf"{_MONTH}\s+{_DAY.format('day')}{_YEAR_AFTER}?")
_MONTH_YEAR = re.compile(rf"(?:{_PART})?{_MONTH}{_YEAR_AFTER}")
# A month alone needs a lead or a part before it: checked when read.
_MONTH_ALONE = re.compile(rf"(?:{_LEAD})?(?:{_PART})?{_MONTH}(?:\s+(?:الماضي|المنصرم|الفايت|السابق))?")
# Two months: "between March and May", «من آذار إلى أيار».
_MONTH_RANGE = re.compile(
    rf"(?<!\w)(?:between|from|in|بين|من|في)\s+{_MONTH.replace('month', 'first_month')}\s*(?:and|to|until|-|–|و|الي|حتي)\s*{_MONTH}{_YEAR_AFTER}?"
)

MAX_DAYS_BACK = 3660  # "the past 100000000 days": ten years is as far as a period reaches
_ENGLISH_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_ARABIC_NUMBERS = {"الثلاثه": 3, "الاربعه": 4, "الخمسه": 5, "السته": 6, "السبعه": 7, "العشره": 10}  # «الأيام الثلاثة»
_NUMBER_WORDS = {**_ENGLISH_NUMBERS, **_ARABIC_NUMBERS}
_UNIT_DAYS = {"day": 1, "يوما": 1, "ايام": 1, "الايام": 1, "week": 7, "اسبوعا": 7, "اسابيع": 7, "الاسابيع": 7,
              "month": 30, "اشهر": 30, "شهرا": 30, "شهور": 30, "الاشهر": 30, "الشهور": 30}  # fmt: skip
_PAST_N = re.compile(
    rf"\b(?:past|last|previous)\s+(?P<n>\d+|{'|'.join(_ENGLISH_NUMBERS)})\s+(?P<unit>day|week|month)s?\b"
    r"|(?<!\d)(?P<n_ar>\d+)\s+(?P<unit_ar>يوما|ايام|اسبوعا|اسابيع|اشهر|شهرا|شهور)\s+(?:الماضيه|الاخيره|المنصرمه|الفايته)"
    r"|(?P<dual>يومين|اسبوعين|شهرين)\s+(?:الماضيين|الاخيرين|المنصرمين)"
    rf"|(?P<unit_word>الايام|الاسابيع|الاشهر|الشهور)\s+(?P<n_word>{'|'.join(_ARABIC_NUMBERS)})\s+(?:الماضيه|الاخيره)"
)
_DUAL_DAYS = {"يومين": 2, "اسبوعين": 14, "شهرين": 60}
_LAST_WEEK = re.compile(
    r"\b(?:last|past|previous|this past|this)\s+week\b"
    r"|هذا الاسبوع|الاسبوع\s+(?:الماضي|المنصرم|الفايت|المنقضي|الحالي|الجاري)"
)
_LAST_MONTH = re.compile(r"\b(?:last|previous)\s+month\b|الشهر\s+(?:الماضي|المنصرم|الفايت|السابق)")
_PAST_MONTH = re.compile(r"\b(?:past|this past)\s+month\b")
_THIS_MONTH = re.compile(r"\bthis\s+month\b|هذا الشهر|الشهر\s+(?:الحالي|الجاري)")
_YESTERDAY = re.compile(
    r"\b(?P<before>the day before )?yesterday\b"
    r"|(?<!\w)و?(?P<before_ar>اول\s+)?(?:ب?ال)?امس(?P<after_ar>\s+الاول)?(?!\w)"
)

# The preposition before a period's words, removed with them ("in March", «في آذار»).
_PREPOSITION_BEFORE = re.compile(
    r"(?:(?<!\w)(?:in|during|on|since|from|between|of|for|through|and)|(?<!\w)(?:في|خلال|يوم|منذ|حتي|الي|و))\s+$"
)
# And before a relative one ("in the past two weeks").
_RELATIVE_LEAD = re.compile(
    r"(?:(?<!\w)(?:in|during|over|for|within)\s+)?(?<!\w)the\s+$|(?<!\w)(?:in|during|over|for|within|خلال|في)\s+$"
)
_SINCE = re.compile(r"(?:since|منذ)\s")
_HAS_WORD = re.compile(r"[^\W\d_]")
_LATEST = re.compile(
    r"\b(?:latest|newest|most recent(?:ly)?|current(?:ly)?|now|so far|to date|recently)\b"
    r"|\bthe last (?!(?:week|month|year|day|days|weeks|months|years)\b)\w"
    r"|(?<!\w)(?:احدث|الاحدث|الاخير|الاخيره|حاليا|الحالي|الحاليه|الان|موخرا|حتي اللحظه)(?!\w)"
)
# «آخر» is also "another" («مسؤول آخر», after its noun): it means "latest" before its
# noun, where a question puts it: first, or after a question word or a preposition.
_LATEST_BEFORE_NOUN = re.compile(
    r"(?:^|(?<!\w)(?:ما|ماذا|هو|هي|في|عن|من|كم|متي|اين|الي|علي|حسب|وفق)\s+)(?:[وب]?ال)?اخر\s+\w"
)


def asked_time(question: str, newest: date | None) -> AskedTime:
    """The period (of publication) ``question`` names, read against ``newest`` (the newest
    article's date; no period without it), and whether it asks for the latest."""
    text, offsets = normalize_with_offsets(question)
    found = [(p, span, False) for p, span in (_absolute(text, newest) if newest else [])]
    found += [(p, span, True) for p, span in (_relative(text, newest) if newest else [])]
    spans: list[tuple[Period, tuple[int, int]]] = []
    counted_from: list[Period] = []  # "since March": where a count starts
    for period, (start, end), is_relative in found:
        before = (_RELATIVE_LEAD if is_relative else _PREPOSITION_BEFORE).search(text, 0, start)
        start = before.start() if before else start
        if _SINCE.match(text, start):
            counted_from.append(period)
        spans.append((period, (offsets[start], offsets[end] if end < len(offsets) else len(question))))
        text = text[:start] + " " * (end - start) + text[end:]  # "the last 2 days" asks for no latest
    latest = bool(_LATEST.search(text) or _LATEST_BEFORE_NOUN.search(text))
    if not found:
        return AskedTime(None, latest)
    # Of several periods, the most precise is when the articles were published, and one
    # a count runs from is not: in "how many were killed since 18 February, according
    # to reports in May", "since 18 February" says what was counted, and stays in the question.
    published = [f for f in found if f[0] not in counted_from] or found
    chosen, _, relative = min(published, key=lambda f: f[0].until - f[0].since)
    words = tuple(span for period, span in spans if period == chosen)
    return AskedTime(chosen, latest, not relative, words)


def covered(
    period: Period | None, dates: list[str], since: str | None = None, until: str | None = None
) -> Period | None:
    """``period`` if some article (``dates``: their ISO days, sorted) is dated in it, and
    within ``since``–``until`` (the user's own range) when given. A period no article is
    from is read as the time of an event the articles may recall, not of their
    publication: it narrows nothing."""
    if period is None or (since and since > period.until.isoformat()) or (until and until < period.since.isoformat()):
        return None
    first = bisect.bisect_left(dates, period.since.isoformat())
    return period if first < len(dates) and dates[first] <= period.until.isoformat() else None


def _absolute(text: str, newest: date) -> list[tuple[Period, tuple[int, int]]]:
    """Named days, ranges of days and months, each part of the text read once (most
    precise first), and where each is."""
    found: list[tuple[Period, tuple[int, int]]] = []
    taken: list[tuple[int, int]] = []
    for pattern in (_ISO_DAY, _DAY_RANGE, _DAY_MONTH, _MONTH_DAY, _MONTH_RANGE, _MONTH_YEAR, _MONTH_ALONE):
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            period = _read(m, newest)
            if period:
                found.append((period, m.span()))
                taken.append(m.span())
    return found


def _read(m: re.Match[str], newest: date) -> Period | None:
    named = m.groupdict()
    month = int(named["month"]) if named["month"].isdigit() else _MONTH_OF[named["month"]]
    day = int(named["day"]) if named.get("day") else 0
    if named.get("year"):
        year = int(named["year"])
    else:  # the latest such day or month up to the newest article
        year = newest.year if (month, day) <= (newest.month, newest.day) else newest.year - 1
    if named.get("first_month"):  # "between March and May": March of the year before if need be
        first_month = _MONTH_OF[named["first_month"]]
        first_year = year if first_month <= month else year - 1
        return Period(date(first_year, first_month, 1), _month_part(year, month, None).until)
    if not day:
        if m.re is _MONTH_ALONE and not (named.get("lead") or named.get("part")):
            return None  # "may", "march": maybe not a month
        whole = _month_part(year, month, named.get("part"))
        if named.get("lead") in ("since", "منذ"):  # since March: to the newest article
            return Period(whole.since, max(newest, whole.until))
        return whole
    first, last = _day(year, month, int(named.get("first") or day)), _day(year, month, day)
    return Period(first.since, last.until) if first and last and first.since <= last.since else None


def _month_part(year: int, month: int, part: str | None) -> Period:
    """A month, or its first half, middle or second half ("early", "mid", "late")."""
    first, last = 1, calendar.monthrange(year, month)[1]
    if part in ("early", "the beginning of", "beginning of", "اوايل", "مطلع", "بدايه"):
        last = 15
    elif part in ("mid", "the middle of", "منتصف", "اواسط"):
        first, last = 8, 24
    elif part:  # late, the end of
        first = 16
    return Period(date(year, month, first), date(year, month, last))


def _day(year: int, month: int, day: int) -> Period | None:
    """A named day and the day after it: a day's news is often published the next morning."""
    try:
        first = date(year, month, day)
    except ValueError:
        return None
    return Period(first, first + timedelta(days=1))


def _relative(text: str, newest: date) -> list[tuple[Period, tuple[int, int]]]:
    found: list[tuple[Period, tuple[int, int]]] = []
    for m in _PAST_N.finditer(text):
        if m["dual"]:
            days = _DUAL_DAYS[m["dual"]]
        else:
            n = m["n"] or m["n_ar"] or m["n_word"]
            count = int(n) if n.isdigit() else _NUMBER_WORDS[n]
            days = count * _UNIT_DAYS[m["unit"] or m["unit_ar"] or m["unit_word"]]
        days = min(max(days, 1), MAX_DAYS_BACK)
        found.append((Period(newest - timedelta(days=days - 1), newest), m.span()))
    last_week = _LAST_WEEK.search(text)
    if last_week and not found:
        found.append((Period(newest - timedelta(days=6), newest), last_week.span()))
    end_of_last_month = newest.replace(day=1) - timedelta(days=1)
    for pattern, period in (
        (_LAST_MONTH, Period(end_of_last_month.replace(day=1), end_of_last_month)),
        (_PAST_MONTH, Period(newest - timedelta(days=29), newest)),
        (_THIS_MONTH, Period(newest.replace(day=1), newest)),
    ):
        if said := pattern.search(text):
            found.append((period, said.span()))
    for m in _YESTERDAY.finditer(text):
        day = newest - timedelta(days=2 if m["before"] or m["before_ar"] or m["after_ar"] else 1)
        found.append((Period(day, day + timedelta(days=1)), m.span()))
    return found
