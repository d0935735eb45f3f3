"""Month and day names: what makes a sentence hold a date, and a number a day of the month."""

from __future__ import annotations

import pytest

from qa.direct import key_numbers
from qa.months import DATE_WORD, MONTH_AHEAD, MONTHS


@pytest.mark.parametrize(
    "sentence",
    [
        "وصل الوفد في 21 آذار/مارس",
        "قال أمس إن",
        "ومنذ تشرين الأول",
        "يوم الخميس الماضي",
        "بيناير المقبل",
        "في الثالث من أيلول",
    ],
)
def test_dates_and_days_are_found(sentence):
    assert DATE_WORD.search(sentence)


@pytest.mark.parametrize(
    "sentence",
    ["ممارسة الضغط", "الصحف اليومية", "حفر الآبار", "أغلق الباب", "وصل إلى باب المندب", "The toll may rise"],
)
def test_words_that_only_contain_a_month_name_are_not_dates(sentence):
    assert not DATE_WORD.search(sentence)


def test_a_number_before_a_month_is_a_day_not_a_count():
    assert MONTH_AHEAD.match(" أيلول 2018") and MONTH_AHEAD.match(" تشرين الثاني")
    assert not MONTH_AHEAD.match(" ابناء") and not MONTH_AHEAD.match(" مارسيليا")
    assert key_numbers("قتل 12 شخصا في 3 أيار 2018") == ["12"]
    assert MONTHS["كانون الثاني"] == 1 and MONTHS["december"] == 12
