"""A slow LLM answer in the real chat and Chromium: what the user sees while it is
written, and the Stop button. The LLM is the real tiny local model (SmolLM2-135M)
behind a real slow TCP link (tests/slow_link.py)."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from qa.config import PROJECT_ROOT
from qa.llm import serve_gguf

from .slow_link import SlowLink
from .test_access_browser import browser, start_chat, stop  # noqa: F401  (browser is a fixture)
from .test_browser import ARTIFACTS


@pytest.fixture(scope="module")
def slow_llm():
    gguf = Path(os.environ.get("QA_TEST_GGUF", PROJECT_ROOT / ".cache/llm/SmolLM2-135M-Instruct.Q4_1.gguf"))
    if not gguf.is_file():
        pytest.fail(f"{gguf} is missing: `make test` fetches the test model (or set QA_TEST_GGUF)")
    server, url = serve_gguf(gguf)
    link = SlowLink(url, chunk=64, delay=0.5)
    yield link
    link.close()
    del server


def test_a_slow_llm_answer_shows_what_it_is_doing_and_stop_ends_it(browser, tmp_path, monkeypatch, slow_llm):  # noqa: F811
    monkeypatch.setenv("QA_LLM_CHOICES", "Slow local model=openai:local")
    monkeypatch.setenv("QA_LLM_BASE_URL", slow_llm.url)
    server, url = start_chat(tmp_path)
    try:
        page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
        page.goto(url, wait_until="networkidle")
        page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
        page.locator('[data-testid="stSelectbox"]').filter(has_text="Answerer").click()
        page.get_by_role("option", name="Slow local model").click()  # the operator's label, not the spec
        box = page.get_by_placeholder("Ask about the articles")
        box.fill("How many US troops are in Iraq?")
        box.press("Enter")
        page.get_by_text("Writing…", exact=False).wait_for(timeout=300_000)  # the phase and the seconds
        stop_button = page.locator('[data-testid="stChatMessage"]').last.get_by_role("button", name="Stop")
        stop_button.wait_for(timeout=60_000)
        page.screenshot(path=str(ARTIFACTS / "chat-llm-writing.png"), full_page=True)
        pressed = time.monotonic()
        stop_button.click()
        page.get_by_text("Stopped before it was answered.").wait_for(timeout=30_000)
        assert slow_llm.client_hung_up.wait(30), "the chat left the LLM's stream open"
        assert time.monotonic() - pressed < 30
        assert b"[DONE]" not in slow_llm.delivered  # the answer was not written to its end
        page.screenshot(path=str(ARTIFACTS / "chat-llm-stopped.png"), full_page=True)
    finally:
        stop(server, url)
