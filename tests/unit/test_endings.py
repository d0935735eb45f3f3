"""Words that keep an ending the stemmer would cut: learned from an archive, kept whole by the stemmer."""

from __future__ import annotations

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
