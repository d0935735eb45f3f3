"""Who may use the chat, and who may change the corpus.

Editors upload, re-scan and ingest; readers only ask. Three ways in:

- sign-in through an OIDC provider (Streamlit's ``st.login``) when secrets.toml has
  an ``[auth]`` section; editors are the emails in QA_EDITORS;
- sign-in with a name and password from a users file (QA_USERS: TOML, passwords
  hashed with bcrypt, written by ``qa user add``);
- no sign-in: only on a loopback address, where the one local user is an editor,
  or, when the operator asks for it, on any address as read-only for everyone.

Anything else is refused: a chat on a network address with no sign-in would let
anyone change every user's answers. A loopback chat is the local user's only while its
requests come from this machine: one relayed by a proxy, or addressed to another host
name (a DNS-rebinding page), is refused the same way.
"""

from __future__ import annotations

import ipaddress
import os
import threading
import time
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import bcrypt

from qa.errors import SanadError

ROLES = ("editor", "reader")


class AccessError(SanadError):
    """The chat cannot be served as configured, or a users file is unusable."""


@dataclass(frozen=True)
class User:
    name: str
    role: str  # "editor" or "reader"

    @property
    def can_edit(self) -> bool:
        return self.role == "editor"


LOCAL_EDITOR = User("local user", "editor")
ANONYMOUS_READER = User("anonymous reader", "reader")


def is_loopback(address: str | None) -> bool:
    """Does this bind address reach this machine only? (Streamlit's default, empty, is every address.)"""
    if not address:
        return False
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def serving_mode(address: str | None, sign_in: bool, public_readonly: bool) -> str:
    """'sign-in', 'local' or 'public-readonly'; AccessError when the chat must not be served."""
    if sign_in:
        return "sign-in"
    if is_loopback(address):
        return "local"
    if public_readonly:
        return "public-readonly"
    raise AccessError(
        f"The chat listens on {address or 'every address'} with no sign-in, so anyone who can reach it "
        "could change the articles everyone's answers come from. Configure sign-in (QA_USERS with "
        "`qa user add`, or OIDC in secrets.toml), bind 127.0.0.1, or serve it read-only with "
        "`qa ui --public-readonly`."
    )


# Headers a reverse proxy adds: the request came from beyond this machine.
PROXY_HEADERS = ("forwarded", "x-forwarded-for", "x-forwarded-host", "x-real-ip", "via")
LOCAL_HOST_NAMES = ("localhost", "127.0.0.1", "[::1]")


def _is_local_name(name: str) -> bool:
    return name in LOCAL_HOST_NAMES or is_loopback(name.strip("[]"))


def foreign_request(headers: Mapping[str, str]) -> str | None:
    """Why a request to a loopback chat with no sign-in is not the local user's, or None.

    Binding 127.0.0.1 keeps other machines out only until a proxy relays them in (it
    may add forwarding headers; the browser's Origin then names the proxy's address),
    or a web page whose name resolves to 127.0.0.1 drives the user's own browser (its
    Host and Origin then name that page's host)."""
    folded = {name.lower(): value.strip().lower() for name, value in headers.items()}
    if any(folded.get(name) for name in PROXY_HEADERS):
        where = "is reached through a proxy"
    else:
        host = folded.get("host", "")
        origin = folded.get("origin", "")
        origin_name = urlsplit(origin).hostname if origin.startswith(("http://", "https://")) else origin
        # No Host or Origin at all is no browser's request (browsers send both on a
        # WebSocket), so no web page's; a page from a file or a sandbox sends "null".
        if host and not _is_local_name(host if host.endswith("]") else host.rsplit(":", 1)[0]):
            where = f"was asked for as {host}, not as this machine"
        elif origin and not _is_local_name(origin_name or ""):
            where = f"was opened from {origin}, not from this machine"
        else:
            return None
    return (
        f"This chat {where}, with no sign-in, so whoever sent the request could change the articles "
        "everyone's answers come from. Configure sign-in (QA_USERS with `qa user add`, or OIDC in "
        "secrets.toml), or serve it read-only with `qa ui --public-readonly`."
    )


def oidc_in_secrets() -> bool:
    """Does a Streamlit secrets file (the working folder's or the user's) configure OIDC sign-in?"""
    for path in (Path.cwd() / ".streamlit" / "secrets.toml", Path.home() / ".streamlit" / "secrets.toml"):
        try:
            if "auth" in tomllib.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
            continue
    return False


def _read_users(path: Path) -> dict[str, dict]:
    try:
        users = tomllib.loads(path.read_text(encoding="utf-8")).get("users", {})
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise AccessError(f"The users file {path} cannot be read: {exc}") from None
    if not isinstance(users, dict):
        raise AccessError(f"The users file {path} should have a [users.NAME] table per user")
    return users


def password_sign_in(path: Path | None) -> bool:
    """Is sign-in with the users file asked for? Once QA_USERS names a file, it is asked
    for even when the file is missing or empty (no one can sign in then): a mistyped
    path must never open the chat to everyone as an editor."""
    if path is None:
        return False
    if not _read_users(path):
        raise AccessError(f"QA_USERS names {path}, which has no users: add one with `qa user add NAME`")
    return True


# Checked against when the name is unknown, so a wrong name costs as long as a wrong password.
_UNKNOWN = bcrypt.hashpw(b"no such user", bcrypt.gensalt())


def sign_in(path: Path, name: str, password: str) -> User | None:
    """The user if the name and password match the users file, else None."""
    entry = _read_users(path).get(name)
    stored = entry.get("password") if isinstance(entry, dict) else None
    stored = stored if isinstance(stored, str) else ""
    try:
        matches = bcrypt.checkpw(password.encode(), stored.encode() or _UNKNOWN)
    except ValueError:  # not a bcrypt hash
        matches = False
    if not (matches and isinstance(entry, dict)):
        return None
    role = entry.get("role", "reader")
    return User(name, role if role in ROLES else "reader")


class SignInThrottle:
    """Wrong passwords for one name: after a few free tries, each further try waits a pause
    that doubles with each failure (to a ceiling), so guessing a password through the chat
    is hopeless. Each try counts as a failure from the moment it is let through (until
    its password is found right), so tries sent at once from many sessions cannot slip
    through one pause together. Whoever knows a name can keep it slowed: its owner then
    waits up to MAX_PAUSE for a try."""

    FREE_TRIES = 5
    FIRST_PAUSE = 30.0  # seconds
    MAX_PAUSE = 900.0
    MAX_NAMES = 10_000  # names tried, remembered; the oldest forgotten past this

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, tuple[int, float]] = {}  # name: (count, when the last was let through)
        self._lock = threading.Lock()

    def try_now(self, name: str) -> float:
        """0 and the try counted as failed until ``succeeded``, or the seconds to wait first."""
        with self._lock:
            count, last = self._failures.pop(name, (0, 0.0))
            wait = 0.0
            if count >= self.FREE_TRIES:
                doublings = min(count - self.FREE_TRIES, 10)  # 2**10 pauses are past the ceiling
                wait = max(0.0, last + min(self.MAX_PAUSE, self.FIRST_PAUSE * 2**doublings) - self._clock())
            self._failures[name] = (count, last) if wait else (count + 1, self._clock())
            while len(self._failures) > self.MAX_NAMES:
                del self._failures[next(iter(self._failures))]
            return wait

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)


def add_user(path: Path, name: str, password: str, role: str) -> None:
    """Add or replace a user in the users file (made readable by its owner only)."""
    if role not in ROLES:
        raise AccessError(f"role must be one of {', '.join(ROLES)}")
    if not name or len(name) > 100 or any(ch in '"\\' or not ch.isprintable() for ch in name):
        raise AccessError("a user name is 1-100 printable characters without quotes or backslashes")
    if len(password) < 8:
        raise AccessError("a password needs at least 8 characters")
    users = _read_users(path)
    users[name] = {"password": bcrypt.hashpw(password.encode(), bcrypt.gensalt()).decode(), "role": role}
    lines = ["# Sanad chat users: `qa user add NAME` writes this file.", ""]
    for user, entry in sorted(users.items()):
        lines += [
            f'[users."{user}"]',
            f'password = "{entry["password"]}"',
            f'role = "{entry.get("role", "reader")}"',
            "",
        ]
    path.parent.mkdir(parents=True, exist_ok=True)
    staging = path.with_name(f".{path.name}.new")
    fd = os.open(staging, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write("\n".join(lines))
    staging.replace(path)
