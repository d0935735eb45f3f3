"""Train the span model (qa.spans) and write qa/models/spans.safetensors.

    python -m training.train_spans [--frozen 8] [--epochs 4]

Each XQuAD/ARCD question whose answer is where the set says is paired with the
sentence holding it (training.reader_pairs), and the model learns to mark the
answer's first and last token in that sentence: the bundled multilingual-e5-small,
its lower ``--frozen`` layers as they are (computed once per pair), the layers
above and a linear start/end head fine-tuned. A tenth of the passages is held out;
the held-out exact match and word F1 of the whole-word answers (qa.spans) are
printed per language. On 2 CPU cores: about a minute for the frozen layers and one
to two an epoch.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from qa.arabic import normalize_arabic
from qa.bundled_model import ensure_bundled_model
from qa.config import Settings
from qa.reader import MAX_TOKENS, passage_text, query_text
from qa.spans import SENTENCE_AT, SPAN_WEIGHTS, best_tokens, sentence_tokens, tokens_to_words
from training.reader_pairs import Pair, answered_queries
from training.train_reader import (
    BATCH,
    FrozenOutputs,
    _layer,
    additive_mask,
    progress,
    save_tuned,
    take_step,
    trained_as,
    training_options,
    tuning,
)


@dataclass(frozen=True)
class Example:
    pair: Pair  # the question and the sentence holding its answer
    answer: str
    first: int  # the answer's first and last token
    last: int
    allowed: np.ndarray  # the sentence's tokens (where an answer may be)
    offsets: np.ndarray  # each token's characters in passage_text(sentence)


def examples(tokenizer) -> list[Example]:
    """One per answered question whose answer survives the cut to MAX_TOKENS."""
    out = []
    for query, _, (start, _, sentence) in answered_queries():
        answer = query["answers"][0]
        begin = query["answer_start"][0] - start + SENTENCE_AT
        end = begin + len(answer)
        encoded = tokenizer(
            query_text(query["question"]),
            passage_text(sentence),
            truncation="only_second",
            max_length=MAX_TOKENS,
            return_offsets_mapping=True,
        )
        offsets = np.array(encoded["offset_mapping"])
        allowed = sentence_tokens(encoded.sequence_ids(), offsets)
        inside = np.flatnonzero(allowed & (offsets[:, 1] > begin) & (offsets[:, 0] < end))
        if inside.size and offsets[inside[-1], 1] >= end:
            pair = Pair(query["gold_doc_id"], query["lang"], query["question"], sentence, 1, "answer")
            out.append(Example(pair, answer, int(inside[0]), int(inside[-1]), allowed, offsets))
    return out


def span_logits(top, head, frozen_outputs: FrozenOutputs, batch: list[int], cases: list[Example]) -> torch.Tensor:
    """(batch, tokens, 2) start and end logits, -1e4 outside each sentence."""
    hidden, mask = frozen_outputs.batch(batch)
    bias = additive_mask(mask)
    for layer in top:
        hidden = _layer(layer, hidden, bias)
    logits = head(hidden)
    allowed = torch.zeros(mask.shape, dtype=torch.bool)
    for row, i in enumerate(batch):
        allowed[row, : len(cases[i].allowed)] = torch.from_numpy(cases[i].allowed)
    return logits.masked_fill(~allowed.unsqueeze(-1), -1e4)


def _words(text: str) -> list[str]:
    return normalize_arabic(text).split()


def word_f1(found: str, expected: str) -> float:
    got, wanted = _words(found), _words(expected)
    common = sum(min(got.count(w), wanted.count(w)) for w in set(got))
    return 0.0 if not common else 2 * common / (len(got) + len(wanted))


def held_out_scores(top, head, frozen_outputs, cases: list[Example], held_out: list[int]) -> dict[str, float]:
    """Exact match and word F1 of the whole-word answer, per language."""
    top.eval()
    found: dict[int, str] = {}
    with torch.inference_mode():
        for at in range(0, len(held_out), 64):
            batch = held_out[at : at + 64]
            logits = span_logits(top, head, frozen_outputs, batch, cases).numpy()
            for row, i in enumerate(batch):
                n = len(cases[i].allowed)
                best = best_tokens(logits[row, :n, 0], logits[row, :n, 1], cases[i].allowed)
                if best:
                    sentence = cases[i].pair.sentence
                    start, end = tokens_to_words(sentence, cases[i].offsets, best[0], best[1])
                    found[i] = sentence[start:end]
    top.train()
    out = {}
    for lang in ("en", "ar"):
        chosen = [i for i in held_out if cases[i].pair.lang == lang]
        exact = [_words(found.get(i, "")) == _words(cases[i].answer) for i in chosen]
        out[f"{lang} exact"] = sum(exact) / len(chosen)
        out[f"{lang} f1"] = sum(word_f1(found.get(i, ""), cases[i].answer) for i in chosen) / len(chosen)
    return {k: round(v, 3) for k, v in out.items()}


def train(frozen: int, epochs: int, seed: int, rank: int, out: Path) -> None:
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(seed)
    rng = random.Random(seed)
    base = ensure_bundled_model(Settings().model_cache)
    tokenizer, bert = AutoTokenizer.from_pretrained(str(base)), AutoModel.from_pretrained(str(base))
    cases = examples(tokenizer)
    groups = sorted({c.pair.group for c in cases})
    rng.shuffle(groups)
    held_groups = set(groups[: len(groups) // 10])
    held_out = [i for i, c in enumerate(cases) if c.pair.group in held_groups]
    training = [i for i, c in enumerate(cases) if c.pair.group not in held_groups]
    print(f"{len(cases)} questions ({len(training)} to train on, {len(held_out)} held out)", flush=True)
    frozen_outputs = FrozenOutputs(bert, tokenizer, frozen, [c.pair for c in cases])

    top, untuned, head, optimiser, schedule = tuning(
        bert, frozen, outputs=2, rate=5e-5, warm_up=50, steps=epochs * (len(training) // BATCH + 1)
    )
    loss_of = torch.nn.CrossEntropyLoss()
    top.train()
    started, results = time.time(), {}
    for epoch in range(epochs):
        rng.shuffle(training)
        for step, at in enumerate(range(0, len(training), BATCH), start=1):
            batch = training[at : at + BATCH]
            logits = span_logits(top, head, frozen_outputs, batch, cases)
            firsts = torch.tensor([cases[i].first for i in batch])
            lasts = torch.tensor([cases[i].last for i in batch])
            loss = (loss_of(logits[:, :, 0], firsts) + loss_of(logits[:, :, 1], lasts)) / 2
            take_step(optimiser, schedule, loss)
            if step % 25 == 0:
                print(f"epoch {epoch + 1} step {step} {progress(loss, started)}", flush=True)
        results = held_out_scores(top, head, frozen_outputs, cases, held_out)
        print(f"epoch {epoch + 1}: held out {results}", flush=True)

    meta = {
        **trained_as(frozen, rank, epochs, seed),
        "questions": len(cases),
        "task": "answer spans",
        "trained_on": "XQuAD (CC BY-SA 4.0) and ARCD (MIT) via training/train_spans.py",
        "held_out": results,
    }
    save_tuned(top, untuned, head, rank, out, meta)


def main() -> None:
    args = training_options(__doc__.split("\n")[0], epochs=4, out=SPAN_WEIGHTS).parse_args()
    train(args.frozen, args.epochs, args.seed, args.rank, args.out)


if __name__ == "__main__":
    main()
