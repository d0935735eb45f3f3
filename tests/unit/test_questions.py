"""What a question asks for, and which questions can be asked."""

from __future__ import annotations

import pytest

from qa.engine import check_question
from qa.errors import QuestionError
from qa.extractive import key_numbers


def test_years_and_days_are_not_counts():
    assert key_numbers("منذ 17 تشرين الأول، تعرضت القواعد لـ40 هجمة في عام 2023") == ["40"]
    assert key_numbers("وينتشر في العراق حوالى ٢٥٠٠ جندي") == ["2500"]


@pytest.mark.parametrize("bad", ["", "   ", "x" * 2001])
def test_empty_or_enormous_questions_are_refused(bad):
    with pytest.raises(QuestionError):
        check_question(bad)
