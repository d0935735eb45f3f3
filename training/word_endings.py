"""Learn which words keep an ending the stemmer would cut (qa.endings) from a news archive.

    python -m training.word_endings [--archive ../shared/news/ant-v2.1.jsonl.xz] [--out FILE]

The light stemmer (qa.terms) cuts the plural and dual endings ين / ون / ان. Many
names and nouns end in those letters without being plurals: البحرين is not a plural
of بحر (sea), nor لبنان of لبن (milk), nor قانون of قان. Cut, they meet unrelated
words in the index. A real plural or dual shows its other forms in the same archive
(لاعبين / لاعبون, شهرين / شهران, يعملون / يعمل); a name does not. So a word (after
its article or conjunction) ending in one of them keeps it when it is in at least
MIN_ARTICLES articles and its other forms (OTHER_FORMS) together are in fewer than
OTHER_CASE_SHARE of as many. The bare stem counts as another form only for a present
verb (يعملون / يعمل): a noun's bare stem is often an unrelated word (كانون / كان,
جونسون / جونس). A word whose stem is spelled several ways (qa.variants: الأميركان,
أميركا) is that word's, and is cut as its other spellings are. A one-letter
preposition fixes a plural's case (لمسلحين is written, لمسلحون never), so a word that
reads as one and a commoner word (ل + مسلحين) is judged as that word. The thresholds
were set by reading the list it gives on the ANT archive.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from qa.arabic import normalize_arabic
from qa.endings import WHOLE_WORDS_FILE, words_file_content
from qa.terms import plural_ending, prefix_length
from qa.variants import has_variants
from training.archive import ARCHIVE, archive_articles, learned_from

MIN_ARTICLES = 10
OTHER_CASE_SHARE = 0.01
# An ending → those the same stem takes in the word's other case or number: a plural's
# other case (ين / ون), a dual's (ان / ين), a present verb's singular (ون / no ending).
OTHER_FORMS: dict[str, tuple[str, ...]] = {"ين": ("ون", "ان"), "ون": ("ين", ""), "ان": ("ين",)}
PROCLITICS = "لبكف"  # one-letter prepositions and conjunctions the stemmer leaves on
PRESENT_VERB = ("ي", "ت", "سي", "ست")  # how a present verb in ون begins (يعملون, ستعملون)
# Arabic letters only, unlike the index's \w+: digits and Latin words have no such endings.
_ARABIC_WORD = re.compile("[\u0621-\u064a]+")


def learn(texts: Iterable[str]) -> list[tuple[str, int]]:
    """The words (without their article or conjunction) that keep their ending, with their
    article counts, commonest first."""
    article_count = Counter(
        word for text in texts for word in {w[prefix_length(w) :] for w in _ARABIC_WORD.findall(normalize_arabic(text))}
    )

    def keeps(word: str) -> bool:
        ending = plural_ending(word)
        if ending is None:
            return False
        if word[0] in PROCLITICS and article_count[word[1:]] > article_count[word]:
            return keeps(word[1:])  # a preposition fixes the case: لمسلحين is ل + مسلحين
        stem = word[: -len(ending)]
        if has_variants(stem):
            return False
        forms = [f for f in OTHER_FORMS[ending] if f or word.startswith(PRESENT_VERB)]
        return sum(article_count[stem + form] for form in forms) < OTHER_CASE_SHARE * article_count[word]

    whole = [(word, count) for word, count in article_count.items() if count >= MIN_ARTICLES and keeps(word)]
    return sorted(whole, key=lambda item: (-item[1], item[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--out", type=Path, default=WHOLE_WORDS_FILE)
    args = parser.parse_args()
    words = learn(text for _, text in archive_articles(args.archive))
    args.out.write_text(words_file_content(words, learned_from(args.archive)), encoding="utf-8")
    print(f"{len(words)} words keep their ending; written to {args.out}")


if __name__ == "__main__":
    main()
