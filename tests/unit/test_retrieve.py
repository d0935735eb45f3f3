"""Fusing the dense and BM25 rankings, and English questions reaching Arabic passages."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.lexical import build_index
from qa.retrieve import Hit, first_per_document, fuse
from qa.scope import Scope
from qa.scopes import ArticleScopes

from .conftest import passage

WATER = passage("w1", "صوت مجلس النواب على قانون جديد لتنظيم توزيع مياه نهري دجلة والفرات.", "water")
WHEAT = passage("h1", "افتتحت وزارة الزراعة موسم حصاد الحنطة في محافظة نينوى هذا الأسبوع.", "wheat")
WHEAT_MORE = passage("h2", "وقالت الوزارة إن حصاد الحنطة في نينوى سيستمر حتى نهاية الشهر.", "wheat")
TROOPS = passage("t1", "وينتشر في العراق حوالى 2500 جندي أميركي يقدمون مهمات استشارية.", "troops")


def test_fusion_normalises_each_ranking_and_weighs_the_lexical_one():
    dense = [("a", 0.9), ("b", 0.7), ("c", 0.5)]
    lexical = [("c", 12.0), ("d", 2.0)]
    fused = fuse(dense, lexical, 0.5)
    assert fused == pytest.approx({"a": 1.0, "b": 0.5, "c": 0.5, "d": 0.0})
    assert fuse(dense, [], 1.0) == pytest.approx({"a": 1.0, "b": 0.5, "c": 0.0})  # BM25 found nothing: dense alone
    assert fuse([("a", 0.3)], [("a", 5.0)], 1.0) == {"a": 0.0}  # a lone candidate gets no credit


def test_each_document_is_listed_once_by_its_first_passage_in_the_given_order():
    hits = [Hit(WHEAT, 0.4), Hit(WATER, 0.6), Hit(WHEAT_MORE, 0.9)]  # an interleaving of two rankings
    assert [h.passage.id for h in first_per_document(hits, 5)] == ["h1", "w1"]
    assert len(first_per_document(hits, 1)) == 1 and first_per_document(hits, 0) == []


def test_an_arabic_question_finds_its_passage_first(parts):
    retriever, _ = parts([WATER, WHEAT, WHEAT_MORE, TROOPS])
    hits = retriever.search("متى بدأ حصاد الحنطة في نينوى؟", n=3)
    assert hits[0].passage.doc_key == "wheat"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    found = first_per_document(retriever.search("حصاد الحنطة في نينوى", n=5), k=5)
    assert [h.passage.doc_key for h in found].count("wheat") == 1


def test_an_english_question_reaches_arabic_passages_through_the_dictionary(parts):
    """The fake encoder shares no words across languages, so only the bridge's
    translated BM25 and its word check can rank the water passage first."""
    question = "Which river water law did parliament vote on?"
    dictionary = {"water": ("مياه",), "parliament": ("مجلس النواب",), "river": ("نهر", "نهري")}
    with_dictionary, _ = parts([WHEAT, TROOPS, WATER], dictionary)
    assert with_dictionary.search(question, n=1)[0].passage.id == "w1"
    without, _ = parts([WHEAT, TROOPS, WATER])  # the glossary alone knows fewer of the words
    assert (
        without.fused_scores(question, without.dense(question))["w1"]
        < with_dictionary.fused_scores(question, with_dictionary.dense(question))["w1"]
    )


def test_a_passage_only_bm25_proposes_is_fetched_and_ranked(parts):
    """In a large store the dense ranking proposes a few passages; one that only the
    translated BM25 finds is read from the store and still ranks."""
    question = "Which river water law did parliament vote on?"
    dictionary = {"water": ("مياه",), "river": ("نهري",)}
    retriever, _ = parts([WHEAT, WHEAT_MORE, TROOPS, WATER], dictionary, dense_limit=2)
    assert "w1" not in {h.passage.id for h in retriever.dense(question)}
    assert "w1" in {h.passage.id for h in retriever.search(question, n=3)}


def test_an_arabic_question_gets_bm25_at_full_weight(parts):
    retriever, _ = parts([WHEAT, WHEAT_MORE, TROOPS, WATER])
    lexical_only = retriever.fused_scores("حصاد الحنطة في نينوى", [])
    assert set(lexical_only) == {"h1", "h2"}
    assert max(lexical_only.values()) == pytest.approx(1.0)  # BM25 normalised, at weight 1


def test_a_scope_restricts_both_rankings_not_their_result(parts):
    """Wheat matches the question best, but only the water article is in scope: with the
    dense ranking cut to one candidate (a large store), a filter applied after ranking
    would find nothing; ranking within the scope finds the water passage."""
    dated = [
        replace(WATER, outlet="BBC Arabic", date="2018-03-01"),
        replace(WHEAT, outlet="Al Arabiya", date="2018-05-02"),
        replace(WHEAT_MORE, outlet="Al Arabiya", date="2018-05-03T10:00:00"),
    ]
    retriever, _ = parts(dated, dense_limit=1)
    question = "متى بدأ حصاد الحنطة في نينوى؟"
    assert retriever.search(question, n=1)[0].passage.doc_key == "wheat"
    assert [h.passage.doc_key for h in retriever.search(question, n=3, scope=Scope("bbc arabic"))] == ["water"]
    may = retriever.search(question, n=3, scope=Scope(since="2018-05-01", until="2018-05-31"))
    assert {h.passage.id for h in may} == {"h1", "h2"}
    assert retriever.search(question, n=3, scope=Scope(until="2017-12-31")) == []


def test_a_passage_the_bm25_index_does_not_list_yet_is_in_no_scope(parts):
    """In the middle of an ingest Chroma holds passages the BM25 index does not list yet
    (here the wheat one): no scope admits them, whether the scope admits every passage the
    index lists (then no ids are sent to Chroma) or some; with an empty index, none."""
    retriever, _ = parts(
        [
            replace(WATER, outlet="BBC Arabic", date="2018-03-01"),
            replace(WHEAT, outlet="BBC Arabic", date="2018-03-02"),
            replace(TROOPS, outlet="Al Arabiya", date="2018-03-03"),
        ]
    )
    question = "متى بدأ حصاد الحنطة في نينوى؟"
    listed = replace(retriever, lexical=build_index([(p.id, p.text) for p in (WATER, TROOPS)], [0, 0]))
    assert listed.search(question, n=1)[0].passage.id == "h1"  # unscoped, Chroma's ranking finds it
    assert "h1" not in {h.passage.id for h in listed.search(question, n=3, scope=Scope(since="2018-01-01"))}
    assert [h.passage.id for h in listed.search(question, n=3, scope=Scope("bbc arabic"))] == ["w1"]
    empty = replace(retriever, lexical=build_index([], [0, 0]))
    assert empty.search(question, n=3, scope=Scope(since="2018-01-01")) == []


def test_article_scopes_admit_the_passages_of_the_articles_in_scope_and_no_unknown_ones():
    """Articles sharing an outlet and day share one check; a passage the records do not
    place in an article, or whose article the catalogue does not list, is in no scope."""
    scopes = ArticleScopes.of(
        ["a1", "a2", "b1", "c1", "lost", "orphan"],
        {"a1": "a", "a2": "a", "b1": "b", "c1": "c", "orphan": "gone"},
        {"a": ("BBC Arabic", "2018-03-01"), "b": ("Al Arabiya", "2018-03-01"), "c": ("BBC Arabic", "2018-03-01")},
    )
    assert len(scopes.datelines) == 2
    assert scopes.admitted(Scope("bbc arabic")).tolist() == [True, True, False, True, False, False]
    assert scopes.admitted(Scope(since="2018-03-01")).tolist() == [True, True, True, True, False, False]
    assert not scopes.admitted(Scope(until="2018-02-28")).any()


def test_scope_admits_by_outlet_regardless_of_case_and_by_inclusive_dates():
    assert Scope("bbc arabic").admits("BBC Arabic", None)
    assert not Scope("BBC Arabic").admits("Al Arabiya", "2018-03-01")
    assert Scope(since="2018-03-01", until="2018-03-31").admits(None, "2018-03-31T23:00:00")
    assert not Scope(since="2018-03-01").admits("x", "2018-02-28")
    assert not Scope(until="2018-03-01").admits("x", None)  # an undated article cannot be shown to be in range
    assert not Scope() and Scope(outlet="x")
    with pytest.raises(ValueError):
        Scope(since="March 2018")
