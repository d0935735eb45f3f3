"""The embedding model: loaded once per process, lazily, behind LangChain's interface."""

from __future__ import annotations

import threading
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from langchain_core.embeddings import Embeddings

from qa.bundled_model import BUNDLED_MODEL_NAME, ensure_bundled_model

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

_load_lock = threading.Lock()


@lru_cache(maxsize=4)
def _load(model_name: str, cache_dir: str) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    if model_name == BUNDLED_MODEL_NAME:
        folder = ensure_bundled_model(Path(cache_dir))
        return SentenceTransformer(str(folder), device="cpu", local_files_only=True)
    return SentenceTransformer(model_name, device="cpu")


def load_sentence_transformer(model_name: str, cache_dir: Path) -> SentenceTransformer:
    """The process-wide instance of ``model_name`` (thread-safe, built on first use)."""
    with _load_lock:
        return _load(model_name, str(cache_dir))


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

    @property
    def model(self) -> SentenceTransformer:
        return load_sentence_transformer(self.model_name, self.cache_dir)

    def _encode(self, texts: list[str], prompt_name: str) -> list[list[float]]:
        model = self.model
        prompt = prompt_name if prompt_name in (model.prompts or {}) else None
        vectors = model.encode(
            texts,
            prompt_name=prompt,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.tolist()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self._encode(list(texts), "passage") if texts else []

    def embed_query(self, text: str) -> list[float]:
        # Retrieval and answering both need the question's vector: embed it once.
        return list(self._query_vector(text))

    @lru_cache(maxsize=256)  # noqa: B019 - one instance per store, kept for the process
    def _query_vector(self, text: str) -> tuple[float, ...]:
        return tuple(self._encode([text], "query")[0])
