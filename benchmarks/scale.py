"""Scale: ingest throughput, store size, memory and latency at 1k, 10k and 50k passages.

    python benchmarks/scale.py [--stages 1000,10000,50000] [--questions 60] [--workdir DIR] [--rebuild]

Builds a corpus from the public sets in ../shared/bench (XQuAD and ARCD
passages, repeated with variation: each copy's sentences rotated and joined
to a sentence of another passage, so no two documents are equal) plus the
bundled articles, and grows one embedded store in stages, keeping a copy of
the store at each (in --workdir, so a rerun measures again without
ingesting again). The first stage's passages are also encoded with a bare
``SentenceTransformer.encode`` (the pipeline's overhead), and a random sample
at the end checks it at full size; last, the whole corpus is re-ingested
unchanged. Then, for each stage in a process of its own: store size on
disk, peak memory, search and extractive-answer latency p50/p95 (fresh
questions from the bench sets, after warm-up) and the answer accuracy on
the answerable questions of eval/questions.jsonl, so a loss of quality at
scale shows too. The build takes about 90 minutes at 50k on 2 cores.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ingest.sync import ingest
from qa.bench import BENCH_DIR, bench_documents
from qa.config import BUNDLED_CORPUS, Settings
from qa.embeddings import SentenceTransformerEmbeddings
from qa.engine import Engine
from qa.evaluate import evaluate_answers, load_questions
from qa.sentences import sentence_spans
from qa.store import open_store

WARM_UP = 5
BARE_SAMPLE = 2000
PART_DOCS = 4000


def variants(docs: list[dict]):
    """Copy 0 of every document, then copy 1 of every document, and so on, without end."""
    sentences = [[s.of(d["text"]) for s in sentence_spans(d["text"])] or [d["text"]] for d in docs]
    copy = 0
    while True:
        for i, doc in enumerate(docs):
            if copy == 0:
                yield doc
                continue
            own = sentences[i]
            shift = copy % len(own)
            other = sentences[(i * 7 + copy) % len(docs)]
            text = " ".join(own[shift:] + own[:shift] + [other[copy % len(other)]])
            yield {"id": f"{doc['id']}~{copy}", "title": f"{doc['title']} ({copy})", "text": text}
        copy += 1


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from a parent)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def timed_questions(engine: Engine, questions: list[str]) -> dict[str, list[float]]:
    """Milliseconds per question for `qa search` (top 5 documents) and `qa ask` (extractive)."""
    out: dict[str, list[float]] = {"search": [], "answer": []}
    for question in questions:
        start = time.perf_counter()
        engine.search(question, 5)
        out["search"].append((time.perf_counter() - start) * 1000)
        out["answer"].append(engine.ask(question).timings_ms["total"])
    return out


class Progress:
    """One line on stderr every 30 seconds of a long ingest."""

    def __init__(self, label: str) -> None:
        self.label, self.last = label, 0.0

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.last > 30 or done == total:
            self.last = time.monotonic()
            print(f"  {self.label}: {done}/{total} passages", file=sys.stderr, flush=True)


def build(workdir: Path, stages: list[int]) -> dict:
    """Grow one store through the stages, copying it at each; the ingest timings in build.json."""
    corpus, store_dir = workdir / "corpus", workdir / "store"
    shutil.rmtree(workdir, ignore_errors=True)
    corpus.mkdir(parents=True)
    for article in BUNDLED_CORPUS.glob("*.txt"):
        (corpus / article.name).write_bytes(article.read_bytes())
    settings = Settings().with_overrides(store_dir=store_dir)
    embeddings = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
    model = embeddings.model  # loaded outside the timings
    documents = variants(bench_documents("xquad.docs.jsonl") + bench_documents("arcd.docs.jsonl"))
    steps: list[dict] = []
    passages, per_doc = 0, 1.2
    for stage, target in enumerate(stages):
        while passages < target:
            wanted = max(int((target - passages) / per_doc * 1.03), 1)
            for first in range(0, wanted, PART_DOCS):  # files well under the size cap
                part = corpus / f"part-{len(steps):03d}-{first // PART_DOCS:02d}.jsonl"
                lines = (json.dumps(next(documents), ensure_ascii=False) for _ in range(min(PART_DOCS, wanted - first)))
                part.write_text("\n".join(lines) + "\n", encoding="utf-8")
            start = time.perf_counter()
            report = ingest([corpus], settings, progress=Progress(f"to {target}"), encoder=embeddings)
            seconds = time.perf_counter() - start
            if report.passages <= passages:  # a copy left empty by cleaning is fine; no progress is not
                raise SystemExit(f"the ingest added nothing: {report.failed[:3]}")
            steps.append({"stage": target, "passages": report.passages - passages, "seconds": seconds})
            per_doc, passages = report.passages / report.documents, report.passages
            (workdir / "steps.json").write_text(json.dumps(steps, indent=1))  # kept if the run is stopped
        if stage == 0:  # the same passages through a bare encode
            texts = [text for _, text in open_store(settings).texts()]
            start = time.perf_counter()
            model.encode(texts, prompt_name="passage", batch_size=embeddings.batch_size)
            bare_first = {"passages": len(texts), "seconds": time.perf_counter() - start}
        shutil.copytree(store_dir, workdir / f"store-{target}")
    texts = [text for _, text in open_store(settings).texts()]
    sample = random.Random(7).sample(texts, min(BARE_SAMPLE, len(texts)))
    start = time.perf_counter()
    model.encode(sample, prompt_name="passage", batch_size=embeddings.batch_size)
    bare_rate = len(sample) / (time.perf_counter() - start)
    start = time.perf_counter()
    again = ingest([corpus], settings, encoder=embeddings)
    result = {
        "steps": steps,
        "passages": passages,
        "bare_first": bare_first,
        "bare_rate": bare_rate,
        "reingest_seconds": time.perf_counter() - start,
        "reingest_all_unchanged": again.unchanged == again.documents and again.added == again.updated == 0,
        "peak_rss_mib": peak_rss_mib(),
    }
    (workdir / "build.json").write_text(json.dumps(result, indent=1))
    return result


def measure(store_dir: Path, questions: int) -> dict:
    """Latency on fresh questions after warm-up, and the eval set's answer accuracy, for one store."""
    engine = Engine(Settings().with_overrides(store_dir=store_dir))
    passages = engine.refresh().store.count()
    queries = [json.loads(line) for name in ("xquad.queries.jsonl", "arcd.queries.jsonl")
               for line in (BENCH_DIR / name).read_text(encoding="utf-8").splitlines()]  # fmt: skip
    random.Random(passages).shuffle(queries)
    fresh = [q["question"] for q in queries[: WARM_UP + questions]]  # none asked twice: no warm caches
    timed_questions(engine, fresh[:WARM_UP])
    latency = timed_questions(engine, fresh[WARM_UP:])
    quality = evaluate_answers(engine, [q for q in load_questions() if q["answerable"]])
    return {
        "passages": passages,
        "store_mib": folder_bytes(store_dir) / 2**20,
        "peak_rss_mib": peak_rss_mib(),
        **{f"{k}_p{q}": percentile(v, q) for k, v in latency.items() for q in (50, 95)},
        "answer_accuracy": quality.answer_accuracy,
        "source_accuracy": quality.source_accuracy,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stages", default="1000,10000,50000", help="passage counts to measure at")
    parser.add_argument("--questions", type=int, default=60, help="timed questions per stage")
    parser.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "sanad" / "scale")
    parser.add_argument("--rebuild", action="store_true", help="build the stores again even if built")
    parser.add_argument("--measure-store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_store:  # one stage, in its own process so its peak memory is its own
        print(json.dumps(measure(args.measure_store, args.questions)))
        return
    stages = [int(s) for s in args.stages.split(",")]
    built_file = args.workdir / "build.json"
    built = None if args.rebuild or not built_file.is_file() else json.loads(built_file.read_text())
    if built is None or sorted({s["stage"] for s in built["steps"]}) != stages:
        built = build(args.workdir, stages)
    rows = []
    for target in stages:
        command = [sys.executable, __file__, "--measure-store", str(args.workdir / f"store-{target}")]
        out = subprocess.run([*command, "--questions", str(args.questions)], capture_output=True, text=True, check=True)
        rows.append(json.loads(out.stdout.splitlines()[-1]))
    print_report(rows, built)


def print_report(rows: list[dict], built: dict) -> None:
    print(
        "| passages | store on disk | query process peak memory | search p50 / p95 | answer p50 / p95 | answer acc. | source acc. |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['passages']:,} | {r['store_mib']:.0f} MiB | {r['peak_rss_mib']:.0f} MiB "
            f"| {r['search_p50']:.0f} / {r['search_p95']:.0f} ms | {r['answer_p50']:.0f} / {r['answer_p95']:.0f} ms "
            f"| {r['answer_accuracy']:.3f} | {r['source_accuracy']:.3f} |"
        )
    print()
    for step in built["steps"]:
        rate = step["passages"] / step["seconds"]
        print(
            f"ingest towards {step['stage']:>6,}: {step['passages']:>6,} passages in {step['seconds']:7.1f} s = {rate:.1f}/s"
        )
    ingest_s = sum(step["seconds"] for step in built["steps"])
    passages = built["passages"]
    first_s = sum(step["seconds"] for step in built["steps"] if step["stage"] == built["steps"][0]["stage"])
    bare = built["bare_first"]
    print(f"whole ingest: {passages:,} passages in {ingest_s:.0f} s = {passages / ingest_s:.1f} passages/s")
    print(f"ingest process peak memory: {built['peak_rss_mib']:.0f} MiB")
    print(
        f"overhead over bare encode, first stage (same {bare['passages']:,} passages): {(first_s / bare['seconds'] - 1) * 100:.0f}%"
    )
    print(
        f"overhead over bare encode, whole ingest (bare rate {built['bare_rate']:.1f}/s on {BARE_SAMPLE:,} "
        f"random passages): {(ingest_s * built['bare_rate'] / passages - 1) * 100:.0f}%"
    )
    print(
        f"unchanged re-ingest: {built['reingest_seconds']:.1f} s = {built['reingest_seconds'] / ingest_s * 100:.1f}% "
        f"of the first ingest (all unchanged: {built['reingest_all_unchanged']})"
    )


if __name__ == "__main__":
    main()
