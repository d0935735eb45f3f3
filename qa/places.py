"""Countries and cities, as Arabic and English news name them: the places a question
can pin down or ask for.

The names are CLDR's (Unicode's locale data, read through Babel): every country
and territory in English and Arabic. A country is found in Arabic text when
every word of its Arabic name is there, each also as an adjective or plural
(سوريا: السوري, السورية, السوريين) and after a proclitic (وبسوريا); the words
that only say what kind of state it is (المملكة, العربية, المتحدة) are left
out, as news leave them out (السعودية, الإمارات). So كوريا الجنوبية needs both
words, and جزر القمر is not found in a sentence about the moon (القمر). Whole
words are compared, not index terms: the index's light stemmer makes البحرين
"بحر" (sea).

Cities are CLDR's too: the exemplar cities of its time zones (about 400, the
capitals and large cities), in Arabic, and in English as the zone names them
(Europe/Brussels → Brussels). A city is found by its name as written, without
adjective forms (صوفيا would make صوفي, Sufi).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
_NISBA = ("ي", "يه", "يون", "يين", "يان", "يات")
_PROCLITICS = re.compile(r"^(?:و|ف)?(?:ب|ل|ك)?")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]+")
_ARABIC_TOKEN = re.compile(r"[\u0621-\u064a\u064b-\u065f\u0640]+")  # a word as written, marks included
MAX_NAME_CHARS = 40  # the words of a place's name found further apart are not its name


@dataclass(frozen=True)
class Place:
    code: str  # ISO 3166 for a country, the time zone for a city
    english: str
    arabic: str
    names: frozenset[str]  # the words of its name that must be present (normalised, no article)
    required: tuple[frozenset[str], ...]  # per such word: the forms that stand for it

    def named_in(self, words: set[str]) -> bool:
        """Does a text with these ``arabic_words`` name the country?"""
        return all(not forms.isdisjoint(words) for forms in self.required)

    def adjective_in(self, words: set[str]) -> bool:
        """Does a text with these ``arabic_words`` hold the adjective of a one-word
        country (صيني)? What a dictionary gives for "Chinese"; for "Moon" it gives
        قمر, which names no country."""
        return len(self.required) == 1 and not (self.required[0] - self.names).isdisjoint(words)


def _forms(word: str) -> frozenset[str]:
    """A name's word and its adjective and plural forms: سوريا, سوري, سوريه, سوريين…
    (the adjective of سوريا is سوري, of السعودية سعودي, of كندا كندي, of العراق عراقي)."""
    base = word
    for ending in ("يا", "يه", "ا"):
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            base = word[: -len(ending)]
            break
    return frozenset({word} | {base + ending for ending in _NISBA})


def _name_words(arabic_name: str) -> list[str]:
    """The words of an Arabic name that must be present, without their article,
    normalised (ألمانيا stays المانيا)."""
    plain = re.sub(r"\(.*?\)|[-–]", " ", arabic_name)
    words = [w for w in plain.split() if normalize_arabic(w) not in STATE_FORM]
    return [normalize_arabic(w[2:] if w.startswith("ال") and len(w) > 4 else w) for w in words]


def arabic_words(text: str) -> set[str]:
    """A text's Arabic words, normalised, each also without its proclitics and article."""
    out = set()
    for word in _ARABIC_WORD.findall(normalize_arabic(text)):
        out.add(word)
        bare = _PROCLITICS.sub("", word) if len(word) > 4 else word
        for form in (bare, bare[2:] if bare.startswith("ال") else bare):
            if len(form) >= 3:
                out.add(form)
    return out


@cache
def countries() -> tuple[Place, ...]:
    """Every country CLDR names in both languages."""
    english, arabic = Locale("en").territories, Locale("ar").territories
    currencies = get_global("territory_currencies")
    out = []
    for code in arabic:
        if (
            isinstance(code, str)
            and code.isalpha()
            and code in english
            and code in currencies
            and code not in NOT_COUNTRIES
        ):
            words = _name_words(arabic[code])
            if words:
                forms = tuple(_forms(w) for w in words)
                out.append(Place(code, english[code], arabic[code], frozenset(words), forms))
    return tuple(out)


@cache
def cities() -> tuple[Place, ...]:
    """The exemplar cities of CLDR's time zones, in Arabic and English."""
    out = []
    for zone, names in Locale("ar").time_zones.items():
        arabic = names.get("city")
        if isinstance(zone, str) and "/" in zone and arabic:
            words = _name_words(arabic)
            english = zone.rsplit("/", 1)[1].replace("_", " ")
            out.append(Place(zone, english, arabic, frozenset(words), tuple(frozenset({w}) for w in words)))
    return tuple(out)


def places_in(text: str) -> list[tuple[Place, int, int]]:
    """The countries and cities an Arabic text names, each with its span (from its
    first word to its last), in order of appearance."""
    tokens = [(m.start(), m.end(), arabic_words(m.group())) for m in _ARABIC_TOKEN.finditer(text)]
    found = []
    for place in countries() + cities():
        spans = []
        for forms in place.required:
            at = next(((start, end) for start, end, words in tokens if not forms.isdisjoint(words)), None)
            if at is None:
                break
            spans.append(at)
        else:
            start, end = min(s for s, _ in spans), max(e for _, e in spans)
            if end - start <= MAX_NAME_CHARS:
                found.append((place, start, end))
    return sorted(found, key=lambda f: (f[1], -f[2]))


def countries_named(words: Iterable[str]) -> list[Place]:
    """The countries a text with these ``arabic_words`` names."""
    present = set(words)
    return [country for country in countries() if country.named_in(present)]
