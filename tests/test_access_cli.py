"""`qa user add`: the users the chat signs in."""

from __future__ import annotations

import io

from qa.access import User, sign_in


def test_qa_user_add_writes_a_user_who_can_sign_in(run_qa, tmp_path, monkeypatch):
    users = tmp_path / "users.toml"
    code, _, err = run_qa("user", "add", "sara")
    assert code == 2 and "QA_USERS" in err
    monkeypatch.setenv("QA_USERS", str(users))
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough secret\n"))
    code, out, _ = run_qa("user", "add", "sara", "--role", "editor", "--password-stdin")
    assert code == 0 and "sara (editor) can sign in" in out
    assert sign_in(users, "sara", "a long enough secret") == User("sara", "editor")
