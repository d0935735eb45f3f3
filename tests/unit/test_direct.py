"""The figure or date a question asks for, found in the quoted sentence and led with."""

from __future__ import annotations

import pytest

from qa.direct import direct_answer

TROOPS = "وينتشر في العراق حوالى ٢٥٠٠ جندي أميركي منذ عام 2014، يقدّمون مهمات استشارية."
AGREED = "وفي 21 آذار/مارس 2018 وجهت إلى ساركوزي تهم الفساد."


def test_a_count_is_led_with_and_marked_in_the_quote():
    direct = direct_answer("How many US troops are in Iraq?", TROOPS, english=True)
    assert direct.lead == "about 2500"  # Western digits, approximation kept, the year 2014 is not a count
    assert TROOPS[direct.start : direct.end] == direct.text == "٢٥٠٠"
    assert direct_answer("كم عدد الجنود الأميركيين في العراق؟", TROOPS, english=False).lead == "حوالي 2500"


@pytest.mark.parametrize(
    ("sentence", "english", "text"),
    [
        (AGREED, "21 March 2018", "21 آذار/مارس 2018"),
        ("عاد نيمار إلى باريس يوم الجمعة بعد العملية.", "Friday", "الجمعة"),
        ("ووقع الاتفاق في أيلول ٢٠١٨ في بغداد.", "September 2018", "أيلول ٢٠١٨"),
    ],
)
def test_a_date_is_said_in_english_for_an_english_question(sentence, english, text):
    direct = direct_answer("When was it?", sentence, english=True)
    assert (direct.lead, direct.text) == (english, text)
    assert sentence[direct.start : direct.end] == text
    assert direct_answer("متى حدث ذلك؟", sentence, english=False).lead == text


def test_no_direct_answer_when_the_sentence_lacks_one_or_the_question_asks_for_none():
    assert direct_answer("How many US troops are in Iraq?", "وقال المتحدث إن الهجمات غير مقبولة.", True) is None
    assert direct_answer("When was it?", "وقال المتحدث إن الهجمات غير مقبولة.", True) is None
    assert direct_answer("Who announced it?", TROOPS, True) is None
