"""Scale on real news: a store grown from the ANT archive (29,366 articles), measured per stage.

    python benchmarks/scale.py [--stages 1000,10000,all] [--workdir DIR] [--build-only]

The articles are taken in one fixed order: first the 120 articles the real-news
question set (eval/news_questions.jsonl) was written on, then the rest of the
archive (../shared/news, read where it lies) shuffled with a fixed seed; stage N is
the first N of them. One store grows through the stages by ordinary incremental
ingests (corpus files of 1,000 articles each, under --workdir), and a copy of the
store is kept at each stage. A build that is stopped resumes where it stopped on the
next run: the ingest is incremental and crash-safe, and the seconds and passages of
every run are kept in steps.json. The first stage also times the bare
encoder (``embed_documents``) on a sample of its passages (the pipeline's
overhead), and the whole store is re-ingested unchanged at the end.

Then each stage is measured in a process of its own (its peak memory is its own):
store size on disk, peak memory, search latency (the dev split's questions, each
asked once, top 5 documents) and extractive answer latency (the test split's, each
asked once: no warm caches), and the question set's answer accuracy, first-source
accuracy and abstention per split, the near misses and off-topic questions of both
splits among the whole stage's distractors. The whole archive takes about two hours
to ingest on 2 cores.
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
from qa.config import PROJECT_ROOT, Settings
from qa.embeddings import SentenceTransformerEmbeddings
from qa.engine import Engine
from qa.evaluate import grade, load_questions, summarise
from qa.news import NEWS_QUESTIONS, read_archive
from qa.store import open_store

WARM_UP = [
    "How many US troops are in Iraq?",
    "كم عدد الجنود الأمريكيين في العراق؟",
    "Who won the election?",
    "ما هي عاصمة الإقليم؟",
    "What did the ministry say?",
]
TIME_QUESTIONS = PROJECT_ROOT / "eval" / "time_questions.jsonl"
PART_ARTICLES = 1000
BARE_SAMPLE = 1000
SEED = 13


def percentile(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


def peak_rss_mib() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from a parent)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024


def ordered_articles() -> list[dict]:
    """The question set's articles first (by id), then the rest of the archive in a fixed shuffle."""
    wanted = {q["doc_id"] for q in load_questions(NEWS_QUESTIONS)}
    articles = list(read_archive())
    first = sorted((a for a in articles if a["id"] in wanted), key=lambda a: a["id"])
    rest = sorted((a for a in articles if a["id"] not in wanted), key=lambda a: a["id"])
    random.Random(SEED).shuffle(rest)
    return first + rest


class Steps:
    """Each ingest run's passages and seconds, saved as it goes (a stopped run keeps what it did)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.runs: list[dict] = json.loads(path.read_text()) if path.is_file() else []

    def start(self, stage: int) -> dict:
        run = {"stage": stage, "passages": 0, "seconds": 0.0}
        self.runs.append(run)
        return run

    def save(self) -> None:
        self.path.write_text(json.dumps(self.runs, indent=1))

    def of(self, stage: int) -> tuple[int, float]:
        runs = [r for r in self.runs if r["stage"] == stage]
        return sum(r["passages"] for r in runs), sum(r["seconds"] for r in runs)


class Progress:
    """One line on stderr, and the run's figures saved, every 30 seconds of an ingest."""

    def __init__(self, label: str, run: dict, steps: Steps) -> None:
        self.label, self.run, self.steps = label, run, steps
        self.started = self.last = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        if time.monotonic() - self.last > 30 or done == total:
            self.last = time.monotonic()
            self.run.update(passages=done, seconds=self.last - self.started)
            self.steps.save()
            print(f"  {self.label}: {done:,}/{total:,} passages", file=sys.stderr, flush=True)


def write_parts(corpus: Path, articles: list[dict]) -> None:
    """The articles as JSONL files of PART_ARTICLES each, a file rewritten only when it changes."""
    corpus.mkdir(parents=True, exist_ok=True)
    for first in range(0, len(articles), PART_ARTICLES):
        part = corpus / f"part-{first // PART_ARTICLES:03d}.jsonl"
        text = "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles[first : first + PART_ARTICLES])
        if not part.is_file() or part.read_text(encoding="utf-8") != text:
            part.write_text(text, encoding="utf-8")


def build(workdir: Path, stages: list[int]) -> None:
    """Grow the store through the stages not built yet, keeping a copy of it at each."""
    store_dir, steps = workdir / "store", Steps(workdir / "steps.json")
    settings = Settings().with_overrides(store_dir=store_dir)
    embeddings = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
    articles = ordered_articles()
    for stage in stages:
        if (workdir / f"store-{stage}").is_dir():
            continue
        write_parts(workdir / "corpus", articles[:stage])
        run = steps.start(stage)
        start = time.perf_counter()
        report = ingest([workdir / "corpus"], settings, progress=Progress(f"to {stage:,} articles", run, steps),
                        encoder=embeddings)  # fmt: skip
        run["seconds"] = time.perf_counter() - start  # its passages: the progress's last count
        steps.save()
        if report.failed:
            raise SystemExit(f"{len(report.failed)} files failed: {report.failed[:3]}")
        if stage == stages[0]:
            bare_encode(workdir, settings, embeddings)
        shutil.copytree(store_dir, workdir / f"store-{stage}")
    start = time.perf_counter()
    again = ingest([workdir / "corpus"], settings, encoder=embeddings)
    (workdir / "reingest.json").write_text(json.dumps({
        "seconds": time.perf_counter() - start,
        "all_unchanged": again.unchanged == again.documents and again.added == again.updated == 0,
        "ingest_peak_rss_mib": peak_rss_mib(),
    }))  # fmt: skip


def bare_encode(workdir: Path, settings: Settings, embeddings: SentenceTransformerEmbeddings) -> None:
    """The bare encoder on a random sample of the store's passages: the rate the pipeline is held to."""
    texts = [text for _, text in open_store(settings).texts()]
    sample = random.Random(SEED).sample(texts, min(BARE_SAMPLE, len(texts)))
    start = time.perf_counter()
    embeddings.embed_documents(sample)
    rate = len(sample) / (time.perf_counter() - start)
    (workdir / "bare.json").write_text(json.dumps({"passages": len(sample), "rate": rate}))


def measure(store_dir: Path) -> dict:
    """Latency and the real-news question set's quality on one stage's store."""
    engine = Engine(Settings().with_overrides(store_dir=store_dir))
    parts = engine.refresh()
    for question in WARM_UP:
        engine.ask(question)
    questions = load_questions(NEWS_QUESTIONS)
    search_ms, answer_ms, graded = [], [], []
    for q in questions:
        start = time.perf_counter()
        if q["split"] == "dev":  # dev: search timed, then asked; test: asked fresh, timed
            engine.search(q["question"], 5)
            search_ms.append((time.perf_counter() - start) * 1000)
            graded.append(grade(engine, q))
        else:
            graded.append(grade(engine, q))
            answer_ms.append((time.perf_counter() - start) * 1000)
    quality = {split: _quality([g for g in graded if g.question["split"] == split]) for split in ("dev", "test")}
    stored = {r.doc_id for r in parts.store.catalog.all()}
    timed = load_questions(TIME_QUESTIONS)
    if not {q["doc_id"] for q in timed} <= stored:
        timed = []  # a stage without all their articles (and so their rivals) would flatter them
    period_ms, time_graded = [], []
    for q in timed:  # the time questions (eval/time_questions.jsonl) when the stage holds their articles
        start = time.perf_counter()
        time_graded.append(grade(engine, q))
        period_ms.append((time.perf_counter() - start) * 1000)
    time_quality = {
        f"{split} {kind}": _quality(rows)
        for split in ("dev", "test")
        for kind in ("period", "relative", "latest", "period_near_miss", "all")
        if (rows := [g for g in time_graded if g.question["split"] == split and kind in ("all", g.question["kind"])])
    }
    return {
        "passages": parts.store.count(),
        "store_mib": folder_bytes(store_dir) / 2**20,
        "peak_rss_mib": peak_rss_mib(),
        **{f"search_p{q}": percentile(search_ms, q) for q in (50, 95)},
        **{f"answer_p{q}": percentile(answer_ms, q) for q in (50, 95)},
        **({f"time_answer_p{q}": percentile(period_ms, q) for q in (50, 95)} if period_ms else {}),
        "quality": quality,
        "time_quality": time_quality,
    }


def _quality(rows: list) -> dict:
    result = summarise(rows)
    near = [g for g in rows if g.question.get("kind") in ("near_miss", "period_near_miss")]
    return {
        "answer": result.answer_accuracy,
        "source": result.source_accuracy,
        "abstention_precision": result.abstention_precision,
        "abstention_recall": result.abstention_recall,
        "near_miss_abstained": sum(not g.answered for g in near) / max(len(near), 1),
        "questions": len(rows),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stages", default="1000,10000,all", help="article counts to measure at ('all': the archive)")
    parser.add_argument("--workdir", type=Path, default=Path.home() / ".cache" / "sanad" / "scale-news")
    parser.add_argument("--build-only", action="store_true", help="build the stages, measure nothing")
    parser.add_argument("--measure-store", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure_store:  # one stage, in its own process so its peak memory is its own
        print(json.dumps(measure(args.measure_store)))
        return
    total = sum(1 for _ in read_archive())
    stages = [total if s == "all" else min(int(s), total) for s in args.stages.split(",")]
    build(args.workdir, stages)
    if args.build_only:
        return
    rows = []
    for stage in stages:
        command = [sys.executable, __file__, "--measure-store", str(args.workdir / f"store-{stage}")]
        out = subprocess.run(command, capture_output=True, text=True, check=True)
        rows.append({"stage": stage, **json.loads(out.stdout.splitlines()[-1])})
    (args.workdir / "measured.json").write_text(json.dumps(rows, indent=1))
    print_report(args.workdir, rows)


def print_report(workdir: Path, rows: list[dict]) -> None:
    steps = Steps(workdir / "steps.json")
    print("| articles | passages | store on disk | query process peak memory | search p50 / p95 | answer p50 / p95 "
          "| answer acc. | first source | abstention precision / recall | near misses abstained |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        t = r["quality"]["test"]
        print(
            f"| {r['stage']:,} | {r['passages']:,} | {r['store_mib']:.0f} MiB | {r['peak_rss_mib']:.0f} MiB "
            f"| {r['search_p50']:.0f} / {r['search_p95']:.0f} ms | {r['answer_p50']:.0f} / {r['answer_p95']:.0f} ms "
            f"| {t['answer']:.3f} | {t['source']:.3f} | {t['abstention_precision']:.3f} / {t['abstention_recall']:.3f} "
            f"| {t['near_miss_abstained']:.3f} |"
        )
    print("\n(quality: the test split; dev split per stage in measured.json)\n")
    print("Questions naming a time (eval/time_questions.jsonl, test split), at the stages holding their articles:")
    print("| articles | kind | questions | answer acc. / abstained | answer p50 / p95 (all kinds) |")
    print("|---:|---|---:|---:|---:|")
    for r in rows:
        for name, t in r["time_quality"].items():
            split, kind = name.split()
            if split == "test":
                right = t["near_miss_abstained"] if kind == "period_near_miss" else t["answer"]
                print(f"| {r['stage']:,} | {kind} | {t['questions']} | {right:.3f} "
                      f"| {r['time_answer_p50']:.0f} / {r['time_answer_p95']:.0f} ms |")  # fmt: skip
    print()
    passages = seconds = 0.0
    for r in rows:
        added, spent = steps.of(r["stage"])
        passages, seconds = passages + added, seconds + spent
        print(f"ingest to {r['stage']:>6,} articles: {added:>6,} passages in {spent:7.0f} s = {added / spent:.1f}/s")
    print(f"whole ingest: {passages:,.0f} passages in {seconds:.0f} s = {passages / seconds:.1f} passages/s")
    bare = json.loads((workdir / "bare.json").read_text())
    first_passages, first_seconds = steps.of(rows[0]["stage"])
    print(f"overhead over a bare encode ({bare['rate']:.1f} passages/s on {bare['passages']:,} of the first stage's "
          f"passages): first stage {(first_seconds * bare['rate'] / first_passages - 1) * 100:.0f}%, "
          f"whole ingest {(seconds * bare['rate'] / passages - 1) * 100:.0f}%")  # fmt: skip
    again = json.loads((workdir / "reingest.json").read_text())
    print(f"unchanged re-ingest: {again['seconds']:.1f} s = {again['seconds'] / seconds * 100:.2f}% of the first "
          f"(all unchanged: {again['all_unchanged']}); ingest process peak memory {again['ingest_peak_rss_mib']:.0f} MiB")  # fmt: skip


if __name__ == "__main__":
    main()
