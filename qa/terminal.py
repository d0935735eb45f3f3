"""Text for a terminal: article text and file names are untrusted.

An escape sequence in an article (``ESC ]0;…BEL`` retitles the window, ``ESC [8m``
hides what follows) or a newline in a file name (it forges summary lines) must
never reach the operator's terminal raw. Control characters and the bidi
overrides and isolates are shown as Python escapes (``\\x1b``) instead.
"""

from __future__ import annotations

import re

# C0 and C1 controls but tab and line breaks, and the bidi embeddings, overrides and
# isolates: characters that only hide or reorder text (ingest.clean strips them too).
HIDDEN_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069"
_UNSAFE = re.compile(f"[{HIDDEN_CONTROLS}\r]")
_UNSAFE_IN_A_NAME = re.compile(f"[{HIDDEN_CONTROLS}\r\t\n]")


def _escaped(match: re.Match[str]) -> str:
    return match.group().encode("unicode_escape").decode("ascii")


def for_terminal(text: str) -> str:
    """Text (an answer, a quote) safe to print: lines kept, controls escaped."""
    return _UNSAFE.sub(_escaped, text)


def name_for_terminal(name: str) -> str:
    """A file name or path on one line, every control character escaped."""
    return _UNSAFE_IN_A_NAME.sub(_escaped, name)
