"""The chat's conversation: kept in the records database and named in the page's
address (``?c=ID``), so a reload or a bookmark brings it back; listed per user.

An anonymous reader (a public read-only chat) has no name to keep conversations
under: theirs lives in the browser session only, and can still be exported.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from qa.access import ANONYMOUS_READER, User
from qa.conversations import MAX_TURNS, Conversation, ConversationStore, Turn, title_of, to_markdown
from qa.display import markdown_safe

STOPPED = "Stopped before it was answered."


class ChatHistory:
    """This session's conversation, saved after every turn. The session holds which
    conversation is open; the address (?c=ID) follows it, and names it on a reload."""

    def __init__(self, store: ConversationStore, user: User) -> None:
        self.store = None if user == ANONYMOUS_READER else store
        self.owner = user.name
        addressed = st.query_params.get("c")
        if addressed:  # a reload or a bookmark
            st.session_state["conversation_id"] = addressed

    def current_id(self) -> str | None:
        return st.session_state.get("conversation_id")

    def current(self) -> Conversation | None:
        if self.store is None:
            return st.session_state.get("conversation")
        wanted = self.current_id()
        return self.store.get(wanted, self.owner) if wanted else None

    def add(self, turn: Turn, conversation_id: str | None) -> None:
        """Add a turn to the conversation it was asked in, or to a new one when it was
        the first question; a turn of a conversation deleted meanwhile is dropped.
        Only the store and the session are written: no Streamlit call, so a click cannot
        cut this short (``show_in_address`` follows)."""
        if self.store is None:
            conversation = st.session_state.get("conversation") or _unsaved(self.owner, turn.question)
            conversation.turns = [*conversation.turns, turn][-MAX_TURNS:]
            st.session_state["conversation"] = conversation
            return
        if conversation_id:
            self.store.append(conversation_id, self.owner, turn)
            return
        conversation = self.store.create(self.owner)
        self.store.append(conversation.id, self.owner, turn)
        st.session_state["conversation_id"] = conversation.id

    def show_in_address(self) -> None:
        """Name the open conversation in the page's address, so a reload brings it back."""
        wanted = self.current_id()
        if wanted and st.query_params.get("c") != wanted:
            st.query_params["c"] = wanted

    def start_new(self) -> None:
        for key in ("conversation", "conversation_id"):
            st.session_state.pop(key, None)
        st.query_params.pop("c", None)

    def delete_current(self) -> None:
        wanted = self.current_id()
        if self.store is not None and wanted:
            self.store.delete(wanted, self.owner)
        self.start_new()

    def open(self, conversation_id: str) -> None:
        st.session_state["conversation_id"] = conversation_id
        st.query_params["c"] = conversation_id


def _unsaved(owner: str, question: str) -> Conversation:
    now = datetime.now(UTC).isoformat()
    return Conversation("", owner, title_of(question), now, now)


def conversations_panel(history: ChatHistory) -> None:
    """New chat, export and delete for the open conversation, and the user's others."""
    conversation = history.current()
    new, export = st.columns(2)
    new.button("New chat", icon=":material/add:", on_click=history.start_new, width="stretch")
    if conversation and conversation.turns:
        export.download_button(
            "Export",
            to_markdown(conversation),
            file_name=f"sanad-{conversation.created[:10]}.md",
            mime="text/markdown",
            icon=":material/download:",
            width="stretch",
        )
        st.button("Delete this conversation", on_click=history.delete_current, type="tertiary")
    if history.store is None:
        return
    others = [c for c in history.store.list(history.owner) if not conversation or c.id != conversation.id]
    if others:
        with st.expander(f"Earlier conversations ({len(others)})"):
            for summary in others:
                st.button(
                    markdown_safe(summary.title or "(no question)"),
                    key=f"conversation-{summary.id}",
                    on_click=history.open,
                    args=(summary.id,),
                    help=f"{summary.turns} question(s), last {summary.updated[:16].replace('T', ' ')} UTC",
                    type="tertiary",
                )
