"""Learn the spelling variants (qa.variants) from a news archive of several outlets.

    python -m training.spelling_variants [--archive ../shared/news/ant-v2.1.jsonl.xz]

Two index terms (qa.terms.stems) are variants of one word when
- they have the same skeleton (qa.variants.skeleton: the same letters but for the
  inner long vowels and the letter writing a hard g), and each is in at least
  MIN_ARTICLES articles;
- the outlet decides which is written (house style): every outlet that writes
  either in at least MIN_OUTLET_ARTICLES articles writes one of them in at least
  HOUSE_SHARE of those, and each is some outlet's choice. Native words with the
  same skeleton (كتاب, كاتب; جامعة, جمعة) are written alike by every outlet, by
  what they mean;
- they are used in the same contexts: the cosine of the IDF-weighted counts of the
  words of the articles holding each is at least SAME_CONTEXT. This drops words
  one outlet happens to use more (دايلي, ديالى), which the house-style test lets by;
- they split alike: both or neither is a one-letter proclitic and a term of its
  own (لامريك, لاميرك: ل + America). «برأسية» ("with a header": ب + رأسية) and
  «بوروسيا» (Borussia), both in football reports, pass the other tests.

On the ANT archive (29,366 articles, five outlets) the candidates were 4,118 sets
of terms; 97 pairs passed the house-style test, and the context and split tests
left 22 classes, each one name or loanword spelled two or more ways (the README
lists them). The thresholds were set by reading those lists:
below a cosine of 0.5 most pairs are two words. Ties in article counts are broken
by the terms' order, so a rerun writes the same table.
"""

from __future__ import annotations

import argparse
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from itertools import combinations
from pathlib import Path

import numpy as np
from scipy import sparse

from qa.terms import stems
from qa.variants import VARIANTS_FILE, skeleton, table_file_content
from training.archive import ARCHIVE, archive_articles, learned_from

MIN_ARTICLES = 10
MIN_OUTLET_ARTICLES = 5
HOUSE_SHARE = 0.8
SAME_CONTEXT = 0.5
CONTEXT_WORDS = slice(100, 6000)  # by article count: the commonest 100 say little of a context
PROCLITICS = "بلكفو"
_ARABIC_TERM = re.compile("^[\u0621-\u064a]{3,}$")


def articles(path: Path) -> Iterator[tuple[str, set[str]]]:
    """Each article's outlet and its index terms as spelled."""
    for outlet, text in archive_articles(path):
        yield outlet, set(stems(text))


def by_house_style(a: np.ndarray, b: np.ndarray) -> bool:
    """Does the outlet decide between two spellings, given each's article count per outlet?"""
    written = a + b
    sure = written >= MIN_OUTLET_ARTICLES
    prefers_a = sure & (a >= HOUSE_SHARE * written)
    prefers_b = sure & (b >= HOUSE_SHARE * written)
    return bool(prefers_a.any() and prefers_b.any() and not (sure & ~prefers_a & ~prefers_b).any())


def proclitic_and_term(term: str, article_count: Counter[str]) -> bool:
    """Can ``term`` be read as a one-letter proclitic and a term of the archive?"""
    return term[0] in PROCLITICS and article_count[term[1:]] >= MIN_ARTICLES


def context_vectors(
    terms: list[str], docs: list[set[str]], article_count: Counter[str], context_words: slice
) -> np.ndarray:
    """Per term, the unit-length IDF-weighted counts of the context words (``context_words``
    of all by article count) of its articles."""
    context = sorted(article_count, key=lambda t: (-article_count[t], t))[context_words]

    def incidence(columns: dict[str, int]) -> sparse.csr_matrix:
        rows, cols = [], []
        for row, doc in enumerate(docs):
            hits = [columns[t] for t in doc if t in columns]
            rows += [row] * len(hits)
            cols += hits
        return sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(docs), len(columns)))

    wanted = incidence({t: i for i, t in enumerate(terms)})
    around = incidence({t: i for i, t in enumerate(context)})
    idf = np.log(len(docs) / np.array([article_count[t] for t in context], np.float32))
    vectors = (wanted.T.tocsr() @ around).toarray() * idf
    return vectors / (np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9)


def learn(path: Path, context_words: slice = CONTEXT_WORDS) -> list[list[tuple[str, int]]]:
    """The classes of variant terms, each commonest first, with their article counts."""
    outlets, docs = zip(*articles(path), strict=True)
    names = sorted(set(outlets))
    article_count = Counter(t for doc in docs for t in doc)
    same_skeleton: dict[str, list[str]] = defaultdict(list)
    for term, count in article_count.items():
        if count >= MIN_ARTICLES and _ARABIC_TERM.match(term):
            same_skeleton[skeleton(term)].append(term)
    candidates = {t for terms in same_skeleton.values() if len(terms) > 1 for t in terms}
    per_outlet: dict[str, np.ndarray] = defaultdict(lambda: np.zeros(len(names)))
    for outlet, doc in zip(outlets, docs, strict=True):
        for term in doc & candidates:
            per_outlet[term][names.index(outlet)] += 1
    pairs = [
        (a, b)
        for terms in same_skeleton.values()
        for a, b in combinations(sorted(terms), 2)
        if by_house_style(per_outlet[a], per_outlet[b])
    ]
    terms = sorted({t for pair in pairs for t in pair})
    vectors = dict(zip(terms, context_vectors(terms, list(docs), article_count, context_words), strict=True))
    linked = [
        (a, b)
        for a, b in pairs
        if float(vectors[a] @ vectors[b]) >= SAME_CONTEXT
        and proclitic_and_term(a, article_count) == proclitic_and_term(b, article_count)
    ]
    return [
        [(t, article_count[t]) for t in sorted(members, key=lambda t: (-article_count[t], t))]
        for members in _connected(linked)
    ]


def _connected(pairs: list[tuple[str, str]]) -> list[set[str]]:
    """The classes the pairs link their terms into."""
    classes: dict[str, set[str]] = {}
    for a, b in pairs:
        merged = classes.get(a, {a}) | classes.get(b, {b})
        for term in merged:
            classes[term] = merged
    return sorted({id(c): c for c in classes.values()}.values(), key=lambda c: sorted(c))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--archive", type=Path, default=ARCHIVE)
    parser.add_argument("--out", type=Path, default=VARIANTS_FILE)
    args = parser.parse_args()
    classes = learn(args.archive)
    args.out.write_text(table_file_content(classes, learned_from(args.archive)), encoding="utf-8")
    for members in classes:
        print(" / ".join(f"{term} ({count})" for term, count in members))
    print(f"{len(classes)} classes written to {args.out}")


if __name__ == "__main__":
    main()
