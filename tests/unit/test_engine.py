"""The engine keeps its parts current: rebuilt when the collection's generation moves,
never otherwise, and an LLM's fallback always answers from the current index.

Chroma and the catalogue are stood in for by a list and a counter; the real
store is tested in tests/test_concurrency.py."""

from __future__ import annotations

from dataclasses import replace

import pytest

import qa.engine
import qa.extractive
from qa.asked_time import asked_time
from qa.catalog import CopyRecord
from qa.config import Settings
from qa.engine import Engine
from qa.evaluate import confidence_rows, ranked_candidates
from qa.lexical import build_index
from qa.llm import LLMAnswerer
from qa.scope import Scope

from .conftest import FakeReader, MemoryStore, confidence_on, passage

WHEAT = passage("h1", "افتتحت وزارة الزراعة موسم حصاد الحنطة في محافظة نينوى هذا الأسبوع.", "wheat")
WATER = passage("w1", "صوت مجلس النواب على قانون جديد لتنظيم توزيع مياه نهري دجلة والفرات.", "water")


class Catalogue:
    def __init__(self, passages: list) -> None:
        self.value = 1
        self.passages = passages
        self.copies: list = []  # qa.catalog.CopyRecord of the wire copies

    def generation(self) -> int:
        return self.value

    def dates(self) -> list[str]:
        return sorted({p.doc_key: p.date for p in self.passages if p.date}.values())  # one per article

    def copy_groups(self) -> list:
        return self.copies


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
    passages = [WHEAT]
    state = {"passages": passages, "catalogue": Catalogue(passages), "opened": 0, "built": 0}

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


# The same flood reported in March and in June, with another figure; an unrelated article in October.
TOLL_MARCH = passage("m1", "ارتفعت حصيلة قتلى الفيضانات في محافظة ميسان إلى 40 قتيلا.", "march", date="2018-03-10")
TOLL_JUNE = passage("j1", "ارتفعت حصيلة قتلى فيضانات محافظة ميسان إلى 95 قتيلا أمس.", "june", date="2018-06-02")
HARVEST_OCT = passage("o1", "افتتحت وزارة الزراعة موسم حصاد الحنطة في محافظة نينوى.", "october", date="2018-10-20")
TOLL = "كم بلغت حصيلة قتلى الفيضانات في محافظة ميسان"


@pytest.fixture
def news(world, encoder, monkeypatch):
    world["passages"][:] = [TOLL_MARCH, TOLL_JUNE, HARVEST_OCT]
    # The relevance floor is set on the model's cosines; the fake encoder's run lower.
    monkeypatch.setattr(qa.extractive, "RELEVANT_FROM", {"ar": 0.5, "en": 0.5})
    return Engine(Settings(), encoder=encoder, reader=FakeReader(), confidence=confidence_on("similarity", threshold=0))


def test_a_month_named_in_a_question_narrows_what_is_read_to_articles_of_that_month(news):
    for month, doc in (("يونيو", "june"), ("آذار/مارس", "march")):
        answer = news.ask(f"{TOLL} في {month}؟")
        assert answer.answerable and {c.doc_id for c in answer.citations} == {doc}
        assert answer.period and answer.period[0][:7] == {"june": "2018-06", "march": "2018-03"}[doc]


def test_last_week_is_the_last_week_of_the_newest_article_and_nothing_in_it_answers(news):
    answer = news.ask(f"{TOLL} الأسبوع الماضي؟")
    assert answer.period == ["2018-10-14", "2018-10-20"]
    assert not answer.answerable and all(c.doc_id == "october" for c in answer.citations)


def test_a_period_no_article_is_from_narrows_nothing(news):
    """August 2018: no article was published then, so it is read as the time of an event."""
    answer = news.ask(f"{TOLL} في أغسطس؟")
    assert answer.period is None and answer.answerable


def test_the_latest_is_the_newest_of_the_sentences_that_answer_about_as_well(news):
    assert asked_time("ما آخر حصيلة لقتلى الفيضانات في محافظة ميسان؟", None).latest
    plain = news.ask(f"{TOLL}؟", k=1)
    assert [c.doc_id for c in plain.citations] == ["march"]  # the closer wording wins on its own
    latest = news.ask("ما آخر حصيلة لقتلى الفيضانات في محافظة ميسان؟", k=1)
    assert latest.citations[0].doc_id == "june"  # found by the second search, among newer articles
    assert "95" in latest.citations[0].quote


def test_an_article_published_after_a_named_month_is_read_when_it_names_it(news, world):
    """What happened in March may be reported in October: such an article, naming March, answers."""
    recalled = passage(
        "r1",
        "بلغت حصيلة قتلى فيضانات محافظة ميسان في آذار الماضي 40 قتيلا بحسب تقرير جديد.",
        "report",
        date="2018-10-05",
    )
    world["passages"][:] = [recalled, TOLL_JUNE, HARVEST_OCT]
    answer = news.ask(f"{TOLL} في مارس؟")
    assert answer.period is None and answer.answerable  # no article is dated in March…
    world["passages"].append(replace(HARVEST_OCT, id="m0", doc_key="old", doc_id="old", date="2018-03-02"))
    world["catalogue"].value += 1
    answer = news.ask(f"{TOLL} في مارس؟")  # …now one is, on another subject
    assert answer.period == ["2018-03-01", "2018-03-31"]
    assert answer.answerable and answer.citations[0].doc_id == "report"


def test_a_question_naming_a_month_its_subject_was_not_reported_in_is_not_answered(news):
    answer = news.ask(f"{TOLL} في أكتوبر؟")  # October has an article, on the harvest
    assert answer.period == ["2018-10-01", "2018-10-31"]
    assert not answer.answerable


def test_the_latest_within_a_named_period_stays_in_it(news, world):
    world["passages"].append(
        passage("z1", "ارتفعت حصيلة قتلى فيضانات محافظة ميسان إلى 300 قتيل.", "oct", date="2018-10-19")
    )
    world["catalogue"].value += 1
    answer = news.ask("ما آخر حصيلة لقتلى الفيضانات في محافظة ميسان في يونيو؟", k=1)
    assert answer.period == ["2018-06-01", "2018-06-30"]
    assert [c.doc_id for c in answer.citations] == ["june"]  # not October's, newer though it is


def test_a_later_article_naming_the_month_of_another_year_is_not_read(news, world):
    other_year = passage("y1", "بلغت حصيلة قتلى فيضانات محافظة ميسان في آذار 700 قتيل.", "2019", date="2019-04-02")
    world["passages"][:] = [
        other_year,
        HARVEST_OCT,
        replace(HARVEST_OCT, id="m0", doc_key="old", doc_id="old", date="2018-03-02"),
    ]
    world["catalogue"].value += 1
    answer = news.ask(f"{TOLL} في آذار 2018؟")
    assert answer.period == ["2018-03-01", "2018-03-31"] and not answer.answerable


def test_a_question_naming_a_period_outside_the_users_range_is_not_narrowed_by_it(news):
    answer = news.ask(f"{TOLL} في مارس؟", scope=Scope(since="2018-06-01"))
    assert answer.period is None
    assert [c.doc_id for c in answer.citations] == ["june"]  # the user's range still holds


def test_wire_copies_are_read_once_and_name_each_other(news, world):
    """Two outlets' copies of one story: one is read (the other cannot crowd the
    passages), and its citation names the other outlet."""
    copy = replace(TOLL_MARCH, id="m2", doc_key="march-copy", doc_id="march-copy", outlet="Sky News Arabia")
    world["passages"][:] = [replace(TOLL_MARCH, outlet="Al Arabiya"), copy, TOLL_JUNE, HARVEST_OCT]
    world["catalogue"].copies = [
        CopyRecord("march", "march", "march", "Al Arabiya", "2018-03-10"),
        CopyRecord("march-copy", "march", "march-copy", "Sky News Arabia", "2018-03-10"),
    ]
    world["catalogue"].value += 1
    read = news.reading(f"{TOLL}؟", k=2).hits
    assert [h.passage.doc_id for h in read][1:] == ["june"]  # the copy did not take June's place
    answer = news.ask(f"{TOLL}؟", k=2)
    first = next(c for c in answer.citations if c.doc_id in ("march", "march-copy"))
    assert [a["outlet"] for a in first.also_reported_by] == [
        {"march": "Sky News Arabia", "march-copy": "Al Arabiya"}[first.doc_id]
    ]


def test_engine_reading_is_what_ask_reads(news, world, monkeypatch):
    """What the evaluation fits and measures on must be what `ask` read: the passages and
    the question as read, with a period the question names, the latest, a follow-up, the
    user's scope, an article of two passages."""
    schools = passage("j2", "وأعلنت السلطات إغلاق المدارس في محافظة ميسان بسبب الفيضانات.", "june", date="2018-06-02")
    world["passages"].append(schools)
    world["catalogue"].value += 1
    read: list[tuple[str, list[str]]] = []
    answer = qa.extractive.ExtractiveAnswerer.answer

    def recording(self, question, hits, history=None, on_token=None):
        read.append((question, [h.passage.id for h in hits]))
        return answer(self, question, hits, history, on_token)

    monkeypatch.setattr(qa.extractive.ExtractiveAnswerer, "answer", recording)
    asked = [
        (f"{TOLL}؟", None, None),
        (f"{TOLL} في يونيو؟", None, None),
        ("ما آخر حصيلة لقتلى الفيضانات في محافظة ميسان؟", None, None),
        ("وفي أي محافظة؟", ["متى افتتح موسم حصاد الحنطة؟"], None),
        (f"{TOLL}؟", None, Scope(since="2018-06-01")),
    ]
    for question, history, scope in asked:
        news.ask(question, history=history, k=2, scope=scope)
        reading = news.reading(question, history, k=2, scope=scope)
        assert (reading.question, [h.passage.id for h in reading.hits]) == read[-1]
    assert len({tuple(ids) for _, ids in read}) >= 3  # the cases read different passages
    assert read[1][0] != f"{TOLL} في يونيو؟"  # the month is read by the dates, not the words
    assert news.reading("؟").hits == []  # nothing to look for: ask reads nothing


def test_search_reads_the_time_a_query_names_as_ask_does(news):
    """`qa search` lists documents: a month with articles narrows them to it."""
    assert {h.passage.doc_id for h in news.search(f"{TOLL} في يونيو", k=3)} == {"june"}
    assert len(news.search(f"{TOLL} في أغسطس", k=3)) == 3  # no article from August: nothing narrowed


def test_search_lists_a_wire_story_once(news, world):
    copy = replace(TOLL_MARCH, id="m2", doc_key="march-copy", doc_id="march-copy")
    world["passages"][:] = [TOLL_MARCH, copy, TOLL_JUNE, HARVEST_OCT]
    world["catalogue"].copies = [
        CopyRecord("march", "march", "march", "Al Arabiya", "2018-03-10"),
        CopyRecord("march-copy", "march", "march-copy", "Sky News Arabia", "2018-03-10"),
    ]
    world["catalogue"].value += 1
    found = [h.passage.doc_id for h in news.search(TOLL, k=4)]
    assert len(found) == 3 and len({"march", "march-copy"} & set(found)) == 1


def test_ranked_candidates_are_the_best_scored_sentences_each_marked_right_when_it_answers(news):
    asked = {"question": f"{TOLL}؟", "answerable": True, "answers": ["95"], "doc_id": "june"}
    question, ranked = ranked_candidates(news, asked, top=3)
    assert question == asked["question"]
    assert [c.hit.passage.doc_id for c, right in ranked if right] == ["june"]
    assert [c.score for c, _ in ranked] == sorted((c.score for c, _ in ranked), reverse=True)
    assert len(ranked_candidates(news, asked, top=1)[1]) == 1
    # Words of the answer in another article than the question's are not its answer.
    named = ranked_candidates(news, {**asked, "answers": ["ميسان"]}, top=3)[1]
    assert {c.hit.passage.doc_id for c, _ in named} >= {"march", "june"}
    assert [c.hit.passage.doc_id for c, right in named if right] == ["june"]
    # Nothing answers an unanswerable question.
    assert not any(right for _, right in ranked_candidates(news, {**asked, "answerable": False}, top=3)[1])


def test_the_evaluation_reads_a_question_as_ask_does(news, monkeypatch):
    """The confidence is fitted, and sentences ranked, on what `ask` hands the answerer:
    a question naming a month reads that month's articles, without the month's words."""
    seen: list[tuple[str, list[str]]] = []
    best_groups = qa.extractive.ExtractiveAnswerer.best_groups

    def recording(self, question, hits, history):
        seen.append((question, [h.passage.id for h in hits]))
        return best_groups(self, question, hits, history)

    monkeypatch.setattr(qa.extractive.ExtractiveAnswerer, "best_groups", recording)
    asked = {"question": f"{TOLL} في يونيو؟", "answerable": True, "answers": ["95"], "doc_id": "june"}
    news.ask(asked["question"])
    rows = confidence_rows(news, [asked])
    assert len(seen) == 2 and seen[1] == seen[0] and seen[0][1] == ["j1"]
    assert rows == [(rows[0][0], True)]
    question, ranked = ranked_candidates(news, asked, top=3)
    assert question == seen[0][0] != asked["question"]
    assert {c.hit.passage.doc_id for c, _ in ranked} == {"june"}
    # A digest is never given as an answer whatever its confidence: no row, no sentences.
    digest = {**asked, "question": "لخص الأخبار عن فيضانات محافظة ميسان"}
    assert news.ask(digest["question"]).answerable
    assert confidence_rows(news, [digest]) == [] and ranked_candidates(news, digest, top=3)[1] == []
