"""The reader ships as the low-rank change of the bundled model's top layers: what
training writes, loading gives back."""

from __future__ import annotations

import json

import torch
from safetensors.torch import save_file

from qa.reader import reader_metadata, tuned_state
from training.train_reader import low_rank_change


def test_the_shipped_change_gives_back_the_tuned_layers():
    generator = torch.Generator().manual_seed(0)
    base = {"dense.weight": torch.randn(8, 6, generator=generator), "dense.bias": torch.randn(8, generator=generator)}
    change = torch.randn(8, 2, generator=generator) @ torch.randn(2, 6, generator=generator) / 10
    tuned = {"dense.weight": base["dense.weight"] + change, "dense.bias": base["dense.bias"] + 0.5}
    shipped = {f"top.{k}": v for k, v in low_rank_change(tuned, base, rank=2).items()}
    assert set(shipped) == {"top.dense.weight.up", "top.dense.weight.down", "top.dense.bias"}
    assert shipped["top.dense.weight.up"].shape == (8, 2) and shipped["top.dense.weight.down"].shape == (2, 6)
    assert all(v.dtype == torch.float16 for v in shipped.values())
    read = {k: v.float() for k, v in shipped.items()}  # as qa.reader reads the file
    loaded = tuned_state(base, read | {"head.weight": torch.zeros(1, 6)})
    assert set(loaded) == {"dense.weight", "dense.bias"}  # the head is not a top layer
    assert torch.allclose(loaded["dense.weight"], tuned["dense.weight"], atol=1e-2)
    assert torch.allclose(loaded["dense.bias"], tuned["dense.bias"], atol=1e-2)
    # A rank below the change's loses part of it: the rank is what decides the fidelity.
    rank_one = tuned_state(base, {f"top.{k}": v.float() for k, v in low_rank_change(tuned, base, rank=1).items()})
    assert not torch.allclose(rank_one["dense.weight"], tuned["dense.weight"], atol=1e-2)


def test_how_a_reader_was_trained_is_read_from_its_file(tmp_path):
    weights = tmp_path / "reader.safetensors"
    meta = {"frozen_layers": 8, "news_weight": 3}
    save_file({"head.bias": torch.zeros(1)}, str(weights), metadata={"sanad_reader": json.dumps(meta)})
    assert reader_metadata(weights) == meta
    save_file({"head.bias": torch.zeros(1)}, str(weights))  # written by something else
    assert reader_metadata(weights) == {}
    assert reader_metadata()["frozen_layers"] == 8  # the shipped reader says how it was trained
