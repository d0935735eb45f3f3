"""The README's screenshots, taken from the real chat in Debian's Chromium (`make screenshots`).

Starts `qa ui` on a fresh store of the bundled articles, asks the troop question in
English and in Arabic, opens an article, and writes docs/chat*.png.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from qa.config import BUNDLED_CORPUS, PROJECT_ROOT

DOCS = PROJECT_ROOT / "docs"
CHROMIUM = os.environ.get("QA_TEST_CHROMIUM", "/usr/bin/chromium")
PORT = "8599"


def start_chat(base: Path) -> subprocess.Popen:
    shutil.copytree(BUNDLED_CORPUS, base / "articles")
    env = {**os.environ, "QA_STORE": str(base / "store"), "QA_ARTICLES": str(base / "articles")}
    server = subprocess.Popen([sys.executable, "-m", "qa.cli", "ui", "--port", PORT], env=env)
    for _ in range(240):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{PORT}/_stcore/health", timeout=2)
            return server
        except OSError:
            time.sleep(0.5)
    server.kill()
    sys.exit("the chat did not start")


def ask(page: Page, question: str) -> None:
    before = page.locator('[data-testid="stChatMessage"]').count()
    box = page.get_by_placeholder("Ask about the articles")
    box.fill(question)
    box.press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= {before + 2}", timeout=300_000
    )
    page.locator('[data-testid="stChatMessage"]').last.get_by_role("button", name="Open article").first.wait_for(
        timeout=300_000
    )
    page.get_by_role("button", name="Export").wait_for(timeout=60_000)  # drawn last: the page is done
    time.sleep(1)


def main() -> None:
    with tempfile.TemporaryDirectory() as base:
        server = start_chat(Path(base))
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=["--no-sandbox"])
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto(f"http://127.0.0.1:{PORT}", wait_until="networkidle")
                page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
                page.reload(wait_until="networkidle")  # without the first start's report
                page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
                ask(page, "How many US troops are in Iraq?")
                page.screenshot(path=DOCS / "chat.png")
                page.get_by_role("button", name="New chat").click()
                page.wait_for_function("!document.querySelector('[data-testid=\"stChatMessage\"]')", timeout=60_000)
                ask(page, "كم عدد الجنود الأميركيين في العراق؟")
                page.screenshot(path=DOCS / "chat-arabic.png")
                page.get_by_role("button", name="Open article").first.click()
                page.locator("#sanad-cited").wait_for(timeout=60_000)
                time.sleep(1)  # the scroll to the quote
                page.screenshot(path=DOCS / "chat-article.png")
                page.keyboard.press("Escape")
                page.locator('[data-testid="stSidebar"]').screenshot(path=DOCS / "chat-corpus.png")
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    print("wrote", ", ".join(str(p.relative_to(PROJECT_ROOT)) for p in sorted(DOCS.glob("chat*.png"))))


if __name__ == "__main__":
    main()
