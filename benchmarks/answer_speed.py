"""Answer latency of `ask` (extractive) on the bundled corpus, after warm-up.

    python benchmarks/answer_speed.py [--rounds N]

Runs every question of eval/questions.jsonl N times against a fresh store of
the bundled articles and prints p50/p95 of retrieval, answering and total.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.sync import ingest
from qa.config import Settings
from qa.engine import Engine
from qa.evaluate import load_questions


def percentile(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    questions = [q["question"] for q in load_questions()]
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings().with_overrides(store_dir=Path(tmp) / "store")
        engine = Engine(settings, create=True)
        ingest(None, settings, encoder=engine.encoder)  # one model for the ingest and the questions
        for question in questions:  # warm-up: sentence vectors cached
            engine.ask(question)
        timings: dict[str, list[float]] = {"retrieve": [], "answer": [], "total": []}
        for _ in range(args.rounds):
            for question in questions:
                for key, value in engine.ask(question).timings_ms.items():
                    timings[key].append(value)
        passages = engine.refresh().store.count()
    print(f"{len(questions)} questions x {args.rounds} rounds, {passages} passages")
    for key, values in timings.items():
        print(f"{key:<9} p50 {percentile(values, 50):7.1f} ms   p95 {percentile(values, 95):7.1f} ms")


if __name__ == "__main__":
    main()
