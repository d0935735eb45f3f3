"""Arabic normalisation and index terms."""

from __future__ import annotations

from qa.arabic import normalize_arabic
from qa.terms import lexical_terms, loose_terms


def test_variants_fold_together():
    assert normalize_arabic("أحمد إلى آخر") == normalize_arabic("احمد الى اخر")
    assert normalize_arabic("مستشفى") == normalize_arabic("مستشفي")
    assert normalize_arabic("الجامعة") == normalize_arabic("الجامعه")
    assert normalize_arabic("العَرَبِيَّةُ") == normalize_arabic("العربية")
    assert normalize_arabic("تطويـــــل") == normalize_arabic("تطويل")
    assert normalize_arabic("٢٥٠٠") == "2500"
    assert normalize_arabic("۲۵۰۰ مسؤول رئيس ٱلقرية") == "2500 مسوول رييس القريه"  # Persian digits, ؤ ئ ٱ


def test_what_does_not_fold_is_kept_as_it_is_but_latin_is_lower_cased():
    text = "قال الرئيس Biden في ١٢ آذار: «لا انسحاب» — 2,500 جندي (AP)."
    assert normalize_arabic(text) == "قال الرييس biden في 12 اذار: «لا انسحاب» — 2,500 جندي (ap)."


def test_clitics_and_stop_words():
    assert lexical_terms("والهجمات على القوات") == lexical_terms("هجمات قوات")
    assert lexical_terms("في من على") == []


def test_loose_terms_also_read_words_without_a_one_letter_proclitic():
    (agency,) = lexical_terms("وكالة")
    assert agency not in lexical_terms("لوكالة")  # the index keeps the proclitic
    assert agency in loose_terms("نقلت لوكالة أنباء") and set(lexical_terms("لوكالة")) <= loose_terms("لوكالة")
    assert loose_terms("في من") == set() and loose_terms("_ في") == set()
