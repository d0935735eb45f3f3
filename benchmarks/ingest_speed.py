"""Ingest speed on this machine.

Builds a corpus of real Arabic text (the bundled articles, plus the XQuAD and
ARCD passages from ../shared/bench when present), ingests it into a fresh
embedded store, re-ingests it unchanged, and encodes the same passages with the
bare encoder the ingest uses (``SentenceTransformerEmbeddings.embed_documents``: the
pipeline's overhead is measured over it) and with a bare float32
``SentenceTransformer.encode`` in one call (how the encoder ran before it sorted
passages by length and computed in bfloat16 where the CPU has it).

    python benchmarks/ingest_speed.py [--limit N] [--float32]
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.sync import ingest
from qa.bench import BENCH_DIR, bench_documents
from qa.config import BUNDLED_CORPUS, Settings
from qa.embeddings import SentenceTransformerEmbeddings
from qa.store import open_store


def build_corpus(folder: Path, limit: int) -> None:
    for path in BUNDLED_CORPUS.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    lines = [
        json.dumps(doc, ensure_ascii=False)
        for name in ("xquad.docs.jsonl", "arcd.docs.jsonl")
        if (BENCH_DIR / name).is_file()
        for doc in bench_documents(name)
    ]
    (folder / "bench.jsonl").write_text("\n".join(lines[:limit]) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=10_000, help="at most this many bench documents")
    parser.add_argument(
        "--float32",
        action="store_true",
        help="the encoder in float32 even where the CPU has bfloat16 (the ingest before)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus"
        corpus.mkdir()
        build_corpus(corpus, args.limit)
        settings = Settings().with_overrides(store_dir=Path(tmp) / "store")
        encoder = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
        if args.float32:
            encoder.bfloat16 = False
        model = encoder.model  # loaded outside the timings

        start = time.perf_counter()
        first = ingest([corpus], settings, encoder=encoder)
        first_s = time.perf_counter() - start

        start = time.perf_counter()
        again = ingest([corpus], settings, encoder=encoder)
        again_s = time.perf_counter() - start

        texts = [text for _, text in open_store(settings).texts()]
        start = time.perf_counter()
        encoder.embed_documents(texts)
        bare_s = time.perf_counter() - start
        start = time.perf_counter()
        model.encode(texts, prompt_name="passage", batch_size=encoder.batch_size, normalize_embeddings=True)
        float32_s = time.perf_counter() - start

    rows = [
        ("documents", first.documents),
        ("passages", first.passages),
        ("first ingest (s)", f"{first_s:.1f}"),
        ("first ingest (passages/s)", f"{first.passages / first_s:.1f}"),
        ("bare encoder on the same passages (s)", f"{bare_s:.1f}"),
        ("pipeline overhead over the bare encoder", f"{(first_s / bare_s - 1) * 100:.0f}%"),
        ("float32 SentenceTransformer.encode, one call (s)", f"{float32_s:.1f}"),
        ("encoder speed-up over it", f"{float32_s / bare_s:.2f}x (bfloat16: {encoder.bfloat16})"),
        ("unchanged re-ingest (s)", f"{again_s:.2f}"),
        ("unchanged re-ingest / first ingest", f"{again_s / first_s * 100:.1f}%"),
        ("re-ingest reported unchanged", again.unchanged),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")


if __name__ == "__main__":
    main()
