"""The engine keeps its parts current: rebuilt when the collection's generation moves,
never otherwise, and an LLM's fallback always answers from the current index.

Chroma and the catalogue are stood in for by a list and a counter; the real
store is tested in tests/test_concurrency.py."""

from __future__ import annotations

import pytest

import qa.engine
from qa.config import Settings
from qa.engine import Engine
from qa.lexical import build_index
from qa.llm import LLMAnswerer

from .conftest import MemoryStore, passage

WHEAT = passage("h1", "افتتحت وزارة الزراعة موسم حصاد الحنطة في محافظة نينوى هذا الأسبوع.", "wheat")
WATER = passage("w1", "صوت مجلس النواب على قانون جديد لتنظيم توزيع مياه نهري دجلة والفرات.", "water")


class Catalogue:
    def __init__(self) -> None:
        self.value = 1

    def generation(self) -> int:
        return self.value


class FakeStore(MemoryStore):
    """What the engine reads of a PassageStore: its generation, texts and reopening."""

    def __init__(self, world: dict, encoder) -> None:
        super().__init__(list(world["passages"]), encoder)
        self.world, self.catalog = world, world["catalogue"]
        self.generation = self.catalog.generation()
        world["opened"] += 1

    def texts(self):
        return ((p.id, p.text) for p in self.passages.values())

    def reopen(self) -> FakeStore:
        return FakeStore(self.world, self.encoder)


@pytest.fixture
def world(monkeypatch, encoder):
    state = {"passages": [WHEAT], "catalogue": Catalogue(), "opened": 0, "built": 0}

    def load_or_build(store):
        state["built"] += 1
        return build_index(store.texts(), [0, store.generation])

    monkeypatch.setattr(qa.engine, "open_store", lambda settings, create=False: FakeStore(state, encoder))
    monkeypatch.setattr(qa.engine, "load_or_build", load_or_build)
    return state


@pytest.mark.parametrize("server", [None, "http://127.0.0.1:8000"])
def test_parts_are_rebuilt_exactly_when_the_collection_changed(world, encoder, server):
    engine = Engine(Settings().with_overrides(chroma_url=server), encoder=encoder)
    first = engine.refresh()
    assert engine.refresh() is first and (world["opened"], world["built"]) == (1, 1)
    world["passages"].append(WATER)  # another process ingests
    world["catalogue"].value += 1
    after = engine.refresh()
    assert after is not first and (world["opened"], world["built"]) == (2, 2)
    assert engine.refresh() is after
    assert after.retriever.search("قانون مياه دجلة", n=1)[0].passage.id == "w1"


def test_an_llm_falls_back_to_the_current_extractive_answerer(world, encoder, monkeypatch):
    started: list[str] = []

    def start(spec, fallback, timeout):
        started.append(spec)
        return LLMAnswerer(spec, model=None, fallback=fallback)

    monkeypatch.setattr(qa.engine, "answerer_from_spec", start)
    engine = Engine(Settings(), encoder=encoder)
    assert engine.answerer("fake:model").fallback is engine.refresh().extractive
    world["catalogue"].value += 1
    assert engine.answerer("fake:model").fallback is engine.refresh().extractive
    assert started == ["fake:model"]  # the model is set up once
    assert engine.answerer(None) is engine.refresh().extractive
