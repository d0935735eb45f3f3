"""Match an English question's words to the Arabic words of the articles.

Dictionary-based query translation, the classic cross-language retrieval
technique: general news words through a small glossary (qa.glossary), other
words through a general dictionary when one is installed (qa.dictionary), names
through transliteration. A name is reduced to its consonant skeleton in
sound classes (vowels and weak letters dropped, as Arabic script mostly
drops short vowels): "Blinken" and بلينكن both become B-L-N-K-N,
"Stickney" and ستكني S-T-K-N. Each English word thus gets a set of Arabic
index terms; the extractive answerer scores sentences by them and BM25 can
search with them.
"""

from __future__ import annotations

import itertools
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType

from qa.glossary import GLOSSARY
from qa.terms import STOPWORDS, TermStats, lexical_terms, loose_terms

_ARABIC_CLASS = {
    "ب": "B", "پ": "B", "ت": "T", "ط": "T", "ث": "θ", "ج": "J", "ح": "H", "خ": "X", "د": "D",
    "ذ": "Z", "ر": "R", "ز": "Z", "س": "S", "ش": "Š", "ص": "S", "ض": "D", "ظ": "Z", "غ": "G",
    "ف": "F", "ق": "K", "ك": "K", "ل": "L", "م": "M", "ن": "N", "ه": "H",
}  # fmt: skip
# Latin spellings of each class; a tuple lists the readings of an ambiguous spelling.
_LATIN = [
    ("sch", ("Š",)), ("sh", ("Š",)), ("ch", ("Š", "J", "K")), ("th", ("θ", "T", "Z")), ("kh", ("X",)),
    ("gh", ("G",)), ("dh", ("Z", "D")), ("ph", ("F",)), ("ck", ("K",)), ("qu", ("K",)),
    ("b", ("B",)), ("p", ("B",)), ("t", ("T",)), ("d", ("D",)), ("s", ("S",)), ("z", ("Z",)),
    ("k", ("K",)), ("q", ("K",)), ("c", ("K", "S")), ("g", ("J", "G", "K")), ("j", ("J",)),
    ("h", ("H",)), ("f", ("F",)), ("v", ("F",)), ("l", ("L",)), ("m", ("M",)), ("n", ("N",)),
    ("r", ("R",)), ("x", ("KS",)),
]  # fmt: skip
MIN_SKELETON = 3
UNJUDGED_WEIGHT = 0.4  # of an unseen term's IDF, for English words the bridge cannot judge
_ENGLISH_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _collapse(classes: Iterable[str]) -> str:
    """Join sound classes, writing a doubled consonant once (Arabic writes it once)."""
    out = ""
    for c in classes:
        if not out.endswith(c):
            out += c
    return out


def arabic_skeleton(term: str) -> str:
    """Consonant skeleton of a normalised Arabic term; a final ه (ta marbuta) is a vowel."""
    return _collapse(_ARABIC_CLASS.get(ch, "") for ch in term.rstrip("ه"))


def latin_skeletons(word: str) -> set[str]:
    """Every consonant skeleton an English spelling of a name can stand for (at most 16)."""
    word = word.lower()
    options: list[tuple[str, ...]] = []
    i = 0
    while i < len(word):
        for spelling, readings in _LATIN:
            if word.startswith(spelling, i):
                options.append(readings)
                i += len(spelling)
                break
        else:
            i += 1  # vowels, y, w and punctuation carry no consonant
    out = set()
    for combination in itertools.islice(itertools.product(*options), 16):
        out.add(_collapse(combination))
    return out


def _lemmas(word: str) -> list[str]:
    w = word.lower().strip("'’")
    w = re.sub(r"['’]s$", "", w)
    forms = [w]
    if w.endswith("ies"):
        forms.append(w[:-3] + "y")
    if w.endswith("es"):
        forms.append(w[:-2])
    if w.endswith("s") and not w.endswith("ss"):
        forms.append(w[:-1])
    if w.endswith("ed"):
        forms += [w[:-2], w[:-1]]
    if w.endswith("ing"):
        forms += [w[:-3], w[:-3] + "e"]
    return forms


def _entry_terms(table: Mapping[str, tuple[str, ...]], word: str) -> frozenset[str]:
    """Index terms of the Arabic entries for the first of the word's lemmas in ``table``."""
    for lemma in _lemmas(word):
        if lemma in table:
            return frozenset(t for arabic in table[lemma] for t in lexical_terms(arabic))
    return frozenset()


# The glossary's entries as index terms, made once.
_GLOSSARY_TERMS = MappingProxyType(
    {head: frozenset(t for arabic in entries for t in lexical_terms(arabic)) for head, entries in GLOSSARY.items()}
)


def glossary_terms(word: str) -> frozenset[str]:
    """Index terms of the glossary's entry for the first of the word's lemmas it has."""
    for lemma in _lemmas(word):
        if lemma in _GLOSSARY_TERMS:
            return _GLOSSARY_TERMS[lemma]
    return frozenset()


def glossary_synonyms(term: str) -> frozenset[str]:
    """``term`` (an Arabic index term) and those the glossary lists beside it under one
    English word (قوات with جندي and عسكري under "troop"): what a reporter may write for it."""
    return frozenset({term}).union(*(terms for terms in _GLOSSARY_TERMS.values() if term in terms))


class Bridge:
    """English words to the Arabic index terms of one corpus.

    ``dictionary`` is called when a word needs it (qa.dictionary.Dictionary.current):
    an Arabic question never reads the dictionary, and a changed dictionary file is
    picked up by the next English question.
    """

    def __init__(
        self, vocabulary: Iterable[str], dictionary: Callable[[], Mapping[str, tuple[str, ...]]] = lambda: {}
    ) -> None:
        self._dictionary = dictionary
        self._dictionary_terms: tuple[Mapping[str, tuple[str, ...]], dict[str, frozenset[str]]] | None = None
        self._by_skeleton: dict[str, set[str]] = defaultdict(set)
        for term in vocabulary:
            skeleton = arabic_skeleton(term)
            if len(skeleton) >= MIN_SKELETON:
                self._by_skeleton[skeleton].add(term)

    def dictionary_terms(self, word: str) -> frozenset[str]:
        table = self._dictionary()
        if self._dictionary_terms is None or self._dictionary_terms[0] is not table:
            self._dictionary_terms = (table, {})  # a new dictionary: forget the old one's terms
        memo = self._dictionary_terms[1]
        if word not in memo:
            memo[word] = _entry_terms(table, word)
        return memo[word]

    def entries(self, word: str) -> tuple[str, ...]:
        """The Arabic the glossary and dictionary give for an English word, as written."""
        table = self._dictionary()
        for source in (GLOSSARY, table):
            for lemma in _lemmas(word):
                if lemma in source:
                    return tuple(source[lemma])
        return ()

    def terms_for(self, word: str) -> frozenset[str]:
        """Arabic index terms for an English word: glossary and dictionary, and for a
        Name its transliterations."""
        found = glossary_terms(word) | self.dictionary_terms(word)
        if word[:1].isupper():
            for skeleton in latin_skeletons(word):
                if len(skeleton) >= MIN_SKELETON:
                    found |= self._by_skeleton.get(skeleton, set())
        return frozenset(found)

    def translate(self, question: str) -> dict[str, frozenset[str]]:
        """{English content word: its Arabic index terms} (words the bridge knows nothing of map to ∅)."""
        words = [re.sub(r"['’]s$", "", w) for w in _ENGLISH_WORD.findall(question)]
        words = [w for w in words if w.lower() not in STOPWORDS and len(w) > 1]
        return {w: self.terms_for(w) for w in dict.fromkeys(words)}

    def is_known(self, word: str) -> bool:
        """Can the bridge judge this word at all (a glossary or dictionary word, or a name)?"""
        return bool(glossary_terms(word) or self.dictionary_terms(word)) or word[:1].isupper()

    def arabic_query(self, question: str) -> list[str]:
        """The question's words carried into Arabic index terms, for a BM25 search."""
        return [t for terms in self.translate(question).values() for t in sorted(terms)]

    def coverage(self, question: str, texts: list[str], stats: TermStats) -> list[float]:
        """For an English question: the IDF-weighted share of its words whose Arabic terms
        each text contains. A word with no Arabic counterpart anywhere in the corpus
        weighs the most; a word the bridge cannot judge (neither a glossary word nor a
        name) counts as unmatched at a moderate weight, so a question full of words the
        articles never use is not taken for one they answer."""
        translation = self.translate(question)
        unseen = stats.idf("")  # the IDF of a term no passage has
        weights = {
            w: max((stats.idf(t) for t in terms if t in stats.doc_freq), default=unseen)
            if self.is_known(w)
            else UNJUDGED_WEIGHT * unseen
            for w, terms in translation.items()
        }
        total = sum(weights.values())
        if not total:
            return [0.0] * len(texts)
        out = []
        for text in texts:
            present = loose_terms(text)
            out.append(sum(weights[w] for w, terms in translation.items() if terms & present) / total)
        return out
