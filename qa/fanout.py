"""Embedding fanned out on a Ray cluster (``qa ingest --ray ADDRESS``).

Embedding is nearly all of an ingest. ``RayEmbeddings`` is the ingest's encoder with
``embed_documents`` split across encoder actors on the cluster's workers, each with the
model loaded once; everything else stays in the ingesting process: splitting passages
(it counts tokens with its own copy of the tokenizer's model), and every write to
Chroma, the record manager and the catalogue, under the same writer lease. So an
ingest through Ray is incremental, crash-safe and one-writer-at-a-time exactly as one
without it, and stores the same passages. Ray is an optional extra
(``pip install "sanad[ray]"``); every worker machine needs this package installed.
"""

from __future__ import annotations

import logging
import socket
from pathlib import Path
from typing import Any

from qa.embeddings import SentenceTransformerEmbeddings
from qa.errors import ModelError, SanadError

CPUS_PER_ENCODER = 1  # torch on one core per actor: the cluster's cores become parallel encoders
SHARE_TIMEOUT = 1800  # seconds for one step's share (1,024 passages: about 360 s on one core in float32)


def _check_reachable(address: str) -> None:
    """Fail at once on an address nobody listens at: ``ray.init`` would wait for it for minutes."""
    host, _, port = address.rpartition(":")
    if "://" in address or not host or not port.isdigit():
        return  # "auto", or a ray:// client address: Ray reads those itself
    host = host.strip("[]")  # an IPv6 address: [::1]:6379
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise SanadError(f"Cannot join the Ray cluster at {address}: {exc.strerror or exc}") from None


class _Encoder:
    """One worker's model (a Ray actor)."""

    def __init__(self, model_name: str, cache_dir: str, batch_size: int) -> None:
        self.encoder = SentenceTransformerEmbeddings(model_name, Path(cache_dir), batch_size)

    def embed(self, texts: list[str]) -> list[list[float]]:
        return self.encoder.embed_documents(texts)


class RayEmbeddings(SentenceTransformerEmbeddings):
    """Passages embedded by encoder actors on a Ray cluster, one per CPUS_PER_ENCODER of
    the cluster's cores; questions and token counts by this process's own model."""

    def __init__(self, address: str, model_name: str, cache_dir: Path, batch_size: int = 32) -> None:
        super().__init__(model_name, cache_dir, batch_size)
        self.address = address
        self._actors: list[Any] = []
        self._joined = False  # this encoder joined the cluster, so it leaves it

    def _encoders(self) -> list[Any]:
        if self._actors:
            return self._actors
        try:
            import ray
        except ImportError:
            raise SanadError('--ray needs Ray: pip install "sanad[ray]"') from None
        _check_reachable(self.address)
        if ray.is_initialized():
            raise SanadError(
                "This process is already connected to a Ray cluster: run the ingest in a process of its own"
            )
        try:
            ray.init(address=self.address, logging_level=logging.ERROR, log_to_driver=False)
            self._joined = True
            cpus = int(ray.available_resources().get("CPU", 0))  # cores busy elsewhere would leave actors waiting
        except (ConnectionError, RuntimeError, ValueError) as exc:
            self.shutdown()
            raise SanadError(f"Cannot join the Ray cluster at {self.address}: {exc}") from None
        encoder = ray.remote(num_cpus=CPUS_PER_ENCODER)(_Encoder)
        self._actors = [
            encoder.remote(self.model_name, str(self.cache_dir), self.batch_size)
            for _ in range(max(cpus // CPUS_PER_ENCODER, 1))
        ]
        return self._actors

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """The texts' vectors, in order: contiguous shares, one per encoder, embedded at once."""
        if not texts:
            return []
        import ray

        actors = self._encoders()
        size = -(-len(texts) // len(actors))
        shares = [texts[i : i + size] for i in range(0, len(texts), size)]
        try:
            done = ray.get(
                [actor.embed.remote(share) for actor, share in zip(actors, shares, strict=False)], timeout=SHARE_TIMEOUT
            )
        except (
            ray.exceptions.RayError,
            TimeoutError,
        ) as exc:  # a worker died or is stuck: nothing of this batch is written
            raise ModelError(f"a Ray worker failed to embed its passages: {exc}") from None
        return [vector for share in done for vector in share]

    def shutdown(self) -> None:
        """Let the actors go, and leave the cluster if this encoder joined it."""
        self._actors = []
        if self._joined:
            import ray

            self._joined = False
            ray.shutdown()
