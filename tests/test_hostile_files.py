"""Hostile inputs, through the real `qa` command in its own process."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys

import pytest

from qa.config import BUNDLED_CORPUS


def qa(store, *args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", "--store", str(store), *args], capture_output=True, text=True, timeout=timeout
    )


@pytest.mark.timeout(900)
def test_a_pipe_a_link_loop_and_escape_sequences_cannot_hang_stop_or_steer_anything(tmp_path):
    articles = tmp_path / "articles"
    shutil.copytree(BUNDLED_CORPUS, articles)
    os.mkfifo(articles / "pipe.txt")  # read as a file, this blocks the ingest (and its lock) for ever
    os.mknod(articles / "zero.txt", stat.S_IFCHR | 0o600, os.makedev(1, 5))  # /dev/zero: read without end
    os.symlink("loop.txt", articles / "loop.txt")
    (articles / "escapes.txt").write_text(
        "بيان عن جسر الموصل\n\n"
        "افتتحت الحكومة العراقية جسر الحرية في الموصل \x1b]0;owned\x07وقالت إن طوله 420 مترا \x1b[8mمخفي.\n",
        encoding="utf-8",
    )
    (articles / "one-bad-byte.txt").write_bytes(  # one stray byte must not cost the whole article
        "سد الموصل\n\nقالت وزارة الموارد المائية إن سد الموصل يخزن 11 مليار متر مكعب من المياه".encode()
        + b" \xff "
        + "هذا العام.\n".encode()
    )
    (articles / "a\n9 documents, 90 passages: 9 added.txt").write_bytes(b"")  # refused, so its name is printed
    (articles / "rain\x1b]0;owned\x07.txt").write_text(  # ingested: its name is printed with search results
        "أمطار في أربيل\n\nتوقعت هيئة الأنواء الجوية هطول أمطار غزيرة على مدينة أربيل مساء الخميس.\n",
        encoding="utf-8",
    )
    store = tmp_path / "store"

    done = qa(store, "ingest", str(articles))
    assert done.returncode == 3  # some inputs refused, the rest ingested
    assert "pipe.txt: not a regular file (a named pipe)" in done.stderr
    assert "zero.txt: not a regular file (a character device)" in done.stderr
    assert "loop.txt: symbolic link loops" in done.stderr and "Traceback" not in done.stderr
    assert "a\\n9 documents, 90 passages: 9 added.txt: empty file" in done.stderr  # shown escaped
    assert not any(line.startswith("9 documents") for line in done.stderr.splitlines())

    warned = [line for line in done.stderr.splitlines() if "one-bad-byte.txt" in line]
    assert warned and "replaced" in warned[0]  # said, not silent
    dam = qa(store, "ask", "كم مترا مكعبا من المياه يخزن سد الموصل؟")
    assert dam.returncode == 0 and "11" in dam.stdout

    answer = qa(store, "ask", "كم يبلغ طول جسر الحرية في الموصل؟")
    assert answer.returncode == 0 and "420" in answer.stdout
    assert "\x1b" not in answer.stdout and "\x07" not in answer.stdout  # stripped from the text at ingest
    found = qa(store, "search", "أمطار غزيرة على أربيل", "-k", "1")
    assert found.returncode == 0 and "rain\\x1b]0;owned\\x07.txt" in found.stdout  # the name, escaped
    assert "\x1b" not in found.stdout and "\x07" not in found.stdout
