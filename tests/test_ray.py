"""`qa ingest --ray` on a real local Ray cluster (a head node and a second worker node,
one core each) into a real `chroma run` server stores what a single-process ingest
stores: the same passages and vectors, the same catalogue, the same BM25 index."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.embeddings import SentenceTransformerEmbeddings
from qa.fanout import RayEmbeddings
from qa.lexical import load_or_build
from qa.precision import bfloat16_native
from qa.store import open_catalog, open_store

from .conftest import free_port

RAY = str(Path(sys.executable).with_name("ray"))
# In float32 a passage's vector does not depend on the passages embedded beside it (to
# ~1e-7); in bfloat16 (where the CPU has it natively) it moves by up to ~5e-4 with them
# (README, "A faster encoder"), and each worker embeds its own share of the passages.
SAME_VECTOR = 1e-3 if bfloat16_native() else 1e-5


@pytest.fixture
def ray_cluster():
    port = free_port()
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    temp = tempfile.mkdtemp(prefix="ray", dir="/tmp")  # Ray's socket paths must stay short
    common = ["--num-cpus", "1", "--object-store-memory", str(200 * 2**20), "--disable-usage-stats"]
    try:
        subprocess.run(
            [RAY, "start", "--head", "--port", str(port), "--include-dashboard", "false", "--temp-dir", temp, *common],
            check=True,
            env=env,
            capture_output=True,
        )
        subprocess.run(
            [RAY, "start", "--address", f"127.0.0.1:{port}", *common], check=True, env=env, capture_output=True
        )
        yield f"127.0.0.1:{port}"
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True)
        shutil.rmtree(temp, ignore_errors=True)


def stored(settings: Settings) -> tuple[list, dict, list]:
    store = open_store(settings)
    got = store.collection.get(include=["documents", "metadatas", "embeddings"])
    rows = sorted(zip(got["ids"], got["documents"], got["metadatas"], got["embeddings"], strict=True))
    catalogue = {r.key: (r.content_hash, r.passages, r.title, r.outlet, r.date) for r in open_catalog(settings).all()}
    return rows, catalogue, load_or_build(store).ids


def test_an_ingest_fanned_out_on_ray_stores_what_one_process_stores(
    run_json, corpus, chroma_server, tmp_path, ray_cluster
):
    code, report = run_json(
        "--chroma-url", chroma_server, "--collection", "fanned", "ingest", str(corpus), "--ray", ray_cluster
    )
    assert code == 0 and report["added"] == 5 and report["failed"] == []
    code, again = run_json(
        "--chroma-url", chroma_server, "--collection", "fanned", "ingest", str(corpus), "--ray", ray_cluster
    )
    assert again["unchanged"] == 5 and again["added"] == 0  # incremental as ever

    fanned = Settings().with_overrides(store_dir=tmp_path / "store", chroma_url=chroma_server, collection="fanned")
    single = Settings().with_overrides(store_dir=tmp_path / "single", chroma_url=chroma_server, collection="single")
    from ingest.sync import ingest

    ingest([corpus], single)
    encoder = RayEmbeddings(ray_cluster, single.embedding_model, single.model_cache)
    try:  # the vectors do come from the cluster: one encoder actor on each node's core
        texts = [r[1] for r in stored(single)[0][:4]]
        vectors = encoder.embed_documents(texts)
        assert len(encoder._encoders()) == 2
        assert np.allclose(
            vectors,
            SentenceTransformerEmbeddings(single.embedding_model, single.model_cache).embed_documents(texts),
            atol=SAME_VECTOR,
        )
    finally:
        encoder.shutdown()
    (rows, catalogue, bm25), (rows1, catalogue1, bm25_1) = stored(fanned), stored(single)
    assert [r[:3] for r in rows] == [r[:3] for r in rows1]  # the same passages, texts and metadata
    assert np.allclose(np.array([r[3] for r in rows]), np.array([r[3] for r in rows1]), atol=SAME_VECTOR)
    assert catalogue == catalogue1 and bm25 == bm25_1


def test_an_unreachable_ray_cluster_is_a_clear_error(run_qa, corpus):
    code, _, err = run_qa("ingest", str(corpus), "--ray", f"127.0.0.1:{free_port()}")
    assert code == 1 and "Cannot join the Ray cluster" in err
