"""Countries and cities, as Arabic and English news name them: the places a question
can pin down or ask for.

The names are CLDR's (Unicode's locale data, read through Babel): every country
and territory in English and Arabic, with the few common names CLDR does not
give as its main one (America, Britain, Palestine, Turkey …: ``ALIASES``). A
country is found in Arabic text when every word of one of its names is there,
each also as an adjective or plural (سوريا: السوري, السورية, السوريين) and
after a proclitic (وبسوريا, للعراق); the words that only say what kind of state
it is (المملكة, العربية, المتحدة) are left out where another word remains, as
news leave them out (السعودية, الإمارات). So كوريا الجنوبية needs both words,
and جزر القمر is not found in a sentence about the moon (القمر). Whole words
are compared, not index terms: the index's light stemmer makes البحرين "بحر"
(sea). Where a place is the answer (``places_in``), only its name counts, as
written, article included: العراقي is no answer to "where?", and المالي
(financial) is not Mali.

Cities are CLDR's too: the exemplar cities of its time zones (about 400, the
capitals and large cities), in Arabic, and in English as the zone names them
(Europe/Brussels → Brussels). A city is found by its name, without adjective
forms (صوفيا would make صوفي, Sufi).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from babel import Locale
from babel.core import get_global

from qa.arabic import normalize_arabic

NOT_COUNTRIES = {"EU", "ZZ"}  # CLDR regions with a currency that are no country
# Words of official names that say what kind of state it is, which news drop.
STATE_FORM = frozenset(
    normalize_arabic(w) for w in "المملكة مملكة جمهورية الجمهورية العربية المتحدة الاتحادية الديمقراطية الشعبية".split()
)
# Names news use that are not CLDR's main ones: (English, Arabic) per country.
ALIASES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "US": (("US", "U.S.", "USA", "America"), ("أمريكا", "أميركا")),
    "GB": (("UK", "Britain"), ("بريطانيا",)),
    "PS": (("Palestine",), ("فلسطين",)),
    "TR": (("Turkey",), ()),
    "CZ": (("Czech Republic",), ()),
    "CI": (("Ivory Coast",), ()),
    "MK": (("Macedonia",), ()),
    "SZ": (("Swaziland",), ()),
}
_NISBA = ("ي", "يا", "يه", "يون", "يين", "يان", "يات")  # "يا": the accusative (أمريكياً)
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
ARABIC_TOKEN = re.compile(r"[\u0621-\u064a\u064b-\u065f\u0640]+")  # a word as written, marks included


@dataclass(frozen=True)
class Word:
    """A word of a place's Arabic name, normalised: without its article, and whether
    it has one (العراق: عراق, True; ألمانيا: المانيا, False)."""

    bare: str
    article: bool

    @property
    def written(self) -> str:
        return f"ال{self.bare}" if self.article else self.bare


@dataclass(frozen=True)
class Place:
    code: str  # ISO 3166 for a country, the time zone for a city
    english: str  # CLDR's name
    arabic: str
    english_names: tuple[str, ...]  # every English name it goes by, CLDR's first
    spellings: tuple[tuple[Word, ...], ...]  # per Arabic name: its words
    adjectives: bool  # its words' adjective and plural forms name it too (countries)

    def forms(self, word: Word) -> frozenset[str]:
        """The words that stand for one word of its name: the word, without its
        article, and for a country its adjective and plural forms."""
        return _forms(word.bare) if self.adjectives else frozenset({word.bare})

    def adjective_in(self, words: set[str]) -> bool:
        """Does a text with these ``arabic_words`` hold the adjective of a one-word
        country (صيني)? What a dictionary gives for "Chinese"; for "Moon" it gives
        قمر, which names no country."""
        return any(
            len(name) == 1 and not (self.forms(name[0]) - {name[0].bare}).isdisjoint(words) for name in self.spellings
        )

    def english_in(self, text: str) -> re.Match[str] | None:
        """Where an English text calls it by one of its English names (capitalised as
        written: "US" is not "us")."""
        for name in self.english_names:
            match = re.search(rf"(?<![\w.]){re.escape(name)}(?!\w)", text)
            if match:
                return match
        return None


def _without_article(word: str) -> str:
    return word[2:] if word.startswith("ال") and len(word) > 4 else word


def _forms(word: str) -> frozenset[str]:
    """A name's word and its adjective and plural forms: سوريا, سوري, سوريه, سوريين…
    (the adjective of سوريا is سوري, of السعودية سعودي, of كندا كندي, of العراق عراقي)."""
    base = word
    for ending in ("يا", "يه", "ا"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            break
    return frozenset({word} | {base + ending for ending in _NISBA})


def _spelling(arabic_name: str) -> tuple[Word, ...]:
    """The words of an Arabic name that must be present (ألمانيا's alef is no article);
    state-form words only where nothing else is left."""
    words = re.sub(r"\(.*?\)|[-–]", " ", arabic_name).split()
    kept = [w for w in words if normalize_arabic(w) not in STATE_FORM] or words
    return tuple(
        Word(normalize_arabic(w[2:]), True) if w.startswith("ال") and len(w) > 4 else Word(normalize_arabic(w), False)
        for w in kept
    )


def _english_names(name: str) -> tuple[str, ...]:
    """CLDR's English name and the ones inside it: "Myanmar (Burma)", "Congo - Kinshasa"."""
    inside = re.findall(r"\((.*?)\)", name)
    plain = re.sub(r"\s*\(.*?\)", "", name)
    return tuple(dict.fromkeys([plain, *inside, plain.split(" - ")[0]]))


def _token_forms(token: str) -> set[str]:
    """A written word, and without its proclitics if it has any, article kept
    (والسويد: السويد; وبريطانيا: بريطانيا; للعراق: العراق)."""
    word = normalize_arabic(token)
    out = {word}
    if len(word) > 4:
        conjunction = word[1:] if word[0] in "وف" else word
        out.add(conjunction)
        if conjunction[:1] in ("ب", "ل", "ك"):
            out.add(conjunction[1:])
        if conjunction.startswith("لل"):
            out.add("ال" + conjunction[2:])
    return out


def arabic_words(text: str) -> set[str]:
    """A text's Arabic words, normalised, each also without its proclitics and article."""
    out = set()
    for word in _ARABIC_WORD.findall(text):
        for form in _token_forms(word):
            out.add(form)
            if form.startswith("ال") and len(form) > 4:
                out.add(form[2:])
    return {w for w in out if len(w) >= 3}


@cache
def countries() -> tuple[Place, ...]:
    """Every country CLDR names in both languages."""
    english, arabic = Locale("en").territories, Locale("ar").territories
    currencies = get_global("territory_currencies")
    out = []
    for code in arabic:
        if isinstance(code, str) and code.isalpha() and code in english and code in currencies:
            if code in NOT_COUNTRIES:
                continue
            more_english, more_arabic = ALIASES.get(code, ((), ()))
            spellings = tuple(dict.fromkeys(_spelling(name) for name in (arabic[code], *more_arabic)))
            names = _english_names(english[code]) + more_english
            out.append(Place(code, english[code], arabic[code], names, spellings, adjectives=True))
    return tuple(out)


@cache
def cities() -> tuple[Place, ...]:
    """The exemplar cities of CLDR's time zones, in Arabic and English."""
    out = []
    for zone, names in Locale("ar").time_zones.items():
        arabic = names.get("city")
        if isinstance(zone, str) and "/" in zone and arabic:
            english = zone.rsplit("/", 1)[1].replace("_", " ")
            out.append(Place(zone, english, arabic, (english,), (_spelling(arabic),), adjectives=False))
    return tuple(out)


Spelling = tuple[frozenset[str], ...]  # per word of a name: the forms that stand for it


@cache
def _by_first_word(as_names: bool, countries_only: bool) -> dict[str, list[tuple[Place, Spelling]]]:
    """Every place's names, indexed by the forms of their first word: a text is then
    read once, not once per place."""
    index: dict[str, list[tuple[Place, Spelling]]] = {}
    for place in countries() if countries_only else countries() + cities():
        for name in place.spellings:
            spelling = tuple(frozenset({w.written}) if as_names else place.forms(w) for w in name)
            for form in spelling[0]:
                index.setdefault(form, []).append((place, spelling))
    return index


def places_in(text: str, as_names: bool = True, countries_only: bool = False) -> list[tuple[Place, int, int]]:
    """The places an Arabic text names, each with the span of its name's words (one
    after another), in order of appearance, each once. ``as_names``: by their names
    only, as written (what answers "where?"); else adjectives count too (what a
    question pins down: "السلطات الألمانية")."""
    tokens = []
    for match in ARABIC_TOKEN.finditer(text):
        forms = _token_forms(match.group())
        tokens.append((match.start(), match.end(), forms if as_names else {_without_article(f) for f in forms}))
    index = _by_first_word(as_names, countries_only)
    found: dict[str, tuple[Place, int, int]] = {}
    for i, (start, _, forms) in enumerate(tokens):
        for place, spelling in (entry for form in forms for entry in index.get(form, ())):
            window = tokens[i : i + len(spelling)]
            complete = len(window) == len(spelling) and place.code not in found
            if complete and all(not wanted.isdisjoint(token[2]) for token, wanted in zip(window, spelling)):
                found[place.code] = (place, start, window[-1][1])
    return sorted(found.values(), key=lambda f: (f[1], -f[2]))
