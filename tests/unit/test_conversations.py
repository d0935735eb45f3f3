"""Saved conversations: per user, across reloads, capped, and exported as safe Markdown."""

from __future__ import annotations

import html
import threading

import pytest
from markdown_it import MarkdownIt

from qa.answer_types import Answer, Citation
from qa.config import Settings
from qa.conversations import ConversationStore, Turn, to_markdown

QUOTE = "وقال الوزير إن الصادرات تراجعت بنسبة 3.5% (في الربع الأول) <b>فقط</b>."
HOSTILE_TITLE = "[click](http://evil) <img src=x> *عاجل*"


def citation(n: int, **values) -> Citation:
    fields = {
        "doc_id": f"doc{n}",
        "source": "https://example.com/news/1",
        "title": "تراجع الصادرات",
        "outlet": "الجزيرة",
        "date": "2024-05-01",
        "quote": QUOTE,
        "passage": f"مقدمة. {QUOTE} خاتمة.",
        "score": 0.8123,
    }
    return Citation(n=n, **(fields | values))


def answer() -> Answer:
    return Answer(
        question="كم تراجعت الصادرات؟",
        answer="تراجعت الصادرات بنسبة 3.5% [1].\nوفق مصدر آخر [2].",
        answerable=True,
        mode="extractive",
        citations=[
            citation(1),
            citation(
                2,
                source="javascript:alert(1)",
                title=HOSTILE_TITLE,
                outlet="<script>x</script>",
                uploaded_by="sara on 2026-11-30",
            ),
        ],
        timings_ms={"retrieve": 12.5, "answer": 40.0},
        answer_text="3.5%",
        answer_span=[37, 41],
        confidence=0.82,
    )


@pytest.fixture
def db(tmp_path):
    return tmp_path / "records.sqlite"


def test_a_conversation_survives_a_reload_with_its_answer_and_citations(db):
    store = ConversationStore(db)
    conversation = store.create("sara")
    assert store.append(conversation.id, "sara", Turn("كم تراجعت الصادرات؟", answer()))
    assert store.append(conversation.id, "sara", Turn("ما هذا؟", note="Cannot ask that: too long"))
    store.engine.dispose()

    reloaded = ConversationStore(db).get(conversation.id, "sara")
    assert reloaded is not None
    assert reloaded.turns == [
        Turn("كم تراجعت الصادرات؟", answer()),
        Turn("ما هذا؟", note="Cannot ask that: too long"),
    ]
    assert reloaded.turns[0].answer == answer()
    assert isinstance(reloaded.turns[0].answer.citations[0], Citation)
    assert reloaded.title == "كم تراجعت الصادرات؟"
    assert reloaded.created == conversation.created < reloaded.updated


def test_settings_point_the_store_at_the_records_database(tmp_path):
    store = ConversationStore(Settings(store_dir=tmp_path, record_db_url=None))
    store.create("sara")
    assert (tmp_path / "records.sqlite").exists()


def test_another_user_cannot_see_change_or_delete_a_conversation(db):
    store = ConversationStore(db)
    conversation = store.create("sara")
    store.append(conversation.id, "sara", Turn("سؤال", answer()))

    assert store.get(conversation.id, "omar") is None
    assert store.append(conversation.id, "omar", Turn("سؤال آخر", note="stopped")) is False
    assert store.delete(conversation.id, "omar") is False
    assert store.list("omar") == []

    kept = store.get(conversation.id, "sara")
    assert kept is not None and [t.question for t in kept.turns] == ["سؤال"]


def test_ids_are_random_and_url_safe(db):
    store = ConversationStore(db)
    ids = {store.create("sara").id for _ in range(20)}
    assert len(ids) == 20
    assert all(len(i) >= 16 and i.replace("-", "").replace("_", "").isalnum() for i in ids)


def test_the_list_is_newest_first_with_titles_and_turn_counts(db):
    store = ConversationStore(db)
    first, second, third = (store.create("sara") for _ in range(3))
    store.create("omar")
    store.append(second.id, "sara", Turn("  سؤال\nطويل " + "ا" * 100, note="stopped"))
    store.append(first.id, "sara", Turn("الأول", answer()))

    summaries = store.list("sara")
    assert [s.id for s in summaries] == [first.id, second.id, third.id]
    assert [s.turns for s in summaries] == [1, 1, 0]
    assert summaries[0].title == "الأول"
    assert summaries[1].title.startswith("سؤال طويل ا") and len(summaries[1].title) == 80
    assert summaries[1].title.endswith("…")
    assert summaries[2].title == ""
    assert [s.id for s in store.list("sara", limit=2)] == [first.id, second.id]


def test_delete_removes_one_conversation_and_only_its_owners(db):
    store = ConversationStore(db)
    gone, kept = store.create("sara"), store.create("sara")
    omars = store.create("omar")
    store.append(gone.id, "sara", Turn("سؤال", answer()))

    assert store.delete(gone.id, "sara") is True
    assert store.get(gone.id, "sara") is None
    assert store.delete(gone.id, "sara") is False
    assert store.append(gone.id, "sara", Turn("سؤال", note="stopped")) is False
    assert [s.id for s in store.list("sara")] == [kept.id]
    assert store.get(omars.id, "omar") is not None


def test_a_long_conversation_keeps_its_latest_turns_and_first_title(db):
    store = ConversationStore(db, max_turns=3)
    conversation = store.create("sara")
    for n in range(5):
        store.append(conversation.id, "sara", Turn(f"سؤال {n}", note="stopped"))

    kept = store.get(conversation.id, "sara")
    assert kept is not None
    assert [t.question for t in kept.turns] == ["سؤال 2", "سؤال 3", "سؤال 4"]
    assert kept.title == "سؤال 0"


def test_a_user_keeps_the_most_recently_used_conversations(db):
    store = ConversationStore(db, max_conversations=2)
    oldest, used = store.create("sara"), store.create("sara")
    store.append(oldest.id, "sara", Turn("سؤال", note="stopped"))  # now the most recently used
    newest = store.create("sara")
    omars = store.create("omar")

    assert [s.id for s in store.list("sara")] == [newest.id, oldest.id]
    assert store.get(used.id, "sara") is None
    assert store.get(omars.id, "omar") is not None


def test_concurrent_appends_from_two_stores_all_land(db):
    stores = [ConversationStore(db), ConversationStore(db)]
    conversation = stores[0].create("sara")

    def ask(store: ConversationStore, worker: int) -> None:
        for n in range(10):
            assert store.append(conversation.id, "sara", Turn(f"{worker}/{n}", note="stopped"))

    threads = [threading.Thread(target=ask, args=(stores[w % 2], w)) for w in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    saved = stores[1].get(conversation.id, "sara")
    assert saved is not None
    assert sorted(t.question for t in saved.turns) == sorted(f"{w}/{n}" for w in range(4) for n in range(10))


def exported(db) -> str:
    store = ConversationStore(db)
    conversation = store.create("sara")
    store.append(conversation.id, "sara", Turn(HOSTILE_TITLE, answer()))
    store.append(conversation.id, "sara", Turn("ثم؟", note="Stopped."))
    saved = store.get(conversation.id, "sara")
    assert saved is not None
    return to_markdown(saved)


def test_the_markdown_export_has_questions_answers_and_cited_quotes(db):
    markdown = exported(db)
    assert markdown.startswith("# ")
    assert "**Q:** ثم؟" in markdown
    assert "*No answer:* Stopped\\." in markdown
    assert "\\[1\\] Al Jazeera · 2024\\-05\\-01 — تراجع الصادرات" in markdown  # asked in Latin letters
    assert "\n<https://example.com/news/1>\n" in markdown
    assert "\n> وقال الوزير إن الصادرات تراجعت بنسبة 3\\.5\\% \\(في الربع الأول\\)" in markdown

    shown = html.unescape(MarkdownIt("commonmark").render(markdown))
    assert f"<blockquote>\n<p>{QUOTE}</p>\n</blockquote>" in shown  # the quote reads as written
    assert "تراجعت الصادرات بنسبة 3.5% [1]." in shown
    assert '<a href="https://example.com/news/1">' in shown


def test_article_text_in_the_export_makes_no_link_image_or_html(db):
    markdown = exported(db)
    rendered = MarkdownIt("commonmark").enable("table").enable("strikethrough").render(markdown)

    assert rendered.count("<a ") == 1  # the cited article's own web address only
    assert "<img" not in rendered and "<script" not in rendered
    assert rendered.count("<em>") == 1  # "No answer:" only
    assert "javascript" not in rendered.split("<a ")[1].split(">")[0]
    shown = html.unescape(rendered)
    assert f"<h1>{HOSTILE_TITLE}</h1>" in shown
    assert f"— {HOSTILE_TITLE}" in shown  # the hostile citation title, as text
    assert "<script>x</script> (uploaded by sara on 2026-11-30)" in shown
    assert "javascript:alert(1)" not in markdown
