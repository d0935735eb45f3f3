"""LLM answerer (placeholder until the LLM path lands)."""

from __future__ import annotations


def answerer_from_spec(spec: str | None):
    if not spec:
        return None
    raise NotImplementedError("LLM answering is not available yet")
