"""The lower layers' states a reader keeps and takes (qa.reader.LowerStates), on a tiny
BERT with random weights: no model is loaded."""

from __future__ import annotations

import threading

import pytest
import torch
from transformers import BertConfig, BertModel

from qa.reader import LowerStates, _ReaderModel


def test_the_states_kept_are_the_latest_and_those_read_last():
    kept = LowerStates(size=2)
    a, b, c = (torch.full((1,), float(n)) for n in range(3))
    kept.put((1, False, b"a"), a)
    kept.put((1, False, b"b"), b)
    assert kept.get((1, False, b"a")) is a  # read: now the latest
    kept.put((1, False, b"c"), c)
    assert kept.get((1, False, b"b")) is None and kept.get((1, False, b"a")) is a and kept.get((1, False, b"c")) is c
    assert kept.get((1, True, b"a")) is None  # another precision is another state


@pytest.fixture
def tiny() -> _ReaderModel:
    torch.manual_seed(0)
    config = BertConfig(vocab_size=50, hidden_size=16, num_hidden_layers=3, num_attention_heads=2, intermediate_size=32)
    bert = BertModel(config, add_pooling_layer=False).eval()
    model = _ReaderModel(None, threading.RLock(), bert, 2, torch.nn.Linear(16, 1), LowerStates())
    model.bfloat16 = False
    return model


def batch(*rows: list[int]) -> dict[str, torch.Tensor]:
    """Token rows padded on the right, as the tokenizer pads them."""
    longest = max(map(len, rows))
    ids = torch.tensor([row + [0] * (longest - len(row)) for row in rows])
    mask = torch.tensor([[1] * len(row) + [0] * (longest - len(row)) for row in rows])
    return {"input_ids": ids, "attention_mask": mask}


def test_states_taken_from_another_batch_read_as_one_whole_pass(tiny):
    short, long, other = [5, 6, 7], [5, 8, 9, 10, 11, 12], [13, 14]
    tiny.hidden(batch(short, other))  # their lower states kept, padded to 3
    assert len(tiny.lower_states._states) == 2
    encoded = batch(long, short)  # short now padded to 6, its states taken; long's computed
    mixed = tiny.hidden(encoded)
    assert len(tiny.lower_states._states) == 3
    with torch.inference_mode():
        whole = tiny.bert(**encoded).last_hidden_state
    real = encoded["attention_mask"].bool()
    assert torch.allclose(mixed[real], whole[real], atol=1e-5)
