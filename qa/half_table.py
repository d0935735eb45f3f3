"""The encoder's token table in float16: half the memory of its largest tensor."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import numpy as np
import torch

TOKEN_TABLE = "embeddings.word_embeddings.weight"  # its name in a BERT model's weights file
_CHUNK_ROWS = 8192


class HalfTokenTable(torch.nn.Module):
    """A token-embedding table held in float16 and looked up into float32.

    A multilingual model's token table is most of its weights (e5-small: 250,000
    rows of 384, 384 MB in float32); a row's rounding to float16 moves a text's
    vector by far less than anything retrieval can see (tests/test_bundled_model.py
    measures it). The table is a buffer, not a parameter, so the model's dtype
    (float32, from its parameters) and everything computed after the lookup stay as they were.
    """

    table: torch.Tensor

    def __init__(self, table: torch.Tensor, padding_idx: int | None) -> None:
        super().__init__()
        self.register_buffer("table", table)
        self.padding_idx = padding_idx

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return torch.nn.functional.embedding(ids, self.table, self.padding_idx).float()


def read_in_half(weights: Path, name: str) -> torch.Tensor:
    """The float32 tensor ``name`` of a safetensors file, read into float16 a slice at a
    time by ordinary reads: the file's memory map (which the loaded model's weights
    are views of) is never touched, so the float32 table never becomes resident.
    A file that is not safetensors, lacks the tensor or is cut short is a ValueError."""
    with weights.open("rb") as f:
        try:
            (header_size,) = struct.unpack("<Q", f.read(8))
            entry = json.loads(f.read(header_size))[name]
            rows, width = entry["shape"]
            begin, end = entry["data_offsets"]
        except (struct.error, ValueError, TypeError, KeyError) as exc:
            raise ValueError(f"{weights} has no readable {name}: {exc!r}") from None
        if entry["dtype"] != "F32" or end - begin != rows * width * 4:
            raise ValueError(f"{name} in {weights} is not a {rows}x{width} float32 tensor")
        out = np.empty((rows, width), np.float16)
        f.seek(8 + header_size + begin)
        for start in range(0, rows, _CHUNK_ROWS):
            stop = min(start + _CHUNK_ROWS, rows)
            chunk = f.read((stop - start) * width * 4)
            if len(chunk) != (stop - start) * width * 4:
                raise ValueError(f"{weights} ends inside {name}")
            out[start:stop] = np.frombuffer(chunk, "<f4").reshape(-1, width)
    return torch.from_numpy(out)


def keep_token_table_in_half(bert: Any, weights: Path) -> None:
    """Replace the token table of ``bert`` (loaded from ``weights``) with a ``HalfTokenTable``.

    The loaded weights are views of the weights file mapped into memory, and the map
    stays while any of them lives: the other weights (a fifth of the model) are copied
    out so that it is released, float32 table and all.
    """
    table = bert.get_input_embeddings()
    half = read_in_half(weights, TOKEN_TABLE)
    if half.shape != table.weight.shape:
        raise ValueError(f"{TOKEN_TABLE} in {weights} is {tuple(half.shape)}, the model's {tuple(table.weight.shape)}")
    bert.set_input_embeddings(HalfTokenTable(half, table.padding_idx))
    with torch.no_grad():
        for tensor in [*bert.parameters(), *bert.buffers()]:
            if tensor is not half:
                tensor.data = tensor.data.clone()
