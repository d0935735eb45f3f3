"""Constraint checks: what a question pins down must be in what answers it.

A figure for US troops in Iraq does not answer "How many US troops are in
Syria?", and a count of soldiers does not answer "How much aid?". A candidate
sentence answers only when:

- its article (the retrieved passages of its document, and its title) names
  every country the question names (qa.places: by name or adjective, in either
  language; an English adjective through the glossary and dictionary), and
  every calendar year (or is dated in it, or says "last year" a year later);
- its figures are of the kind of quantity asked for (money, a percentage, an
  age, a distance: qa.direct.MEASURES), when the question asks for one; for a
  count, not a sum of money or a distance (qa.direct.NOT_COUNTS);
- when it names what a count question counts, its figures count that and not
  something else («تعرض قواتها إلى 73 هجوماً» names the troops and counts attacks:
  ``counts_otherwise``);
- it does not give a word of an Arabic question another qualifier: where the
  question qualifies a word by a definite noun or a figure («مؤسسة الكهرباء»,
  «الكتيبة 106»), a sentence that has that word qualified by another of the
  same kind («مؤسسة المياه», «الكتيبة 276») and not the question's is about
  something else (``qualified_otherwise``).

People, organisations and cities are not checked: Arabic has no capitals to
find them by, and English names carried across by transliteration matched too
loosely (see docs/design-notes.md); the reader (qa.reader) judges them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from qa.arabic import is_arabic, normalize_arabic, to_western_digits
from qa.bridge import Bridge, glossary_synonyms
from qa.direct import COUNT, Measure, counted_noun, counted_term, figures_of, number_spans
from qa.months import RELATIVE_DAYS_AR, WEEKDAYS_AR
from qa.places import Place, arabic_words, countries, places_in
from qa.terms import STOPWORDS, loose_terms, prefix_length, term_of, without_proclitic

_ENGLISH_WORD = re.compile(r"(?<![\w'’])[A-Z][A-Za-z'’-]*")
# Closed classes of English. After an auxiliary or a preposition, a country's name (or
# the noun it modifies) heads a phrase; a preposition or auxiliary after it ends its
# phrase ("Syria after the attack", "Russia would").
_AUXILIARIES = frozenset(
    "do does did is are was were has have had will would shall can could should may might must".split()
)
_PREPOSITIONS = frozenset(
    "in into to from at on of by with for about after before during since until over under against between"
    " across through throughout within without inside near off via per amid among toward towards".split()
)
_NEXT_WORD = re.compile(r"\s+([a-z]+)\b(?![-'’])")
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
# A year said relative to the article's date (normalised text).
_RELATIVE_YEARS = (
    (-1, re.compile(r"(?:العام|السنه|عام) (?:الماضي|المنصرم|السابق)|\blast year\b")),
    (1, re.compile(r"(?:العام|السنه) (?:المقبل|القادم|المقبله|القادمه)|\bnext year\b")),
)


def wrong_measure(measure: Measure | None, sentence: str) -> bool:
    """Are the sentence's figures all of another kind than the one asked for (``measure``,
    qa.direct.measure_asked: a count of soldiers for "how much aid?")? Not when it has
    no figure, which qa.extractive judges on its own."""
    if measure is None or not number_spans(sentence) or figures_of(measure, sentence):
        return False
    return not (measure.in_words and measure.in_words.search(normalize_arabic(sentence)))


@dataclass(frozen=True)
class Constraint:
    """A year or a country the question pins down."""

    text: str  # as the question writes it
    country: Place | None = None  # None: a year
    by_name: bool = True  # named as a place or actor ("in Syria"), not as an adjective ("Syrian", "US troops")

    def held_by(self, named: set[str], western: str, date: str | None) -> bool:
        """Does a text (the codes of the countries it names, and its Western-digit form)
        carry it? A year
        is also carried by the article's ``date``, and by "last year" / "العام الماضي"
        in an article dated the year after ("next year" the year before)."""
        if self.country:
            return self.country.code in named
        if re.search(rf"(?<!\d){self.text}(?!\d)", western) or (date or "").startswith(self.text):
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
        names = {place.code for place, _, _ in places_in(question, countries_only=True)}
        for country, start, end in places_in(question, as_names=False, countries_only=True):
            named.setdefault(country.code, Constraint(question[start:end], country, country.code in names))
        return found + list(named.values())
    for country in countries():
        match = country.english_in(question)
        if match:
            named[country.code] = Constraint(match.group(), country, by_name=not _modifies_a_noun(question, match))
    for match in _ENGLISH_WORD.finditer(question):
        if match.start() > 0:  # the first word is capitalised anyway
            word = re.sub(r"['’]s$", "", match.group())
            for entry in bridge.entries(word):
                words = arabic_words(entry)
                for country in countries():
                    if country.adjective_in(words):
                        named.setdefault(country.code, Constraint(word, country, by_name=False))
    return found + list(named.values())


def _modifies_a_noun(question: str, name: re.Match[str]) -> bool:
    """Is a country's English name used the way an adjective is ("US troops", "the Iraq
    war"), rather than naming the place ("in Syria") or the actor ("did Russia expel")?
    Then, like an Arabic adjective (القوات الأمريكية), it is pinned down but not a place
    to ask of another country: "How many Syria troops are in Iraq?" is no question.
    Without a part-of-speech tagger: the next word is a lowercase content word, not a
    regular past tense ("Turkey released"); directly after an auxiliary or a preposition,
    where the name or its noun heads a phrase and the next word may be its verb ("did
    Russia expel", "people in Syria live"), only a plural counts ("did US troops leave")."""
    following = _NEXT_WORD.match(question, name.end())
    if not following:
        return False
    word = following.group(1)
    if word in STOPWORDS or word in _PREPOSITIONS or word in _AUXILIARIES or word.endswith("ed"):
        return False
    before = re.findall(r"[a-z]+", re.sub(r"n[’']t\b", "", question[: name.start()].lower()))
    previous = before[-1] if before else ""
    if previous == "the" and len(before) > 1 and before[-2] in _AUXILIARIES:
        previous = before[-2]  # "did the UAE say"
    heads_a_phrase = previous in _AUXILIARIES or previous in _PREPOSITIONS
    return not heads_a_phrase or (word.endswith("s") and not word.endswith("ss"))


def swapped(question: str, constraint: Constraint, country: Place) -> str:
    """The question asked of another country instead (for the reader to compare)."""
    name = country.arabic if is_arabic(constraint.text) else country.english
    return question.replace(constraint.text, name)


def unsupported(constraints: list[Constraint], text: str, date: str | None) -> list[Constraint]:
    """The constraints ``text`` (what the article says around the answer, with its title)
    does not carry."""
    named = _countries(text)
    western = to_western_digits(text)
    return [c for c in constraints if not c.held_by(named, western, date)]


def _countries(text: str) -> set[str]:
    """The codes of the countries a text names, by name or adjective."""
    return {place.code for place, _, _ in places_in(text, as_names=False, countries_only=True)}


# A word as written, its marks and tatweel included (qa.arabic folds the same marks).
_WRITTEN_WORD = re.compile(r"[\w\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]+")
# Qualifiers of time (normalised, as the words are compared): what they change is when,
# which the year check and the period a question names (qa.asked_time) judge, not what
# («العام الحالي», «العام الجاري», «الجيش الثلاثاء»). Month names take no article.
_TIME_QUALIFIERS = frozenset(
    normalize_arabic(word)
    for word in ("الماضي", "المنصرم", "الحالي", "الجاري", "المقبل", "القادم", "الراهن", *WEEKDAYS_AR, *RELATIVE_DAYS_AR)
)


@dataclass(frozen=True)
class _Word:
    term: str  # qa.terms.term_of
    qualifier: str | None  # "figure" or "definite": what it may qualify the word before it as
    start: int  # in the text
    end: int


def _qualifier_kind(word: str) -> str | None:
    """A figure («106», «الـ24»), a definite noun or adjective with the article alone
    («الكهرباء»; not «والكهرباء», a second noun, nor «بالكهرباء»), or None. A time
    word is none."""
    if word.isdigit() or (word.startswith("ال") and word[2:].isdigit()):
        return "figure"
    if word in _TIME_QUALIFIERS:
        return None
    return "definite" if word.startswith("ال") and prefix_length(word) == 2 else None


def _words(text: str) -> list[_Word | None]:
    """The text's words in order; a stop word, or a bare article («الـ»), as None (it
    breaks a pair)."""
    out: list[_Word | None] = []
    for match in _WRITTEN_WORD.finditer(text):
        word = to_western_digits(normalize_arabic(match.group()))
        if word in STOPWORDS or word == "ال":
            out.append(None)
            continue
        kind = _qualifier_kind(word)
        term = word.removeprefix("ال") if kind == "figure" else term_of(word)
        out.append(_Word(term, kind, match.start(), match.end()))
    return out


def _next_to(text: str, first: _Word, second: _Word) -> bool:
    """Is ``second`` right after ``first``, with nothing but space between (no comma,
    quote or bracket)?"""
    return not text[first.end : second.start].strip()


def qualified_otherwise(question: str, sentence: str) -> tuple[str, str] | None:
    """Where ``sentence`` qualifies a word of the (Arabic) question by another definite
    noun or figure than the question does, and holds the question's nowhere: the two
    pairs of words, as the question and the sentence write them. «مؤسسة الكهرباء»
    against «مؤسسة المياه», «دعم الكهرباء» against «دعم الوقود», «الكتيبة 106» against
    «الكتيبة 276»: a near miss, the same kind of thing with one qualifier changed. Not
    a qualifier that shares its letters with the question's (a spelling, «عبد» in
    «عبدالفتاح»), one the question also holds elsewhere, a country the sentence names
    in another form («السفارة الأمريكية», «سفارة الولايات المتحدة»), nor a time."""
    if not is_arabic(question):
        return None
    asked = _words(question)
    asked_terms = {w.term for w in asked if w}
    said = _words(sentence)
    held = loose_terms(sentence)
    folded = to_western_digits(normalize_arabic(sentence))
    figures = {w.term for w in said if w and w.qualifier == "figure"}
    for head, qualifier in pairwise(asked):
        if not (head and qualifier and qualifier.qualifier and _next_to(question, head, qualifier)):
            continue
        if head.term not in held:
            continue
        if qualifier.qualifier == "figure":
            if qualifier.term in figures:
                continue
        elif qualifier.term in held or qualifier.term in folded:
            continue
        country = _countries(question[qualifier.start : qualifier.end])
        if country and country & _countries(sentence):
            continue
        for word, other in pairwise(said):
            if (
                word
                and other
                and word.term == head.term
                and other.qualifier == qualifier.qualifier
                and _next_to(sentence, word, other)
                and other.term not in asked_terms
                and other.term not in qualifier.term
                and qualifier.term not in other.term
            ):
                return question[head.start : qualifier.end], sentence[word.start : other.end]
    return None


# Words that end the noun phrase after "how many": the verb, a preposition, a relative.
_PHRASE_ENDS = _AUXILIARIES | _PREPOSITIONS | {"who", "that", "which"}
_HOW_MANY = re.compile(r"\bhow many\b", re.I)
_ENGLISH_WORDS = re.compile(r"[\w'’-]+")


def counted_terms(question: str, bridge: Bridge) -> frozenset[str]:
    """The Arabic index terms of what a count question counts: قوات for «كم عدد القوات
    الأميركية؟»; for "How many US troops are in Iraq?" the bridge's terms for "troops",
    the last word before the verb or preposition. None for a capitalised word ("how
    many Yemenis"), a people or a name that a sentence may count in other words."""
    if is_arabic(question):
        term = counted_term(question)
        return glossary_synonyms(term) if term else frozenset()
    match = _HOW_MANY.search(question)
    words = _ENGLISH_WORDS.findall(question[match.end() :]) if match else []
    for index, word in enumerate(words[:5]):
        if index and (word.lower() in _PHRASE_ENDS or word.endswith("ed")):
            head = words[index - 1]
            return frozenset() if head[:1].isupper() else bridge.terms_for(head)
    return frozenset()


def counts_otherwise(counted: frozenset[str], measure: Measure | None, sentence: str) -> bool:
    """Does ``sentence`` name what the question counts (``counted``, qa.constraints.
    counted_terms) while each of its figures counts something else? «أعلنت عن تعرض قواتها
    في العراق إلى 73 هجوماً» names the troops and counts attacks on them: it does not
    answer how many troops there are. Not when a figure has no noun after it (what it
    counts may be said before it: «ارتفعت المجموعات من 892 في 2015»), nor when the
    sentence says «عدد» before the counted word («عدد المنتخبات المتأهلة 24 فريقا»: the
    figure counts it in another word). Years and numbered things («المهمة الـ61») count
    nothing."""
    if not counted or measure is None or measure.name != COUNT:
        return False
    phrases = []  # the figures with the nouns they count, and a partitive after («2500 جندي من القوات»)
    for figure in figures_of(measure, sentence):
        value, start, _ = figure
        if _YEAR.fullmatch(value) or normalize_arabic(sentence[max(0, start - 3) : start]).endswith("ال"):
            continue
        noun = counted_noun(sentence, figure)
        if noun is None or not noun[0].isalpha() or noun[0] in STOPWORDS or term_of(noun[0]) in counted:
            return False  # what it counts is not said after it («من 892 في 2015»), or is what is asked
        partitive = re.match(r"\s+من\s+[^\s،,.؛:]+", sentence[noun[1] :])
        phrases.append((start, noun[1] + (partitive.end() if partitive else 0)))
    if not phrases:
        return False
    named = False
    previous = ""
    for match in _WRITTEN_WORD.finditer(sentence):
        word, before = normalize_arabic(match.group()), previous
        previous = word
        bare = without_proclitic(word)
        if any(start - 1 <= match.end() and match.start() < end for start, end in phrases) or not (
            term_of(word) in counted or (bare and term_of(bare) in counted)
        ):
            continue  # in a figure's phrase, or right before it («مقتل 5 أشخاص»: who were killed)
        if before == "عدد":
            return False
        named = True
    return named
