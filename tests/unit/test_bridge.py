"""English words to Arabic index terms: glossary and name transliteration."""

from __future__ import annotations

import pytest

from qa.arabic import normalize_arabic
from qa.bridge import Bridge, arabic_skeleton, glossary_terms, latin_skeletons
from qa.terms import lexical_terms


@pytest.mark.parametrize(
    "latin,arabic",
    [
        ("Blinken", "بلينكن"),
        ("Stickney", "ستكني"),
        ("Taylor", "تايلور"),
        ("Victoria", "فيكتوريا"),
        ("Biden", "بايدن"),
        ("Erbil", "أربيل"),
        ("Baghdad", "بغداد"),
        ("Kadhimi", "الكاظمي"),
        ("Twitter", "تويتر"),
        ("Price", "برايس"),
    ],
)
def test_names_share_a_consonant_skeleton(latin, arabic):
    (term,) = lexical_terms(arabic)
    assert arabic_skeleton(term) in latin_skeletons(latin)


def test_different_names_do_not_match():
    (term,) = lexical_terms("بلينكن")
    assert arabic_skeleton(term) not in latin_skeletons("Biden")


def test_glossary_words_in_their_inflections():
    assert {"جندي", "جنود"} <= glossary_terms("troops")
    assert normalize_arabic("هجوم") in glossary_terms("attacks")
    assert glossary_terms("injured") and glossary_terms("said")
    assert "شدد" in glossary_terms("stressed") and "تحدث" in glossary_terms("speak")
    assert glossary_terms("banana") == frozenset()


def test_a_name_arabic_writes_as_two_words_comes_from_the_glossary():
    bridge = Bridge(lexical_terms("كتائب حزب الله"))
    assert set(lexical_terms("حزب الله")) <= bridge.terms_for("Hezbollah")


def test_bridge_translates_a_question_against_a_vocabulary():
    vocabulary = set(lexical_terms("وقالت فيكتوريا تايلور إن بلينكن زار بغداد وسقطت صواريخ"))
    bridge = Bridge(vocabulary)
    found = bridge.translate("Did Victoria Taylor say Blinken's rockets hit Baghdad?")
    assert found["Victoria"] & vocabulary and found["Taylor"] & vocabulary
    assert found["Blinken"] & vocabulary  # the possessive is dropped
    assert found["rockets"] & vocabulary and found["Baghdad"] & vocabulary
    assert not bridge.is_known("hit") and bridge.is_known("rockets") and bridge.is_known("Taylor")


def test_a_changed_dictionary_is_used_by_the_next_question():
    vocabulary = set(lexical_terms("ارتفع سعر الطحين المستورد"))
    current = [{"bowl": ("وعاء",)}]
    bridge = Bridge(vocabulary, lambda: current[0])
    assert not bridge.terms_for("flour")
    current[0] = {"flour": ("الطحين",)}  # a package installed while the chat runs
    assert bridge.terms_for("flour") == frozenset(lexical_terms("الطحين"))
