"""`qa ask` with the extractive answerer on the bundled corpus: cited, verbatim, honest."""

from __future__ import annotations

import json
import threading
import time

import pytest

from qa.config import Settings
from qa.engine import Engine
from qa.extractive import is_follow_up
from qa.precision import bfloat16_native
from qa.reader import MAX_TOKENS

TROOP_DOCS = {"001_6e69f22dc3c2ec4f.txt", "002_1cad0999f99aa335.txt"}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    from ingest.sync import ingest

    settings = Settings().with_overrides(store_dir=tmp_path_factory.mktemp("answers") / "store")
    ingest(None, settings)  # the bundled corpus
    return Engine(settings)


def assert_quotes_are_verbatim(answer):
    for c in answer.citations:
        assert c.quote and c.quote in c.passage
        assert f"[{c.n}]" in answer.answer


def test_troops_answer_cites_both_outlets_with_dates(engine):
    answer = engine.ask("How many US troops are in Iraq?")
    assert answer.answerable and answer.mode == "extractive"
    assert "2500" in answer.answer
    assert {c.doc_id for c in answer.citations} == TROOP_DOCS
    assert {c.outlet for c in answer.citations} == {"Kurdistan24", "Levant News"}
    assert "2023-12-13" in {c.date for c in answer.citations}
    assert all("2500" in c.quote for c in answer.citations)
    assert_quotes_are_verbatim(answer)


def test_figures_for_different_periods_are_not_listed_as_differing_by_date(engine):
    # 73 attacks "from the start of the Gaza war until 24 November" and 40 "since 17
    # October" count different periods: one answers, the other is not set beside it.
    answer = engine.ask("كم هجوما تعرضت له القوات الأميركية في العراق وسوريا؟")
    assert answer.answerable
    assert "تختلف الأرقام" not in answer.answer
    assert sum(figure in answer.answer for figure in ("73", "40")) == 1
    assert_quotes_are_verbatim(answer)


def test_arabic_question_gets_the_same_figure(engine):
    answer = engine.ask("كم عدد الجنود الأميركيين في العراق؟")
    assert answer.answerable and "2500" in answer.answer
    assert answer.citations[0].doc_id in TROOP_DOCS
    assert_quotes_are_verbatim(answer)


def test_attacks_on_the_forces_are_no_count_of_the_forces(engine):
    # «تعرض قواتها في العراق وسوريا إلى 73 هجوماً» names the forces and counts attacks on them.
    answer = engine.ask("كم عدد القوات الأميركية في العراق؟")
    assert "73" not in answer.answer and all("73" not in c.quote for c in answer.citations)


@pytest.mark.parametrize("question", ["كم عدد الجنود الأمريكيين في العراق؟", "كم جندي أمريكي في العراق؟"])
def test_the_troop_question_typed_in_the_other_spelling_of_american_gets_the_figure(engine, question):
    # The troop sentences write أميركي; many readers type أمريكي (qa.variants, qa.respell).
    answer = engine.ask(question)
    assert answer.answerable and "2500" in answer.answer
    assert answer.citations[0].doc_id in TROOP_DOCS
    assert_quotes_are_verbatim(answer)


@pytest.mark.parametrize(
    "question", ["What is the population of Iraq?", "ما هو عدد سكان العراق؟", "Who won the 2022 FIFA World Cup?"]
)
def test_questions_the_articles_do_not_answer_are_abstained(engine, question):
    answer = engine.ask(question)
    assert not answer.answerable
    assert answer.citations == []
    assert answer.answer.startswith(("The articles do not say", "لا تذكر المقالات ذلك"))


@pytest.mark.parametrize(
    "question", ["كم عدد الجنود الأميركيين في سوريا؟", "كم تبلغ المساعدات العسكرية الأميركية للعراق؟"]
)
def test_arabic_near_misses_of_the_troop_question_are_abstained(engine, question):
    # The articles give the number of US troops in Iraq, not in Syria, and no sum of aid.
    answer = engine.ask(question)
    assert not answer.answerable and answer.citations == []
    assert answer.confidence is not None and answer.confidence < engine.confidence.threshold


def test_a_count_of_troops_does_not_answer_how_much_aid(engine):
    answer = engine.ask("How much military aid did the US give Iraq?")
    assert not answer.answerable and answer.citations == [] and "2500" not in answer.answer


def test_the_troop_figure_is_given_as_iraq_s_not_syria_s(engine):
    # The troop sentence names Iraq and Syria (where ISIS once held land); the reader
    # takes it to answer the question asked of Iraq.
    answer = engine.ask("How many US troops are in Syria?")
    assert not answer.answerable
    assert answer.answer.startswith("The articles do not give this for Syria; the nearest they give is for Iraq:")
    assert "2500" in answer.answer and answer.citations[0].doc_id in TROOP_DOCS
    assert_quotes_are_verbatim(answer)


def test_abstention_speaks_the_question_language_and_says_what_is_missing(engine):
    assert engine.ask("ما هي عاصمة فرنسا؟").answer == "لا تذكر المقالات ذلك: لا يذكر أي مقطع وُجد عن ذلك «فرنسا»."


def test_who_announced_it_is_answered_with_the_speaker(engine):
    answer = engine.ask("Who announced that?", history=["كم هجوما تعرضت له القوات الأميركية في العراق وسوريا؟"])
    assert answer.answerable and "وزارة الدفاع" in (answer.answer_text or "")
    assert answer.answer.startswith(answer.answer_text)  # the speaker leads, then the quote that names them
    assert answer.answer_text in answer.citations[0].quote


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("من أدار الجلسة الرابعة للمؤتمر؟", "لينا الخطيب"),
        ("من هو المتحدث باسم الخارجية الأمريكية الذي اتهم إيران بالمسؤولية عن الهجمات؟", "نيد برايس"),
    ],
)
def test_a_name_no_rule_reads_leads_the_answer_marked_in_its_quote(engine, question, name):
    answer = engine.ask(question)
    assert answer.answerable and answer.findings[0].lead == name == answer.answer_text
    assert answer.answer.startswith(name)
    start, end = answer.answer_span
    assert answer.citations[0].quote[start:end] == name


def test_an_english_question_gets_no_arabic_words_of_the_span_model_as_its_lead(engine):
    answer = engine.ask("Who moderated the fourth session of the conference?")
    assert answer.answerable and "لينا الخطيب" in answer.citations[0].quote
    assert answer.findings[0].lead is None and answer.answer_text is None


def test_a_figure_question_leads_with_its_figure_not_the_span_model_s_words(engine):
    # «ما» opens the questions the span model reads; a figure question's figure comes first.
    answer = engine.ask("ما عدد الجنود الأميركيين في العراق؟")
    assert answer.findings[0].lead == "حوالي 2500"


def test_the_span_model_shares_the_encoder_s_lower_layers_and_has_its_own_top(engine):
    engine.ask("من أدار الجلسة الرابعة للمؤتمر؟")
    spans, encoder = engine.spans.reader.model.bert, engine.encoder.model[0].auto_model
    assert spans.embeddings is encoder.embeddings and spans.encoder.layer[0] is encoder.encoder.layer[0]
    assert spans.encoder.layer[-1] is not engine.reader.model.bert.encoder.layer[-1]
    assert engine.spans.reader.model.head.out_features == 2  # a start and an end logit a token


def test_the_span_model_reads_sentences_together_as_it_reads_each_alone(engine):
    question = "من أدار الجلسة الرابعة للمؤتمر؟"
    quotes = [c.quote for c in engine.ask(question, k=4).citations]
    sentences = list(dict.fromkeys([*quotes, "وقال المتحدث إن الاجتماع انتهى."]))
    together = engine.spans.find_all(question, sentences)  # padded to the longest in one pass
    for sentence, span in zip(sentences, together):
        engine.spans.reader.model.lower_states._states.clear()  # read alone from the start
        alone = engine.spans.find(question, sentence)
        assert span is not None and alone is not None and (span.start, span.end) == (alone.start, alone.end)
        assert abs(span.score - alone.score) < 0.3  # bfloat16 on padded batches moves logits a little


def test_the_reader_takes_the_lower_layers_states_the_span_model_computed_and_reads_as_in_one_pass(engine):
    import torch

    question = "من أدار الجلسة الرابعة للمؤتمر؟"
    quotes = [c.quote for c in engine.ask(question, k=4).citations]
    sentences = list(dict.fromkeys([*quotes, "وقال المتحدث إن الاجتماع انتهى."]))
    reader, spans = engine.reader.model, engine.spans.reader.model
    assert reader.lower_states is spans.lower_states
    reader.bfloat16 = spans.bfloat16 = False  # compared in float32
    try:
        reader.lower_states._states.clear()
        engine.spans.find_all(question, sentences)
        kept = dict(reader.lower_states._states)
        assert len(kept) == len(sentences)
        encoded = reader.features([(question, s) for s in sentences])
        taken = reader.hidden(encoded)  # the lower layers' states all taken from the span model's pass
        assert reader.lower_states._states.keys() == kept.keys()  # nothing computed anew
        with torch.inference_mode():
            whole = reader.bert(input_ids=encoded["input_ids"], attention_mask=encoded["attention_mask"])
    finally:
        reader.bfloat16 = spans.bfloat16 = bfloat16_native()
    real = encoded["attention_mask"].bool()
    assert torch.allclose(taken[real], whole.last_hidden_state[real], atol=1e-4)


def read_in_float32(model, pairs):
    """The reader's logits for ``pairs`` with bfloat16 off for the read."""
    model.bfloat16 = False
    try:
        return model.read(pairs)
    finally:
        model.bfloat16 = bfloat16_native()


def test_the_reader_shares_the_encoder_s_model_and_reads_as_its_own_copy_would(engine):
    from qa.bundled_model import ensure_bundled_model
    from qa.reader import Reader

    pairs = [("How many US troops are in Iraq?", "وينتشر في العراق حوالى 2500 جندي أميركي.")]
    shared = read_in_float32(engine.reader.model, pairs)  # where both read alike to 1e-4
    encoder, reader = engine.encoder.model[0].auto_model, engine.reader.model.bert
    assert reader.embeddings is encoder.embeddings and reader.encoder.layer[0] is encoder.encoder.layer[0]
    assert reader.encoder.layer[-1] is not encoder.encoder.layer[-1]  # the fine-tuned layers are the reader's
    assert engine.reader.model.tokenizer is engine.encoder.model.tokenizer  # 270 MB not loaded twice
    copy = Reader(lambda: ensure_bundled_model(engine.settings.model_cache)).model
    assert abs(float(shared[0]) - float(read_in_float32(copy, pairs)[0])) < 1e-4


def test_the_reader_reads_in_bfloat16_where_the_cpu_has_it_as_float32_would(engine):
    model = engine.reader.model
    assert model.bfloat16 == bfloat16_native()  # bfloat16 only where the CPU computes in it
    sentence = "وينتشر في العراق حوالى 2500 جندي أميركي، يقدّمون مهمات استشارية لنظرائهم العراقيين."
    pairs = [(q, sentence) for q in ("How many US troops are in Iraq?", "How many US troops are in Syria?")]
    read, exact = model.read(pairs), read_in_float32(model, pairs)
    assert bool((read != exact).any()) == model.bfloat16  # it does read in bfloat16 when it should
    assert abs(read - exact).max() < 0.05
    assert read[0] - read[1] > 0.5  # the country contrast the answerer relies on survives


def test_the_shared_tokenizer_serves_the_reader_and_encoder_at_once(engine):
    """Each call sets the tokenizer's truncation (the reader's 128 tokens for a pair, the
    encoder's 512, none to count a passage's tokens) before it reads: threads doing all
    three at once each get their own cut, and no error."""
    pairs = [("How many US troops are in Iraq?", "وينتشر في العراق حوالى 2500 جندي أميركي. " * 40)] * 4
    long_texts = ["قالت وزارة الزراعة إن موسم الحصاد بدأ في نينوى. " * 80] * 4
    reader, encoder = engine.reader.model, engine.encoder
    tokens = encoder.count_tokens(long_texts[0])
    failures: list[str] = []
    until = time.monotonic() + 5

    def reads() -> None:
        while time.monotonic() < until:
            if reader.features(pairs)["input_ids"].shape[1] != MAX_TOKENS:
                failures.append("a pair was not cut to the reader's length")

    def encodes() -> None:
        while time.monotonic() < until:
            if encoder.model.preprocess(long_texts)["input_ids"].shape[1] != encoder.model.max_seq_length:
                failures.append("a passage was not cut to the encoder's length")
            if encoder.count_tokens(long_texts[0]) != tokens:
                failures.append("a passage's tokens were counted cut")

    def recording(work):
        def run() -> None:
            try:
                work()
            except Exception as exc:  # the Rust tokenizer's "Truncation error", for one
                failures.append(repr(exc))

        return run

    threads = [threading.Thread(target=recording(reads)), threading.Thread(target=recording(encodes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and tokens > encoder.model.max_seq_length


def test_encoding_and_reading_wait_while_another_thread_tokenizes(engine):
    """What the lock covers: the encoder's batches (inside sentence-transformers' encode)
    and the reader's pairs wait while another thread holds the tokenizer."""
    pairs = [("How many US troops are in Iraq?", "وينتشر في العراق حوالى 2500 جندي أميركي.")]
    engine.reader.read(pairs)  # loaded before the lock is held
    for work in (lambda: engine.encoder.embed_documents(["نص قصير عن الحصاد."]), lambda: engine.reader.read(pairs)):
        with engine.encoder.tokenizer_lock:
            waiting = threading.Thread(target=work)
            waiting.start()
            waiting.join(timeout=2)
            assert waiting.is_alive()  # held up at the tokenizer
        waiting.join(timeout=60)
        assert not waiting.is_alive()


def test_follow_up_uses_the_conversation(engine):
    assert is_follow_up("and how many attacks?") and is_follow_up("ومتى حدث ذلك؟")
    assert not is_follow_up("How many US troops are in Iraq?")
    earlier = ["كم عدد الهجمات على القوات الأميركية في العراق وسوريا؟"]
    alone = engine.ask("ومن أعلن ذلك؟")
    followed = engine.ask("ومن أعلن ذلك؟", history=earlier)  # "and who announced that?"
    assert followed.answerable
    assert any(n in c.quote for c in followed.citations for n in ("73", "40"))
    assert not any(n in c.quote for c in alone.citations for n in ("73", "40"))
    assert_quotes_are_verbatim(followed)


def test_k_sets_how_many_passages_are_read(engine):
    question = "How many US troops are in Iraq?"
    # The first passage alone is the rocket article's, which gives no count of troops.
    assert len(engine.reading(question, k=1).hits) == 1
    two = engine.ask(question, k=2)
    assert "2500" in two.answer and len({c.passage for c in two.citations}) == 1
    many = engine.ask(question, k=6)
    assert len({c.passage for c in many.citations}) == 2


def test_punctuation_only_question_is_answered_honestly(engine):
    answer = engine.ask("؟؟؟ ...!")
    assert not answer.answerable and answer.citations == []


def test_a_question_longer_than_the_reader_reads_is_answered_not_a_crash(engine):
    question = "How many US troops are in Iraq, " + "as the articles about the attacks on them report, " * 16 + "?"
    answer = engine.ask(question)  # over 128 tokens: the reader and the span model cut the question to fit
    assert answer.question == question and answer.answer
    assert all(c.quote in c.passage for c in answer.citations)


def test_ask_cli_json_contract(run_json, run_qa, corpus, tmp_path):
    run_json("ingest", str(corpus))
    code, result = run_json("ask", "How many US troops are in Iraq?")
    assert code == 0
    assert set(result) == {
        "question", "answer", "answerable", "mode", "citations", "timings_ms", "answer_text", "answer_span", "confidence",
        "findings", "period",
    }  # fmt: skip
    assert result["period"] is None  # the question names no time
    assert result["findings"] == [
        {"lead": "about 2500", "citations": [c["n"] for c in result["citations"]], "text": result["answer_text"]}
    ]
    assert set(result["timings_ms"]) == {"retrieve", "answer", "total"}
    assert isinstance(result["confidence"], float) and 0 <= result["confidence"] <= 1
    citation = result["citations"][0]
    start, end = result["answer_span"]
    assert citation["quote"][start:end] == result["answer_text"] == "2500"
    assert set(citation) == {
        "n",
        "doc_id",
        "source",
        "title",
        "outlet",
        "date",
        "quote",
        "passage",
        "score",
        "uploaded_by",
        "doc_key",
        "also_reported_by",
    }
    assert citation["uploaded_by"] is None and citation["also_reported_by"] == []  # an operator's article, one outlet's
    assert citation["doc_key"].endswith(citation["doc_id"])
    assert citation["source"].endswith(citation["doc_id"])

    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        json.dumps({"qid": "a", "question": "How many US troops are in Iraq?"})
        + "\n"
        + json.dumps({"qid": "b", "question": "What is the population of Iraq?"}, ensure_ascii=False)
        + "\n",
        encoding="utf-8",
    )
    code, out, _ = run_qa("ask", "--batch", str(batch))
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and [line["qid"] for line in lines] == ["a", "b"]
    assert [line["answerable"] for line in lines] == [True, False]

    assert run_qa("ask", "")[0] == 2
    batch.write_text('{"qid": "x", "question": null}\n', encoding="utf-8")
    assert run_qa("ask", "--batch", str(batch))[0] == 2
    batch.write_bytes("سؤال".encode("cp1256"))
    assert run_qa("search", "--batch", str(batch))[0] == 2


def test_search_cli_contract_and_batch(run_json, run_qa, corpus, tmp_path):
    run_json("ingest", str(corpus))
    code, result = run_json("search", "كم عدد الجنود الأميركيين في العراق؟", "-k", "3")
    assert code == 0 and len(result["results"]) == 3
    assert {r["doc_id"] for r in result["results"][:2]} & TROOP_DOCS
    docs = [r["doc_id"] for r in result["results"]]
    assert len(docs) == len(set(docs))  # each document at most once
    scores = [r["score"] for r in result["results"]]
    assert scores == sorted(scores, reverse=True)
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"qid": "1", "question": "Blinken phone call with Sudani"}\n', encoding="utf-8")
    code, out, _ = run_qa("search", "--batch", str(batch), "-k", "2")
    line = json.loads(out)
    assert line["qid"] == "1" and line["period"] is None and line["results"][0]["doc_id"] == "001_6e69f22dc3c2ec4f.txt"


def test_deleted_article_leaves_no_trace_in_answers(run_json, corpus, settings):
    run_json("ingest", str(corpus))
    (corpus / "002_1cad0999f99aa335.txt").unlink()
    run_json("ingest", str(corpus))
    answer = Engine(settings).ask("كم عدد الجنود الأميركيين في العراق؟")
    assert "002_1cad0999f99aa335.txt" not in {c.doc_id for c in answer.citations}
    _code, found = run_json("search", "ستكني وكالة أنباء العالم العربي", "-k", "5")
    assert "002_1cad0999f99aa335.txt" not in {r["doc_id"] for r in found["results"]}


def test_the_engine_plugs_into_a_langchain_chain_with_its_callbacks(engine):
    from langchain_core.callbacks import BaseCallbackHandler
    from langchain_core.runnables import RunnableLambda, RunnableParallel

    from qa.chain import SanadRetriever, answer_runnable

    class Recorder(BaseCallbackHandler):
        def __init__(self) -> None:
            self.retrieved: list[str] = []

        def on_retriever_end(self, documents, **kwargs) -> None:
            self.retrieved += [d.metadata["doc_id"] for d in documents]

    retriever = SanadRetriever(engine=engine, k=2)
    chain = RunnableParallel(
        answer=answer_runnable(engine) | RunnableLambda(lambda a: a["answer"]),
        outlets=retriever | RunnableLambda(lambda docs: [d.metadata.get("outlet") for d in docs]),
    )
    recorder = Recorder()
    out = chain.invoke("How many US troops are in Iraq?", config={"callbacks": [recorder]})
    assert "2500" in out["answer"]
    assert set(recorder.retrieved) & TROOP_DOCS and len(recorder.retrieved) == 2
    assert len(out["outlets"]) == 2
    documents = retriever.invoke("كم عدد الجنود الأميركيين في العراق؟")
    assert documents[0].metadata["doc_id"] in TROOP_DOCS and documents[0].metadata["score"] > 0
    assert documents[0].page_content in {p.text for p in engine.refresh().store.get([documents[0].id])}


def test_a_summary_request_gets_a_dated_digest_one_sentence_per_article(engine):
    answer = engine.ask("لخص آخر الأخبار عن القوات الأميركية في العراق")
    assert answer.answerable and answer.answer.startswith("ملخص من")
    docs = [c.doc_id for c in answer.citations]
    assert len(docs) >= 2 and len(set(docs)) == len(docs)  # one sentence per article
    dates = [c.date or "~" for c in answer.citations]  # undated last
    assert dates == sorted(dates)
    assert all(c.quote in c.passage and f"[{c.n}]" in answer.answer for c in answer.citations)
    assert engine.ask("Summarise the news about the population of Mars").answerable is False


def test_outlet_and_date_filters_narrow_what_is_read(run_json, run_qa, corpus):
    run_json("ingest", str(corpus))
    question = "How many US troops are in Iraq?"
    code, answer = run_json("ask", question, "--outlet", "kurdistan24")
    assert code == 0 and "2500" in answer["answer"]
    assert {c["outlet"] for c in answer["citations"]} == {"Kurdistan24"}
    code, answer = run_json("ask", question, "--since", "2023-12-01")
    assert answer["citations"] and all(c["date"] >= "2023-12-01" for c in answer["citations"])  # undated left out
    code, found = run_json("search", "القوات الأميركية في العراق", "--until", "2023-11-30", "-k", "5")
    assert found["results"] and {r["doc_id"] for r in found["results"]} == {"000_2b23c7f29fb6677a.txt"}
    code, answer = run_json("ask", question, "--outlet", "No Such Outlet")
    assert code == 0 and not answer["answerable"] and not answer["citations"]
    code, _, err = run_qa("ask", question, "--since", "March 2018")
    assert code == 2 and "YYYY-MM-DD" in err


def test_a_time_named_in_the_question_narrows_what_is_read(run_json, run_qa, corpus):
    """December 2023 has one dated article (Kurdistan24's): only it is read, and the answer
    says so; a month no article is from narrows nothing (it may be when an event was)."""
    run_json("ingest", str(corpus))
    code, answer = run_json("ask", "How many US troops were in Iraq in December 2023?")
    assert code == 0 and answer["answerable"] and "2500" in answer["answer"]
    assert answer["period"] == ["2023-12-01", "2023-12-31"]
    assert {c["outlet"] for c in answer["citations"]} == {"Kurdistan24"}
    assert answer["question"] == "How many US troops were in Iraq in December 2023?"
    code, found = run_json("search", "US troops in Iraq in December 2023", "-k", "5")  # search reads it too
    assert code == 0 and {r["doc_id"] for r in found["results"]} == {c["doc_id"] for c in answer["citations"]}
    assert found["period"] == ["2023-12-01", "2023-12-31"]
    code, out, _ = run_qa("search", "US troops in Iraq in December 2023")
    assert out.startswith("Sought in the articles of the period the question names: 1–31 December 2023.\n1. ")
    code, answer = run_json("ask", "كم عدد الجنود الأمريكيين في العراق في تشرين الثاني/نوفمبر 2023؟")
    assert answer["period"] == ["2023-11-01", "2023-11-30"]
    for c in answer["citations"]:  # dated then, or a later article that names the month
        assert c["date"].startswith("2023-11") or "نوفمبر" in c["passage"] or "تشرين الثاني" in c["passage"]
    code, out, _ = run_qa("ask", "How many US troops were in Iraq in December 2023?")
    assert "Sought in the articles of the period the question names: 1–31 December 2023." in out
    code, answer = run_json("ask", "How many US troops were in Iraq in June 2023?")
    assert answer["period"] is None and answer["answerable"]
    code, found = run_json("search", "US troops in Iraq in June 2023")
    assert found["period"] is None and found["results"]
