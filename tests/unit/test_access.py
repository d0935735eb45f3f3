"""Who may serve, sign in to and change the chat (qa.access)."""

from __future__ import annotations

import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from qa.access import (
    AccessError,
    SignInThrottle,
    User,
    add_user,
    foreign_request,
    is_loopback,
    password_sign_in,
    serving_mode,
    sign_in,
)


@pytest.mark.parametrize("address", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_loopback_without_sign_in_is_the_local_editor(address):
    assert is_loopback(address) and serving_mode(address, sign_in=False, public_readonly=False) == "local"


@pytest.mark.parametrize("address", ["0.0.0.0", "", None, "192.168.1.20", "example.org"])
def test_another_address_without_sign_in_is_refused_unless_read_only(address):
    with pytest.raises(AccessError, match="no sign-in"):
        serving_mode(address, sign_in=False, public_readonly=False)
    assert serving_mode(address, sign_in=False, public_readonly=True) == "public-readonly"
    assert serving_mode(address, sign_in=True, public_readonly=False) == "sign-in"


def test_users_sign_in_with_their_password_and_role(tmp_path):
    users = tmp_path / "users.toml"
    add_user(users, "sara", "correct horse battery", "editor")
    add_user(users, "omar", "another long secret", "reader")
    assert password_sign_in(users) and not password_sign_in(None)
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    assert "correct horse" not in users.read_text()  # only hashes are kept
    assert sign_in(users, "sara", "correct horse battery") == User("sara", "editor")
    assert sign_in(users, "omar", "another long secret") == User("omar", "reader")
    assert not sign_in(users, "omar", "another long secret").can_edit
    assert sign_in(users, "sara", "wrong password") is None
    assert sign_in(users, "nobody", "no such user") is None  # the stand-in hash's own text opens nothing


def test_bad_users_are_refused(tmp_path):
    users = tmp_path / "users.toml"
    with pytest.raises(AccessError, match="8 characters"):
        add_user(users, "sara", "short", "editor")
    with pytest.raises(AccessError, match="role"):
        add_user(users, "sara", "long enough secret", "admin")
    for name in ('x"]\n[users.evil', "tab\tname", "bell\x07"):
        with pytest.raises(AccessError, match="user name"):
            add_user(users, name, "long enough secret", "editor")
    users.write_text("not toml [", encoding="utf-8")
    with pytest.raises(AccessError, match="cannot be read"):
        password_sign_in(users)


def test_a_users_file_that_is_missing_or_empty_closes_the_chat_instead_of_opening_it(tmp_path):
    """QA_USERS set means sign-in: a mistyped path must not make every visitor the local editor."""
    (tmp_path / "empty.toml").touch()
    for users in (tmp_path / "missing.toml", tmp_path / "empty.toml"):
        with pytest.raises(AccessError, match="has no users"):
            password_sign_in(users)


def test_a_password_entry_of_the_wrong_type_is_a_failed_sign_in(tmp_path):
    users = tmp_path / "users.toml"
    users.write_text('[users.sara]\npassword = 42\nrole = "editor"\n', encoding="utf-8")
    assert sign_in(users, "sara", "42") is None


@pytest.mark.parametrize("host", ["127.0.0.1:8501", "localhost:8501", "[::1]:8501", "127.0.0.2", "LOCALHOST"])
def test_a_request_from_this_machine_is_the_local_users(host):
    assert foreign_request({"Host": host}) is None
    assert foreign_request({"Host": host, "Origin": f"http://{host}"}) is None


@pytest.mark.parametrize(
    "headers",
    [
        {"Host": "127.0.0.1:8501", "X-Forwarded-For": "203.0.113.9"},  # nginx in front
        {"Host": "127.0.0.1:8501", "forwarded": "for=203.0.113.9"},
        {"Host": "127.0.0.1:8501", "X-Real-IP": "203.0.113.9"},
        {"Host": "rebound.example:8501"},  # a page whose name resolves to 127.0.0.1
        {"Host": "192.168.1.20:8501"},
        {"Host": "127.0.0.1:8501", "Origin": "http://192.168.1.20"},  # a proxy that adds no header
        {"Host": "127.0.0.1:8501", "Origin": "null"},  # a page from a file or a sandbox
        {"Host": "127.0.0.1:8501", "Via": "1.1 proxy"},
        {"Host": "127.0.0.1.evil.example"},
    ],
)
def test_a_relayed_or_misaddressed_request_is_not(headers):
    assert "with no sign-in" in (foreign_request(headers) or "")


def test_wrong_passwords_for_a_name_slow_its_next_tries_and_a_right_one_clears_them():
    now = [1000.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    for _ in range(SignInThrottle.FREE_TRIES):
        assert throttle.try_now("sara") == 0  # let through, and counted until found right
    assert throttle.try_now("sara") == SignInThrottle.FIRST_PAUSE
    assert throttle.try_now("sara") == SignInThrottle.FIRST_PAUSE  # a refused try does not count
    assert throttle.try_now("omar") == 0  # another name is not held back
    now[0] += SignInThrottle.FIRST_PAUSE
    assert throttle.try_now("sara") == 0
    assert throttle.try_now("sara") == 2 * SignInThrottle.FIRST_PAUSE  # each failure doubles the pause
    throttle.succeeded("sara")
    assert throttle.try_now("sara") == 0


def test_tries_sent_at_once_cannot_slip_through_one_pause_together():
    throttle = SignInThrottle()
    barrier = threading.Barrier(20)

    def attempt(_: int) -> float:
        barrier.wait()
        return throttle.try_now("sara")

    with ThreadPoolExecutor(20) as pool:
        waits = list(pool.map(attempt, range(20)))
    assert waits.count(0) == SignInThrottle.FREE_TRIES


def test_the_pause_never_passes_its_ceiling_however_many_failures():
    now = [0.0]
    throttle = SignInThrottle(clock=lambda: now[0])
    for _ in range(2000):  # 2 ** 1995 would overflow a float
        now[0] += SignInThrottle.MAX_PAUSE
        assert throttle.try_now("sara") == 0
    assert throttle.try_now("sara") == SignInThrottle.MAX_PAUSE
