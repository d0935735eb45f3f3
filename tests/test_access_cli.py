"""`qa user add`: the users the chat signs in."""

from __future__ import annotations

import io
import re
import subprocess
import sys

from qa.access import User, sign_in
from qa.cli import STREAMLIT_OPTIONS
from qa.config import PROJECT_ROOT


def test_qa_user_add_writes_a_user_who_can_sign_in(run_qa, tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    code, _, err = run_qa("user", "add", "sara")
    assert code == 2 and "QA_USERS" in err
    monkeypatch.setenv("QA_USERS", str(users))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    code, out, _ = run_qa("user", "add", "sara", "--role", "editor", "--password-stdin")
    assert code == 0 and "sara (editor) can sign in" in out
    assert sign_in(users, "sara", "a long enough secret") == User("sara", "editor")


def test_streamlit_run_from_the_project_folder_gets_qa_uis_server_settings():
    """The app's docstring offers `streamlit run ui/app.py`: from the project folder it must
    serve as `qa ui` does (loopback only, no Deploy button, no tracebacks, the upload cap)."""
    shown = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show"],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    ).stdout
    effective = dict(re.findall(r"^(\w+) = (.+)$", shown, flags=re.M))
    assert effective["address"] == '"127.0.0.1"'
    for option, value in STREAMLIT_OPTIONS.items():
        assert effective[option.split(".")[1]].strip('"') == value, option
