"""Words that keep an ending the stemmer would cut: learned from an archive, read on load."""

from __future__ import annotations

import pytest

import qa.endings
import qa.lexical
from qa.errors import ModelError
from qa.terms import lexical_terms
from training.word_endings import learn


def test_names_keep_their_ending_and_plurals_lose_it():
    # The shipped list: البحرين is not بحر (sea), لبنان not لبن (milk), with or without
    # a preposition; a plural still meets its other case.
    assert lexical_terms("البحرين") != lexical_terms("بحر")
    assert lexical_terms("لبنان") == lexical_terms("ولبنان") != lexical_terms("لبن")
    assert lexical_terms("بلبنان") == ["بلبنان"]
    assert lexical_terms("المسلحين") == lexical_terms("المسلحون") == lexical_terms("مسلح")
    assert lexical_terms("لمسلحين") == lexical_terms("لمسلحون")


def test_a_word_keeps_its_ending_when_the_archive_never_shows_its_other_case():
    texts = (
        ["وصل اللاعبون", "فاز اللاعبين", "يعملون في البحرين", "زار لبنان"] * 20  # each form in 20 articles
        + ["يعمل المسؤول", "لاعبان في لبنان", "المسلحون"] * 5
        + ["هاجم المسلحين"] * 40
        + ["قال لمسلحين"] * 20
    )
    assert dict(learn(texts)) == {"بحرين": 20, "لبنان": 25}
    # its other case in one article of the twenty: a plural or dual after all
    assert "بحرين" not in dict(learn([*texts, "البحران"]))
    # ل fixes the case, so لمسلحون is never written: لمسلحين is judged as the commoner مسلحين
    assert "لمسلحين" not in dict(learn(texts))
    assert "لمسلحين" in dict(learn(texts[: -20 - 40] + ["قال لمسلحين"] * 20))


@pytest.mark.parametrize(
    "content",
    [
        '{"words (without article or conjunction, articles), commonest first": [["إيران", 5]]}',  # not normalised
        '{"words (without article or conjunction, articles), commonest first": [["بحرية", 5]]}',  # no such ending
        '{"words (without article or conjunction, articles), commonest first": [["بحرين"]]}',
        '{"words": []}',
        "not json",
    ],
)
def test_a_malformed_list_is_a_clear_error(content, tmp_path, monkeypatch):
    (tmp_path / "whole.json").write_text(content, encoding="utf-8")
    monkeypatch.setattr(qa.endings, "WHOLE_WORDS_FILE", tmp_path / "whole.json")
    qa.endings._whole_words.cache_clear()
    try:
        with pytest.raises(ModelError):
            qa.endings.keeps_ending("بحرين")
    finally:
        qa.endings._whole_words.cache_clear()


def test_saved_indexes_are_rebuilt_when_the_list_changes(tmp_path, monkeypatch):
    shipped = qa.lexical._term_rules()
    (tmp_path / "whole.json").write_text(
        '{"words (without article or conjunction, articles), commonest first": [["بحرين", 5]]}', encoding="utf-8"
    )
    monkeypatch.setattr(qa.endings, "WHOLE_WORDS_FILE", tmp_path / "whole.json")
    for cached in (qa.endings._whole_words, qa.lexical._term_rules):
        cached.cache_clear()
    try:
        assert qa.lexical._term_rules() != shipped
    finally:
        for cached in (qa.endings._whole_words, qa.lexical._term_rules):
            cached.cache_clear()
