"""Web addresses from untrusted input (JSONL records, scraped pages)."""

from __future__ import annotations

from urllib.parse import urlparse

MAX_URL_CHARS = 2000


def web_address(value: str) -> str | None:
    """An http(s) address with a host and nothing else in it (no spaces, no controls), or None.

    The address becomes a link the app builds: anything else (markdown, a
    ``javascript:`` URL) is dropped here, so it never reaches a page.
    """
    value = value.strip()
    if len(value) > MAX_URL_CHARS or any(ch.isspace() or not ch.isprintable() for ch in value):
        return None
    try:
        parts = urlparse(value)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    return value
