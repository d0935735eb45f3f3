"""Encoder speed on this CPU: ways to run the bundled e5-small faster (issue 13).

Loads the bundled model exactly as the product does, cuts a fixed sample of real
Arabic news articles (../shared/news) into passages the way ``qa ingest`` does, and
times each variant on the same passages, the variants taking turns (A, B, C, A, B,
C, ...) so load from other processes falls on all of them alike; the median of
the rounds is reported. Each variant's vectors are compared with today's (cosine
per passage), and the fastest variants that keep cosine >= 0.99 are scored on
XQuAD/ARCD by pure dense retrieval (one vector per whole bench passage, question
against all of the set's passages, nDCG@10 with qa.bench's scoring).

Variants:
- baseline: ``SentenceTransformer.encode`` as ``SentenceTransformerEmbeddings``
  calls it (prompt "passage: ", batch 32, normalised), on groups of
  ``Settings.ingest_batch`` passages in document order, as an ingest hands them over;
- torch int8: ``torch.ao.quantization.quantize_dynamic`` of every nn.Linear, weights
  per output channel, activations on the full 8-bit range (see ``torch_int8``);
- ONNX int8: ``torch.onnx.export`` of the BERT (eager attention), onnxruntime's
  BERT graph fusions, ``onnxruntime.quantization.quantize_dynamic`` (per channel),
  mean pooling and normalisation in numpy as the model's 1_Pooling config says;
- bfloat16: the same model under ``torch.autocast`` to bfloat16 (as the reader runs
  where the CPU has AVX-512 BF16; see qa.precision.bfloat16_native), no weights changed;
- each of these "+ sorted": all passages sorted by token count across documents,
  encoded in batches of 32, put back in order;
- shipped: ``SentenceTransformerEmbeddings`` as ``qa ingest`` runs it (each call's
  passages sorted by token count, bfloat16 where the CPU has it natively), on groups
  of ``Settings.ingest_batch`` passages.

Each variant is also checked for batch dependence: the first 8 passages embedded one
at a time against the same passages embedded in one call with the next 24 (the
largest difference in any dimension, ~1e-7 in float32, and the lowest cosine). A variant whose vectors
depend on their batch gives an article another vector when it is re-ingested beside
other articles or on another Ray worker.

The ONNX variants need the ``onnx`` package (onnxruntime is installed, onnx is not):
it is looked for in ``--onnx-site`` (e.g. ``pip install --no-deps --target
/tmp/onnxdeps onnx ml_dtypes``) and the ONNX variants are skipped without it.

    python benchmarks/encoder_speed.py [--passages 200] [--rounds 3] [--no-ndcg] [--only bfloat16]
"""

from __future__ import annotations

import argparse
import copy
import importlib.util
import json
import lzma
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.split import split_passages
from qa.bench import BENCH_DIR, SETS, Scores, bench_documents
from qa.config import BUNDLED_MODEL_NAME, PROJECT_ROOT, Settings
from qa.embeddings import SentenceTransformerEmbeddings
from qa.precision import bfloat16_native

NEWS = PROJECT_ROOT.parent / "shared" / "news" / "ant-v2.1.jsonl.xz"
BATCH = 32  # SentenceTransformerEmbeddings' default batch size
MIN_COSINE = 0.99
# Each layer's FFN down-projection (input: the GELU output, whose long tail per-tensor
# 8-bit activations handle worst): "encoder.layer.3.output.dense" in torch,
# "/inner/encoder/layer.3/output/dense/MatMul" in the ONNX graph.
FFN_DOWN = re.compile(r"layer[./]\d+[./]output[./]dense")

# The ONNX variants (and checks), named before they are built: building them takes a minute.
ONNX_NAMES = (
    "ONNX int8 (fused, per-channel)",
    "ONNX int8 + sorted",
    "ONNX int8, FFN-down fp32",
    "ONNX int8, FFN-down fp32 + sorted",
    "ONNX fp32 (fused)",
    "ONNX fp32 + sorted",
    "ONNX fp32 (fused): pipeline check",
    "ONNX int8 per-tensor",
)
Encode = Callable[[list[str], str], np.ndarray]  # (texts, prompt name) -> normalised vectors


# ---------------------------------------------------------------- the sample


def news_passages(model, count: int) -> list[str]:
    """The first ``count`` passages of the archive's articles (every 7th article, so
    all five outlets and the categories mix), split as ``qa ingest`` splits them."""

    def count_tokens(text: str) -> int:  # SentenceTransformerEmbeddings.count_tokens
        return len(model.tokenizer(text, add_special_tokens=False)["input_ids"])

    passages: list[str] = []
    with lzma.open(NEWS, "rt", encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % 7:
                continue
            text = json.loads(line)["text"]
            passages.extend(chunk.text for chunk in split_passages(text, count_tokens))
            if len(passages) >= count:
                break
    return passages[:count]


# ---------------------------------------------------------------- variants


def st_encoder(model) -> Encode:
    """``model.encode`` in float32 in one call, as SentenceTransformerEmbeddings called it
    before it sorted its passages by length and computed in bfloat16 (the baseline)."""

    def encode(texts: list[str], prompt_name: str) -> np.ndarray:
        prompt = prompt_name if prompt_name in (model.prompts or {}) else None
        return model.encode(
            texts,
            prompt_name=prompt,
            batch_size=BATCH,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    return encode


def in_groups(encode: Encode, group: int) -> Encode:
    """Encode in consecutive groups of ``group`` texts: how an ingest hands passages
    to embed_documents (``Settings.ingest_batch`` per call)."""

    def grouped(texts: list[str], prompt_name: str) -> np.ndarray:
        return np.vstack([encode(texts[i : i + group], prompt_name) for i in range(0, len(texts), group)])

    return grouped


def length_sorted(encode: Encode, tokenizer) -> Encode:
    """Sort all texts by token count (across documents), encode in batches, restore order.
    The counting is part of the timed work."""

    def encode_sorted(texts: list[str], prompt_name: str) -> np.ndarray:
        lengths = [len(ids) for ids in tokenizer(texts, add_special_tokens=False)["input_ids"]]
        order = np.argsort(lengths, kind="stable")[::-1]
        ordered = [texts[i] for i in order]
        vectors = np.vstack([encode(ordered[i : i + BATCH], prompt_name) for i in range(0, len(ordered), BATCH)])
        out = np.empty_like(vectors)
        out[order] = vectors
        return out

    return encode_sorted


def shipped(encoder: SentenceTransformerEmbeddings) -> Encode:
    """The product's encoder as an ingest (passages) and a question (queries) call it."""

    def encode(texts: list[str], prompt_name: str) -> np.ndarray:
        return np.asarray(encoder.encode(texts, prompt_name), dtype=np.float32)

    return encode


def bfloat16(encode: Encode) -> Encode:
    """``encode`` under CPU autocast to bfloat16 (matrix products in bfloat16, the rest
    in float32); the vectors come back as float32."""
    import torch

    def encode_bf16(texts: list[str], prompt_name: str) -> np.ndarray:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return np.asarray(encode(texts, prompt_name), dtype=np.float32)

    return encode_bf16


def batch_dependence(encode: Encode, texts: list[str], alone: int = 8) -> tuple[float, float]:
    """How much the first ``alone`` texts' vectors change between embedding each one alone
    and embedding them in one call with the next texts (a batch of ``BATCH``): the
    largest change in any dimension, and the lowest cosine."""
    together = encode(texts[:BATCH], "passage")[:alone]
    single = np.vstack([encode([text], "passage") for text in texts[:alone]])
    return float(np.abs(together - single).max()), float((together * single).sum(axis=1).min())


def torch_int8(model, keep_ffn_down: bool = False):
    """A copy of ``model`` with every nn.Linear (``keep_ffn_down``: except each layer's
    FFN down-projection, ``layer.N.output.dense``) dynamically quantised to int8.

    Weights are quantised per output channel, and activations use the full 8-bit range:
    torch's dynamic Linear (module version >= 4) passes reduce_range=True to the x86
    kernel, a 7-bit range meant for CPUs without VNNI, which alone costs ~0.015 cosine
    here; the version-3 code path calls the same kernel without it. Per tensor with
    reduce_range (torch's default) gives cosine ~0.97 (see ``torch_int8_default``).
    """
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    torch.backends.quantized.engine = "x86"
    quantized = copy.deepcopy(model)
    linears = {
        name: per_channel_dynamic_qconfig
        for name, module in quantized.named_modules()
        if isinstance(module, torch.nn.Linear) and not (keep_ffn_down and FFN_DOWN.search(name))
    }
    quantize_dynamic(quantized, linears, inplace=True)
    for module in quantized.modules():
        if isinstance(module, torch.ao.nn.quantized.dynamic.Linear):
            module.version = 3
    return quantized


def torch_int8_default(model):
    """torch's out-of-the-box dynamic int8 (per tensor, reduce_range): cosine only."""
    import torch
    from torch.ao.quantization import quantize_dynamic

    torch.backends.quantized.engine = "x86"
    quantized = copy.deepcopy(model)
    quantize_dynamic(quantized, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    return quantized


class OnnxEncoder:
    """An ONNX export of the model's BERT in onnxruntime, with the rest of the
    sentence-transformers pipeline (prompt, tokenizer, length sort within a call,
    mean pooling over the attention mask, L2 normalisation) in numpy."""

    def __init__(self, path: Path, model, threads: int) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        self.session = ort.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])
        self.tokenizer = model.tokenizer
        self.prompts = model.prompts or {}
        self.max_length = model.max_seq_length

    def encode(self, texts: list[str], prompt_name: str) -> np.ndarray:
        prefix = self.prompts.get(prompt_name, "")
        order = np.argsort([-len(t) for t in texts], kind="stable")  # as SentenceTransformer.encode
        parts = []
        for start in range(0, len(texts), BATCH):
            batch = [prefix + texts[i] for i in order[start : start + BATCH]]
            enc = self.tokenizer(batch, padding=True, truncation=True, max_length=self.max_length, return_tensors="np")
            mask = enc["attention_mask"].astype(np.int64)
            (hidden,) = self.session.run(None, {"input_ids": enc["input_ids"].astype(np.int64), "attention_mask": mask})
            summed = (hidden * mask[..., None]).sum(axis=1)
            mean = summed / np.maximum(mask.sum(axis=1, keepdims=True), 1)
            parts.append(mean / np.maximum(np.linalg.norm(mean, axis=1, keepdims=True), 1e-12))
        vectors = np.vstack(parts).astype(np.float32)
        out = np.empty_like(vectors)
        out[order] = vectors
        return out


def check_pooling(folder: Path) -> None:
    """The numpy pooling above is mean + normalise: make sure the model says so."""
    modules = [m["type"].rsplit(".", 1)[-1] for m in json.loads((folder / "modules.json").read_text())]
    pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
    if modules != ["Transformer", "Pooling", "Normalize"] or pooling.get("pooling_mode") != "mean":
        raise SystemExit(f"unexpected model layout {modules} / {pooling}: the ONNX pooling would be wrong")


def build_onnx(model, folder: Path, workdir: Path) -> dict[str, Path]:
    """Export, fuse and quantise: {"fp32": fused model, "int8": per-channel int8,
    "int8-keep-ffn-down": the same but the FFN down-projections in fp32, "int8-per-tensor": ...}."""
    import onnx
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers import optimizer

    check_pooling(folder)
    bert = copy.deepcopy(model[0].auto_model).eval()
    bert.set_attn_implementation("eager")  # sdpa exports to a graph the BERT fusions miss

    class Bert(torch.nn.Module):
        def __init__(self, inner) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state

    sample = model.tokenizer(
        ["passage: short", "passage: a longer text, with padding in the other row"], padding=True, return_tensors="pt"
    )
    raw = workdir / "e5.onnx"
    axes = {0: "batch", 1: "tokens"}
    with torch.no_grad():
        torch.onnx.export(
            Bert(bert),
            (sample["input_ids"], sample["attention_mask"]),
            str(raw),
            dynamo=False,  # the dynamo exporter needs onnxscript, which is not installed
            input_names=["input_ids", "attention_mask"],
            output_names=["last_hidden_state"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "last_hidden_state": axes},
            opset_version=17,
        )
    config = bert.config
    fused = optimizer.optimize_model(
        str(raw), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size
    )
    print(f"  ONNX fusions: {fused.get_fused_operator_statistics()}", file=sys.stderr)
    paths = {"fp32": workdir / "e5-fused.onnx"}
    fused.save_model_to_file(str(paths["fp32"]))
    raw.unlink()
    ffn_down = [n.name for n in fused.model.graph.node if n.op_type == "MatMul" and FFN_DOWN.search(n.name)]
    for name, per_channel, exclude in (
        ("int8", True, []),
        ("int8-keep-ffn-down", True, ffn_down),
        ("int8-per-tensor", False, []),
    ):
        paths[name] = workdir / f"e5-{name}.onnx"
        quantize_dynamic(
            str(paths["fp32"]),
            str(paths[name]),
            weight_type=QuantType.QInt8,
            per_channel=per_channel,
            nodes_to_exclude=exclude,
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},  # fused ops have no inferred types
        )
    return paths


# ---------------------------------------------------------------- measuring


def cosines(vectors: np.ndarray, reference: np.ndarray) -> np.ndarray:
    return np.sum(vectors * reference, axis=1) / (np.linalg.norm(vectors, axis=1) * np.linalg.norm(reference, axis=1))


def dense_ndcg(encode: Encode) -> dict[str, tuple[Scores, np.ndarray]]:
    """nDCG@10 (and recall@1/10) of pure dense retrieval on each qa.bench set: every
    question against all of its set's passages, one vector per whole passage; with
    each question's own nDCG@10, for paired differences between encoders."""
    results: dict[str, tuple[Scores, np.ndarray]] = {}
    doc_vectors: dict[str, tuple[list[str], np.ndarray]] = {}
    for name, docs_file, queries_file, lang in SETS:
        if docs_file not in doc_vectors:
            docs = bench_documents(docs_file)
            doc_vectors[docs_file] = ([d["id"] for d in docs], encode([d["text"] for d in docs], "passage"))
        ids, vectors = doc_vectors[docs_file]
        lines = (BENCH_DIR / queries_file).read_text(encoding="utf-8").splitlines()
        queries = [q for q in map(json.loads, lines) if q["lang"] == lang]
        scores = encode([q["question"] for q in queries], "query") @ vectors.T
        totals = Scores()
        gains = []
        top = np.argsort(-scores, axis=1)[:, :10]
        for q, row in zip(queries, top):
            ranked = [ids[i] for i in row]
            before = totals.ndcg10
            totals.add(ranked.index(q["gold_doc_id"]) + 1 if q["gold_doc_id"] in ranked else None)
            gains.append(totals.ndcg10 - before)
        results[name] = (totals.mean(), np.array(gains))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--passages", type=int, default=200, help="news passages in the timed sample")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds (each variant once per round)")
    parser.add_argument(
        "--ndcg-variants", type=int, default=4, help="fastest passing variants scored on the bench sets"
    )
    parser.add_argument("--no-ndcg", action="store_true", help="skip the XQuAD/ARCD retrieval scores")
    parser.add_argument("--no-onnx", action="store_true", help="skip the ONNX variants")
    parser.add_argument(
        "--only", nargs="*", default=[], help="time the baseline and the variants whose names hold one of these"
    )
    parser.add_argument("--onnx-fp32", action="store_true", help="also time the fused fp32 ONNX model in the rounds")
    parser.add_argument(
        "--onnx-site", type=Path, default=Path("/tmp/onnxdeps"), help="where to find `onnx` if not installed"
    )
    args = parser.parse_args()

    import torch
    from transformers.utils import logging as hf_logging

    started = time.perf_counter()
    settings = Settings()
    encoder = SentenceTransformerEmbeddings(BUNDLED_MODEL_NAME, settings.model_cache)
    model = encoder.model  # loaded as the product loads it, once for every variant
    from qa.bundled_model import ensure_bundled_model

    folder = ensure_bundled_model(settings.model_cache)
    hf_logging.set_verbosity_error()
    threads = torch.get_num_threads()
    texts = news_passages(model, args.passages)
    tokens = [len(ids) for ids in model.tokenizer(["passage: " + t for t in texts])["input_ids"]]
    print(
        f"{len(texts)} news passages, tokens mean {np.mean(tokens):.0f} min {min(tokens)} max {max(tokens)}; "
        f"torch {torch.__version__}, {threads} threads, quantized engine x86",
        file=sys.stderr,
    )

    # Timed in the rounds; ``checks`` run once, for their cosine.
    base = st_encoder(model)
    variants: dict[str, Encode] = {
        "baseline (ST encode, groups of ingest_batch)": in_groups(base, settings.ingest_batch),
        "baseline + sorted": length_sorted(base, model.tokenizer),
    }
    checks: dict[str, Encode] = {}
    variants[f"shipped (bfloat16: {bfloat16_native()})"] = in_groups(shipped(encoder), settings.ingest_batch)
    variants["bfloat16 (autocast)"] = in_groups(bfloat16(base), settings.ingest_batch)
    variants["bfloat16 + sorted"] = length_sorted(bfloat16(base), model.tokenizer)
    int8 = st_encoder(torch_int8(model))  # seconds to build: always, and filtered below
    variants["torch int8 (per-channel, full range)"] = in_groups(int8, settings.ingest_batch)
    variants["torch int8 + sorted"] = length_sorted(int8, model.tokenizer)
    int8_mixed = st_encoder(torch_int8(model, keep_ffn_down=True))
    variants["torch int8, FFN-down fp32"] = in_groups(int8_mixed, settings.ingest_batch)
    variants["torch int8, FFN-down fp32 + sorted"] = length_sorted(int8_mixed, model.tokenizer)
    checks["torch int8 default (per-tensor, reduce_range)"] = st_encoder(torch_int8_default(model))

    def wanted(name: str) -> bool:
        return not args.only or any(word.lower() in name.lower() for word in args.only)

    workdir = Path(tempfile.mkdtemp(prefix="encoder-speed-"))
    onnx_note = ""
    if not args.no_onnx and any(wanted(name) for name in ONNX_NAMES):
        if importlib.util.find_spec("onnx") is None:
            sys.path.insert(0, str(args.onnx_site))
        try:
            import onnx  # noqa: F401

            paths = build_onnx(model, folder, workdir)
            q8 = OnnxEncoder(paths["int8"], model, threads)
            variants["ONNX int8 (fused, per-channel)"] = in_groups(q8.encode, settings.ingest_batch)
            variants["ONNX int8 + sorted"] = length_sorted(q8.encode, model.tokenizer)
            q8_mixed = OnnxEncoder(paths["int8-keep-ffn-down"], model, threads)
            variants["ONNX int8, FFN-down fp32"] = in_groups(q8_mixed.encode, settings.ingest_batch)
            variants["ONNX int8, FFN-down fp32 + sorted"] = length_sorted(q8_mixed.encode, model.tokenizer)
            fp32 = OnnxEncoder(paths["fp32"], model, threads)
            if args.onnx_fp32:
                variants["ONNX fp32 (fused)"] = in_groups(fp32.encode, settings.ingest_batch)
                variants["ONNX fp32 + sorted"] = length_sorted(fp32.encode, model.tokenizer)
            else:
                checks["ONNX fp32 (fused): pipeline check"] = fp32.encode
            checks["ONNX int8 per-tensor"] = OnnxEncoder(paths["int8-per-tensor"], model, threads).encode
        except ImportError as exc:
            onnx_note = f"ONNX variants skipped: {exc} (see --onnx-site)"
            print(onnx_note, file=sys.stderr)
    if args.only:
        names = [*variants, *checks, *ONNX_NAMES]
        for word in args.only:
            if not any(word.lower() in name.lower() for name in names):
                print(f"--only {word}: no variant's name holds it", file=sys.stderr)
        baseline = next(iter(variants))
        variants = {n: e for n, e in variants.items() if n == baseline or wanted(n)}
        checks = {n: e for n, e in checks.items() if wanted(n)}
    print(f"set-up {time.perf_counter() - started:.0f} s", file=sys.stderr, flush=True)

    # Warm up, and each variant's vectors for the cosine comparison.
    vectors: dict[str, np.ndarray] = {}
    for encode in variants.values():
        encode(texts[:4], "passage")
    timings: dict[str, list[float]] = {name: [] for name in variants}
    names = list(variants)
    for r in range(args.rounds):
        # Each round starts one variant later, so no variant always runs first or last.
        for name in names[r % len(names) :] + names[: r % len(names)]:
            encode = variants[name]
            start = time.perf_counter()
            out = encode(texts, "passage")
            timings[name].append(len(texts) / (time.perf_counter() - start))
            vectors.setdefault(name, out)
        print(f"round {r + 1}: " + ", ".join(f"{t[-1]:.2f}" for t in timings.values()), file=sys.stderr, flush=True)
    reference = vectors[next(iter(variants))]
    one_shot: dict[str, float] = {}
    for name, encode in checks.items():
        encode(texts[:4], "passage")
        start = time.perf_counter()
        vectors[name] = encode(texts, "passage")
        one_shot[name] = len(texts) / (time.perf_counter() - start)

    baseline_name = next(iter(variants))
    base_speed = statistics.median(timings[baseline_name])
    rows = []
    for name in [*variants, *checks]:
        speed = statistics.median(timings[name]) if name in timings else one_shot[name]
        cos = cosines(vectors[name], reference)
        encode = variants.get(name) or checks[name]
        drift = batch_dependence(encode, texts) if "sorted" not in name else None
        rows.append((name, speed, speed / base_speed, float(cos.mean()), float(cos.min()), name in checks, drift))

    # Retrieval quality: the baseline and the fastest passing variants (unsorted forms:
    # sorting does not change vectors).
    ndcg: dict[str, dict[str, tuple[Scores, np.ndarray]]] = {}
    if not args.no_ndcg and args.ndcg_variants > 0:
        passing = [
            r[0]
            for r in sorted(rows, key=lambda r: -r[1])
            if r[0] != baseline_name and not r[5] and r[4] >= MIN_COSINE and "sorted" not in r[0]
        ]
        for name in [baseline_name, *passing[: args.ndcg_variants]]:
            start = time.perf_counter()
            ndcg[name] = dense_ndcg(variants[name])
            print(f"nDCG {name}: {time.perf_counter() - start:.0f} s", file=sys.stderr)

    set_names = [s[0] for s in SETS]
    print(f"\n{len(texts)} passages, {args.rounds} alternating rounds, median passages/s; cosine vs baseline vectors")
    header = (
        "| variant | passages/s | speed-up | cos mean | cos min | batch Δmax / cos min | "
        + " | ".join(f"nDCG@10 {s}" for s in set_names)
        + " |"
    )
    print(header)
    print("|" + "---|" * (6 + len(set_names)))
    for name, speed, up, cmean, cmin, once, drift in rows:
        cells = [f"{ndcg[name][s][0].ndcg10:.4f}" if name in ndcg else "" for s in set_names]
        label = name + (" (one run, not alternated)" if once else "")
        shown = f"{drift[0]:.1e} / {drift[1]:.6f}" if drift else ""
        print(f"| {label} | {speed:.2f} | {up:.2f}x | {cmean:.4f} | {cmin:.4f} | {shown} | " + " | ".join(cells) + " |")
    if ndcg:
        print("\nDense retrieval, whole passages (recall@1 / recall@10):")
        for name, per_set in ndcg.items():
            print(f"  {name}: " + "; ".join(f"{s} {v.recall1:.3f}/{v.recall10:.3f}" for s, (v, _) in per_set.items()))
        print("nDCG@10 change vs baseline, paired over the same questions (± 1.96 standard errors):")
        for name, per_set in ndcg.items():
            if name == baseline_name:
                continue
            parts = []
            for s, (_, gains) in per_set.items():
                diff = gains - ndcg[baseline_name][s][1]
                half = 1.96 * diff.std(ddof=1) / np.sqrt(len(diff))
                parts.append(f"{s} {diff.mean():+.4f} ± {half:.4f}")
            print(f"  {name}: " + "; ".join(parts))
    if onnx_note:
        print(onnx_note)
    shutil.rmtree(workdir, ignore_errors=True)
    print(f"\ntotal {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()
