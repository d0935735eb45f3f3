"""Train the reader (qa.reader) and write qa/models/reader.safetensors.

    python -m training.train_reader [--frozen 8] [--epochs 3] [--news-weight 0]

The bundled multilingual-e5-small reads "query: QUESTION" and "passage:
SENTENCE" as one pair; its lower ``--frozen`` layers stay as they are (their
output is computed once per pair and kept), the layers above and a linear head
on the mean-pooled output learn whether the sentence answers. Pairs come from
XQuAD and ARCD (training.reader_pairs); a tenth of their passages is held out
and the held-out ROC AUC is printed per language and kind of negative. On
2 CPU cores: about 5 minutes to run the frozen layers, then about 6 minutes an
epoch with 8 frozen layers (about 10 with 4).

``--news-weight N`` adds pairs from the real-news dev split's reader half
(training.news_pairs), each trained on N times; ``qa eval --fit-confidence``
then fits the confidence on the other half only (the file's metadata says
which). Measured and not shipped: see the README ("Readers tried").
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path
from typing import Any

import torch
from safetensors.torch import save_file
from sklearn.metrics import roc_auc_score

from qa.bundled_model import ensure_bundled_model
from qa.config import Settings
from qa.reader import MAX_TOKENS, READER_WEIGHTS, mean_pool, passage_text, query_text
from training.news_pairs import news_pairs
from training.reader_pairs import Pair, bench_pairs

BATCH = 32


def additive_mask(mask: torch.Tensor) -> torch.Tensor:
    """BERT layers take the attention mask as a bias added to the scores."""
    return (1.0 - mask[:, None, None, :].float()) * -1e9


class FrozenOutputs:
    """Each pair's hidden states after the frozen layers, computed once."""

    def __init__(self, bert, tokenizer, frozen: int, pairs: list[Pair]) -> None:
        self.states: list[torch.Tensor] = [torch.empty(0)] * len(pairs)
        order = sorted(range(len(pairs)), key=lambda i: len(pairs[i].question) + len(pairs[i].sentence))
        started = time.time()
        for start in range(0, len(order), 64):
            batch = order[start : start + 64]
            encoded = tokenizer(
                [query_text(pairs[i].question) for i in batch],
                [passage_text(pairs[i].sentence) for i in batch],
                truncation="only_second",
                max_length=MAX_TOKENS,
                padding=True,
                return_tensors="pt",
            )
            ids, mask = encoded["input_ids"], encoded["attention_mask"]
            with torch.inference_mode():
                hidden = bert.embeddings(input_ids=ids, token_type_ids=torch.zeros_like(ids))
                for layer in bert.encoder.layer[:frozen]:
                    hidden = _layer(layer, hidden, additive_mask(mask))
            for row, i in enumerate(batch):
                self.states[i] = hidden[row, : int(mask[row].sum())].clone()
            if start % 2560 == 0:
                print(f"frozen layers: {start}/{len(order)} pairs, {time.time() - started:.0f} s", flush=True)

    def batch(self, indices: list[int]) -> tuple[torch.Tensor, torch.Tensor]:
        length = max(self.states[i].shape[0] for i in indices)
        hidden = torch.zeros(len(indices), length, self.states[indices[0]].shape[1])
        mask = torch.zeros(len(indices), length)
        for row, i in enumerate(indices):
            n = self.states[i].shape[0]
            hidden[row, :n], mask[row, :n] = self.states[i], 1
        return hidden, mask


def _layer(layer, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    out = layer(hidden, attention_mask=mask)
    return out[0] if isinstance(out, tuple) else out


def logits(top, head, frozen_outputs: FrozenOutputs, indices: list[int]) -> torch.Tensor:
    hidden, mask = frozen_outputs.batch(indices)
    bias = additive_mask(mask)
    for layer in top:
        hidden = _layer(layer, hidden, bias)
    return head(mean_pool(hidden, mask)).squeeze(-1)


def held_out_auc(top, head, frozen_outputs: FrozenOutputs, pairs: list[Pair], held_out: list[int]) -> dict[str, float]:
    top.eval()
    with torch.inference_mode():
        scores = torch.cat(
            [logits(top, head, frozen_outputs, held_out[i : i + 64]) for i in range(0, len(held_out), 64)]
        )
    top.train()
    by_index = dict(zip(held_out, scores.tolist()))
    out = {"all": roc_auc_score([pairs[i].label for i in held_out], scores.tolist())}
    for lang in ("en", "ar"):
        for kind in ("other sentence", "swapped"):
            chosen = [i for i in held_out if pairs[i].lang == lang and pairs[i].kind in (kind, "answer")]
            out[f"{lang} {kind}"] = roc_auc_score([pairs[i].label for i in chosen], [by_index[i] for i in chosen])
    return {k: round(v, 3) for k, v in out.items()}


def low_rank_change(
    tuned: dict[str, torch.Tensor], base: dict[str, torch.Tensor], rank: int
) -> dict[str, torch.Tensor]:
    """Each weight matrix as its change from the bundled model's, factorised to ``rank``
    (weight = base + up @ down: fine-tuning changes a matrix in few directions, so rank
    64 keeps 91-98 % of the change's energy in a quarter of the bytes); other tensors
    as they are. All in fp16."""
    out = {}
    for name, value in tuned.items():
        if value.ndim == 2:
            u, s, vh = torch.linalg.svd(value.float() - base[name].float(), full_matrices=False)
            out[f"{name}.up"] = (u[:, :rank] * s[:rank]).half().contiguous()
            out[f"{name}.down"] = vh[:rank].half().contiguous()
        else:
            out[name] = value.half().contiguous()
    return out


def train(frozen: int, epochs: int, seed: int, rank: int, out: Path, news_weight: int) -> None:
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(seed)
    rng = random.Random(seed)
    base = ensure_bundled_model(Settings().model_cache)
    tokenizer, bert = AutoTokenizer.from_pretrained(str(base)), AutoModel.from_pretrained(str(base))
    pairs = bench_pairs(seed=seed)
    groups = sorted({p.group for p in pairs})
    rng.shuffle(groups)
    held_groups = set(groups[: len(groups) // 10])
    held_out = [i for i, p in enumerate(pairs) if p.group in held_groups]
    training = [i for i, p in enumerate(pairs) if p.group not in held_groups]
    if news_weight:  # all trained on, each ``news_weight`` times: measured by benchmarks/reader_news.py
        news = news_pairs()
        training += [len(pairs) + i for i in range(len(news))] * news_weight
        pairs += news
        print(f"{len(news)} pairs from real news, each {news_weight} times", flush=True)
    print(f"{len(pairs)} pairs ({len(training)} to train on, {len(held_out)} held out)", flush=True)
    frozen_outputs = FrozenOutputs(bert, tokenizer, frozen, pairs)

    top, untuned, head, optimiser, schedule = tuning(
        bert, frozen, outputs=1, rate=3e-5, warm_up=100, steps=epochs * (len(training) // BATCH + 1)
    )
    loss_of = torch.nn.BCEWithLogitsLoss()
    top.train()
    started, results = time.time(), {}
    for epoch in range(epochs):
        rng.shuffle(training)
        batches = []  # pairs of similar length batched together, the batches shuffled
        for start in range(0, len(training), BATCH * 20):
            chunk = sorted(training[start : start + BATCH * 20], key=lambda i: frozen_outputs.states[i].shape[0])
            batches += [chunk[i : i + BATCH] for i in range(0, len(chunk), BATCH)]
        rng.shuffle(batches)
        for step, batch in enumerate(batches, start=1):
            labels = torch.tensor([float(pairs[i].label) for i in batch])
            loss = loss_of(logits(top, head, frozen_outputs, batch), labels)
            take_step(optimiser, schedule, loss)
            if step % 100 == 0:
                print(f"epoch {epoch + 1} step {step}/{len(batches)} {progress(loss, started)}", flush=True)
        results = held_out_auc(top, head, frozen_outputs, pairs, held_out)
        print(f"epoch {epoch + 1}: held-out ROC AUC {results}", flush=True)

    meta = {
        **trained_as(frozen, rank, epochs, seed),
        "news_weight": news_weight,
        "pairs": len(pairs),
        "trained_on": "XQuAD (CC BY-SA 4.0) and ARCD (MIT) via training/reader_pairs.py"
        + (
            f"; the real-news dev split's reader half (ANT v2.1) via training/news_pairs.py, x{news_weight}"
            if news_weight
            else ""
        ),
        "held_out_auc": results,
    }
    save_tuned(top, untuned, head, rank, out, meta)


def tuning(bert, frozen: int, outputs: int, rate: float, warm_up: int, steps: int) -> tuple[Any, ...]:
    """The layers above ``frozen``, their weights before, and a head of ``outputs`` to
    fine-tune, with AdamW at ``rate`` and its schedule: warmed up over ``warm_up`` steps,
    decayed linearly to 0 at ``steps``."""
    top = bert.encoder.layer[frozen:]
    untuned = {k: v.clone() for k, v in top.state_dict().items()}
    head = torch.nn.Linear(bert.config.hidden_size, outputs)
    optimiser = torch.optim.AdamW(list(top.parameters()) + list(head.parameters()), lr=rate, weight_decay=0.01)
    schedule = torch.optim.lr_scheduler.LambdaLR(optimiser, lambda s: min(1.0, s / warm_up) * max(0.0, 1 - s / steps))
    return top, untuned, head, optimiser, schedule


def progress(loss: torch.Tensor, started: float) -> str:
    return f"loss {loss.item():.3f}, {time.time() - started:.0f} s"


def trained_as(frozen: int, rank: int, epochs: int, seed: int) -> dict[str, int]:
    """What the weights' metadata says of how every model on the top layers was trained."""
    return {"frozen_layers": frozen, "rank": rank, "epochs": epochs, "seed": seed}


def take_step(optimiser: torch.optim.Optimizer, schedule: torch.optim.lr_scheduler.LRScheduler, loss) -> None:
    """One step of gradient descent on ``loss``, the learning rate moved on."""
    optimiser.zero_grad()
    loss.backward()
    optimiser.step()
    schedule.step()


def save_tuned(top, untuned: dict[str, torch.Tensor], head, rank: int, out: Path, meta: dict) -> None:
    """The fine-tuned top layers (as low-rank changes from ``untuned``) and the head in
    ``out``, with ``meta`` saying how they were trained."""
    state = {f"top.{k}": v for k, v in low_rank_change(top.state_dict(), untuned, rank).items()}
    state |= {f"head.{k}": v.half().contiguous() for k, v in head.state_dict().items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    save_file(state, str(out), metadata={"sanad_reader": json.dumps(meta)})
    print(f"written {out}")


def training_options(description: str, epochs: int, out: Path) -> argparse.ArgumentParser:
    """The options every model trained on the bundled model's top layers takes."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--frozen", type=int, default=8, help="lower layers kept as they are (of 12)")
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--rank", type=int, default=64, help="of each weight matrix's change, as shipped")
    parser.add_argument("--out", type=Path, default=out)
    return parser


def main() -> None:
    parser = training_options(__doc__.split("\n")[0], epochs=3, out=READER_WEIGHTS)
    parser.add_argument(
        "--news-weight",
        type=int,
        default=0,
        help="times each pair from the real-news dev split's reader half is trained on (0: none, as shipped)",
    )
    args = parser.parse_args()
    train(args.frozen, args.epochs, args.seed, args.rank, args.out, args.news_weight)


if __name__ == "__main__":
    main()
