"""Learn which words keep an ending the stemmer would cut (qa.endings) from a news archive.

    python -m training.word_endings [--archive ../shared/news/ant-v2.1.jsonl.xz]

The light stemmer (qa.terms) cuts the plural and dual endings ين / ون / ان. Many
names and nouns end in those letters without being plurals: البحرين is not a plural
of بحر (sea), nor لبنان of لبن (milk), nor قانون of قان. Cut, they meet unrelated
words in the index. A real plural or dual shows its other case in the same
archive (لاعبين / لاعبون, شهرين / شهران, يعملون / يعمل); a name does not. So a
word (after its article or conjunction) ending in one of them is kept whole when it
is in at least MIN_ARTICLES articles and its other forms (OTHER_FORMS in qa.endings)
together are in fewer than OTHER_CASE_SHARE of as many. A one-letter preposition
fixes a plural's case (لمسلحين never shows لمسلحون), so a word read as one and a
commoner word (ل + مسلحين) is judged as that word. The thresholds were set by reading
the list it gives on the ANT archive.
"""

from __future__ import annotations

import argparse
import json
import lzma
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from qa.arabic import normalize_arabic
from qa.endings import OTHER_FORMS, WHOLE_WORDS_FILE, words_file_content
from qa.terms import plural_ending, prefix_length

ARCHIVE = Path(__file__).resolve().parents[2] / "shared" / "news" / "ant-v2.1.jsonl.xz"
MIN_ARTICLES = 10
OTHER_CASE_SHARE = 0.01
PROCLITICS = "لبكف"  # one-letter prepositions and conjunctions the stemmer leaves on
_ARABIC_WORD = re.compile("[\u0621-\u064a]+")


def article_texts(path: Path) -> Iterable[str]:
    with lzma.open(path, "rt", encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            yield f"{record.get('title') or ''} {record['text']}"


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
            return keeps(word[1:])  # a proclitic fixes the case: لمسلحين is ل + مسلحين
        stem = word[: -len(ending)]
        return sum(article_count[stem + form] for form in OTHER_FORMS[ending]) < OTHER_CASE_SHARE * article_count[word]

    whole = [(word, count) for word, count in article_count.items() if count >= MIN_ARTICLES and keeps(word)]
    return sorted(whole, key=lambda item: (-item[1], item[0]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    args = parser.parse_args()
    words = learn(article_texts(args.archive))
    source = "ANT corpus v2.1 (Chouigui et al., 2021)" if args.archive.name == ARCHIVE.name else str(args.archive)
    WHOLE_WORDS_FILE.write_text(words_file_content(words, source), encoding="utf-8")
    print(f"{len(words)} words keep their ending; written to {WHOLE_WORDS_FILE}")


if __name__ == "__main__":
    main()
