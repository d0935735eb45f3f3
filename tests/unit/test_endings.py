"""Words that keep an ending the stemmer would cut: learned from an archive, kept whole by the stemmer."""

from __future__ import annotations

import qa.variants
from qa.terms import lexical_terms
from training.word_endings import learn


def test_names_keep_their_ending_and_plurals_lose_it():
    # The shipped list: البحرين is not بحر (sea), لبنان not لبن (milk), كانون not كان (was),
    # with or without a preposition; a plural still meets its other case.
    assert lexical_terms("البحرين") != lexical_terms("بحر")
    assert lexical_terms("لبنان") == lexical_terms("ولبنان") != lexical_terms("لبن")
    assert lexical_terms("بلبنان") == ["بلبنان"]
    assert lexical_terms("كانون") != lexical_terms("كان") and lexical_terms("جونسون") != lexical_terms("جونس")
    assert lexical_terms("المسلحين") == lexical_terms("المسلحون") == lexical_terms("مسلح")
    assert lexical_terms("لمسلحين") == lexical_terms("لمسلحون")
    # a word spelled two ways keeps meeting its other spelling with the ending
    assert lexical_terms("الأميركان") == lexical_terms("الأمريكان") == lexical_terms("أمريكا")


def test_a_word_keeps_its_ending_when_the_archive_never_shows_its_other_forms(learned_list):
    variants = '{"classes (term, articles), commonest first": [[["اميرك", 20], ["امريك", 10]]]}'
    learned_list(qa.variants, "VARIANTS_FILE", variants, qa.variants._table)
    texts = (
        ["وصل اللاعبون", "فاز اللاعبين", "يعملون في البحرين", "زار لبنان", "في كانون", "قال جونسون"] * 20
        + ["يعمل المسؤول", "لاعبان في لبنان", "المسلحون", "كان هنا"] * 5
        + ["مضى شهران", "خلال شهرين", "الأميركان"] * 20
        + ["هاجم المسلحين"] * 40
        + ["قال لمسلحين"] * 20
        + ["زار طهران"] * 9
        + ["جونس"]
    )
    # a noun's bare stem is another word (كان, جونس); a verb's is its singular (يعمل);
    # a word in fewer than 10 articles (طهران) is left as the stemmer cuts it
    assert dict(learn(texts)) == {"بحرين": 20, "لبنان": 25, "كانون": 20, "جونسون": 20}
    # its other case in one article of the twenty: a plural or dual after all
    assert "بحرين" not in dict(learn([*texts, "البحران"]))
    # ل fixes the case, so لمسلحون is never written: لمسلحين is judged as the commoner مسلحين
    assert "لمسلحين" not in dict(learn(texts))
    assert "لمسلحين" in dict(learn(texts[: -20 - 40 - 9 - 1] + ["قال لمسلحين"] * 20))
