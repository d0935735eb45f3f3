"""Ingest throughput with and without Ray fan-out (qa.fanout), on a local cluster.

    python benchmarks/ray_ingest.py [--articles 200] [--workers 2]

Starts a Ray head and WORKERS-1 more worker nodes on this machine (one core each),
then ingests the same ARTICLES news-archive articles twice into fresh embedded
stores: once in one process (torch on every core), once with ``--ray`` (one encoder
actor per worker core). Prints passages per second for each; the models' loading
is included in both, as a user would pay it.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.news import read_archive

RAY = str(Path(sys.executable).with_name("ray"))
QA = str(Path(sys.executable).with_name("qa"))


def timed_ingest(folder: Path, store: Path, *extra: str) -> tuple[int, float]:
    start = time.perf_counter()
    out = subprocess.run([QA, "--store", str(store), "ingest", str(folder), "--json", *extra],
                         capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(out.stdout)["passages"], time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=200)
    parser.add_argument("--workers", type=int, default=2, help="Ray worker nodes, one core each")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ray-bench"))
    folder = work / "articles"
    folder.mkdir()
    articles = [a for _, a in zip(range(args.articles), read_archive(), strict=False)]
    (folder / "news.jsonl").write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), "utf-8")
    env = {**os.environ, "RAY_USAGE_STATS_ENABLED": "0"}
    common = ["--num-cpus", "1", "--object-store-memory", str(200 * 2**20), "--disable-usage-stats"]
    port = "6399"
    try:
        subprocess.run([RAY, "start", "--head", "--port", port, "--include-dashboard", "false", *common],
                       check=True, env=env, capture_output=True)  # fmt: skip
        for _ in range(args.workers - 1):
            subprocess.run(
                [RAY, "start", "--address", f"127.0.0.1:{port}", *common], check=True, env=env, capture_output=True
            )
        passages, alone = timed_ingest(folder, work / "alone")
        fanned_passages, fanned = timed_ingest(folder, work / "fanned", "--ray", f"127.0.0.1:{port}")
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True)
        shutil.rmtree(work, ignore_errors=True)
    print(f"{args.articles} articles, {passages} passages; {os.cpu_count()} cores")
    print(f"one process:            {alone:6.1f} s = {passages / alone:5.1f} passages/s")
    print(f"Ray, {args.workers} one-core workers: {fanned:6.1f} s = {fanned_passages / fanned:5.1f} passages/s "
          f"({fanned_passages / fanned / args.workers:.1f} per worker)")  # fmt: skip


if __name__ == "__main__":
    main()
