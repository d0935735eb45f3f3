"""The same ingestion and search through a real `chroma run` server."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest


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


def test_ingest_and_search_through_a_server(run_json, corpus, chroma_server):
    code, report = run_json("--chroma-url", chroma_server, "ingest", str(corpus))
    assert code == 0 and report["added"] == 5
    code, report = run_json("--chroma-url", chroma_server, "ingest", str(corpus))
    assert report["unchanged"] == 5
    code, found = run_json("--chroma-url", chroma_server, "search", "Blinken phone call with Sudani", "-k", "2")
    assert code == 0
    assert found["results"][0]["doc_id"] == "001_6e69f22dc3c2ec4f.txt"


def test_unreachable_server_is_a_clear_error(run_qa):
    code, _out, err = run_qa("--chroma-url", f"http://127.0.0.1:{free_port()}", "search", "troops")
    assert code == 1 and "Chroma server" in err
