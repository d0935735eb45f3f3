"""The Sanad chat (Streamlit). Presentation only: the work is done by qa and ingest.

Run with `qa ui` (or `streamlit run ui/app.py`). Settings come from the same
environment variables as the `qa` command.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path

import streamlit as st

from ingest.jobs import IngestJob, IngestQueue
from ingest.sync import IngestReport, ingest
from ingest.uploads import discard_unstored, save_upload
from qa.answer_types import Answer, Citation
from qa.arabic import is_arabic
from qa.config import Settings
from qa.conversations import ConversationStore, Turn
from qa.display import (
    CITED_ID,
    also_block,
    answer_block,
    article_block,
    card_header,
    confidence_line,
    markdown_safe,
    period_line,
    plain_text,
    quote_block,
    quoted_in_answer,
    source_line,
    text_block,
)
from qa.engine import DEFAULT_PASSAGES, Engine
from qa.errors import IngestError, QuestionError, SanadError
from qa.scope import Scope
from qa.store import open_catalog
from qa.writer import ingest_running
from ui.articles import CachedArticles, articles_panel
from ui.auth import User, current_user, sign_out_button
from ui.conversation import STOPPED, ChatHistory, conversations_panel

UPLOAD_TYPES = ["txt", "md", "html", "htm", "jsonl"]
STYLE = """
<style>
mark { background: #ffe58a; padding: 0 .15em; border-radius: .2em; }
mark strong { background: #ffc400; border-radius: .2em; }
a.cite { color: #1565c0; font-weight: 600; margin: 0 .1em; text-decoration: none; font-size: .8em; vertical-align: super; }
p[dir] { margin-bottom: .35em; text-align: start; }
.card-head { color: #555; font-size: .9em; }
.source { color: #666; font-size: .85em; }
.article-row { margin-bottom: .5em; }
.article-row .title { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; text-align: start; }
.article-row .meta { color: #666; font-size: .8em; }
</style>
"""
# The article view's own script (never article text): bring the cited quote into view.
SCROLL_TO_QUOTE = f"<script>document.getElementById('{CITED_ID}')?.scrollIntoView({{block: 'center'}});</script>"


# The chat's ingests report progress once a step: steps of at most 256 passages keep its
# bar moving (a step every 8–20 s) for some speed (`qa ingest` takes 1,024; README "Speed").
CHAT_INGEST_STEP = 256


def chat_ingest_settings(settings: Settings) -> Settings:
    return settings.with_overrides(ingest_batch=min(settings.ingest_batch, CHAT_INGEST_STEP))


@st.cache_resource(show_spinner="Opening the article store…")
def shared_engine() -> dict:
    """One engine per process, shared by every session (it is thread-safe), whether the
    first start's ingest is done, the queue every session's ingests go through, and
    the saved conversations."""
    engine = Engine(Settings(), create=True)
    queue = IngestQueue(
        partial(
            ingest,
            settings=chat_ingest_settings(engine.settings),
            encoder=engine.encoder,
            max_passages=engine.settings.max_chat_passages,
        )
    )
    conversations = ConversationStore(engine.settings)
    return {
        "engine": engine,
        "first_start_done": False,
        "ingests": queue,
        "conversations": conversations,
        "articles": CachedArticles(),
    }


def show_report(report: IngestReport) -> None:
    (st.warning if report.failed else st.success)(report.summary())
    for repair in report.repairs:
        st.text(f"Repaired: {repair}")
    for failure in report.failed:
        st.text(f"✗ {failure['path'].rsplit('/', 1)[-1]}: {failure['error']}")
    for warning in report.warnings:
        st.text(f"! {warning['path'].rsplit('/', 1)[-1]}: {warning['warning']}")


def run_ingest(engine: Engine, paths, who: str) -> IngestReport | None:
    """Ingest with a progress bar; None (and the error shown) if the ingest itself failed."""
    bar = st.progress(0.0, text="Reading articles…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Embedding passages: {done}/{total}")

    try:
        report = ingest(
            paths,
            chat_ingest_settings(engine.settings),
            progress=progress,
            on_wait=lambda m: st.info(markdown_safe(m)),
            encoder=engine.encoder,
            who=who,
        )
    except SanadError as exc:
        bar.empty()
        st.error(markdown_safe(f"Ingestion failed: {exc}"))
        return None
    bar.progress(1.0, text="Done")
    return report


def ingest_from_panel(engine: Engine, user: User, action: str, paths: list[Path] | None = None) -> None:
    """Queue an ingest for an editor of ``paths`` (their uploads; default the whole
    articles folder); it runs in the background whether or not this tab stays open,
    and ``ingest_status`` follows it."""
    queue = shared_engine()["ingests"]
    tidy = partial(discard_failed_uploads, engine, paths) if paths else None
    st.session_state["ingest_job"] = queue.submit(user.name, paths or [engine.settings.articles_dir], action, tidy)
    st.rerun()  # drawn again with the job's progress


@st.fragment(run_every=1)
def ingest_status(job: IngestJob) -> None:
    """This session's queued or running ingest; when it ends, the page is drawn again
    (the article list and change log then include it) with the report on top."""
    if not job.finished.is_set():
        place = shared_engine()["ingests"].position(job)
        if place > 0:
            st.info(f"Your ingest is queued behind {place} other(s).")
        elif job.waiting_for:
            st.info(markdown_safe(job.waiting_for))
        else:
            text = f"Embedding passages: {job.done}/{job.total}" if job.total else "Reading articles…"
            st.progress(job.done / job.total if job.total else 0.0, text=text)
        return
    st.session_state["finished_ingest"] = st.session_state.pop("ingest_job")
    st.rerun(scope="app")


def first_start(engine: Engine) -> None:
    """Ingest the articles folder into an empty store, once per process. Run here, not in
    the cached opener, so its progress bar shows; an ingest already writing (a schedule,
    a rebuild) is left to fill the store instead."""
    settings = engine.settings
    if ingest_running(settings):
        st.info(
            f"Another ingest is writing to {settings.store_location}; reload the page when it is done to see its articles."
        )
        return
    if engine.refresh().store.count() == 0:
        st.info(f"First start: ingesting the articles in {settings.articles_dir}.")
        report = run_ingest(engine, [settings.articles_dir], who="first start")
        if not report:
            return  # tried again on the next page load
        show_report(report)
    shared_engine()["first_start_done"] = True  # only after a whole ingest: an interrupted one is redone


def discard_failed_uploads(engine: Engine, uploads: list[Path], report: IngestReport) -> list[str]:
    """After an upload's ingest, in the worker: its files that put nothing in the store go
    (not when documents were deferred: they are still to come)."""
    if report.deferred:
        return []
    gone = discard_unstored(uploads, open_catalog(engine.settings).files())  # no index rebuilt meanwhile
    return [f"{path.name} was not kept: nothing in it could be ingested." for path in gone]


def corpus_panel(engine: Engine, user: User) -> None:
    catalog = engine.refresh().store.catalog
    articles = shared_engine()["articles"].of(catalog)
    finished: IngestJob | None = st.session_state.pop("finished_ingest", None)
    if finished:
        if finished.report:
            show_report(finished.report)
            for note in finished.notes:
                st.caption(markdown_safe(note))
        else:
            st.error(markdown_safe(f"Ingestion failed: {finished.error}"))
        for reason in st.session_state.pop("refused_uploads", []):
            st.error(markdown_safe(reason))
    if job := st.session_state.get("ingest_job"):
        # Only while there is one: idle tabs cost nothing, and a timed fragment's run that
        # crosses a full rerun (a click on "Sign out") can leave Streamlit's page blank
        # (Streamlit 1.67), which can then happen only during this session's ingest.
        ingest_status(job)
    articles_panel(articles)

    changes = catalog.changes(limit=20)
    if changes:
        with st.expander(f"Changes to the articles ({len(changes)} latest)"):
            st.dataframe([c.__dict__ for c in changes], hide_index=True)
    if not user.can_edit:
        st.caption("Only editors add or re-scan articles.")
        return
    if "ingest_job" in st.session_state:  # one at a time per session: its report is awaited
        st.caption("Your ingest is under way; you can add more once it is done.")
        return
    round_ = st.session_state.setdefault("upload_round", 0)  # a new uploader, empty, after each ingest
    uploads = st.file_uploader(
        "Add articles", type=UPLOAD_TYPES, accept_multiple_files=True, key=f"uploads-{round_}"
    )  # its own note states the size limit (the server's maxUploadSize, set from MAX_UPLOAD_BYTES)
    if uploads and st.button("Ingest uploaded files", type="primary"):
        saved, refused = [], []
        for upload in uploads:
            try:
                path = save_upload(engine.settings.articles_dir, upload.name, upload.getvalue())
            except IngestError as exc:
                refused.append(str(exc))
                st.error(markdown_safe(str(exc)))
                continue
            catalog.record_upload(str(path), user.name)  # its citations say who uploaded it
            saved.append(path)
        st.session_state["upload_round"] = round_ + 1  # the next run's uploader starts empty
        if saved:  # only these files: another editor's upload saved meanwhile is theirs to report
            st.session_state["refused_uploads"] = refused  # shown again with the ingest's report
            ingest_from_panel(engine, user, f"upload {', '.join(p.name for p in saved)}", saved)
    if st.button("Re-scan the articles folder"):
        ingest_from_panel(engine, user, "re-scan the articles folder")


@dataclass(frozen=True)
class Answering:
    """How the sidebar says to answer: the answerer, passages read, the articles in scope."""

    spec: str  # "" for the extractive answerer
    k: int
    scope: Scope


ALL_OUTLETS = "all outlets"


def scope_panel(engine: Engine) -> Scope:
    """Only articles of one outlet, between two dates (both optional)."""
    outlet = st.selectbox("Only articles from", [ALL_OUTLETS, *engine.refresh().store.catalog.outlets()])
    since, until = st.columns(2)
    first = since.date_input("Dated from", value=None, format="YYYY-MM-DD")
    last = until.date_input("to", value=None, format="YYYY-MM-DD")
    return Scope(
        None if outlet == ALL_OUTLETS else outlet,
        first.isoformat() if first else None,  # one date (value=None asks for one, not a range)
        last.isoformat() if last else None,
    )


def settings_panel(engine: Engine) -> Answering:
    st.subheader("Answering")
    settings = engine.settings
    offered = {"extractive (no LLM)": "", **settings.llm_options()}  # label → spec
    choice = st.selectbox(
        "Answerer",
        list(offered),
        index=list(offered.values()).index(settings.llm) if settings.llm else 0,
        help="LLMs are offered as configured (QA_LLM, QA_LLM_CHOICES). Every quote an LLM gives is checked "
        "against its passage; without a verified quote the extractive answer is shown instead.",
    )
    spec = offered[choice]
    k = st.slider("Passages to read", 1, 12, DEFAULT_PASSAGES)
    scope = scope_panel(engine)
    st.caption(
        f"Model: `{settings.embedding_model}`  \nStore: `{settings.store_location}` "
        f"(collection `{settings.collection}`, {engine.refresh().store.count()} passages)  \n"
        f"Articles folder: `{settings.articles_dir}`"
    )
    return Answering(spec, k, scope)


@st.dialog("Article", width="large")
def show_article(engine: Engine, citation: Citation, arabic: bool) -> None:
    """The whole cleaned article, the cited quote marked and scrolled into view."""
    st.markdown(card_header(citation, "article", arabic), unsafe_allow_html=True)
    st.markdown(source_line(citation), unsafe_allow_html=True)
    text = engine.refresh().store.article_text(citation.doc_key) if citation.doc_key else ""
    if not text:
        st.info("This article is no longer in the store; its cited passage:")
        text = citation.passage
    st.markdown(article_block(text, citation.passage, citation.quote), unsafe_allow_html=True)
    st.html(SCROLL_TO_QUOTE, unsafe_allow_javascript=True)


def render_answer(engine: Engine, answer: Answer, anchor: str) -> None:
    """The answer first, then one card per source with its quote marked; ``anchor``
    makes this answer's element ids unique on the page."""
    period = period_line(answer)
    if not answer.answerable:
        # No answer; when the articles give something close instead, that follows, cited.
        lead, _, instead = answer.answer.partition("\n")
        st.info(markdown_safe(lead), icon=":material/search:")
        if period:
            st.caption(period)
        if not answer.citations:
            return
        answer = replace(answer, answer=instead)
    st.markdown(answer_block(answer, anchor), unsafe_allow_html=True)
    for line in (period if answer.answerable else None, confidence_line(answer)):
        if line:
            st.caption(line)
    with st.popover("Copy", icon=":material/content_copy:"):
        st.code(plain_text(answer), language=None, wrap_lines=True)  # shown as text, with a copy button
    if answer.mode != "extractive":
        st.caption(f"Mode: {answer.mode}")
    shown = quoted_in_answer(answer)
    arabic = is_arabic(answer.question)  # outlets named in the reader's script
    for citation in answer.citations:
        with st.container(border=True):
            st.markdown(card_header(citation, anchor, arabic), unsafe_allow_html=True)
            if citation.n not in shown:
                st.markdown(quote_block(citation, answer), unsafe_allow_html=True)
            st.markdown(source_line(citation) + also_block(citation, arabic), unsafe_allow_html=True)
            if st.button("Open article", key=f"open-{anchor}-{citation.n}", type="tertiary", icon=":material/article:"):
                show_article(engine, citation, arabic)


def show_turn(engine: Engine, number: int, turn: Turn) -> None:
    with st.chat_message("user"):
        st.markdown(text_block(turn.question), unsafe_allow_html=True)
    with st.chat_message("assistant"):
        show_reply(engine, turn, f"answer{number}")


def show_reply(engine: Engine, turn: Turn, anchor: str) -> None:
    if turn.answer:
        render_answer(engine, turn.answer, anchor)
    elif turn.note == STOPPED:
        st.caption(STOPPED)
    elif turn.note and turn.note.startswith(REFUSED):
        st.warning(markdown_safe(turn.note))
    else:
        st.error(markdown_safe(turn.note or ""))


REFUSED = "Cannot ask that"  # how a refused question's note starts
STOP_AFTER_S = 1.0  # the Stop button shows once an answer takes longer than this


@dataclass
class Asking:
    """The question being answered, kept in the session: a run cut short (Stop, a new
    question, any click) leaves it, with its answer if there was one, for the next run."""

    question: str
    conversation_id: str | None  # the conversation it was asked in (None: a new one)
    turn: Turn | None = None  # set the moment the answer is ready


def keep_cut_short_turn(history: ChatHistory) -> None:
    asking: Asking | None = st.session_state.get("asking")
    if asking:
        history.add(asking.turn or Turn(asking.question, note=STOPPED), asking.conversation_id)
        del st.session_state["asking"]


def chat(engine: Engine, history: ChatHistory, how: Answering) -> None:
    keep_cut_short_turn(history)
    history.show_in_address()
    conversation = history.current()
    turns = conversation.turns if conversation else []
    for number, turn in enumerate(turns):
        show_turn(engine, number, turn)

    question = st.chat_input("Ask about the articles, in English or Arabic…")
    if not question:
        return
    asking = st.session_state["asking"] = Asking(question, history.current_id())
    with st.chat_message("user"):
        st.markdown(text_block(question), unsafe_allow_html=True)
    reply = st.chat_message("assistant")
    with reply:
        answer_turn(engine, asking, [t.question for t in turns], how)
    assert asking.turn is not None  # answer_turn returns only once it is set
    history.add(asking.turn, asking.conversation_id)  # saved before it is drawn: a click then loses nothing
    del st.session_state["asking"]
    history.show_in_address()
    with reply:
        show_reply(engine, asking.turn, f"answer{len(turns)}")


def answer_turn(engine: Engine, asking: Asking, asked: list[str], how: Answering) -> None:
    """Answer ``asking`` (``asked``: the conversation's earlier questions) in a worker
    thread, showing what it is doing, for how long, the LLM's text as it comes, and a
    Stop button; the turn is left in ``asking.turn``. Stop, like any click, ends this
    run at its next update; the worker is then told to stop, and the LLM's stream is
    closed."""
    cancel, phases, tokens = threading.Event(), ["searching the articles"], []
    answers: list[Answer] = []
    errors: list[Exception] = []

    def work() -> None:
        try:
            answers.append(
                engine.ask(
                    asking.question,
                    asked,
                    how.k,
                    how.spec or None,
                    on_token=tokens.append,
                    cancel=cancel,
                    on_phase=phases.append,
                    scope=how.scope or None,
                )
            )
        except Exception as exc:  # raised again below, in the page's own thread
            errors.append(exc)

    worker = threading.Thread(target=work, name="sanad-answer", daemon=True)
    worker.start()
    started = time.monotonic()
    status, stop, streamed = st.empty(), st.empty(), st.empty()
    stop_shown = False  # its click ends this run (a rerun), like any click
    try:
        while worker.is_alive():
            elapsed = time.monotonic() - started
            status.caption(f"{phases[-1].capitalize()}… {elapsed:.0f} s")
            if elapsed > STOP_AFTER_S and how.spec and not stop_shown:
                stop.button("Stop", icon=":material/stop_circle:", key="stop-answer")
                stop_shown = True
            if tokens:
                streamed.code("".join(tokens)[-2000:], language="json")
            worker.join(0.25)
    finally:
        cancel.set()  # a no-op once the answer is done
    if errors and not isinstance(errors[0], SanadError):
        raise errors[0]
    asking.turn = _turn_of(asking.question, answers, errors)  # before any Streamlit call: kept if cut short
    for placeholder in (status, stop, streamed):
        placeholder.empty()


def _turn_of(question: str, answers: list[Answer], errors: list[Exception]) -> Turn:
    if answers:
        return Turn(question, answers[0])
    if isinstance(errors[0], QuestionError):
        return Turn(question, note=f"{REFUSED}: {errors[0]}.")
    return Turn(question, note=str(errors[0]))


def main() -> None:
    st.set_page_config(page_title="Sanad — cited answers from Arabic news", page_icon="📰", layout="wide")
    st.markdown(STYLE, unsafe_allow_html=True)
    try:
        user = current_user(Settings())  # before anything else: a refused chat shows nothing
        engine = shared_engine()["engine"]
        if not shared_engine()["first_start_done"]:
            first_start(engine)
        engine.refresh()
        with st.sidebar:
            st.title("Sanad")
            st.caption("Answers from Arabic news articles, every claim quoted and cited.")
            sign_out_button(user)
            history = ChatHistory(shared_engine()["conversations"], user)
            conversations_slot = st.container()  # filled after the chat: it then includes this run's answer
            how = settings_panel(engine)
            corpus_panel(engine, user)
        chat(engine, history, how)
        with conversations_slot:
            conversations_panel(history)
    except SanadError as exc:  # every error a user can act on, shown in one place
        st.error(markdown_safe(str(exc)))
        st.stop()


main()
