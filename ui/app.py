"""The Sanad chat (Streamlit). Presentation only: the work is done by qa and ingest.

Run with `qa ui` (or `streamlit run ui/app.py`). Settings come from the same
environment variables as the `qa` command.
"""

from __future__ import annotations

from collections import Counter

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from ingest.load import IngestError
from ingest.sync import IngestReport, ingest
from ingest.uploads import MAX_UPLOAD_BYTES, save_upload
from qa.answer_types import Answer
from qa.answering import DEFAULT_PASSAGES, QuestionError, ask
from qa.config import Settings
from qa.display import answer_block, card_header, highlighted_passage, quote_block, source_line, text_block
from qa.llm import LLMAnswerer, LLMError, answerer_from_spec
from qa.store import Store, StoreError, current, ingest_running, open_store

UPLOAD_TYPES = ["txt", "md", "html", "htm", "jsonl"]
STYLE = """
<style>
mark { background: #ffe58a; padding: 0 .15em; border-radius: .2em; }
sup.cite { color: #1565c0; font-weight: 600; margin: 0 .1em; }
p[dir="auto"] { margin-bottom: .35em; }
</style>
"""


@st.cache_resource(show_spinner="Opening the article store…")
def shared_store() -> dict[str, Store]:
    """One store per process, shared by every session (its clients are thread-safe)."""
    return {"store": open_store(Settings(), create=True)}


def current_store() -> Store:
    """The shared store, reopened when another process (a scheduled ingest) changed it."""
    holder = shared_store()
    holder["store"] = current(holder["store"])
    return holder["store"]


@st.cache_resource(show_spinner="Starting the LLM…")
def shared_llm(spec: str) -> LLMAnswerer | None:
    return answerer_from_spec(spec)


def show_report(report: IngestReport) -> None:
    (st.warning if report.failed else st.success)(report.summary())
    for failure in report.failed:
        st.text(f"✗ {failure['path'].rsplit('/', 1)[-1]}: {failure['error']}")


def run_ingest(store: Store, paths) -> bool:
    """Ingest with a progress bar and the report; False if the ingest itself failed."""
    bar = st.progress(0.0, text="Reading articles…")

    def progress(done: int, total: int) -> None:
        bar.progress(done / total if total else 1.0, text=f"Embedding passages: {done}/{total}")

    try:
        report = ingest(paths, store.settings, progress=progress, on_wait=st.info)
    except (StoreError, SQLAlchemyError) as exc:
        bar.empty()
        st.error(f"Ingestion failed: {exc}")
        return False
    bar.progress(1.0, text="Done")
    show_report(report)
    return True


def first_start(store: Store) -> Store:
    """Ingest the articles folder into an empty store, once per process. Run here, not in
    the cached opener, so its progress bar shows; an ingest already writing (a schedule,
    a rebuild) is left to fill the store instead."""
    if ingest_running(store.settings):
        st.info(
            f"Another ingest is writing to {store.settings.store_location}; reload the page when it is done to see its articles."
        )
        return store
    if store.passage_count() == 0:
        st.info(f"First start: ingesting the articles in {store.settings.articles_dir}.")
        if not run_ingest(store, [store.settings.articles_dir]):
            return store  # tried again on the next page load
        store = current_store()
    shared_store()["first_start_done"] = True  # only after a whole ingest: an interrupted one is redone
    return store


def corpus_panel(store: Store) -> None:
    records = store.catalog.all()
    st.subheader(f"Articles ({len(records)})")
    if records:
        st.dataframe(
            [
                {
                    "title": r.title,
                    "outlet": r.outlet or "—",
                    "date": r.date or "—",
                    "passages": r.passages,
                    "ingested": r.ingested_at.replace("T", " ")[:16],
                }
                for r in records
            ],
            hide_index=True,
        )
        dated = Counter(r.date[:7] for r in records if r.date)
        if dated:
            st.caption("Articles by month")
            st.bar_chart(dict(sorted(dated.items())), height=140)
        undated = sum(1 for r in records if not r.date)
        if undated:
            st.caption(f"{undated} article(s) state no date.")

    uploads = st.file_uploader(
        f"Add articles ({', '.join(UPLOAD_TYPES)}; up to {MAX_UPLOAD_BYTES // 1024 // 1024} MB each)",
        type=UPLOAD_TYPES,
        accept_multiple_files=True,
    )
    if uploads and st.button("Ingest uploaded files", type="primary"):
        saved = []
        for upload in uploads:
            try:
                saved.append(save_upload(store.settings.articles_dir, upload.name, upload.getvalue()))
            except IngestError as exc:
                st.error(str(exc))
        if saved:  # the folder is the truth: uploads get the same ids a re-scan gives them
            run_ingest(store, [store.settings.articles_dir])
    if st.button("Re-scan the articles folder"):
        run_ingest(store, [store.settings.articles_dir])


def settings_panel(store: Store) -> tuple[str, int]:
    st.subheader("Answering")
    extractive = "extractive (no LLM)"
    offered = list(dict.fromkeys([extractive, *filter(None, [store.settings.llm]), *store.settings.llm_choices]))
    choice = st.selectbox(
        "Answerer",
        offered,
        index=offered.index(store.settings.llm) if store.settings.llm else 0,
        help="LLMs are offered as configured (QA_LLM, QA_LLM_CHOICES). Every quote an LLM gives is checked "
        "against its passage; without a verified quote the extractive answer is shown instead.",
    )
    spec = "" if choice == extractive else choice
    k = st.slider("Passages to read", 1, 12, DEFAULT_PASSAGES)
    settings = store.settings
    st.caption(
        f"Model: `{settings.embedding_model}`  \nStore: `{settings.store_location}` "
        f"(collection `{settings.collection}`, {store.passage_count()} passages)  \n"
        f"Articles folder: `{settings.articles_dir}`"
    )
    return spec, k


def render_answer(answer: Answer) -> None:
    if not answer.answerable:
        st.info(answer.answer, icon="🔎")
        return
    st.markdown(answer_block(answer), unsafe_allow_html=True)
    if answer.mode != "extractive":
        st.caption(f"Mode: {answer.mode}")
    for citation in answer.citations:
        with st.container(border=True):
            st.markdown(card_header(citation), unsafe_allow_html=True)
            st.markdown(source_line(citation), unsafe_allow_html=True)
            st.markdown(quote_block(citation), unsafe_allow_html=True)
            with st.expander("Passage"):
                st.markdown(highlighted_passage(citation), unsafe_allow_html=True)


def chat(store: Store, spec: str, k: int) -> None:
    messages: list[dict] = st.session_state.setdefault("messages", [])
    for message in messages:
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.markdown(text_block(message["text"]), unsafe_allow_html=True)
            else:
                render_answer(message["answer"])

    question = st.chat_input("Ask about the articles, in English or Arabic…")
    if not question:
        return
    with st.chat_message("user"):
        st.markdown(text_block(question), unsafe_allow_html=True)
    history = [m["text"] for m in messages if m["role"] == "user"]
    with st.chat_message("assistant"):
        try:
            llm = shared_llm(spec) if spec else None
        except LLMError as exc:
            st.error(str(exc))
            return
        streamed = st.empty()
        tokens: list[str] = []

        def on_token(token: str) -> None:
            tokens.append(token)
            streamed.code("".join(tokens)[-2000:], language="json")

        with st.spinner("Reading the articles…"):
            try:
                answer = ask(store, question, history=history, k=k, llm=llm, on_token=on_token)
            except QuestionError as exc:
                st.warning(f"Cannot ask that: {exc}.")
                return
            except StoreError as exc:
                st.error(str(exc))
                return
        streamed.empty()
        render_answer(answer)
    messages.append({"role": "user", "text": question})
    messages.append({"role": "assistant", "answer": answer})


def main() -> None:
    st.set_page_config(page_title="Sanad — cited answers from Arabic news", page_icon="📰", layout="wide")
    st.markdown(STYLE, unsafe_allow_html=True)
    try:
        store = current_store()
        if not shared_store().get("first_start_done"):
            store = first_start(store)
    except StoreError as exc:
        st.error(str(exc))
        st.stop()
    with st.sidebar:
        st.title("Sanad")
        st.caption("Answers from Arabic news articles, every claim quoted and cited.")
        spec, k = settings_panel(store)
        corpus_panel(store)
    chat(store, spec, k)


main()
