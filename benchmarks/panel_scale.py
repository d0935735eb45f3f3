"""The chat's article panel at archive size (issue 13): its work per page draw on a
catalogue of the whole news archive's 29,366 articles, and its drawing in a browser.

    python benchmarks/panel_scale.py [--rounds 5]
    python benchmarks/panel_scale.py --browser STORE [--rounds 5]

Without --browser: fills a catalogue (in a temporary folder) with the archive's titles,
outlets and dates, as an ingest would record them, with no embedding; then times what
the sidebar's article panel does on every page draw: read the catalogue, count by outlet
and month, search titles (none, and a common word), sort newest first and draw one page
of rows.

With --browser: runs the chat (`qa ui`) on an existing store (the whole-archive stage of
benchmarks/scale.py) and opens it in Chromium: the seconds from a new tab's request until
the panel's counts, month chart and first page of titles are drawn, first just after the
server starts (the engine is loaded then), then in fresh tabs of the warm server; and a
title search, from Enter until its page count is drawn.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from qa.catalog import Catalog, DocumentRecord
from qa.config import Settings
from qa.display import article_rows
from qa.news import NEWS_ARCHIVE, read_archive
from qa.store import open_catalog
from ui.articles import PAGE_SIZE, Articles, pages

SEARCHED = "العراق"  # a common word in titles


def archive_records() -> list[DocumentRecord]:
    """The archive's articles as an ingest records them in the catalogue (nothing embedded)."""
    return [
        DocumentRecord(
            key=f"{NEWS_ARCHIVE}#{article['id']}",
            doc_id=str(article["id"]),
            file=str(NEWS_ARCHIVE),
            root=str(NEWS_ARCHIVE.parent),
            source=str(NEWS_ARCHIVE),
            title=article.get("title"),
            outlet=article.get("outlet"),
            date=(article.get("date") or "")[:10] or None,
            url=None,
            content_hash=str(n),
            passages=1,
        )
        for n, article in enumerate(read_archive())
    ]


def page_draw(articles: Articles, query: str) -> int:
    """What the article panel computes on every page draw; the number of titles found."""
    found = articles.matching(query)
    article_rows(found[:PAGE_SIZE])
    return len(found)


def chat_serving(store: Path, articles: Path) -> tuple[subprocess.Popen, str]:
    """`qa ui` on ``store``, once it answers its health check."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "QA_STORE": str(store), "QA_ARTICLES": str(articles)}
    server = subprocess.Popen([sys.executable, "-m", "qa.cli", "ui", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            return server, url
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("the chat did not start")


def panel_opened(browser, url: str, articles: Articles) -> tuple[object, float]:
    """A new tab on the chat, and the seconds until its article panel is drawn: its
    heading, the month chart's bars and the first page of titles."""
    tab = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    start = time.perf_counter()
    tab.goto(url)
    sidebar = tab.locator('[data-testid="stSidebar"]')
    sidebar.get_by_text(f"Articles ({len(articles.newest_first):,})").wait_for(timeout=600_000)
    if articles.months:
        sidebar.locator('[data-testid="stVegaLiteChart"] svg .mark-rect path').first.wait_for(timeout=600_000)
    rows = min(PAGE_SIZE, len(articles.newest_first))
    if rows:
        sidebar.locator(".article-row").nth(rows - 1).wait_for(timeout=600_000)
    return tab, time.perf_counter() - start


def browser_draws(store: Path, rounds: int) -> None:
    from playwright.sync_api import sync_playwright

    articles = Articles.of(open_catalog(Settings().with_overrides(store_dir=store)).all())
    with tempfile.TemporaryDirectory() as folder:
        server, url = chat_serving(store, Path(folder))
        try:
            with sync_playwright() as pw:
                chromium = os.environ.get("QA_TEST_CHROMIUM", "/usr/bin/chromium")
                browser = pw.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox"])
                tab, first = panel_opened(browser, url, articles)
                print(f"{len(articles.newest_first):,} articles: first tab after the server starts {first:.2f} s "
                      "(the engine is loaded then)")  # fmt: skip
                warm = []
                for _ in range(rounds):
                    tab.context.close()
                    tab, seconds = panel_opened(browser, url, articles)
                    warm.append(seconds)
                print(f"a new tab on the warm server: median {statistics.median(warm):.2f} s, max {max(warm):.2f} s")
                if pages(len(articles.matching(SEARCHED))) < 2 or pages(len(articles.newest_first)) < 2:
                    return  # a search is timed by its page count, drawn only for two pages or more
                searched = []
                for _ in range(rounds):
                    box = tab.get_by_label("Search titles")
                    for query in ("", SEARCHED):
                        start = time.perf_counter()
                        box.fill(query)
                        box.press("Enter")
                        tab.get_by_text(f"Page (of {pages(len(articles.matching(query))):,})").wait_for(timeout=600_000)
                    searched.append(time.perf_counter() - start)
                print(f"a title search («{SEARCHED}»), Enter until its pages are drawn: "
                      f"median {statistics.median(searched):.2f} s")  # fmt: skip
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=60)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--browser", type=Path, metavar="STORE", help="draw the panel in Chromium on this store")
    args = parser.parse_args()
    if args.browser:
        browser_draws(args.browser, args.rounds)
        return
    with tempfile.TemporaryDirectory() as folder:
        catalog = Catalog(f"sqlite:///{folder}/records.sqlite", "articles")
        records = archive_records()
        catalog.upsert(records)
        print(f"{len(records):,} articles in the catalogue")
        seconds = []
        for _ in range(args.rounds):
            start = time.perf_counter()
            articles = Articles.of(catalog.all())
            seconds.append(time.perf_counter() - start)
        print(
            f"read, counted and sorted (once each time the catalogue changes): median {statistics.median(seconds):.2f} s"
        )
        for query in ("", SEARCHED):
            seconds = []
            for _ in range(args.rounds):
                start = time.perf_counter()
                found = page_draw(articles, query)
                seconds.append(time.perf_counter() - start)
            label = f"search {query!r}" if query else "no search"
            print(f"{label}: {found:,} titles, median {statistics.median(seconds) * 1000:.0f} ms a page draw")


if __name__ == "__main__":
    main()
