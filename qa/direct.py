"""The direct answer: the figure, date, place, name or phrase a question asks for,
pulled out of the quoted sentence with its place in it, and said in the reader's
language where a rule can say it.

"How many US troops are in Iraq?" → "about 2500", the span of "2500" in
«وينتشر في العراق حوالى 2500 جندي أميركي…»; "When did they agree?" → "21 March
2018" for an English reader (٢١ آذار/مارس ٢٠١٨ in the quote). Figures, dates,
places and speakers are read by rule; other names and phrases («لينا الخطيب»)
by the span model (qa.spans), as the quote writes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from qa.arabic import normalize_arabic, to_western_digits
from qa.months import DATE_WORD, ENGLISH_MONTHS, MONTH_AHEAD, MONTHS, WEEKDAYS_AR
from qa.places import places_in
from qa.spans import Span
from qa.terms import term_of

# «كم» may follow a preposition: «في كم بلدا», «إلى كم», «خلال كم يوما», «بكم».
NUMBER_QUESTION = re.compile(
    r"\b(how many|how much|what number|number of)\b|^\s*و?(?:(?:في|إلى|الى|خلال|على|حتى|منذ|من|بعد|قبل)\s+|ب)?كم\b|"
    r"^\s*و?(ما|ماذا)\s+(هو\s+)?عدد",
    re.I,
)
PLACE_QUESTION = re.compile(
    r"\bwhere\b|\b(?:which|what) (?:country|city|capital|town|countries|cities)\b|(?<!\w)[وف]?(?:اين|الى اين)(?!\w)|"
    r"(?:في|الى|من|لاي|باي)\s+(?:اي|ايه)\s+(?:بلد|دوله|مدينه|عاصمه)|(?:ما|ماهي)\s+(?:هي\s+)?(?:البلد|الدوله|المدينه|العاصمه)",
    re.I,
)
# "Who said / announced that?", "ومن قال ذلك؟" (normalised): who speaks in the sentence.
SPEAKER_QUESTION = re.compile(
    r"\bwho (?:said|says|announced|stated|declared|confirmed|told|reported|claimed|warned|added|revealed)\b|"
    r"\baccording to whom\b|(?:^|\s)و?من\s+(?:الذي\s+|التي\s+)?"
    r"(?:قال|قالت|يقول|اعلن|اعلنت|صرح|صرحت|اكد|اكدت|ذكر|ذكرت|اوضح|كشف|افاد|حذر)(?!\w)",
    re.I,
)
# An Arabic question (normalised) whose answer may be a name or a phrase: who, what,
# which, where, when (من، ما، ماذا، أي، «في أي»، «لأي»، أين، متى), at its start or after a
# comma; not why, how or yes-or-no (لماذا، كيف، هل), whose answers are clauses.
PHRASE_QUESTION = re.compile(
    r"(?:^|[،,:]\s*)[وف]?(?:(?:من|ما|ماذا|اين|متي|اي|ايه)(?!\w)|(?:في|الى|من|علي|عن|مع|ب|ل)\s*(?:اي|ايه)(?!\w))"
)
DATE_QUESTION = re.compile(
    r"\b(when|what date|which year|what year|which day)\b|متى|في أي (عام|سنة|يوم|شهر|تاريخ)", re.I
)
# English wh-words; those that also start a relative or time clause; and what joins a
# second question to the first ("… and how many were killed?", "…, and by how much?").
_WH_WORD = re.compile(r"\b(?:what|which|who|whom|whose|where|when|how|why)\b", re.I)
_CLAUSE_WORD = re.compile(r"\b(?:which|who|whom|whose|where|when)\b", re.I)
_JOINED = re.compile(r"(?:\band|\bor|[,;])\s+(?:(?:by|in|at|on|to|from|for|of|with)\s+)?$", re.I)


def _asked_at(pattern: re.Pattern[str], question: str) -> re.Match[str] | None:
    """The first match of ``pattern`` that the question asks, not one that starts a
    clause within it: in "At which airport did he land when he returned?" the "when"
    after the question's own wh-word starts a clause (no date is asked for), as does
    "who" in "Who is the governor who told state TV…?". A wh-word after "and", "or" or
    a comma asks a question of its own. (Arabic starts clauses with other words:
    عندما, حيث, الذي.)"""
    first = _WH_WORD.search(question)
    for match in pattern.finditer(question):
        start = match.start()
        if (
            first is None
            or start <= first.start()
            or not _CLAUSE_WORD.match(question, start)
            or _JOINED.search(question[:start])
        ):
            return match
    return None


def asks(pattern: re.Pattern[str], question: str) -> bool:
    """Does ``question`` ask for what ``pattern`` finds in it (see ``_asked_at``)?"""
    return _asked_at(pattern, question) is not None


# Right before the figure: "حوالى 2500", "about 2,500" (not "نحو القاعدة" elsewhere in the sentence).
APPROXIMATE = re.compile(r"(?<!\w)(?:حوال[يى]|نحو|قرابة|ما يقارب|زهاء|about|around|approximately)\W{0,3}$", re.I)
# 2500, 2,500, 1,500,000, 2.5, and the decimal comma 2,5; not the 16 of F-16.
_NUMBER = re.compile(r"(?<![A-Za-z0-9-])(?:\d{1,3}(?:,\d{3})+(?!\d)|\d+)(?:[.,]\d+)?")
_SEPARATORS = str.maketrans("٫٬", ".,")  # Arabic decimal and thousands separators
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


def _plain_number(written: str) -> str:
    """A figure as Western digits with a decimal point: "2,500" → "2500", "2,5" → "2.5"."""
    whole, _, fraction = written.rpartition(",") if re.search(r",\d{1,2}$|,\d{4,}$", written) else (written, "", "")
    return (whole or written).replace(",", "") + (f".{fraction}" if fraction else "")


def number_spans(sentence: str) -> list[tuple[str, int, int]]:
    """Numbers in a sentence that count something, with their spans: years and days of a
    date excluded."""
    western = to_western_digits(sentence).translate(_SEPARATORS)  # one character for one: spans carry over
    out = []
    for match in _NUMBER.finditer(western):
        value = _plain_number(match.group())
        before = western[max(0, match.start() - 12) : match.start()]
        after = western[match.end() : match.end() + 14]
        is_year = (
            len(value) == 4 and value[:2] in ("19", "20") and (_YEAR_CONTEXT.search(before) or has_date_word(before))
        )
        is_day = len(value) <= 2 and bool(MONTH_AHEAD.match(after))
        if not (is_year or is_day):
            out.append((value, match.start(), match.end()))
    return out


def all_numbers(text: str) -> set[str]:
    """Every number a text writes, years and days included, as ``number_spans`` reads them."""
    western = to_western_digits(text).translate(_SEPARATORS)
    return {_plain_number(match.group()) for match in _NUMBER.finditer(western)}


def key_numbers(sentence: str) -> list[str]:
    """The counting numbers of a sentence, in Western digits."""
    return [value for value, _, _ in number_spans(sentence)]


@dataclass(frozen=True)
class Measure:
    """A kind of quantity: how a question asks for it, and how a sentence gives it."""

    name: str  # its units are UNITS[name]; COUNT has none of its own
    asked: re.Pattern[str]  # in a question that asks for a quantity (normalised text)
    in_words: re.Pattern[str] | None = None  # given without a figure ("ثلثي", two thirds)
    counted_in: str | None = None  # a count's unit, when it counts in one ("how many riyals")

    def given_by(self, kind: str | None) -> bool:
        """Does a figure whose unit is of ``kind`` (None: no unit) give this quantity? A
        count is not given by a sum of money or a distance, unless it counts in that unit."""
        if self.name == COUNT:
            return kind not in NOT_COUNTS or kind == self.counted_in
        return kind == self.name


# A count of things ("how many soldiers"), told from the kinds of quantity it is not:
# a sum of money or a distance (kinds of UNITS). A share may answer one ("20% of
# Iraqis"), and so may years, as a duration is asked for in more ways than can be told
# apart ("كم مدة", "how many years").
COUNT = "count"
NOT_COUNTS = frozenset({"money", "distance"})
# The kinds of quantity whose unit tells them apart (the answer types of question
# classification).
_MONEY_WORDS = (
    r"money|costs?|price|worth|budget|funds?|funding|invest|invested|investments?|aid|grants?|loans?|"
    r"debts?|pay|paid|spend|spent|salar\w+|fines?|compensation|revenues?|profits?|dollars|euros"
)
_ARABIC_MONEY = (
    "تكلف", "كلف", "قيمه", "مبلغ", "ثمن", "سعر", "اسعار", "ميزاني", "موازن", "تمويل", "استثمار", "مساعدات",
    "قرض", "قروض", "ديون", "رواتب", "راتب", "غرامه", "غرامات", "تعويض", "ايراد", "ارباح",
)  # fmt: skip
_COPULA = r"(?:(?:تبلغ|بلغت|يبلغ|بلغ|كانت|كان|هي|هو)\s+)?"
# "How many soldiers", "ما عدد", "كم شخصاً" (normalised; what is counted follows): a count,
# not "how much" or "كم بلغ", which may ask for a sum, nor «كم مساحة», «كم حصة».
COUNT_QUESTION = re.compile(
    rf"\b(?:how many|number of|what number)\b|(?<!\w)(?:كم|ما|ماذا)\s+{_COPULA}(?:هو\s+)?عدد(?!\w)|^\s*و?كم(?=\s+\w+ا(?!\w))"
)
_COUNTED = re.compile(r"\s+([\w%٪]+)")
# Percentages first: "how much of the budget" asks for a share, not a sum.
MEASURES = (
    Measure(
        "percent",
        re.compile(
            rf"\b(what|which) (percentage|per ?cent|share|proportion)\b|\bhow much of\b|(?:ما|كم)\s+{_COPULA}(?:ال)?نسب",
            re.I,
        ),
        re.compile(r"(?<!\w)(?:ال)?(?:نصف|ثلث|ثلثا|ثلثي|ربع|ثلاثه ارباع|half|third|quarter)(?!\w)", re.I),
    ),
    Measure(
        "money",  # the sum is what is asked for: "how much aid", "كم تبلغ المساعدات", not "how many aid workers"
        re.compile(
            rf"\bhow much\b(?:\W+\w+){{0,4}}?\W+(?:{_MONEY_WORDS})\b|\bhow many (?:dollars|euros)\b|"
            r"\bwhat (?:is|was|are|were) the (?:value|price|cost|amount)\b|"
            # كم with the sum a few words on ("كم أصبح سعر", "كم تبلغ المساعدات"), but not
            # a counted noun the money word qualifies ("كم شاحنة مساعدات": trucks).
            rf"(?<!\w)كم\s+(?!\S+[اه]\s+(?:ال)?(?:{'|'.join(_ARABIC_MONEY)}))(?:\S+\s+){{0,4}}?[وفبلك]?(?:ال)?(?:{'|'.join(_ARABIC_MONEY)})|"
            r"(?:^|\s)(?:ما|ماهي)\s+(?:هي\s+)?(?:قيمه|تكلفه|كلفه|سعر|ثمن|مبلغ)",
            re.I,
        ),
    ),
    Measure(
        "age",
        re.compile(rf"\bhow old\b|\bwhat age\b|(?<!\w)كم\s+{_COPULA}(?:عمر|سن)(?!\w)", re.I),
    ),
    Measure(
        "distance",
        re.compile(
            r"\bhow far\b|\bhow many (?:kilomet\w*|miles?|met(?:re|er)s?)\b|\b(?:distance|range)\b.*\b(?:kilomet|miles?)|"
            r"كم\s+(?:كيلومتر|كيلو|كلم|ميل|مترا)|(?:ما|كم)\s+(?:هي\s+)?(?:ال)?مسافه",
            re.I,
        ),
    ),
)


def measure_asked(question: str) -> Measure | None:
    """The kind of quantity a question asks for: a count ("how many soldiers", «كم عدد
    شاحنات المساعدات»: the money word is not what is counted), one with a unit to check
    ("how much aid"), or None ("how much did he ask for?" may ask for a sum; "how many
    billions" counts in no unit)."""
    folded = normalize_arabic(question)
    count = _asked_at(COUNT_QUESTION, folded)
    counted = _COUNTED.match(folded, count.end()) if count else None
    word = counted.group(1) if counted else ""
    if count and word.rstrip("s") in _SCALES:
        return None
    unit = _unit_kind(word)
    if count and unit is None:
        return Measure(COUNT, COUNT_QUESTION)
    measure = next((m for m in MEASURES if m.asked.search(folded)), None)
    return measure or (Measure(COUNT, COUNT_QUESTION, counted_in=unit) if count else None)


# What an Arabic question counts: the word after «عدد» («كم بلغ عدد القتلى», «ما عدد من…»),
# else after «كم» («كم مقعداً», «كم من المهاجرين»), not the «كم» of a distance («10 كم»).
_COUNTED_AFTER = (
    re.compile(r"(?<!\w)و?عدد\s+(?:من\s+)?([^\W\d_]+)"),
    re.compile(rf"(?<!\d\s)(?<!\w)و?كم\s+{_COPULA}(?:من\s+)?([^\W\d_]+)"),
)
# Endings that mark a word after a figure as the noun it counts («10 قطاعات», «12 مصنعاً», «100 مبادرة»).
_COUNTED_NOUN_ENDING = re.compile(r"(?:ا|ات|ين|ون|ه)$")


def counted_term(question: str) -> str | None:
    """The index term (qa.terms) of what an Arabic question counts, if it says."""
    folded = normalize_arabic(question)
    match = next((m for pattern in _COUNTED_AFTER if (m := pattern.search(folded))), None)
    return term_of(match.group(1)) if match else None


def counted_noun(sentence: str, figure: tuple[str, int, int]) -> tuple[str, int] | None:
    """The word after a figure's scale word and unit, normalised, and where it ends: the
    noun it counts if it counts one («2500 جندي»), also after «من» and an article («300 من
    الموظفين»), but not after «من» alone («300 من أصل 450», «300 من موظفيها»: a part of
    what follows)."""
    word = _UNIT_WORD.match(sentence, read_unit(sentence, figure[1], figure[2]).end)
    if word and normalize_arabic(word.group(1)) == "من":
        word = _UNIT_WORD.match(sentence, word.end())
        if not (word and normalize_arabic(word.group(1)).startswith("ال")):
            return None
    return (normalize_arabic(word.group(1)), word.end()) if word else None


def _counting_first(sentence: str, numbers: list[tuple[str, int, int]], term: str) -> list[tuple[str, int, int]]:
    """``numbers`` with the first figure that counts ``term`` moved to the front, past
    figures that each count a noun of their own («10 قطاعات و100 مبادرة»), but not past
    one that may share the noun of a later one («نجا 300 من أصل 450 مهاجرا»)."""
    for index, figure in enumerate(numbers):
        found = counted_noun(sentence, figure)
        noun = found[0] if found else None
        if noun and term_of(noun) == term:
            return [figure, *numbers[:index], *numbers[index + 1 :]]
        if not (noun and _COUNTED_NOUN_ENDING.search(noun)):
            break
    return numbers


_SCALE_FACTORS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def _figure_read(text: str, start: int, end: int) -> tuple[float, str]:
    """The figure at ``start``–``end`` of ``text`` with its scale word applied, and its unit
    in English: "50 ألف", "50 thousand" and "50,000" are all (50000.0, "")."""
    words = read_unit(text, start, end).english.split()
    factor = _SCALE_FACTORS.get(words[0], 1.0) if words else 1.0
    value = float(_plain_number(to_western_digits(text[start:end]).translate(_SEPARATORS)))
    return round(value * factor, 3), " ".join(words[1:] if factor != 1.0 else words)


def figures_read(text: str) -> list[tuple[float, str]]:
    """Every figure a text writes, in order, years and days included, as ``_figure_read`` reads it."""
    western = to_western_digits(text).translate(_SEPARATORS)  # one character for one: spans carry over
    return [_figure_read(text, match.start(), match.end()) for match in _NUMBER.finditer(western)]


def asks_for_figure(question: str) -> bool:
    """Does the question ask for a figure: a quantity of any kind, or "how much"?"""
    return measure_asked(question) is not None or asks(NUMBER_QUESTION, question)


def figures_of(measure: Measure | None, sentence: str) -> list[tuple[str, int, int]]:
    """The sentence's counting numbers (qa.direct.number_spans) that give ``measure``
    (``Measure.given_by`` the kind of their unit: followed by one of its units, or, for
    money, after a currency sign). All of them when no measure is asked for."""
    spans = number_spans(sentence)
    if measure is None:
        return spans
    return [
        (value, start, end) for value, start, end in spans if measure.given_by(read_unit(sentence, start, end).kind)
    ]


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


# What may follow a figure: a scale word, then a unit of one kind of quantity, each
# with its English form (normalised Arabic; an Arabic unit word may carry a case or
# plural ending: دولارا, دولارات).
_SCALES = {"الف": "thousand", "الاف": "thousand", "مليون": "million", "ملايين": "million", "مليار": "billion",
           "مليارات": "billion", "ترليون": "trillion", "تريليون": "trillion", "thousand": "thousand",
           "million": "million", "billion": "billion", "trillion": "trillion"}  # fmt: skip
UNITS = {
    "money": {
        "دولار": "dollars", "يورو": "euros", "جنيه": "pounds", "ريال": "riyals", "درهم": "dirhams",
        "دينار": "dinars", "ليره": "lira", "روبل": "roubles", "يوان": "yuan", "ين": "yen", "روبيه": "rupees",
        "روبي": "rupees", "شيكل": "shekels", "شيقل": "shekels", "استرليني": "sterling", "فرنك": "francs",
        "dollars": "dollars", "dollar": "dollars", "euros": "euros", "euro": "euros", "pounds": "pounds",
    },
    "percent": {"%": "%", "٪": "%", "بالميه": "%", "بالمايه": "%", "percent": "%"},
    "age": {"عام": "years", "عاما": "years", "سنه": "years", "سنوات": "years", "سنين": "years", "years": "years"},
    "distance": {
        "كيلومتر": "km", "كلم": "km", "كم": "km", "ميل": "miles", "اميال": "miles", "متر": "metres",
        "امتار": "metres", "km": "km", "kilometres": "km", "kilometers": "km", "miles": "miles", "metres": "metres",
    },
}  # fmt: skip
_ABBREVIATIONS = frozenset({"كم", "كلم"})
_CURRENCY_SIGNS = {"$": "dollars", "€": "euros", "£": "pounds"}
_UNIT_ENDINGS = ("", "ا", "ات", "ين")  # دولارا, دولارات, كيلومترين
_UNIT_WORD = re.compile(r"\s*([^\s،,.؛:()«»\"%٪]+|[%٪])")


def _unit_kind(word: str) -> str | None:
    """The kind of a unit named in a question, in Arabic or English ("riyals", "km")."""
    found = _unit_word(word)
    return found[0] if found else next((kind for kind, table in UNITS.items() if word in table.values()), None)


@dataclass(frozen=True)
class Unit:
    end: int  # where the figure's scale word and unit end in the sentence
    english: str  # them in English: " billion dollars", "%", "" for none
    kind: str | None  # the kind of quantity the unit gives (a key of UNITS)


def _unit_word(word: str) -> tuple[str, str] | None:
    """(kind, English) of a normalised unit word, with its article or ending (not an
    abbreviation's: كما is "as", كمين an ambush)."""
    for bare in dict.fromkeys((word, word[2:] if word.startswith("ال") else word)):
        for kind, table in UNITS.items():
            for ending in _UNIT_ENDINGS:
                if ending and (not bare.endswith(ending) or bare[: len(bare) - len(ending)] in _ABBREVIATIONS):
                    continue
                stem = bare[: len(bare) - len(ending)]
                if stem in table:
                    return kind, table[stem]
    return None


def read_unit(sentence: str, start: int, end: int) -> Unit:
    """A figure's scale word and unit ("2.5 مليار دولار", "12 في المئة", "$2.5 billion",
    "40 كم"), read after its digits (``start``, ``end``)."""
    sign = _CURRENCY_SIGNS.get(sentence[max(0, start - 1) : start])
    scale = ""
    match = _UNIT_WORD.match(sentence, end)
    if match and normalize_arabic(match.group(1)) in _SCALES:
        scale, end = f" {_SCALES[normalize_arabic(match.group(1))]}", match.end()
        match = _UNIT_WORD.match(sentence, end)
    if sign:
        return Unit(end, f"{scale} {sign}", "money")
    if not match:
        return Unit(end, scale, None)
    word = normalize_arabic(match.group(1))
    if word == "في":  # في المئة: two words
        second = _UNIT_WORD.match(sentence, match.end())
        if second and normalize_arabic(second.group(1)) in ("الميه", "المايه"):
            return Unit(second.end(), "%", "percent")
    found = _unit_word(word)
    if not found:
        return Unit(end, scale, None)
    kind, english = found
    return Unit(match.end(), english if english == "%" else f"{scale} {english}", kind)


_SAYS = (
    r"(?:قال|قالت|[أا]علن|[أا]علنت|[أا]كد|[أا]كدت|ذكر|ذكرت|صرح|صرحت|[أا]وضح|[أا]وضحت|[أا]ضاف|[أا]ضافت|"
    r"كشف|كشفت|[أا]فاد|[أا]فادت|حذر|حذرت|[أا]شار|[أا]شارت)"
)
_WHEN = r"(?:(?:يوم\s+)?(?:[أا]مس|اليوم|الأحد|الاثنين|الإثنين|الثلاثاء|الأربعاء|الخميس|الجمعة|السبت)\s+)*"
_SPEAKER_END = r"(?=\s*(?:[،,.:«\"(]|\s[إأا]ن(?:ه|ها)?(?!\w)|\s(?:في|خلال|عبر)\s|$))"
# Who speaks, in the order tried: "قال X إن", "كانت X أعلنت", "بحسب X", "X أعلن" at the start.
_SPEAKERS = [
    re.compile(rf"(?<!\w)و?{_SAYS}\s+{_WHEN}(?P<who>[^،,:«\"()\s][^،,:«\"()]{{1,80}}?){_SPEAKER_END}"),
    re.compile(rf"(?<!\w)و?(?:كان|كانت)\s+(?P<who>[^:«()]{{2,80}}?)[،,]?\s+{_SAYS}(?!\w)"),
    re.compile(
        r"(?<!\w)(?:بحسب|حسب|وفق(?:ا|اً)?\s*ل|نقلا\s+عن|نقلاً\s+عن)\s*(?P<who>[^،,.:«\"()]{2,80}?)(?=\s*(?:[،,.:«\"(]|$))"
    ),
    re.compile(rf"^\s*(?P<who>[^،,:«\"()\s]+(?:\s[^،,:«\"()\s]+)?)\s+{_SAYS}(?!\w)"),
]
MAX_SPEAKER_WORDS = 10
# The span model's start and end logits, summed, below which its answer is not led with.
MIN_SPAN_SCORE = 3.0  # chosen on the real-news dev split
# A speaker does not start with these (normalised): what follows "أعلن" may be a time or a place.
_NOT_A_SPEAKER = frozenset(
    normalize_arabic(w)
    for w in "أمس اليوم الأحد الاثنين الإثنين الثلاثاء الأربعاء الخميس الجمعة السبت يوم خلال في عبر على عن من إلى أن إن أنه مساء صباح كما وقد قد ثم".split()
)


def _speaker_answer(sentence: str) -> DirectAnswer | None:
    """Who the sentence quotes or reports ("الممثلة الرسمية لوزارة الدفاع"), as it writes it."""
    for pattern in _SPEAKERS:
        for match in pattern.finditer(sentence):
            start, end = match.span("who")
            who = re.sub(r"\s+قد$", "", sentence[start:end])  # "وكانت القوات قد أعلنت"
            words = who.split()
            if words and len(words) <= MAX_SPEAKER_WORDS and normalize_arabic(words[0]) not in _NOT_A_SPEAKER:
                return DirectAnswer(who, start, start + len(who), who)
    return None


def _place_answer(question: str, sentence: str, english: bool) -> DirectAnswer | None:
    """The first country or city the sentence names that the question does not ("Where
    did Putin and Trump meet?" → Helsinki), by its English name for an English reader."""
    asked = {place.code for place, _, _ in places_in(question)}
    for place, start, end in places_in(sentence):
        if place.code not in asked and not place.english_in(question):
            return DirectAnswer(sentence[start:end], start, end, place.english if english else place.arabic)
    return None


class SpanReading(Protocol):
    """qa.spans.SpanFinder (or one answer's memo of it, qa.extractive.ReadSpans): the
    words of a sentence that answer a question."""

    def find(self, question: str, sentence: str) -> Span | None: ...

    def find_all(self, question: str, sentences: list[str]) -> list[Span | None]: ...


def direct_answer(question: str, sentence: str, english: bool, spans: SpanReading | None = None) -> DirectAnswer | None:
    """The figure, date, place, speaker or (with ``spans``) other words ``question`` asks
    for, as ``sentence`` gives them; ``english``: lead in English where a rule can say it
    (Western digits, English month and day names, place names)."""
    measure = measure_asked(question)
    if measure or asks(NUMBER_QUESTION, question):
        # A figure the question states, with its scale and unit ("in 1993", "of the 450
        # migrants"), is not its answer; of the others, those of the kind asked for, if any.
        stated = set(figures_read(question))
        numbers = [n for n in figures_of(measure, sentence) if _figure_read(sentence, n[1], n[2]) not in stated]
        if not numbers:
            return None
        term = counted_term(question)
        if term:
            numbers = _counting_first(sentence, numbers, term)
        value, start, digits_end = numbers[0]
        unit = read_unit(sentence, start, digits_end)
        about = ("about " if english else "حوالي ") if APPROXIMATE.search(sentence[max(0, start - 15) : start]) else ""
        said = unit.english if english else sentence[digits_end : unit.end]
        return DirectAnswer(sentence[start : unit.end], start, unit.end, f"{about}{value}{said}")
    # The span model's words lead an Arabic question's answer only: asked in English, it
    # reads across languages, and its leads were right about half the time on dev.
    named = _named_answer(question, sentence, english)
    if named or english or not PHRASE_QUESTION.search(normalize_arabic(question)):
        return named
    return _marked_answer(question, sentence, spans)


def _named_answer(question: str, sentence: str, english: bool) -> DirectAnswer | None:
    """The speaker, place or date a question asks for, read off the sentence by rule."""
    folded = normalize_arabic(question)
    if asks(SPEAKER_QUESTION, folded):
        return _speaker_answer(sentence)
    if asks(PLACE_QUESTION, folded):
        return _place_answer(question, sentence, english)
    if asks(DATE_QUESTION, question):
        western = to_western_digits(sentence)
        for pattern in _DATES:
            match = pattern.search(western)
            if match:
                text = sentence[match.start() : match.end()]
                return DirectAnswer(text, match.start(), match.end(), _english_date(match) if english else text)
    return None


def _marked_answer(question: str, sentence: str, spans: SpanReading | None) -> DirectAnswer | None:
    """The words the span model (qa.spans) marks as the answer: a name, an organisation,
    a phrase, as the sentence writes them (no rule reads those), unless the question
    already holds them all (the sentence restates it)."""
    span = spans.find(question, sentence) if spans else None
    if span is None or span.score < MIN_SPAN_SCORE:
        return None
    text = span.of(sentence)
    return None if _restates(question, text) else DirectAnswer(text, span.start, span.end, text)


def _restates(question: str, text: str) -> bool:
    """Does the question already hold every word of ``text`` («من هي فيكتوريا تايلور؟» is
    not answered «فيكتوريا تايلور»)?"""
    return set(re.findall(r"\w+", normalize_arabic(text))) <= set(re.findall(r"\w+", normalize_arabic(question)))
