"""Sign-in, roles, provenance and the change log, in the real chat and a real Chromium.

Users sign in with names and passwords from a users file (the local method), or
through OIDC (st.login) against a real OpenID Connect server run on this machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.uploads import UPLOAD_FOLDER
from qa.access import SignInThrottle, add_user
from qa.config import BUNDLED_CORPUS

from .conftest import free_port
from .test_browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS, NEW_ARTICLE, idle

FORGED = {
    "id": "forged-1",
    "outlet": "Reuters",
    "date": "2024-03-01",
    "title": "القوات الأميركية في العراق",
    "text": "قال مسؤول إن نحو 9000 جندي أميركي ينتشرون في قاعدة عين الأسد غرب العراق هذا العام.",
}


def start_chat(
    base: Path, *args: str, users: Path | None = None, port: int | None = None, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen, str]:
    """`qa ui` on the bundled articles, run from `base` (where a .streamlit/secrets.toml is read)."""
    articles = base / "articles"
    shutil.copytree(BUNDLED_CORPUS, articles)
    port = port or free_port()
    env = {**os.environ, "QA_STORE": str(base / "store"), "QA_ARTICLES": str(articles), **(env or {})}
    if users:
        env["QA_USERS"] = str(users)
    server = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", "ui", "--port", str(port), *args],
        cwd=base,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    if not serving(url + "/_stcore/health", server):
        server.kill()
        pytest.fail(f"the chat did not start: {server.stderr.read().decode() if server.stderr else ''}")
    return server, url


def serving(url: str, server: subprocess.Popen, seconds: float = 120) -> bool:
    """Wait until `url` answers, for as long as the process serving it lives."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except OSError:
            time.sleep(0.5)
    return False


def stop(server: subprocess.Popen, url: str) -> None:
    """Stop `qa ui` with a signal, as a service manager does: nothing may keep serving."""
    server.terminate()
    server.wait(timeout=30)
    with pytest.raises(OSError):
        urllib.request.urlopen(f"{url}/_stcore/health", timeout=5)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def signed_in(browser, url: str, name: str, password: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url, wait_until="networkidle")
    page.get_by_role("textbox", name="Name").fill(name)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
    return page


def ask(page, question: str, answers: int):
    page.get_by_placeholder("Ask about the articles").fill(question)
    page.get_by_placeholder("Ask about the articles").press("Enter")
    page.wait_for_function(
        f"document.querySelectorAll('[data-testid=\"stChatMessage\"]').length >= {2 * answers}", timeout=300_000
    )
    answer = page.locator('[data-testid="stChatMessage"]').last
    answer.locator("mark").first.wait_for(timeout=300_000)
    return answer


def test_readers_ask_editors_change_and_uploads_say_who_added_them(browser, tmp_path):
    users = tmp_path / "users.toml"
    add_user(users, "sara", "editor password 1", "editor")
    add_user(users, "omar", "reader password 1", "reader")
    server, url = start_chat(tmp_path, users=users)
    try:
        stranger = browser.new_page()
        stranger.goto(url, wait_until="networkidle")
        stranger.get_by_role("textbox", name="Password").fill("guess")
        stranger.get_by_role("textbox", name="Name").fill("sara")
        stranger.get_by_role("button", name="Sign in").click()
        stranger.get_by_text("Wrong name or password").wait_for(timeout=60_000)
        assert stranger.get_by_placeholder("Ask about the articles").count() == 0
        for attempt in range(SignInThrottle.FREE_TRIES + 1):  # guessing goes on: the name is held back
            stranger.get_by_role("textbox", name="Name").fill("guessed-name")
            stranger.get_by_role("textbox", name="Password").fill(f"guess {attempt}")
            stranger.get_by_role("button", name="Sign in").click()
            stranger.wait_for_timeout(1000)
            idle(stranger)  # this try's run is over before the next
        stranger.get_by_text("Too many wrong passwords for this name").wait_for(timeout=60_000)

        reader = signed_in(browser, url, "omar", "reader password 1")
        assert reader.get_by_text("Signed in as omar (reader)").count() == 1
        assert reader.get_by_text("Only editors add or re-scan articles").count() == 1
        assert reader.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
        assert reader.get_by_role("button", name="Re-scan the articles folder").count() == 0

        editor = signed_in(browser, url, "sara", "editor password 1")
        feed = {"name": "forged.jsonl", "mimeType": "application/json", "buffer": json.dumps(FORGED).encode()}
        editor.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([feed])
        editor.get_by_text("forged.jsonl").wait_for(timeout=60_000)
        editor.get_by_role("button", name="Ingest uploaded files").click()
        editor.get_by_text("1 added", exact=False).wait_for(timeout=300_000)
        editor.get_by_text("Changes to the articles (2 latest)").click()  # the first start, then sara's
        log = editor.locator('[data-testid="stExpander"]').filter(has_text="Changes to the articles")
        log.get_by_text("sara", exact=False).first.wait_for(state="attached", timeout=60_000)  # a grid cell
        editor.screenshot(path=str(ARTIFACTS / "access-editor.png"), full_page=True)

        answer = ask(reader, "كم عدد الجنود الأميركيين في قاعدة عين الأسد؟", answers=1)
        text = answer.inner_text()
        assert "9000" in text and re.search(r"uploaded by sara on \d{4}-\d{2}-\d{2}", text)  # not the outlet it claims
        assert "Reuters" not in text
        reader.screenshot(path=str(ARTIFACTS / "access-reader.png"), full_page=True)
    finally:
        stop(server, url)


def test_another_address_without_sign_in_is_refused_or_read_only(browser, tmp_path):
    refused = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ui", "--host", "0.0.0.0", "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1 and "no sign-in" in refused.stderr

    server, url = start_chat(tmp_path, "--host", "0.0.0.0", "--public-readonly")
    try:
        page = browser.new_page()
        page.goto(url, wait_until="networkidle")
        page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
        assert page.get_by_text("Only editors add or re-scan articles").count() == 1
        assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
        assert "2500" in ask(page, "How many US troops are in Iraq?", answers=1).inner_text()
    finally:
        stop(server, url)


def test_a_loopback_chat_is_the_local_users_only_from_this_machine(browser, tmp_path):
    """With no sign-in, 127.0.0.1 keeps other machines out until a proxy relays them in
    or a web page whose name resolves to 127.0.0.1 drives the user's own browser."""
    server, url = start_chat(tmp_path)
    port = url.rsplit(":", 1)[1]
    rebinding = browser.browser_type.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP rebound.example 127.0.0.1"],
    )
    try:
        relayed = browser.new_context(extra_http_headers={"X-Forwarded-For": "203.0.113.9"}).new_page()
        rebound = rebinding.new_page()
        for page, address in ((relayed, url), (rebound, f"http://rebound.example:{port}")):
            page.goto(address, wait_until="networkidle")
            page.get_by_text("with no sign-in", exact=False).wait_for(timeout=120_000)
            assert page.get_by_placeholder("Ask about the articles").count() == 0
            assert page.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0

        local = browser.new_page()
        local.goto(url, wait_until="networkidle")
        local.locator('[data-testid="stFileUploaderDropzoneInput"]').wait_for(state="attached", timeout=300_000)
    finally:
        rebinding.close()
        stop(server, url)


def test_a_second_upload_waits_its_turn_and_both_are_reported(browser, tmp_path):
    """Two editors' sessions upload at once: the second is told its place in the queue,
    and each gets its own report when its ingest is done."""
    server, url = start_chat(tmp_path)  # this machine only: the local editor, one per tab
    try:
        pages = []
        for _ in range(2):
            page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
            page.goto(url, wait_until="networkidle")
            page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
            pages.append(page)
        day = "".join(
            json.dumps({"id": f"d{n}", "text": f"خبر رقم {n}: " + "قالت وزارة الزراعة إن موسم الحصاد بدأ. " * 30})
            + "\n"
            for n in range(150)
        )
        files = [
            {"name": "a-day.jsonl", "mimeType": "application/json", "buffer": day.encode()},
            {"name": "one.jsonl", "mimeType": "application/json", "buffer": json.dumps(FORGED).encode()},
        ]
        for page, upload in zip(pages, files):
            page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files([upload])
            page.get_by_text(upload["name"]).wait_for(timeout=60_000)
        # One after the other: clicked together, the server may take the second tab's first.
        pages[0].get_by_role("button", name="Ingest uploaded files").click()
        pages[0].get_by_text(re.compile("Reading articles|Embedding passages")).first.wait_for(timeout=120_000)
        pages[1].get_by_role("button", name="Ingest uploaded files").click()
        pages[1].get_by_text("Your ingest is queued behind 1 other").wait_for(timeout=120_000)
        pages[1].screenshot(path=str(ARTIFACTS / "access-queued.png"), full_page=True)
        pages[0].get_by_text("150 added", exact=False).wait_for(timeout=600_000)
        pages[1].get_by_text("1 added", exact=False).wait_for(timeout=600_000)
    finally:
        stop(server, url)


def test_oidc_sign_in_through_a_real_local_provider(browser, tmp_path):
    """st.login against a real OpenID Connect server on this machine (oidc-provider-mock:
    discovery, authorization code, a signed ID token checked against its keys). The
    provider asks for no password: the test picks who signs in. An editor is a verified
    email listed in QA_EDITORS; an unverified email is never taken as the user's name."""
    provider_port, chat_port = free_port(), free_port()
    issuer = f"http://127.0.0.1:{provider_port}"
    provider = subprocess.Popen(
        [
            sys.executable, "-m", "oidc_provider_mock", "--port", str(provider_port),
            "--user-claims", json.dumps({"sub": "u-sara", "email": "sara@example.org", "email_verified": True}),
            "--user-claims", json.dumps({"sub": "u-omar", "email": "sara@example.org", "email_verified": False}),
            "--user-claims", json.dumps({"sub": "u-lina", "email": "sara@example.org"}),  # says nothing of it
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        assert serving(f"{issuer}/.well-known/openid-configuration", provider), "the OIDC provider did not start"
        (tmp_path / ".streamlit").mkdir()
        (tmp_path / ".streamlit" / "secrets.toml").write_text(
            "[auth]\n"
            f'redirect_uri = "http://127.0.0.1:{chat_port}/oauth2callback"\n'
            'cookie_secret = "a test secret, not a real one"\n'
            'client_id = "sanad"\n'
            'client_secret = "sanad secret"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        server, url = start_chat(tmp_path, port=chat_port, env={"QA_EDITORS": "Sara@example.org"})
        try:
            editor = oidc_signed_in(browser, url, "u-sara")
            assert editor.get_by_text("Signed in as sara@example.org (editor)").count() == 1
            uploader = editor.locator('[data-testid="stFileUploaderDropzoneInput"]')
            uploader.wait_for(state="attached", timeout=30_000)  # drawn after the sign-in line: count() does not wait
            assert uploader.count() == 1

            # The same email, but the provider does not vouch for it: a reader, known by subject.
            for subject in ("u-omar", "u-lina"):
                impostor = oidc_signed_in(browser, url, subject)
                assert impostor.get_by_text(f"Signed in as {subject} at {issuer} (reader)").count() == 1
                assert impostor.locator('[data-testid="stFileUploaderDropzoneInput"]').count() == 0
            assert "2500" in ask(impostor, "How many US troops are in Iraq?", answers=1).inner_text()

            # Streamlit ends the provider's session too when it kept the ID token: the
            # provider then asks to confirm, and sends the browser back (or says it ended).
            signed_out = editor.get_by_role("button", name="Sign in")
            end_session = editor.get_by_role("button", name="End session")
            ended = editor.get_by_text("Session ended.")
            page_errors: list[Exception] = []  # a timed rerun crossing the sign-out once left the page blank
            editor.on("pageerror", lambda error: page_errors.append(error))
            editor.get_by_role("button", name="Sign out").click()
            signed_out.or_(end_session).or_(ended).first.wait_for(timeout=60_000)
            if end_session.count():
                end_session.click()
                signed_out.or_(ended).first.wait_for(timeout=60_000)
            if ended.count():
                editor.goto(url)
            signed_out.wait_for(timeout=60_000)
            assert editor.get_by_placeholder("Ask about the articles").count() == 0
            assert not page_errors
        finally:
            stop(server, url)
    finally:
        provider.terminate()
        provider.wait(timeout=30)


def oidc_signed_in(browser, url: str, subject: str):
    """A new browser signs in through the provider's authorization page as `subject`."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.goto(url, wait_until="networkidle")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name=subject, exact=True).click()  # the provider's page: who signs in
    page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
    return page


def test_an_upload_whose_tab_is_closed_is_ingested_tidied_and_logged_all_the_same(browser, tmp_path):
    """The ingest belongs to the server, not the tab: closing it mid-ingest neither stops
    the ingest nor leaves a failed upload behind to fail again on every re-scan."""
    server, url = start_chat(tmp_path)
    try:
        page = browser.new_page()
        page.goto(url, wait_until="networkidle")
        page.get_by_placeholder("Ask about the articles").wait_for(timeout=300_000)
        files = [
            {"name": "mosul-bridge.txt", "mimeType": "text/plain", "buffer": NEW_ARTICLE.encode()},
            {"name": "noise.txt", "mimeType": "text/plain", "buffer": bytes(range(256)) * 20},  # binary: fails
        ]
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(files)
        page.get_by_text("noise.txt").wait_for(timeout=60_000)
        page.get_by_role("button", name="Ingest uploaded files").click()
        uploads = tmp_path / "articles" / UPLOAD_FOLDER
        deadline = time.monotonic() + 60
        while not (uploads / "noise.txt").exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert (uploads / "noise.txt").exists(), "the upload was never saved"
        page.context.close()  # the tab goes while its ingest is queued or running

        deadline = time.monotonic() + 300
        while (uploads / "noise.txt").exists() and time.monotonic() < deadline:
            time.sleep(1)
        assert not (uploads / "noise.txt").exists()  # tidied by the server, with no tab to see it
        assert (uploads / "mosul-bridge.txt").exists()

        later = browser.new_page()
        later.goto(url, wait_until="networkidle")
        assert "420" in ask(later, "كم يبلغ طول جسر الحرية في الموصل؟", answers=1).inner_text()
        later.get_by_text("Changes to the articles (2 latest)").click()  # the first start, then the upload
        log = later.locator('[data-testid="stExpander"]').filter(has_text="Changes to the articles")
        log.get_by_text("local user").first.wait_for(state="attached", timeout=60_000)  # a grid cell: who asked
    finally:
        stop(server, url)
