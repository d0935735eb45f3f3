"""The engine's trim after each question gives freed heap memory back to the system."""

from __future__ import annotations

import os
import sys

import pytest

from qa.memory import release_free_memory


def _resident_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc and glibc's heap")
def test_freed_heap_memory_returns_to_the_system():
    # 128 MiB in heap-sized blocks (below glibc's mmap threshold), every page touched;
    # the last block stays, so the heap's top cannot shrink by itself when the rest is freed.
    blocks = [b"\1" * 65_000 for _ in range(2_000)]
    pinned = blocks.pop()
    before_free = _resident_mib()
    del blocks
    freed = _resident_mib()
    assert release_free_memory()
    trimmed = _resident_mib()
    assert before_free - freed < 40, "the heap gave the blocks back without a trim: the test proves nothing"
    assert freed - trimmed > 80
    assert pinned[0] == 1


def test_a_question_releases_memory_however_it_ends(monkeypatch):
    """Engine.ask is wrapped, and the wrapper releases after a return and after an error
    (the release itself replaced by a counter: what it does is tested above)."""
    import qa.memory
    from qa.engine import Engine
    from qa.memory import releasing_free_memory

    assert Engine.ask.__wrapped__  # type: ignore[attr-defined]
    released = []
    monkeypatch.setattr(qa.memory, "release_free_memory", lambda: released.append(1) or True)

    @releasing_free_memory
    def fails() -> None:
        raise RuntimeError("cancelled")

    with pytest.raises(RuntimeError):
        fails()
    assert releasing_free_memory(lambda: 7)() == 7
    assert len(released) == 2
