"""Which passages an outlet and a range of dates admit, answered in memory.

Asking Chroma for the passages of the articles in scope (a metadata filter over
their keys) took 150 ms for one month of the whole archive and 500 ms for half a
year, once for the BM25 side and again inside the dense query; a question naming a
time searches two or three times. Here each passage's article, and each article's
outlet and day, are read once, and a scope becomes a mask over the passages: the
dense query is then limited to their ids, which Chroma resolves in about 20 ms.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from qa.scope import Scope

Dateline = tuple[str | None, str | None]  # an article's outlet and date


@dataclass(frozen=True)
class ArticleScopes:
    passage_ids: list[str]
    datelines: list[Dateline]  # the distinct (outlet, date) pairs of the articles
    dateline_of: np.ndarray  # per passage: its article's index in ``datelines``, -1 when its article is unknown

    @classmethod
    def of(cls, passage_ids: list[str], articles: dict[str, str], datelines: dict[str, Dateline]) -> ArticleScopes:
        """``articles``: {passage id: article key}; ``datelines``: {article key: (outlet, date)}.
        A passage whose article either does not list is in no scope."""
        distinct = list(dict.fromkeys(datelines.values()))
        index = {pair: n for n, pair in enumerate(distinct)}
        of_article = {key: index[pair] for key, pair in datelines.items()}
        dateline_of = np.fromiter(
            (of_article.get(articles.get(pid, ""), -1) for pid in passage_ids), np.int64, len(passage_ids)
        )
        return cls(passage_ids, distinct, dateline_of)

    @cached_property
    def known(self) -> frozenset[str]:
        """The passages any scope can admit."""
        return frozenset(self.passage_ids)

    def admitted(self, scope: Scope) -> np.ndarray:
        """A boolean per passage (in ``passage_ids`` order): is its article in ``scope``?"""
        by_dateline = np.fromiter((scope.admits(*pair) for pair in self.datelines), bool, len(self.datelines))
        return np.append(by_dateline, False)[self.dateline_of]  # index -1 reads the appended False
