"""The LLMs the operator offers (QA_LLM, QA_LLM_CHOICES) carry labels that never show a
file's folders, and an LLM answer stops when cancelled or too slow."""

from __future__ import annotations

import threading

import pytest

from qa.answer_types import Answer
from qa.config import LLMChoice, Settings, default_label
from qa.errors import AnswerCancelled, SanadError
from qa.llm import LLMAnswerer
from qa.passage import Passage
from qa.retrieve import Hit


@pytest.fixture(autouse=True)
def no_llm_settings(monkeypatch):
    for name in ("QA_LLM", "QA_LLM_CHOICES", "QA_LLM_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(
    ("entry", "label", "spec"),
    [
        ("Local Qwen=gguf:/models/q.gguf", "Local Qwen", "gguf:/models/q.gguf"),
        (" Local Qwen = gguf:/models/q.gguf ", "Local Qwen", "gguf:/models/q.gguf"),
        ("gguf:/x/y/q.gguf", "q.gguf (local GGUF)", "gguf:/x/y/q.gguf"),
        ("gguf:~/models/q.gguf", "q.gguf (local GGUF)", "gguf:~/models/q.gguf"),
        ("openai:gpt-4o-mini", "gpt-4o-mini (openai)", "openai:gpt-4o-mini"),
        ("ollama:llama3:8b", "llama3:8b (ollama)", "ollama:llama3:8b"),
        ("openai:Qwen/Qwen2.5-7B", "Qwen2.5-7B (openai)", "openai:Qwen/Qwen2.5-7B"),
        # A '=' in a path is not a label: the text before it has a ':' or a '/'.
        ("gguf:/models/a=b.gguf", "a=b.gguf (local GGUF)", "gguf:/models/a=b.gguf"),
        ("Mine=gguf:/models/a=b.gguf", "Mine", "gguf:/models/a=b.gguf"),
        ("=gguf:/models/q.gguf", "q.gguf (local GGUF)", "gguf:/models/q.gguf"),
        ("no-colon", "no-colon", "no-colon"),  # refused by answerer_from_spec when picked
    ],
)
def test_an_entry_is_a_spec_with_an_optional_label(entry, label, spec):
    assert LLMChoice.parse(entry) == LLMChoice(label, spec)


@pytest.mark.parametrize("spec", ["gguf:/srv/private/models/q.gguf", "/srv/private/q.gguf", "gguf:relative/dir/q.gguf"])
def test_a_default_label_shows_no_folder(spec):
    assert "/" not in default_label(spec) and "q.gguf" in default_label(spec)


def test_settings_offer_labels_and_keep_specs_for_existing_callers(monkeypatch):
    monkeypatch.setenv("QA_LLM", "Main=gguf:/m/main.gguf")
    monkeypatch.setenv(
        "QA_LLM_CHOICES", "Local Qwen=gguf:/models/q.gguf, openai:gpt-4o-mini,, gguf:/m/main.gguf, gguf:/other/q.gguf"
    )
    settings = Settings()
    assert settings.llm == "gguf:/m/main.gguf"
    assert settings.llm_choices == (
        "gguf:/models/q.gguf",
        "openai:gpt-4o-mini",
        "gguf:/m/main.gguf",
        "gguf:/other/q.gguf",
    )
    assert settings.llm_options() == {
        "Main": "gguf:/m/main.gguf",  # QA_LLM first, by its own label
        "Local Qwen": "gguf:/models/q.gguf",
        "gpt-4o-mini (openai)": "openai:gpt-4o-mini",
        "q.gguf (local GGUF)": "gguf:/other/q.gguf",
    }


def test_llms_that_would_share_a_label_are_numbered(monkeypatch):
    monkeypatch.setenv("QA_LLM_CHOICES", "gguf:/a/q.gguf,gguf:/b/q.gguf,Same=openai:x,Same=openai:y")
    assert Settings().llm_options() == {
        "q.gguf (local GGUF)": "gguf:/a/q.gguf",
        "q.gguf (local GGUF) (2)": "gguf:/b/q.gguf",
        "Same": "openai:x",
        "Same (2)": "openai:y",
    }


def test_an_llm_given_on_the_command_line_gets_a_default_label(monkeypatch):
    monkeypatch.setenv("QA_LLM_CHOICES", "Fast=openai:gpt-4o-mini")
    settings = Settings().with_overrides(llm="gguf:/models/q.gguf")
    assert settings.llm_options() == {"q.gguf (local GGUF)": "gguf:/models/q.gguf", "Fast": "openai:gpt-4o-mini"}
    assert Settings().llm is None and Settings().llm_options() == {"Fast": "openai:gpt-4o-mini"}


def test_the_llm_timeout_comes_from_the_environment(monkeypatch):
    assert Settings().llm_timeout == 120
    monkeypatch.setenv("QA_LLM_TIMEOUT", "2.5")
    assert Settings().llm_timeout == 2.5


# --- stopping an answer, at chunk granularity (the real slow server: tests/test_llm.py) ---

HITS = [Hit(Passage("p1", "وينتشر في العراق حوالى 2500 جندي أميركي.", "a.txt", "a.txt", "/x/a.txt"), 0.9)]


class Extractive:
    def answer(self, question, hits, history=None, on_token=None):
        return Answer(question, "«وينتشر في العراق حوالى 2500 جندي أميركي» [1]", True, "extractive")


def replaying(reply: str) -> LLMAnswerer:
    """An answerer whose model is LangChain's GenericFakeChatModel, streaming ``reply`` word by word."""
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage

    return LLMAnswerer("fake", GenericFakeChatModel(messages=iter([AIMessage(content=reply)])), Extractive())


def test_a_cancelled_answer_stops_at_the_next_chunk():
    cancel = threading.Event()
    tokens: list[str] = []

    def on_token(piece: str) -> None:
        tokens.append(piece)
        cancel.set()

    with pytest.raises(AnswerCancelled) as stopped:
        replaying('{"answer": "a long answer", "citations": []}').answer("Q?", HITS, on_token=on_token, cancel=cancel)
    assert len(tokens) == 1
    assert isinstance(stopped.value, SanadError)


def test_an_answer_past_its_time_falls_back_saying_so():
    answerer = replaying('{"answer": "a long answer", "citations": []}')
    answerer.timeout = 0
    answer = answerer.answer("Q?", HITS)
    assert answer.mode == "extractive (LLM fallback: the LLM took longer than 0 s)"
