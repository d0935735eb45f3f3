"""The Streamlit chat's logic through Streamlit's AppTest, and its safety helpers."""

from __future__ import annotations

import html
import json
import shutil
import threading
from datetime import date

import pytest
from streamlit.testing.v1 import AppTest

from qa.config import BUNDLED_CORPUS, PROJECT_ROOT, Settings
from qa.conversations import ConversationStore, to_markdown
from qa.display import CITED_ID
from qa.store import open_store
from qa.writer import writing

APP = str(PROJECT_ROOT / "ui" / "app.py")
HOSTILE = (
    "تقرير عن الأمن في البصرة\n\n"
    'قالت الشرطة إن دورية ضبطت شحنة أسلحة في البصرة <script>alert("x")</script> '
    "<img src=x onerror=alert(1)> بعد مداهمة مخزن قرب الميناء الأسبوع الماضي.\n"
)


@pytest.fixture
def articles(tmp_path, monkeypatch):
    """A private copy of the bundled articles and an empty store, as the app's settings."""
    folder = tmp_path / "articles"
    shutil.copytree(BUNDLED_CORPUS, folder)
    monkeypatch.setenv("QA_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("QA_ARTICLES", str(folder))
    yield folder
    import streamlit as st

    st.cache_resource.clear()  # each test gets its own store


@pytest.fixture
def app(articles):
    (articles / "hostile.txt").write_text(HOSTILE, encoding="utf-8")
    test = AppTest.from_file(APP, default_timeout=300)
    test.run()
    assert not test.exception
    return test


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception
    return app


def html_of(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def shown(markdown: str) -> str:
    """What a reader sees of escaped text (qa.display.markdown_safe writes punctuation as references)."""
    return html.unescape(markdown)


MARKER = '<a class="cite" href="#answer0-1" target="_self">&#91;1&#93;</a>'


def test_answer_with_markers_and_source_cards(app):
    ask(app, "How many US troops are in Iraq?")
    page = html_of(app)
    assert "2500" in page and MARKER in page
    assert "Kurdistan24" in page and "Levant News" in page and "2023-12-13" in shown(page)
    assert [b.label for b in app.main.button] == ["Open article", "Open article"]
    assert page.count("<mark>") == 2  # each quote once, in its card
    (copy,) = [c.value for c in app.main.code]  # the answer as text, with a copy button
    assert "2500" in copy and "Levant News" in copy and "<" not in copy


def test_unanswerable_is_shown_as_such_not_as_an_error(app):
    ask(app, "What is the population of Iraq?")
    assert [shown(i.value) for i in app.info] == ["The articles do not say."]
    assert not app.error


def test_what_the_articles_give_instead_is_shown_cited_under_the_no(app):
    ask(app, "How many US troops are in Syria?")
    assert [shown(i.value) for i in app.info] == [
        "The articles do not give this for Syria; the nearest they give is for Iraq:"
    ]
    page = html_of(app)
    assert "2500" in page and MARKER in page and "Levant News" in page
    assert not any(c.value.startswith("Confidence") for c in app.caption)  # it is not an answer


def test_a_store_error_while_answering_is_shown_not_raised(articles, tmp_path, monkeypatch):
    monkeypatch.setenv("QA_DICTIONARY", str(tmp_path / "no-such-dictionary"))
    app = AppTest.from_file(APP, default_timeout=300).run()
    assert not app.exception and not app.error  # the chat opens and ingests without the dictionary
    ask(app, "How many US troops are in Iraq?")
    assert any("cannot read the dictionary" in shown(e.value) for e in app.error)


def test_follow_up_uses_the_conversation(app):
    ask(app, "كم عدد الهجمات على القوات الأميركية في العراق وسوريا؟")
    ask(app, "ومن أعلن ذلك؟")
    assert len(app.chat_message) == 4
    last = app.chat_message[3]
    assert any(n in "".join(m.value for m in last.markdown) for n in ("73", "40"))


def test_article_html_is_escaped_everywhere(app):
    ask(app, "ماذا ضبطت الشرطة في البصرة؟")
    page = html_of(app)
    assert "شحنة أسلحة" in page
    assert "<script" not in page and "<img" not in page
    assert "&#60;script&#62;" in page and "<script" in shown(page)  # shown as the text it is
    # No blank line inside our HTML: markdown in article text ([link](…), ![img](…)) stays text.
    for block in (m.value for m in app.markdown if "شحنة" in m.value):
        assert "\n" not in block


def article_rows(app: AppTest) -> list[str]:
    return [row for m in app.sidebar.markdown for row in m.value.split('<div class="article-row">')[1:]]


def test_sidebar_lists_the_articles_and_settings(app):
    assert len(article_rows(app)) == 6 and any("Rudaw" in row for row in article_rows(app))
    assert "Articles (6)" in [h.value for h in app.sidebar.subheader]
    assert app.sidebar.slider[0].value == 6
    assert "bundled:multilingual-e5-small" in "".join(c.value for c in app.sidebar.caption)


def test_first_start_leaves_a_running_ingest_alone_then_ingests(articles):
    """A scheduled ingest holds the store when the chat first starts: the page says so
    instead of hanging or ingesting beside it; once it is done, the chat ingests the
    articles folder itself, with its report."""
    holding, release = threading.Event(), threading.Event()

    def scheduled_ingest() -> None:
        with writing(Settings()):
            holding.set()
            release.wait(120)

    holder = threading.Thread(target=scheduled_ingest)
    holder.start()
    assert holding.wait(30)
    test = AppTest.from_file(APP, default_timeout=300).run()
    release.set()
    holder.join()
    assert not test.exception
    assert any("Another ingest is writing" in i.value for i in test.info)
    assert not article_rows(test)  # nothing ingested yet, and nothing started beside it

    test.run()
    assert not test.exception
    assert "5 added" in test.success[0].value
    assert len(article_rows(test)) == 5
    emptied = open_store(Settings()).collection  # behind the chat's back: no second first start
    emptied.delete(ids=emptied.get(include=[])["ids"])
    test.run()
    assert not test.exception
    assert not test.success and not any("First start" in i.value for i in test.info)


def test_a_chat_over_an_empty_store_says_there_are_no_articles(tmp_path, monkeypatch):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")  # every file fails: nothing is stored
    monkeypatch.setenv("QA_STORE", str(tmp_path / "store"))
    monkeypatch.setenv("QA_ARTICLES", str(folder))
    try:
        app = AppTest.from_file(APP, default_timeout=300).run()
        ask(app, "How many US troops are in Iraq?")
        assert not app.exception
        assert any("no articles in the store yet" in shown(i.value) for i in app.info)
    finally:
        import streamlit as st

        st.cache_resource.clear()


def test_open_article_shows_the_whole_article_with_the_quote_marked(app):
    ask(app, "How many US troops are in Iraq?")
    app.main.button[0].click().run()
    assert not app.exception
    (article,) = [m.value for m in app.markdown if CITED_ID in m.value]
    assert article.count('<p dir="auto">') > 5  # the whole article, not the passage
    quoted = article.split(f'<mark id="{CITED_ID}">', 1)[1].split("</mark>", 1)[0]
    assert "2500" in quoted


def test_a_conversation_survives_a_reload_and_is_exported_with_its_quotes(app):
    ask(app, "How many US troops are in Iraq?")
    ask(app, "x" * 3000)  # refused: kept in the conversation with the reason, not lost
    conversation = app.query_params["c"]
    reloaded = AppTest.from_file(APP, default_timeout=300)
    reloaded.query_params["c"] = conversation
    reloaded.run()
    assert not reloaded.exception and len(reloaded.chat_message) == 4
    assert "2500" in html_of(reloaded) and any("Cannot ask that" in shown(w.value) for w in reloaded.warning)
    exported = ConversationStore(Settings()).get(conversation, "local user")
    markdown = to_markdown(exported)
    assert "How many US troops are in Iraq" in markdown and "Levant News" in markdown
    assert "> " in markdown and "2500" in markdown.split("> ", 1)[1]  # the quote, as a blockquote

    new_chat = next(b for b in reloaded.sidebar.button if b.label == "New chat")
    new_chat.click().run()
    assert len(reloaded.chat_message) == 0 and "c" not in reloaded.query_params
    assert reloaded.sidebar.expander[0].label == "Earlier conversations (1)"


def test_the_article_list_pages_and_searches_titles_with_arabic_letter_variants(articles):
    lines = [
        json.dumps(
            {
                "id": f"n{n}",
                "title": f"تقرير رقم {n} عن الإقتصاد" if n % 10 == 0 else f"خبر رقم {n}",
                "date": f"2018-03-{n % 28 + 1:02d}",
                "outlet": "BBC Arabic",
                "text": f"نص الخبر رقم {n}.",
            }
        )
        for n in range(45)
    ]
    (articles / "archive.jsonl").write_text("\n".join(lines), encoding="utf-8")
    app = AppTest.from_file(APP, default_timeout=300).run()
    assert not app.exception
    assert "Articles (50)" in [h.value for h in app.sidebar.subheader]
    assert len(article_rows(app)) == 20 and app.sidebar.number_input[0].label == "Page (of 3)"
    assert any("BBC Arabic 45" in c.value for c in app.sidebar.caption)
    app.sidebar.number_input[0].set_value(3).run()
    assert len(article_rows(app)) == 10  # 50 = 20 + 20 + 10
    app.sidebar.text_input(key="title_search").set_value("الاقتصاد").run()  # typed without the hamza
    rows = article_rows(app)
    assert len(rows) == 5 and all("الإقتصاد" in row for row in rows)


def test_a_re_scan_shows_its_ingest_under_way_then_its_report(app, articles):
    """The re-scan button queues an ingest in the background: the page says it is under
    way at once, and the run after it ends reports it and lists the new article."""
    (articles / "bridge.txt").write_text(
        "العراق يفتتح جسرا جديدا في الموصل\n\nافتتحت الحكومة العراقية جسر الحرية فوق نهر دجلة في الموصل.\n",
        encoding="utf-8",
    )
    next(b for b in app.button if b.label == "Re-scan the articles folder").click().run()
    assert not app.exception
    assert any("under way" in c.value for c in app.caption)  # its progress is drawn, the buttons are not
    job = app.session_state["ingest_job"]
    assert job.finished.wait(timeout=300)
    app.run()
    assert any("1 added" in s.value for s in app.success)
    assert any("جسرا جديدا" in row for row in article_rows(app))


def test_the_sidebar_narrows_answers_to_an_outlet_and_dates(app):
    outlet = next(s for s in app.sidebar.selectbox if s.label == "Only articles from")
    assert "Kurdistan24" in outlet.options and "Rudaw" in outlet.options
    outlet.set_value("Kurdistan24").run()
    ask(app, "How many US troops are in Iraq?")
    cards = [m.value for m in app.markdown if 'class="card-head"' in m.value]
    assert cards and all("Kurdistan24" in card for card in cards)
    outlet.set_value("all outlets").run()
    next(d for d in app.sidebar.date_input if d.label == "to").set_value(date(2023, 11, 30)).run()
    # All dates give 73 attacks (Kurdistan24, 13 December); by 30 November, Rudaw's 40.
    ask(app, "How many attacks on US forces did the Pentagon report?")
    cards = [m.value for m in app.chat_message[-1].markdown if 'class="card-head"' in m.value]
    assert cards and all("2023&#45;11&#45;08" in card for card in cards)  # only the one article dated by then
