"""kill -9 during an ingest, then ingest again: the store ends exactly as a clean ingest."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from qa.config import Settings
from qa.lexical import load_or_build
from qa.store import open_store

from .conftest import DATA


def make_corpus(folder: Path, count: int = 120) -> None:
    """Short Arabic articles made from the parity sentences, one file each."""
    lines = [line for line in (DATA / "parity_sentences.txt").read_text(encoding="utf-8").splitlines() if line]
    folder.mkdir()
    for i in range(count):
        body = " ".join(lines[(i * 3 + j) % len(lines)].rstrip("؟?") + "." for j in range(3))
        (folder / f"article-{i:03d}.txt").write_text(f"خبر رقم {i}\n\n{body}\n", encoding="utf-8")


def qa(store: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "--store", str(store), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "QA_INGEST_BATCH": "8"},  # small steps, so the kill lands between two
    )


def catalogued(store: Path) -> int:
    try:
        with sqlite3.connect(store / "records.sqlite") as db:
            return db.execute("select count(*) from sanad_documents").fetchone()[0]
    except sqlite3.Error:
        return 0


def state(store: Path) -> tuple[set[str], set[str], int]:
    opened = open_store(Settings().with_overrides(store_dir=store))
    ids = set(opened.collection.get(include=[])["ids"])
    return ids, set(load_or_build(opened).ids), len(opened.catalog.all())


def test_killed_ingest_then_ingest_again_equals_a_clean_ingest(tmp_path):
    corpus = tmp_path / "corpus"
    make_corpus(corpus)
    crashed, clean = tmp_path / "crashed", tmp_path / "clean"

    victim = qa(crashed, "ingest", str(corpus), "--json")
    deadline = time.monotonic() + 300
    while catalogued(crashed) < 10 and time.monotonic() < deadline and victim.poll() is None:
        time.sleep(0.2)
    assert victim.poll() is None, "the ingest finished before it could be killed"
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait()
    assert 0 < catalogued(crashed) < 120  # it really stopped half-way

    again = qa(crashed, "ingest", str(corpus), "--json")
    report = json.loads(again.communicate(timeout=600)[0])
    assert again.returncode == 0 and report["documents"] == 120 and report["failed"] == []

    reference = qa(clean, "ingest", str(corpus), "--json")
    reference.communicate(timeout=600)

    passages, lexical, documents = state(crashed)
    assert (passages, lexical, documents) == state(clean)
    assert passages == lexical and documents == 120  # no duplicates, no orphans
