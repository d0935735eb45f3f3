"""Shared fixtures: real model, real Chroma, temporary stores and corpora.

Tests under tests/unit/ are the fast lane (`make check`): no model, no Chroma,
no other processes. Every other test is marked ``integration``.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qa.cli import main
from qa.config import BUNDLED_CORPUS, Settings

DATA = Path(__file__).parent / "data"
UNIT = Path(__file__).parent / "unit"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if UNIT not in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def default_dictionary(monkeypatch):
    """Every test starts from the default English→Arabic dictionary, whatever the shell sets."""
    monkeypatch.delenv("QA_DICTIONARY", raising=False)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A private copy of the bundled articles."""
    folder = tmp_path / "articles"
    shutil.copytree(BUNDLED_CORPUS, folder, ignore=shutil.ignore_patterns("README.md"))
    return folder


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    return tmp_path / "store"


@pytest.fixture
def settings(store_dir: Path) -> Settings:
    return Settings().with_overrides(store_dir=store_dir)


@pytest.fixture
def run_qa(capsys, store_dir: Path):
    """Run the qa command in-process against the temporary store: (exit code, stdout, stderr)."""

    def run(*args: str) -> tuple[int, str, str]:
        try:
            code = main(["--store", str(store_dir), *args])
        except SystemExit as exc:  # argparse usage errors
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


@pytest.fixture
def run_json(run_qa):
    def run(*args: str) -> tuple[int, dict]:
        code, out, err = run_qa(*args, "--json")
        assert out.strip(), f"no output (exit {code}): {err}"
        return code, json.loads(out)

    return run


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def chroma_server(tmp_path):
    port = free_port()
    chroma = shutil.which("chroma") or str(Path(sys.executable).with_name("chroma"))
    proc = subprocess.Popen(
        [chroma, "run", "--path", str(tmp_path / "server-data"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        pytest.fail("chroma run did not start")
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)
