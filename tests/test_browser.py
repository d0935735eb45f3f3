"""What a person sees: the chat in a real headless Chromium (Debian's), driven by Playwright.

Screenshots are kept in test-artifacts/ for review.
"""

from __future__ import annotations

import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from qa.config import BUNDLED_CORPUS, PROJECT_ROOT

from .conftest import free_port

CHROMIUM = os.environ.get("QA_TEST_CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEW_ARTICLE = (
    "العراق يفتتح جسرا جديدا في الموصل\n\n"
    "افتتحت الحكومة العراقية يوم الأحد جسر الحرية الجديد فوق نهر دجلة في مدينة الموصل، "
    "وقال محافظ نينوى إن طول الجسر يبلغ 420 مترا وإنه سيخفف الازدحام بين ضفتي المدينة.\n"
)


@pytest.fixture(scope="module")
def chat_url(tmp_path_factory):
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    base = tmp_path_factory.mktemp("browser")
    articles = base / "articles"
    shutil.copytree(BUNDLED_CORPUS, articles)
    port = free_port()
    # Uploads keep the outlets the operator trusts (the wire-copy test's two).
    env = {**os.environ, "QA_STORE": str(base / "store"), "QA_ARTICLES": str(articles),
           "QA_TRUSTED_OUTLETS": "al arabiya,sky news arabia"}  # fmt: skip
    server = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "ui", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        server.kill()
        pytest.fail("the chat did not start")
    yield url
    server.terminate()
    server.wait(timeout=30)


@pytest.fixture(scope="module")
def page(chat_url):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        tab = browser.new_page(viewport={"width": 1400, "height": 1000})
        tab.goto(chat_url, wait_until="networkidle")
        tab.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
        yield tab
        browser.close()


def ask(page, question: str) -> None:
    box = page.get_by_placeholder("Ask about the articles")
    box.fill(question)
    box.press("Enter")


def last_answer(page):
    return page.locator('[data-testid="stChatMessage"]').last


def answered(page, question: str):
    """Ask and wait until the answer is drawn (its first paragraph, after the question's)."""
    before = page.locator('[data-testid="stChatMessage"]').count()
    ask(page, question)
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= {before + 2}", timeout=300_000
    )
    answer = last_answer(page)
    answer.locator("p[dir]").first.wait_for(timeout=300_000)
    idle(page)  # the rest of the answer (its cards) is drawn after its first line
    return answer


def idle(page) -> None:
    """Wait until the page's script run is over (Streamlit's running indicator is gone)."""
    page.wait_for_function("!document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=300_000)


def test_the_troop_answer_leads_with_the_figure_and_its_article_opens_at_the_quote(page):
    answer = answered(page, "How many US troops are in Iraq?")
    assert "2500" in answer.locator("p[dir]").first.inner_text()  # the direct answer comes first
    cards = answer.get_by_role("button", name="Open article")
    cards.nth(1).wait_for(timeout=60_000)
    assert cards.count() >= 2 and answer.locator("mark").count() == cards.count()  # each quote once
    assert answer.locator("mark strong").first.inner_text() == "2500"  # the figure marked in its quote
    assert "Levant News" in answer.inner_text() and "2023-12-13" in answer.inner_text()
    target = answer.locator("a.cite").first.get_attribute("href")
    assert page.locator(target).count() == 1  # [1] leads to its card
    page.screenshot(path=str(ARTIFACTS / "chat-troops.png"), full_page=True)

    cards.first.click()
    dialog = page.get_by_role("dialog")
    cited = dialog.locator("#sanad-cited")
    cited.wait_for(timeout=60_000)
    assert "2500" in cited.inner_text() and dialog.locator("p[dir]").count() > 5  # the whole article
    page.wait_for_function(
        "() => { const r = document.getElementById('sanad-cited').getBoundingClientRect();"
        " return r.top >= 0 && r.bottom <= window.innerHeight; }",
        timeout=30_000,
    )  # scrolled into view
    page.screenshot(path=str(ARTIFACTS / "chat-article.png"))
    page.keyboard.press("Escape")
    dialog.wait_for(state="hidden", timeout=30_000)


# Where a bdi's first and last three characters are drawn: in order, the first lie left of the last.
IN_ORDER = """el => {
  const text = el.firstChild, n = text.length, range = document.createRange();
  range.setStart(text, 0); range.setEnd(text, 3); const first = range.getBoundingClientRect().left;
  range.setStart(text, n - 3); range.setEnd(text, n); return first < range.getBoundingClientRect().left;
}"""


def test_arabic_answers_align_right_and_keep_dates_and_file_names_in_order(page):
    answer = answered(page, "كم عدد الجنود الأميركيين في العراق؟")
    lead = answer.locator("p[dir]").first
    assert lead.evaluate("el => getComputedStyle(el).direction") == "rtl"
    gaps = lead.evaluate(
        "el => { const r = document.createRange(); r.selectNodeContents(el); const t = r.getBoundingClientRect(),"
        " b = el.getBoundingClientRect(); return [t.left - b.left, b.right - t.right]; }"
    )
    assert gaps[1] < 2 < gaps[0]  # a short right-to-left line starts at the right edge
    shown = answer.inner_text()
    assert "كوردستان 24" in shown and "Kurdistan24" not in shown  # outlets in the reader's script
    page.screenshot(path=str(ARTIFACTS / "chat-arabic.png"), full_page=True)
    answered(page, "كم عدد المصابين في الهجوم على القاعدة في أربيل؟")
    mixed = page.locator('[data-testid="stChatMessage"] p[dir="rtl"] bdi')
    texts = mixed.all_inner_texts()
    assert any(t.endswith(".txt") for t in texts) or any(t.count("-") == 2 for t in texts)
    for n in range(mixed.count()):
        assert mixed.nth(n).evaluate(IN_ORDER), f"{texts[n]} is drawn out of order"


def test_uploaded_article_is_answerable_at_once(page, tmp_path):
    upload, noise = tmp_path / "mosul-bridge.txt", tmp_path / "noise.txt"
    upload.write_bytes(NEW_ARTICLE.encode() + b"\n\xff\n")  # one stray byte: kept, and said
    noise.write_bytes(bytes(range(256)) * 20)  # saved, then fails: binary
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([str(upload), str(noise)])
    page.get_by_text("mosul-bridge.txt").wait_for(timeout=60_000)
    page.get_by_role("button", name="Ingest uploaded files").click()
    page.get_by_text("1 added", exact=False).wait_for(timeout=300_000)
    page.get_by_text("noise.txt was not kept").wait_for(timeout=30_000)  # not failing again on every re-scan
    assert page.get_by_text("! mosul-bridge.txt: not UTF-8 in 1 place, replaced by �").count() == 1
    sidebar = page.locator('[data-testid="stSidebar"]')
    assert sidebar.get_by_text("Articles (6)").count() == 1  # the panel is current at once
    assert sidebar.locator('[data-testid="stFileUploaderFile"]').count() == 0  # the uploader starts empty again
    page.screenshot(path=str(ARTIFACTS / "chat-upload.png"), full_page=True)
    answer = answered(page, "كم يبلغ طول جسر الحرية في الموصل؟")
    answer.locator("mark").first.wait_for(timeout=300_000)
    assert "420" in answer.inner_text()
    page.screenshot(path=str(ARTIFACTS / "chat-new-article.png"), full_page=True)


@pytest.fixture
def trap_server():
    """A local web server that records every request: a hostile article's images and links aim at it."""
    requests: list[str] = []

    class Trap(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Trap)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", requests
    server.shutdown()


def test_a_hostile_article_is_shown_as_text_and_fetches_nothing(page, trap_server):
    trap, requests = trap_server
    record = {
        "id": "hostile-1",
        "outlet": f"Reuters ![o]({trap}/outlet)",
        "title": f"محصول القمح ![t]({trap}/title) :red[عاجل]",
        "url": f"https://x ![p]({trap}/pixel) [official source](https://evil.example/phish)",
        "text": (
            "أعلنت وزارة الزراعة العراقية أن محصول القمح في محافظة واسط بلغ 730 ألف طن هذا الموسم "
            "(\u202e2500\u202c طن منها في الكوت) "  # a right-to-left override: 2500 would be drawn 0052
            f"![q]({trap}/quote) [اضغط هنا](https://evil.example/phish) :red[تحذير] $\\frac{{1}}{{2}}$ "
            f'<img src="{trap}/html">، وهو أعلى رقم منذ عشر سنوات.'
        ),
    }
    feed = {"name": "hostile.jsonl", "mimeType": "application/json", "buffer": json.dumps(record).encode() + b"\n"}
    empty = {"name": f"![n]({trap}/name).txt", "mimeType": "text/plain", "buffer": b""}  # a name no disk allows
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([feed, empty])
    page.get_by_text("hostile.jsonl").wait_for(timeout=60_000)  # uploaded, as a user sees before clicking
    page.get_by_role("button", name="Ingest uploaded files").click()
    page.get_by_text("1 added", exact=False).wait_for(timeout=300_000)
    assert page.get_by_text(f"![n]({trap}/name).txt", exact=False).count() >= 1  # the refused name, as text
    ask(page, "كم بلغ محصول القمح في محافظة واسط؟")
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= 8", timeout=300_000)
    answer = last_answer(page)
    answer.locator("mark").first.wait_for(timeout=300_000)
    idle(page)  # the quote's card is drawn after the answer's first line
    answer.get_by_role("button", name="Open article").first.wait_for(timeout=60_000)
    page.wait_for_timeout(2000)  # time for any image to be requested
    page.screenshot(path=str(ARTIFACTS / "chat-hostile-article.png"), full_page=True)
    text = answer.inner_text()
    assert "730" in text and "![q](" in text and ":red[" in text  # the markup is shown as written
    assert "2500" in text and "\u202e" not in text  # the override is gone: the figure reads as written
    assert requests == []
    assert page.locator("img[src*='127.0.0.1']").count() == 0
    assert page.locator("a[href*='evil.example']").count() == 0
    assert page.locator(".katex").count() == 0


def test_the_conversation_survives_a_reload_and_exports_with_its_quotes(page):
    asked = page.locator('[data-testid="stChatMessage"]').count()
    assert asked >= 2 and "c=" in page.url  # the conversation is named in the address
    page.reload(wait_until="networkidle")
    page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= {asked}", timeout=120_000
    )
    assert "2500" in page.locator('[data-testid="stChatMessage"]').nth(1).inner_text()
    with page.expect_download() as download:
        page.get_by_role("button", name="Export").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "How many US troops are in Iraq" in exported and "حوالي 2500 عسكري أميركي" in exported
    page.get_by_role("button", name="New chat").click()
    page.wait_for_function("document.querySelectorAll('[data-testid=\"stChatMessage\"]').length === 0", timeout=60_000)
    assert page.get_by_text("Earlier conversations (1)").count() == 1


def test_figures_that_differ_are_a_table_newest_first(page):
    records = [
        {"id": "erbil-a", "date": "2023-05-02", "title": "أربيل تتوسع عمرانيا",
         "text": "قالت محافظة أربيل إن عدد سكان مدينة أربيل يبلغ نحو 1.5 مليون نسمة، وإن المدينة تشهد توسعا عمرانيا كبيرا."},
        {"id": "erbil-b", "date": "2024-02-11", "title": "مشاريع سكنية جديدة في أربيل",
         "text": "أعلنت محافظة أربيل أن عدد سكان مدينة أربيل يبلغ نحو 1.9 مليون نسمة، وأنها تخطط لمشاريع سكنية جديدة."},
    ]  # fmt: skip
    feed = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    upload = {"name": "erbil.jsonl", "mimeType": "application/json", "buffer": feed}
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([upload])
    page.get_by_text("erbil.jsonl").wait_for(timeout=60_000)
    page.get_by_role("button", name="Ingest uploaded files").click()
    page.get_by_text("2 added", exact=False).wait_for(timeout=300_000)
    answer = answered(page, "How many people live in the city of Erbil?")
    table = answer.locator("table.figures")
    table.wait_for(timeout=60_000)
    rows = [row.inner_text() for row in table.locator("tbody tr").all()]
    answer.get_by_role("button", name="Open article").nth(1).wait_for(timeout=120_000)  # the cards follow the table
    page.screenshot(path=str(ARTIFACTS / "chat-figures-differ.png"), full_page=True)
    assert len(rows) == 2
    assert "1.9 million" in rows[0] and "2024-02-11" in rows[0]  # the newest first
    assert "1.5 million" in rows[1] and "2023-05-02" in rows[1]
    for link in table.locator("a.cite").all():  # each [n] leads to its card
        assert page.locator(link.get_attribute("href")).count() == 1
    assert answer.locator("mark").count() == 2  # each quote once, in its card
    assert answer.locator("mark strong").all_inner_texts() == ["1.9 مليون", "1.5 مليون"]  # each its own figure


def test_a_month_named_in_a_question_narrows_the_answer_and_says_so(page):
    """After the Erbil articles above (May 2023 and February 2024): a question naming May
    2023 is answered from that month's article alone, with the period under the answer."""
    answer = answered(page, "How many people lived in the city of Erbil in May 2023?")
    answer.get_by_text("Sought in the articles of the period the question names: 1–31 May 2023.").wait_for(
        timeout=120_000
    )
    answer.get_by_role("button", name="Open article").first.wait_for(timeout=120_000)  # drawn after the answer
    text = answer.inner_text()
    assert "1.5" in text and "1.9" not in text
    arabic = answered(page, "كم عدد سكان مدينة أربيل في شباط/فبراير 2024؟")
    arabic.get_by_text("بحثنا في مقالات الفترة التي يذكرها السؤال: 1–29 فبراير 2024.").wait_for(timeout=120_000)
    arabic.get_by_role("button", name="Open article").first.wait_for(timeout=120_000)
    assert "1.9" in arabic.inner_text() and "1.5" not in arabic.inner_text()


def test_a_story_two_outlets_ran_is_cited_once_and_names_the_other(page):
    story = (
        "قالت وزارة الصحة العراقية إن حصيلة ضحايا الفيضانات في محافظة ميسان ارتفعت إلى 40 قتيلا. "
        "وتواصل فرق الدفاع المدني البحث عن مفقودين في القرى المنكوبة جنوبي المحافظة، وقال محافظ ميسان "
        "إن الأمطار الغزيرة التي هطلت خلال يومين تسببت في انهيار عشرات المنازل وقطع الطرق الرئيسية."
    )
    records = [
        {"id": "flood-a", "outlet": "Al Arabiya", "date": "2024-03-10", "title": "فيضانات ميسان", "text": story},
        {"id": "flood-s", "outlet": "Sky News Arabia", "date": "2024-03-11", "title": "ارتفاع ضحايا فيضانات ميسان",
         "text": story.replace("قالت وزارة الصحة العراقية", "أعلنت وزارة الصحة في العراق")},
    ]  # fmt: skip
    feed = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records).encode()
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        [{"name": "flood.jsonl", "mimeType": "application/json", "buffer": feed}]
    )
    page.get_by_text("flood.jsonl").wait_for(timeout=60_000)
    page.get_by_role("button", name="Ingest uploaded files").click()
    page.get_by_text("2 added", exact=False).wait_for(timeout=300_000)
    answer = answered(page, "كم بلغت حصيلة ضحايا الفيضانات في محافظة ميسان؟")
    answer.get_by_text("نشرها أيضاً:", exact=False).wait_for(timeout=120_000)  # the cards follow the answer
    text = answer.inner_text()
    assert "40" in text and answer.get_by_role("button", name="Open article").count() == 1  # one copy read
    assert "نشرها أيضاً: العربية (2024-03-10)" in text or "نشرها أيضاً: سكاي نيوز عربية (2024-03-11)" in text
