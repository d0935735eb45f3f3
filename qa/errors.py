"""The errors a user can be shown: each carries a one-line message that says what to do.

The CLI turns any ``SanadError`` into ``qa: MESSAGE`` and exit 1 (a ``QuestionError``
in ``qa ask`` is a usage error, exit 2), the chat shows it in an error box; nothing
else is caught as an expected failure.
"""

from __future__ import annotations

import errno


class SanadError(Exception):
    """Something the user can fix or needs to know; the message says which."""


class StoreError(SanadError):
    """The store (Chroma, the records database) cannot be used as asked."""


class MissingCollectionError(StoreError):
    """The store has no collection of the configured name (never ingested, or lost)."""


class ModelMismatchError(StoreError):
    """The collection was built with another embedding model."""


class ModelError(SanadError):
    """The embedding model cannot be loaded or built."""


class DictionaryError(SanadError):
    """The English→Arabic dictionary cannot be read."""


class LLMError(SanadError):
    """The LLM cannot be set up as specified."""


class AnswerCancelled(SanadError):
    """The asker stopped the answer (``Engine.ask``'s ``cancel``) before it was done."""


class QuestionError(SanadError, ValueError):
    """The question cannot be asked as given (empty, too long)."""


class IngestError(SanadError):
    """One input (a file, a JSONL line) cannot be ingested; the rest can."""


def storage_hint(exc: BaseException) -> str | None:
    """What to do when ``exc`` says the disk is full or the store cannot be written to
    (an OSError, or SQLite's words through Chroma or SQLAlchemy); None otherwise."""
    code = getattr(exc, "errno", None)
    text = str(exc).lower()
    if code == errno.ENOSPC or "disk is full" in text or "no space left" in text:
        return "the disk is full: free some space, then run it again"
    if code == errno.EROFS or "read-only file system" in text or "readonly database" in text:
        return "it is on a read-only file system: choose a writable store folder (--store or QA_STORE)"
    return None
