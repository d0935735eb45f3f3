"""How likely an extractive answer is right: one calibrated probability.

A logistic model over the signals the extractive answerer computes for the
sentence it chose (similarity, margin over the next sentence, word fit, the
reader's judgement). ``qa eval --fit-confidence`` fits it on the dev split of
the real-news question set and the project's question set (never the test
split) and writes its coefficients and the abstention threshold to
``qa/models/confidence.json``; the threshold is the one that, on that data,
gives the most right answers minus wrong ones (an answer to an unanswerable
question is a wrong one).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from qa.errors import ModelError

CONFIDENCE_MODEL = Path(__file__).resolve().parent / "models" / "confidence.json"
# Not the answerer's word fit: it weighs words by their rarity in the store, so its
# scale moves with the store's size and would not carry from the store the model was
# fitted on to the user's.
FEATURES = ("similarity", "margin", "intent", "passage_rank", "reader", "reader_margin", "arabic")


@dataclass(frozen=True)
class ConfidenceModel:
    coefficients: dict[str, float]
    intercept: float
    threshold: float  # answer when the probability is at least this
    fitted_on: str

    def probability(self, features: Mapping[str, float]) -> float:
        z = self.intercept + sum(w * features[name] for name, w in self.coefficients.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 40.0), -40.0)))

    @classmethod
    def unfitted(cls) -> ConfidenceModel:
        """Answers everything at 0.5: what fitting a new model starts from."""
        return cls(dict.fromkeys(FEATURES, 0.0), 0.0, 0.0, "nothing")

    @classmethod
    def load(cls, path: Path = CONFIDENCE_MODEL) -> ConfidenceModel:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            model = cls(
                {k: float(v) for k, v in data["coefficients"].items()},
                float(data["intercept"]),
                float(data["threshold"]),
                str(data["fitted_on"]),
            )
        except (OSError, KeyError, TypeError, ValueError) as exc:
            raise ModelError(f"cannot read the confidence model {path}: {exc}") from None
        if set(model.coefficients) != set(FEATURES):
            raise ModelError(f"{path} was fitted on other features; refit it with qa eval --fit-confidence")
        return model

    def save(self, path: Path = CONFIDENCE_MODEL) -> None:
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")


def best_threshold(probabilities: Sequence[float], right: Sequence[bool]) -> float:
    """The threshold with the most right answers minus wrong ones among those answered."""
    best, best_gain, gain = 1.0, 0, 0
    for p, ok in sorted(zip(probabilities, right), reverse=True):
        gain += 1 if ok else -1
        if gain > best_gain:
            best, best_gain = p, gain
    return best


def fit(rows: Sequence[tuple[Mapping[str, float], bool]], fitted_on: str) -> ConfidenceModel:
    """Fit on (features of the chosen sentence, was the answer right) pairs; an
    unanswerable question that was answered counts as not right."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([[features[name] for name in FEATURES] for features, _ in rows], dtype=float)
    y = np.array([bool(ok) for _, ok in rows], dtype=int)
    # Fitted on standardised signals, so the regularisation weighs each alike however
    # wide its range; the coefficients are then turned back to the raw signals.
    mean, spread = x.mean(axis=0), x.std(axis=0)
    spread[spread == 0] = 1.0
    logistic = LogisticRegression(C=1.0, max_iter=1000).fit((x - mean) / spread, y)
    weights = logistic.coef_[0] / spread
    intercept = float(logistic.intercept_[0] - (weights * mean).sum())
    model = ConfidenceModel(dict(zip(FEATURES, (float(w) for w in weights))), intercept, 1.0, fitted_on)
    threshold = best_threshold([model.probability(f) for f, _ in rows], [ok for _, ok in rows])
    return ConfidenceModel(model.coefficients, model.intercept, threshold, fitted_on)


def risk_coverage(probabilities: Sequence[float], right: Sequence[bool], steps: int = 10) -> list[tuple[float, float]]:
    """(coverage, accuracy of the answered) as the threshold rises: the most confident
    10 %, 20 %, … of the questions answered."""
    ranked = [ok for _, ok in sorted(zip(probabilities, right), key=lambda pr: -pr[0])]
    out = []
    for step in range(1, steps + 1):
        n = max(1, round(len(ranked) * step / steps))
        out.append((n / len(ranked), sum(ranked[:n]) / n))
    return out
