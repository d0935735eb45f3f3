"""Wire copies: the same agency story run by several outlets, found at ingest.

Each article gets a MinHash signature of its word shingles (datasketch); articles
whose signatures estimate a Jaccard similarity of at least SAME_STORY, from
different outlets and published within DAYS_APART days of each other, are copies
of one story, and grouped (transitively). Articles of the same outlet are never
grouped: on the news archive its similar pairs are follow-ups of a story (an
updated toll, the next day's developments) sharing background paragraphs, which
must stay distinct. The retriever reads one copy of a story (qa.engine), and the
answer names the others ("also reported by").
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

import numpy as np
from datasketch import MinHash, MinHashLSH

from qa.arabic import normalize_arabic
from qa.outlets import outlet_name

NUM_PERM = 64
SCHEME = "affine32"  # datasketch's hashing scheme, named so that stored signatures stay comparable
SHINGLE_WORDS = 4
# On the ANT archive (29,366 articles): 268 cross-outlet pairs at 0.5, every one of a
# sample the same story, against 516 at 0.3, where different stories of one day appear.
SAME_STORY = 0.5
DAYS_APART = 2
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Article:
    """What grouping needs of a stored article."""

    key: str
    outlet: str | None
    date: str | None  # ISO
    signature: bytes


def signature(text: str) -> bytes:
    """The MinHash signature of the text's word shingles (letter variants folded)."""
    words = _WORD.findall(normalize_arabic(text))
    shingles = {" ".join(words[i : i + SHINGLE_WORDS]).encode() for i in range(max(len(words) - SHINGLE_WORDS + 1, 1))}
    minhash = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME)
    minhash.update_batch(list(shingles))
    return minhash.hashvalues.astype(np.uint64).tobytes()


def similarity(a: bytes, b: bytes) -> float:
    """The Jaccard similarity two signatures estimate."""
    return float(np.mean(np.frombuffer(a, dtype=np.uint64) == np.frombuffer(b, dtype=np.uint64)))


def _outlet(article: Article) -> str:
    """The outlet under one spelling ("العربية" and "Al Arabiya" are one outlet)."""
    return outlet_name(article.outlet or "", arabic=False).casefold()


def same_outlet(a: Article, b: Article) -> bool:
    return bool(a.outlet and b.outlet) and _outlet(a) == _outlet(b)


def days_close(a: Article, b: Article) -> bool:
    """Are both dated, at most DAYS_APART days apart?"""
    if not (a.date and b.date):
        return False
    return abs((date.fromisoformat(a.date[:10]) - date.fromisoformat(b.date[:10])).days) <= DAYS_APART


def _may_be_copies(a: Article, b: Article) -> bool:
    return bool(a.outlet and b.outlet) and not same_outlet(a, b) and days_close(a, b)


def similar_pairs(
    articles: Iterable[Article], may_pair: Callable[[Article, Article], bool], threshold: float = SAME_STORY
) -> list[tuple[float, str, str]]:
    """(similarity, key, other key) for each pair ``may_pair`` allows whose signatures
    estimate a Jaccard similarity of at least ``threshold`` (found by LSH, not by
    comparing every pair)."""
    by_key = {a.key: a for a in articles}
    index = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    permutations = MinHash(num_perm=NUM_PERM, seed=1, scheme=SCHEME).permutations  # made once, not per article
    minhashes = {}
    for key, article in by_key.items():
        values = np.frombuffer(article.signature, dtype=np.uint64)
        minhashes[key] = MinHash(num_perm=NUM_PERM, seed=1, hashvalues=values, permutations=permutations, scheme=SCHEME)
        index.insert(key, minhashes[key])
    pairs = []
    for key, article in by_key.items():
        for other in index.query(minhashes[key]):
            if key < other and may_pair(article, by_key[other]):
                score = similarity(article.signature, by_key[other].signature)
                if score >= threshold:
                    pairs.append((score, key, other))
    return pairs


def copy_groups(articles: Iterable[Article]) -> dict[str, str]:
    """{key: the key of its group's earliest article} for each article with a copy.

    Pairs are joined most similar first, and two groups only when every article of one
    may be a copy of every article of the other: a group never holds two articles of
    one outlet, nor spans more than DAYS_APART days (no chain of daily follow-ups)."""
    by_key = {a.key: a for a in articles}
    group_of = {key: [key] for key in by_key}
    for _, key, other in sorted(similar_pairs(by_key.values(), _may_be_copies), reverse=True):
        first, second = group_of[key], group_of[other]
        if first is not second and all(_may_be_copies(by_key[a], by_key[b]) for a in first for b in second):
            first.extend(second)
            for member in second:
                group_of[member] = first
    groups = {}
    for keys in {id(g): g for g in group_of.values() if len(g) > 1}.values():
        earliest = min(keys, key=lambda k: (by_key[k].date or "", k))
        groups.update(dict.fromkeys(keys, earliest))
    return groups
