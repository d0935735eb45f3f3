"""Whether this CPU computes in bfloat16 natively, and alike in any batch, which decides
the precision the encoder and the reader run in."""

from __future__ import annotations

from functools import cache


def bfloat16_native() -> bool:
    """Does this CPU compute in bfloat16 natively (AVX-512 BF16)? The encoder and the reader
    then run their matrix products in it under ``torch.autocast``: the encoder 2.3x
    faster (2.6x with its passages sorted by length; README "A faster encoder"), vectors
    within 1e-4 of cosine of float32's; the reader in about 0.7 of the float32 time, logits
    within 0.02 (tests/test_answers.py). Elsewhere bfloat16 is emulated and slower, so
    both stay in float32. torch says so only through a private function, hence the fallback."""
    import torch

    return bool(getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)())


@cache  # the CPU does not change; asked on every call that embeds the answerer's sentences
def bfloat16_alike_in_any_batch() -> bool:
    """Is a text's bfloat16 vector, padded to a fixed length, the same bit for bit whatever
    batch it is embedded in? Measured yes on AVX-512 BF16 without AMX. With AMX tiles the
    matrix kernels change with a batch's number of rows: a sentence alone and among 3 or 8
    copies of itself differ by about 4e-4 in a dimension, among 16 or 32 copies not, with no
    pattern to rely on. Unknown to torch counts as AMX (the safe answer)."""
    import torch

    return bfloat16_native() and not getattr(torch.cpu, "_is_amx_tile_supported", lambda: True)()
