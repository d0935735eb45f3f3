"""The answer's confidence: fitting, the threshold, the risk–coverage curve, the file,
and how the extractive answerer uses it."""

from __future__ import annotations

import json
import math

import pytest

from qa.confidence import FEATURES, ConfidenceModel, best_threshold, fit, risk_coverage
from qa.errors import ModelError

from .conftest import confidence_on
from .test_extractive import NEWER, QUESTION, WHEAT


def signals(**values: float) -> dict[str, float]:
    return dict.fromkeys(FEATURES, 0.0) | values


def test_the_threshold_keeps_the_answers_that_gain_more_than_they_lose():
    probabilities = [0.9, 0.8, 0.7, 0.6, 0.5, 0.4]
    right = [True, False, True, True, False, False]
    assert best_threshold(probabilities, right) == 0.6  # 3 right, 1 wrong from it up; lower adds wrong ones
    assert best_threshold([0.9, 0.8, 0.7], [True, False, True]) == 0.9  # a tie keeps the fewer answers
    assert best_threshold([0.9, 0.8], [False, False]) == 1.0  # nothing worth answering


def test_fitting_learns_which_signal_tells_right_from_wrong():
    rows = [(signals(reader=r, margin=0.3), r > 0) for r in (-3, -2, -1.5, -1, -0.5, 0.5, 1, 1.5, 2, 3)]
    rows += [(signals(reader=0.2, margin=0.3), False), (signals(reader=-0.2, margin=0.3), True)]
    model = fit(rows, "tests")
    assert model.coefficients["reader"] > 0.5
    assert (
        model.probability(signals(reader=3, margin=0.3)) > 0.8 > 0.2 > model.probability(signals(reader=-3, margin=0.3))
    )
    assert 0.2 < model.threshold < 0.8 and model.fitted_on == "tests"


def test_risk_coverage_answers_the_most_confident_first():
    curve = risk_coverage([0.9, 0.2, 0.8, 0.1], [True, True, True, False], steps=4)
    assert curve == [(0.25, 1.0), (0.5, 1.0), (0.75, 1.0), (1.0, 0.75)]


def test_the_model_file_round_trips_and_a_wrong_one_is_a_clear_error(tmp_path):
    model = confidence_on("reader", threshold=0.4)
    model.save(tmp_path / "c.json")
    assert ConfidenceModel.load(tmp_path / "c.json") == model
    data = json.loads((tmp_path / "c.json").read_text())
    data["coefficients"].pop("reader")
    (tmp_path / "other.json").write_text(json.dumps(data))
    with pytest.raises(ModelError, match="refit"):
        ConfidenceModel.load(tmp_path / "other.json")
    with pytest.raises(ModelError, match="confidence model"):
        ConfidenceModel.load(tmp_path / "missing.json")


def test_the_shipped_model_loads():
    model = ConfidenceModel.load()
    assert set(model.coefficients) == set(FEATURES) and 0 < model.threshold < 1


def test_the_answer_carries_its_confidence_and_abstains_below_the_threshold(parts):
    retriever, answerer = parts([NEWER, WHEAT], confidence=confidence_on("reader", weight=0.5, at=0.0))
    hits = retriever.search(QUESTION, n=2)
    answer = answerer.answer(QUESTION, hits)
    read = answerer.best_groups(QUESTION, hits, None).signals
    assert read is not None and answer.confidence == round(answerer.confidence.probability(read), 3)
    assert answer.answerable and answer.confidence > 0.5
    # The reader is asked about the chosen sentence and the runner-up, with the question.
    pairs = answerer.reader.calls[-1]
    assert [q for q, _ in pairs] == [QUESTION, QUESTION] and pairs[0][1] == answer.citations[0].quote
    strict = parts([NEWER, WHEAT], confidence=confidence_on("reader", weight=0.5, at=0.0, threshold=0.99))[1]
    refused = strict.answer(QUESTION, hits)
    assert not refused.answerable and refused.citations == [] and refused.confidence == answer.confidence


def test_the_threshold_meets_the_confidence_unrounded(parts):
    """A confidence of 0.4996 is shown as 0.5 but stays below a threshold of 0.4998;
    one of 0.4374, shown as 0.437, is above a threshold of 0.43735."""
    retriever, answerer = parts([NEWER, WHEAT], confidence=confidence_on("reader", weight=0.5, at=0.0))
    hits = retriever.search(QUESTION, n=2)
    signals = answerer.best_groups(QUESTION, hits, None).signals
    assert signals is not None
    at = signals["reader"] - math.log(0.4996 / 0.5004) / 0.5  # where the confidence is 0.4996
    _, strict = parts([NEWER, WHEAT], confidence=confidence_on("reader", weight=0.5, at=at, threshold=0.4998))
    refused = strict.answer(QUESTION, hits)
    assert refused.confidence == 0.5 and not refused.answerable
    _, lenient = parts([NEWER, WHEAT], confidence=confidence_on("reader", weight=0.5, at=at, threshold=0.4994))
    assert lenient.answer(QUESTION, hits).answerable
    at = signals["reader"] - math.log(0.4374 / 0.5626) / 0.5  # 0.4374, shown as 0.437, over 0.43735
    _, above = parts([NEWER, WHEAT], confidence=confidence_on("reader", weight=0.5, at=at, threshold=0.43735))
    answered = above.answer(QUESTION, hits)
    assert answered.confidence == 0.437 and answered.answerable


def test_a_sentence_not_about_the_question_is_never_quoted_however_confident(parts):
    always = confidence_on("reader", weight=0.1, at=-100.0)  # above its threshold for any sentence
    retriever, answerer = parts([NEWER, WHEAT], confidence=always)
    question = "ما هو عدد سكان مدينة الموصل اليوم؟"
    answer = answerer.answer(question, retriever.search(question, n=2))
    assert answer.confidence is not None and answer.confidence > always.threshold
    assert not answer.answerable and answer.citations == []
