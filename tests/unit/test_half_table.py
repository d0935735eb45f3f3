"""The token table read into float16 from the weights file, and the file's map let go."""

from __future__ import annotations

import gc
import sys
from pathlib import Path

import numpy as np
import pytest
import torch
from safetensors.numpy import save_file

from qa.half_table import TOKEN_TABLE, HalfTokenTable, keep_token_table_in_half, read_in_half


def test_the_table_is_read_in_half_and_a_damaged_file_is_a_value_error(tmp_path):
    table = np.random.default_rng(0).normal(size=(20_000, 8)).astype(np.float32)  # more rows than one slice
    weights = tmp_path / "model.safetensors"
    save_file({TOKEN_TABLE: table, "other": np.ones((3, 2), np.int64)}, str(weights))
    half = read_in_half(weights, TOKEN_TABLE)
    assert half.dtype == torch.float16 and np.array_equal(half.numpy(), table.astype(np.float16))

    with pytest.raises(ValueError, match="not a"):
        read_in_half(weights, "other")  # not float32
    with pytest.raises(ValueError, match="no readable"):
        read_in_half(weights, "missing")
    cut = tmp_path / "cut.safetensors"
    cut.write_bytes(weights.read_bytes()[:-1000])
    with pytest.raises(ValueError, match="ends inside"):
        read_in_half(cut, TOKEN_TABLE)
    (tmp_path / "junk.safetensors").write_bytes(b"\1\2\3")
    with pytest.raises(ValueError, match="no readable"):
        read_in_half(tmp_path / "junk.safetensors", TOKEN_TABLE)


def _mapped(path: Path) -> bool:
    return str(path) in Path("/proc/self/maps").read_text()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/self/maps")
def test_a_loaded_model_keeps_its_table_in_half_and_lets_go_of_the_file(tmp_path):
    from transformers import BertConfig, BertModel

    config = BertConfig(
        vocab_size=5_000, hidden_size=32, num_hidden_layers=2, num_attention_heads=2, intermediate_size=64
    )
    BertModel(config).eval().save_pretrained(tmp_path)
    bert = BertModel.from_pretrained(tmp_path).eval()
    weights = tmp_path / "model.safetensors"
    assert _mapped(weights)  # the loaded weights are views of the mapped file
    ids = torch.tensor([[1, 5, 4_999, 7]])
    with torch.inference_mode():
        before = bert(input_ids=ids).last_hidden_state

    keep_token_table_in_half(bert, weights)
    gc.collect()
    assert isinstance(bert.get_input_embeddings(), HalfTokenTable)
    assert bert.get_input_embeddings().table.dtype == torch.float16
    assert bert.dtype == torch.float32  # the model's dtype comes from its parameters
    assert not _mapped(weights)  # every weight copied out: the map (float32 table and all) is released
    with torch.inference_mode():
        after = bert(input_ids=ids).last_hidden_state
    assert torch.allclose(before, after, atol=1e-2)
