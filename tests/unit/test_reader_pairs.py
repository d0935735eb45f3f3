"""The reader's training pairs: near-miss questions change one constraint and nothing else."""

from __future__ import annotations

import random

from training.reader_pairs import Swapper


def swapper(english=(), arabic=()) -> Swapper:
    return Swapper(random.Random(1), list(english), list(arabic))


def test_a_year_becomes_another_year_and_a_count_another_count():
    for _ in range(20):
        year = swapper().number("How many troops were in Iraq in 2014?")
        assert year and year != "How many troops were in Iraq in 2014?"
        assert year.startswith("How many troops were in Iraq in 20") and year[-5:-1].isdigit()
        count = swapper().number("Why did 2500 troops stay?")
        assert count and "2500" not in count and count.startswith("Why did ")


def test_an_english_name_is_swapped_for_one_from_another_passage():
    entities = [("same-doc", "Baghdad"), ("other-doc", "Syria")]
    assert swapper(entities).english("How many troops are in Iraq?", "same-doc") == "How many troops are in Syria?"
    assert swapper([("same-doc", "Baghdad")]).english("How many troops are in Iraq?", "same-doc") is None


def test_an_arabic_word_the_sentence_supports_is_swapped_keeping_its_article():
    question = "كم عدد الجنود في العراق؟"
    sentence = "وينتشر 2500 جندي في العراق."
    swapped = swapper(arabic=[("other-doc", "السودان")]).arabic(
        question, "doc", "وينتشر 2500 جندي في العراق.", sentence
    )
    assert swapped == "كم عدد الجنود في السودان؟"
