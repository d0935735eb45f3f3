"""Untrusted text printed to a terminal: escape sequences and forged lines are shown, not obeyed."""

from __future__ import annotations

from qa.terminal import for_terminal, name_for_terminal


def test_escape_sequences_and_bidi_overrides_are_shown_escaped():
    text = "قال\x1b]0;owned\x07 إن \x1b[8mhidden\n2500 \u202e0025"
    shown = for_terminal(text)
    assert "\x1b" not in shown and "\x07" not in shown and "\u202e" not in shown
    assert shown == "قال\\x1b]0;owned\\x07 إن \\x1b[8mhidden\n2500 \\u202e0025"


def test_a_file_name_stays_on_one_line():
    name = "a.txt\n5 documents, 18 passages: 5 added\r"
    assert name_for_terminal(name) == "a.txt\\n5 documents, 18 passages: 5 added\\r"
    assert name_for_terminal("مقال ١.txt") == "مقال ١.txt"
