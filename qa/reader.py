"""The reader: does this sentence answer this question? A small cross-encoder.

The embedding model compares a question and a sentence as two separate
vectors, so a sentence that restates the question's words about another
country or another count scores as high as the one that answers. The reader
reads both together: the bundled multilingual-e5-small with its top layers
fine-tuned as a classifier (``training/train_reader.py``: XQuAD and ARCD
question/sentence pairs, the other sentences of each passage and questions
with one name, place or number swapped as negatives). Only the fine-tuned
layers ship (``qa/models/reader.safetensors``); the rest is the bundled
model's own weights, shared with the encoder when that is the bundled model.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from qa.errors import ModelError
from qa.precision import bfloat16_native
from qa.respell import in_spelling_of

if TYPE_CHECKING:
    import torch

READER_WEIGHTS = Path(__file__).resolve().parent / "models" / "reader.safetensors"
MAX_TOKENS = 128  # question and sentence together, as in training
LOWER_STATES_KEPT = 64  # pairs whose lower-layer states are kept (at most 200 KB each)


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """The average of each sequence's token states (padding left out), as e5 pools."""
    weights = mask.unsqueeze(-1).float()
    return (hidden * weights).sum(1) / weights.sum(1)


def query_text(question: str) -> str:
    return f"query: {question}"


def passage_text(sentence: str) -> str:
    return f"passage: {sentence}"


class Reader:
    """Scores (question, sentence) pairs: a logit, higher when the sentence answers.

    ``base`` returns the bundled model's folder (built on first use); nothing is
    loaded until the first pair is scored. ``shared`` returns the bundled model as
    the encoder has it loaded (or None when the encoder is another model): the
    reader then uses its embeddings, lower layers and tokenizer instead of copies
    of its own. A copy of the weights costs less at first than its 470 MB (they
    are memory-mapped, and a question reads few rows of the 250,000-word
    embedding table), but a long-running chat reads ever more of them; a copy of
    the tokenizer costs 270 MB at once.
    """

    def __init__(
        self,
        base: Callable[[], Path],
        weights: Path = READER_WEIGHTS,
        shared: Callable[[], SharedModel | None] = lambda: None,
    ) -> None:
        self._base = base
        self._weights = weights
        self._shared = shared
        self._model: _ReaderModel | None = None
        self._lock = threading.Lock()

    @property
    def model(self) -> _ReaderModel:
        with self._lock:
            if self._model is None:
                self._model = _ReaderModel.load(self._base(), self._weights, self._shared())
            return self._model

    def read(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """A logit per (question, sentence) pair, all in one pass; each question read in
        its sentence's spelling of the words both hold (qa.respell)."""
        if not pairs:
            return np.zeros(0, dtype=np.float32)
        return self.model.read([(in_spelling_of(question, sentence), sentence) for question, sentence in pairs])


def reader_metadata(weights: Path = READER_WEIGHTS) -> dict[str, Any]:
    """How the reader in ``weights`` was trained (training.train_reader writes it)."""
    from safetensors import safe_open

    with safe_open(str(weights), framework="pt") as f:
        return json.loads((f.metadata() or {}).get("sanad_reader", "{}"))


def tuned_state(base: dict[str, torch.Tensor], shipped: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    """The fine-tuned top layers from what ships: each weight matrix as the bundled
    model's plus its low-rank change (``top.NAME.up @ top.NAME.down``), other tensors
    as they are."""
    out = {}
    for key, value in shipped.items():
        name = key.removeprefix("top.")
        if not key.startswith("top.") or name.endswith(".down"):
            continue
        if name.endswith(".up"):
            weight = name.removesuffix(".up")
            out[weight] = base[weight] + value @ shipped[f"top.{weight}.down"]
        else:
            out[name] = value
    return out


def sharing(bert: Any, frozen: int) -> Any:
    """A model of ``bert``'s shape that uses its embeddings and its lower ``frozen``
    layers (the same modules, no copy) and a copy of its top layers, to be fine-tuned."""
    import copy

    import torch
    from transformers import AutoModel

    with torch.device("meta"):  # the shell only: every part is replaced below
        reader = AutoModel.from_config(bert.config, add_pooling_layer=False)
    reader.embeddings = bert.embeddings
    reader.encoder.layer = torch.nn.ModuleList(
        [*bert.encoder.layer[:frozen], *(copy.deepcopy(layer) for layer in bert.encoder.layer[frozen:])]
    )
    return reader


class LowerStates:
    """The token states pairs got from the layers a reader shares with the encoder (the
    bundled model's embeddings and lower layers), for the pairs read last. The span model
    (qa.spans) and the reader read the same (question, sentence) pairs with the same
    lower layers, two thirds of a pass: what one computed, the other takes from here.
    Keyed by the layers' count, the precision and the pair's tokens. Where bfloat16 runs
    on AMX tiles, its results vary a little with a batch's size (qa.precision), so a
    pair's states are those of the batch that first computed them."""

    def __init__(self, size: int = LOWER_STATES_KEPT) -> None:
        self.size = size
        self._states: OrderedDict[tuple[int, bool, bytes], torch.Tensor] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[int, bool, bytes]) -> torch.Tensor | None:
        with self._lock:
            if key in self._states:
                self._states.move_to_end(key)
            return self._states.get(key)

    def put(self, key: tuple[int, bool, bytes], states: torch.Tensor) -> None:
        with self._lock:
            self._states[key] = states
            while len(self._states) > self.size:
                self._states.popitem(last=False)


@dataclass(frozen=True)
class SharedModel:
    """The encoder's bundled model, for the reader to read with: its BERT, its tokenizer,
    the lock every call of that tokenizer holds (a call sets its truncation first), and
    the lower layers' states every reader sharing it keeps."""

    bert: Any
    tokenizer: Any
    tokenizer_lock: threading.RLock
    lower_states: LowerStates


class _ReaderModel:
    def __init__(
        self,
        tokenizer,
        tokenizer_lock: threading.RLock,
        bert,
        frozen: int,
        head: torch.nn.Linear,
        lower_states: LowerStates,
    ) -> None:
        self.tokenizer = tokenizer
        self.tokenizer_lock = tokenizer_lock
        self.bert = bert
        self.frozen = frozen
        self.head = head
        self.lower_states = lower_states
        self.bfloat16 = bfloat16_native()

    @classmethod
    def load(cls, base: Path, weights: Path, shared: SharedModel | None = None) -> _ReaderModel:
        import torch
        from safetensors import safe_open
        from transformers import AutoModel, AutoTokenizer
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()
        try:
            with safe_open(str(weights), framework="pt") as f:
                meta = json.loads((f.metadata() or {})["sanad_reader"])
                state = {k: f.get_tensor(k).float() for k in f.keys()}  # noqa: SIM118 (safe_open has no iterator)
            frozen = int(meta["frozen_layers"])
            if shared is None:
                tokenizer, lock = AutoTokenizer.from_pretrained(str(base)), threading.RLock()
                bert = AutoModel.from_pretrained(str(base)).eval()
                lower_states = LowerStates()  # its lower layers are its own
            else:
                tokenizer, lock = shared.tokenizer, shared.tokenizer_lock
                bert = sharing(shared.bert, frozen).eval()
                lower_states = shared.lower_states
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"cannot load the reader ({weights}): {exc}") from None
        if tokenizer.padding_side != "right":  # _lower reads a row's tokens as its first ones
            raise ModelError(f"the reader needs a tokenizer that pads on the right, not the {tokenizer.padding_side}")
        top = bert.encoder.layer[frozen:]
        top.load_state_dict(tuned_state(top.state_dict(), state))
        head = torch.nn.Linear(bert.config.hidden_size, state["head.weight"].shape[0])  # 2 for spans (qa.spans)
        head.load_state_dict({k.removeprefix("head."): v for k, v in state.items() if k.startswith("head.")})
        return cls(tokenizer, lock, bert, frozen, head.eval(), lower_states)

    def features(self, pairs: list[tuple[str, str]], offsets: bool = False) -> Any:
        """The pairs tokenized together, each cut to MAX_TOKENS: the longer of question and
        sentence is cut first, so a question of up to about 60 tokens is read whole and
        only the sentence is cut; a longer one (a pasted paragraph, which cutting the
        sentence alone could not fit) shares the tokens with the sentence. ``offsets``:
        with each token's characters in its text."""
        with self.tokenizer_lock:
            return self.tokenizer(
                [query_text(question) for question, _ in pairs],
                [passage_text(sentence) for _, sentence in pairs],
                truncation="longest_first",
                max_length=MAX_TOKENS,
                padding=True,
                return_tensors="pt",
                return_offsets_mapping=offsets,
            )

    def hidden(self, encoded: Any) -> torch.Tensor:
        """The top layer's token states of tokenized pairs (float32): the lower layers'
        states as kept (LowerStates) or computed, then this reader's own top layers."""
        import torch

        mask = encoded["attention_mask"]
        with torch.inference_mode():
            with torch.autocast("cpu", dtype=torch.bfloat16, enabled=self.bfloat16):
                lower = self._lower(encoded["input_ids"], mask)
                states = self._through(self.bert.encoder.layer[self.frozen :], lower, mask)
            return states.float()

    def _lower(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """The states of ``ids`` (padded on the right) after the embeddings and the lower
        ``frozen`` layers: each row's as kept in LowerStates, or else computed, with the
        other rows not kept, in one pass, and then kept."""
        import torch

        lengths = mask.sum(1).tolist()
        keys = [(self.frozen, self.bfloat16, ids[i, :n].numpy().tobytes()) for i, n in enumerate(lengths)]
        rows = [self.lower_states.get(key) for key in keys]
        missing = [i for i, row in enumerate(rows) if row is None]
        if missing:
            longest = max(lengths[i] for i in missing)
            sub_mask = mask[missing, :longest]
            computed = self.bert.embeddings(input_ids=ids[missing, :longest])
            computed = self._through(self.bert.encoder.layer[: self.frozen], computed, sub_mask)
            for row, i in zip(computed, missing):
                own = row[: lengths[i]].clone()  # not a view that would keep the whole batch
                rows[i] = own
                self.lower_states.put(keys[i], own)
        out = torch.zeros(len(rows), ids.shape[1], self.bert.config.hidden_size)
        for i, row in enumerate(rows):
            assert row is not None  # kept or computed, by now
            out[i, : lengths[i]] = row
        return out

    def _through(self, layers: Any, hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """``hidden`` through ``layers``, attending to the tokens ``mask`` marks."""
        from transformers.masking_utils import create_bidirectional_mask

        attention = create_bidirectional_mask(config=self.bert.config, inputs_embeds=hidden, attention_mask=mask)
        for layer in layers:
            hidden = layer(hidden, attention)
        return hidden

    def read(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        import torch

        encoded = self.features(pairs)
        with torch.inference_mode():
            pooled = mean_pool(self.hidden(encoded), encoded["attention_mask"])
            return self.head(pooled).squeeze(-1).numpy().astype(np.float32)
