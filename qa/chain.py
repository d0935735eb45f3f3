"""The engine at LangChain's edges: a ``BaseRetriever`` and an ``ask`` Runnable, so
Sanad plugs into a LangChain application and its callbacks and tracing."""

from __future__ import annotations

from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from langchain_core.runnables import Runnable, RunnableLambda

from qa.engine import DEFAULT_PASSAGES, Engine


class SanadRetriever(BaseRetriever):
    """The engine's retrieval (``Engine.search``): the ``k`` best documents, each by one
    passage, as ``Document``s carrying the passage's metadata, its id and its fused score."""

    engine: Engine
    k: int = 5

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        documents = []
        for hit in self.engine.search(query, self.k):
            document = hit.passage.to_document()
            document.metadata["score"] = hit.score
            documents.append(document)
        return documents


def answer_runnable(engine: Engine, llm: str | None = None) -> Runnable[Any, dict]:
    """``engine.ask`` as a Runnable: input a question, or ``{"question", "history"?, "k"?}``;
    output the answer as a dict (the ``qa ask --json`` object)."""

    def ask(request: str | dict) -> dict:
        if isinstance(request, str):
            request = {"question": request}
        answer = engine.ask(
            request["question"], history=request.get("history"), k=request.get("k", DEFAULT_PASSAGES), llm=llm
        )
        return answer.as_dict()

    return RunnableLambda(ask, name="sanad_ask")
