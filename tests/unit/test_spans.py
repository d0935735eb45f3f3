"""Reading the span model's logits into an answer's words (qa.spans), without the model."""

from __future__ import annotations

import numpy as np

from qa.spans import MAX_ANSWER_TOKENS, best_tokens, sentence_tokens, tokens_to_words, whole_words


def test_the_best_span_sums_the_start_and_end_logits_and_ends_after_it_starts():
    starts = np.array([-5.0, 5.0, 1.0, 0.0, 4.0])
    ends = np.array([9.0, 0.0, 1.0, 3.0, 0.0])  # 9 at token 0 is before every good start
    allowed = np.ones(5, dtype=bool)
    assert best_tokens(starts, ends, allowed) == (1, 3, 8.0)


def test_the_span_stays_in_the_sentence():
    starts = np.array([9.0, 1.0, 0.0])
    ends = np.array([9.0, 0.0, 1.0])
    allowed = np.array([False, True, True])  # token 0 is the question's
    assert best_tokens(starts, ends, allowed) == (1, 2, 2.0)
    assert best_tokens(starts, ends, np.zeros(3, dtype=bool)) is None


def test_a_span_is_at_most_max_answer_tokens_long():
    n = MAX_ANSWER_TOKENS + 5
    starts, ends = np.zeros(n), np.zeros(n)
    starts[0], ends[n - 1] = 5.0, 5.0
    first, last, _ = best_tokens(starts, ends, np.ones(n, dtype=bool))
    assert last - first < MAX_ANSWER_TOKENS


def test_a_span_is_widened_to_whole_words_and_loses_the_punctuation_around_it():
    sentence = "وقالت المتحدثة «سابرينا سينغ»، إن القوات تعرضت لهجمات"
    inside = sentence.index("برينا")  # a token may start inside a word
    start, end = whole_words(sentence, inside, sentence.index("سينغ") + 2)
    assert sentence[start:end] == "سابرينا سينغ"
    start, end = whole_words("He met Lina Khatib.", 7, 17)
    assert "He met Lina Khatib."[start:end] == "Lina Khatib"


def test_a_span_does_not_start_with_a_word_that_only_leads_into_the_answer():
    sentence = "وقال عامر العشي، رئيس البلدية، في بيان"
    start, end = whole_words(sentence, 0, sentence.index("،"))
    assert sentence[start:end] == "عامر العشي"
    sentence = "ارتفع الدين إلى 4.3 مليارات دينار"
    start, end = whole_words(sentence, sentence.index("إلى"), len(sentence))
    assert sentence[start:end] == "4.3 مليارات دينار"


def test_a_one_word_span_is_kept_whatever_the_word():
    assert whole_words("وصل إلى", 4, 7) == (4, 7)


def test_a_span_is_not_widened_past_punctuation_into_the_word_before():
    sentence = "مدير هيئة المواصفات والمقاييس، عبد الله المعيني"
    start, end = whole_words(sentence, sentence.index("،"), len(sentence))
    assert sentence[start:end] == "عبد الله المعيني"


def test_a_percent_sign_is_part_of_its_figure():
    sentence = "ارتفعت النسبة إلى 45%."
    start, end = whole_words(sentence, sentence.index("45"), sentence.index("45") + 2)
    assert sentence[start:end] == "45%"


def test_a_leading_word_with_diacritics_is_dropped_whole():
    sentence = "وأكد أنّ الحكومة ستخفض الأسعار"
    start, end = whole_words(sentence, sentence.index("أنّ"), len(sentence))
    assert sentence[start:end] == "الحكومة ستخفض الأسعار"
    start, end = whole_words("قالَ عامر", 0, 9)
    assert "قالَ عامر"[start:end] == "عامر"


def test_a_preposition_that_carries_meaning_stays():
    sentence = "تأجل القرار إلى ما قبل انتهاء التحقيق"
    start, end = whole_words(sentence, sentence.index("قبل"), len(sentence))
    assert sentence[start:end] == "قبل انتهاء التحقيق"


def test_the_sentence_s_tokens_are_those_past_passage_and_the_colon():
    sides = [None, 0, 0, None, None, 1, 1, 1, 1, None]
    offsets = np.array([[0, 0], [0, 5], [5, 9], [0, 0], [0, 0], [0, 7], [7, 8], [8, 13], [13, 17], [0, 0]])
    assert sentence_tokens(sides, offsets).tolist() == [False] * 7 + [True, True, False]
    sentence = "وقال عامر"  # "▁وقال" is [8, 13]: its leading space is before the sentence
    assert tokens_to_words(sentence, offsets, 7, 8) == (5, 9)  # «وقال» dropped as a leading word
