"""The extractive answerer on hand-made passages: which sentence it quotes, how it
groups figures, when it abstains."""

from __future__ import annotations

import pytest

from qa.extractive import (
    EMBEDDED_SENTENCES,
    GIVEN_FOR,
    NO_ANSWER,
    NOT_FOUND_ABOUT,
    SPAN_CHOICE_AMONG,
    SPAN_REACH,
    SPAN_WEIGHT,
    Candidate,
    ExtractiveAnswerer,
    ReadSpans,
    candidates,
    compose,
    select,
)
from qa.retrieve import Hit

from .conftest import FakeReader, MarkedSpans, passage

SHARED = "جندي أميركي في العراق يقدمون مهمات استشارية وتدريبية لنظرائهم العراقيين في قواعد عسكرية عدة"
NEWER = passage(
    "k1",
    f"وأعلنت الوزارة خطة جديدة للطاقة. وينتشر حوالى 2500 {SHARED}.",
    "kurdistan",
    outlet="Kurdistan24",
    date="2023-12-13",
)
OLDER = passage("l1", f"وينتشر 2000 {SHARED}.", "levant", outlet="Levant News", date="2023-11-01")
SAME = passage("r1", f"وينتشر نحو 2500 {SHARED}.", "rudaw", outlet="Rudaw", date="2023-12-01")
WHEAT = passage("h1", "افتتحت وزارة الزراعة موسم حصاد الحنطة في محافظة نينوى هذا الأسبوع.", "wheat")
QUESTION = f"كم {SHARED}؟"


def test_the_answer_quotes_the_sentence_verbatim_with_its_citation(parts):
    retriever, answerer = parts([NEWER, WHEAT])
    answer = answerer.answer(QUESTION, retriever.search(QUESTION, n=2))
    assert answer.answerable and answer.mode == "extractive"
    first = answer.citations[0]
    assert first.quote.startswith("وينتشر حوالى 2500") and first.quote in first.passage
    assert (first.outlet, first.date, first.source) == ("Kurdistan24", "2023-12-13", "/articles/kurdistan.txt")
    assert answer.answer.startswith("حوالي 2500 — [1] (كوردستان 24، 2023-12-13)")  # in the reader's script
    assert "خطة جديدة للطاقة" not in answer.answer  # the other sentence of the passage is not quoted


def test_differing_figures_are_listed_newest_first_and_equal_ones_cited_together(parts):
    retriever, answerer = parts([OLDER, NEWER, SAME, WHEAT])
    answer = answerer.answer(QUESTION, retriever.search(QUESTION, n=4))
    lines = answer.answer.splitlines()
    assert lines[0] == "تختلف الأرقام بحسب التاريخ (الأحدث أولاً):"
    figures = [line for line in lines if line.startswith("- ")]
    assert figures[0].startswith("- حوالي 2500 — [1][2]")  # the same figure: one line, both sources
    assert "كوردستان 24، 2023-12-13" in figures[0] and "روداو، 2023-12-01" in figures[0] and "؛ " in figures[0]
    assert figures[1].startswith("- 2000 — [3] (ليفانت نيوز، 2023-11-01)")  # the older figure after it
    assert {c.outlet for c in answer.citations[:2]} == {"Kurdistan24", "Rudaw"}
    assert all(c.quote in c.passage for c in answer.citations)


def test_a_question_the_passages_do_not_answer_is_abstained_in_its_language(parts):
    retriever, answerer = parts([NEWER, WHEAT])
    arabic = "ما هو عدد سكان مدينة الموصل اليوم؟"
    answer = answerer.answer(arabic, retriever.search(arabic, n=2))
    assert not answer.answerable and answer.answer == NO_ANSWER["ar"] and answer.citations == []
    english = "What is the population of Mosul?"
    assert answerer.answer(english, retriever.search(english, n=2)).answer == NO_ANSWER["en"]
    assert not answerer.answer(QUESTION, []).answerable  # nothing retrieved, nothing said


def test_a_follow_up_is_retrieved_and_judged_with_the_question_before_it(parts):
    _, answerer = parts([NEWER])
    assert answerer.query_for("ومن أعلن ذلك؟", [QUESTION]) == f"{QUESTION} ومن أعلن ذلك؟"
    assert answerer.query_for(QUESTION, ["سؤال سابق عن الحنطة"]) == QUESTION  # not a follow-up


def test_sentences_are_read_once_per_document_and_embedded_once(parts, encoder):
    _, answerer = parts([NEWER, SAME])
    hits = [Hit(NEWER, 1.0), Hit(NEWER, 0.9), Hit(SAME, 0.8)]
    found = candidates(hits)
    assert len(found) == 3  # two sentences of NEWER (once, though retrieved twice), one of SAME
    answerer.answer(QUESTION, hits)
    calls = encoder.sentence_calls
    assert calls >= 1  # through embed_sentences (padded to fixed lengths), not embed_documents
    answerer.answer(QUESTION, hits)
    assert encoder.sentence_calls == calls  # the sentence vectors are cached


def test_only_the_sentences_best_by_fit_are_embedded_and_only_they_are_read(parts, encoder):
    """Embedding the sentences is most of an answer's cost: those holding few of the
    question's words are not embedded, even when their passages were retrieved first,
    and a sentence not embedded is neither read nor quoted."""
    others = [
        passage(
            f"o{i}",
            f"افتتح معرض الكتاب في العراق دورته رقم {i} بمشاركة دور نشر أميركية. وتستمر الفعاليات حتى نهاية الشهر {i}.",
        )
        for i in range(EMBEDDED_SENTENCES)
    ]
    reader = FakeReader()
    _, answerer = parts([*others, NEWER], reader=reader)
    hits = [Hit(p, 1.0 - rank / 100) for rank, p in enumerate([*others, NEWER])]  # the answer's passage last
    assert len(candidates(hits)) > EMBEDDED_SENTENCES
    answer = answerer.answer(QUESTION, hits)
    assert len(encoder.sentences) == EMBEDDED_SENTENCES
    assert answer.answerable and answer.citations[0].quote.startswith("وينتشر حوالى 2500")
    read = {sentence for call in reader.calls for _, sentence in call}
    assert read and read <= set(encoder.sentences)
    assert {c.quote for c in answer.citations} <= set(encoder.sentences)
    kept, _, _ = answerer.shortlist(QUESTION, None, hits)
    assert len(kept) == EMBEDDED_SENTENCES and all(c.vector is not None for c in kept)  # all scored


def test_compose_marks_each_group_and_keeps_the_order(parts):
    retriever, answerer = parts([NEWER, OLDER])
    found = candidates(retriever.search(QUESTION, n=2))
    answerer.score(QUESTION, None, found)
    groups = select(found, QUESTION)
    text, citations, findings, _ = compose(QUESTION, groups)
    assert [c.n for c in citations] == list(range(1, len(citations) + 1))
    assert all(f"[{c.n}]" in text for c in citations)
    assert [n for f in findings for n in f.citations] == [c.n for c in citations]  # a finding per group
    assert len(findings) == len(groups) and all(f.lead for f in findings)  # the figure each group gives


def test_a_follow_up_is_judged_with_its_context(parts):
    retriever, answerer = parts([NEWER, WHEAT])
    follow_up = "ومن أعلن ذلك؟"  # "and who announced that?" says nothing on its own
    hits = retriever.search(answerer.query_for(follow_up, [QUESTION]), n=2)
    alone = answerer.best_groups(follow_up, hits, None).signals
    choice = answerer.best_groups(follow_up, hits, [QUESTION])
    groups, followed = choice.groups, choice.signals
    assert followed is not None and alone is not None
    assert followed["similarity"] > alone["similarity"] + 0.2
    assert "2500" in groups[0][0].text


@pytest.mark.parametrize("question", [QUESTION, f"بحسب المتحدث، كم عدد {SHARED}؟"])
def test_a_number_question_prefers_the_sentence_with_a_count(parts, question):
    counted = passage("c1", f"وأعلن المتحدث أن 2500 {SHARED}.", "counted")
    uncounted = passage("u1", f"وأعلن المتحدث أن عددا من {SHARED}.", "uncounted")
    retriever, answerer = parts([uncounted, counted])
    answer = answerer.answer(question, retriever.search(question, n=2))
    assert answer.citations[0].doc_id == "counted"


def test_another_source_is_cited_only_when_it_says_the_same(parts):
    """Three sentences as close to the question; one says something else about the same
    people, so it is not cited as saying the same."""
    question = f"ما الذي يجري مع {SHARED}؟"
    first = passage("a1", f"وينتشر حوالى 2500 {SHARED}.", "first")
    same = passage("s1", f"وينتشر حوالى 2500 {SHARED}.", "same")
    other = passage("o1", f"ورفض {SHARED} المشاركة في التدريبات الليلية.", "other")
    retriever, answerer = parts([first, same, other])
    answer = answerer.answer(question, retriever.search(question, n=3))
    assert {c.doc_id for c in answer.citations} == {"first", "same"}


ATTACKS = f"هجوما على {SHARED}"


def test_figures_for_different_periods_are_not_listed_as_differing_by_date(parts):
    until = passage("a1", f"وتعرضت القوات إلى 73 {ATTACKS} حتى تشرين الثاني 2023.", "until", date="2023-11-25")
    since = passage("a2", f"وتعرضت القوات إلى 40 {ATTACKS} منذ تشرين الأول 2023.", "since", date="2023-11-10")
    question = f"كم {ATTACKS}؟"
    retriever, answerer = parts([until, since])
    found = candidates(retriever.search(question, n=2))
    answerer.score(question, None, found)
    groups = select(found, question)
    assert len(groups) == 1 and len(groups[0]) == 1  # 40 counts another period: neither listed nor support
    same_period = passage("a3", f"وتعرضت القوات إلى 70 {ATTACKS} حتى تشرين الثاني 2023.", "other", date="2023-11-26")
    retriever, answerer = parts([until, same_period])
    found = candidates(retriever.search(question, n=2))
    answerer.score(question, None, found)
    assert sorted(g[0].key_number for g in select(found, question)) == ["70", "73"]  # same period: both listed


def test_a_sentence_without_the_figure_is_not_cited_as_support_for_it(parts):
    vague = passage("v1", f"وينتشر آلاف {SHARED}.", "vague", outlet="Vague", date="2023-12-14")
    retriever, answerer = parts([NEWER, vague])
    found = candidates(retriever.search(QUESTION, n=2))
    answerer.score(QUESTION, None, found)
    groups = select(found, QUESTION)
    assert [c.hit.passage.doc_id for g in groups for c in g] == ["kurdistan"]


TROOPS = "جندي أميركي يقدمون مهمات استشارية وتدريبية في قواعد عسكرية عدة"


def test_an_article_that_does_not_name_the_country_asked_about_does_not_answer(parts):
    iraq = passage("i1", f"وينتشر حوالى 2500 {TROOPS} في العراق.", "iraq")
    question = f"كم {TROOPS} في سوريا؟"
    retriever, answerer = parts([iraq, WHEAT])
    answer = answerer.answer(question, retriever.search(question, n=2))
    assert not answer.answerable and answer.citations == []
    assert answer.answer == NOT_FOUND_ABOUT["ar"].format("سوريا")
    syria = passage("s1", f"وينتشر نحو 900 {TROOPS} في الأراضي السورية.", "syria")
    retriever, answerer = parts([iraq, syria, WHEAT])
    answer = answerer.answer(question, retriever.search(question, n=3))
    assert answer.answerable and answer.answer_text == "900" and answer.citations[0].doc_id == "syria"


@pytest.mark.parametrize(
    ("question", "other_kind", "asked_kind", "figure"),
    [
        (  # a count does not answer a question about money
            f"كم تبلغ قيمة المساعدات العسكرية لمهمات {TROOPS}؟",
            f"وقدمت الوزارة المساعدات العسكرية عبر 2500 {TROOPS}.",
            f"وبلغت قيمة المساعدات العسكرية 1.5 مليار دولار لمهمات {TROOPS}.",
            "1.5 مليار دولار",
        ),
        (  # nor a sum of money a count
            f"كم عدد {SHARED}؟",
            f"وبلغت كلفة مهمات {SHARED} 1.5 مليار دولار.",
            f"وأعلن المتحدث أن عدد {SHARED} يبلغ 2500.",
            "2500",
        ),
    ],
)
def test_a_figure_of_another_kind_does_not_answer(parts, question, other_kind, asked_kind, figure):
    other = passage("o1", other_kind, "other")
    retriever, answerer = parts([other, WHEAT])
    assert not answerer.answer(question, retriever.search(question, n=2)).answerable
    retriever, answerer = parts([other, passage("a1", asked_kind, "asked"), WHEAT])
    answer = answerer.answer(question, retriever.search(question, n=3))
    assert answer.answerable and answer.answer_text == figure and answer.citations[0].doc_id == "asked"


class ReadsAsAboutIraq(FakeReader):
    """A stand-in reader that takes a sentence to answer the question asked of Iraq
    (as the real one does for the troop sentence: tests/test_answers.py asks it)."""

    def score(self, question: str, sentence: str) -> float:
        return super().score(question, sentence) + (3.0 if "العراق" in question else 0.0)


def test_a_sentence_the_reader_takes_to_be_about_another_country_is_given_as_such(parts):
    both = passage("b1", f"وينتشر 2500 {TROOPS} في العراق وسوريا.", "both")
    question = f"كم {TROOPS} في سوريا؟"
    retriever, answerer = parts([both, WHEAT], reader=ReadsAsAboutIraq())
    answer = answerer.answer(question, retriever.search(question, n=2))
    assert not answer.answerable
    assert answer.answer.startswith(GIVEN_FOR["ar"].format(asked="سوريا", given="العراق"))
    assert "2500" in answer.answer and answer.citations[0].doc_id == "both"  # what they do give, cited
    (one_pass,) = answerer.reader.calls  # the question, and the question asked of Iraq, in one pass
    assert one_pass == [(question, both.text), (question.replace("سوريا", "العراق"), both.text)]
    retriever, answerer = parts([both, WHEAT])  # a reader that sees no difference: answered
    assert answerer.answer(question, retriever.search(question, n=2)).answerable


def test_a_sentence_about_the_questions_thing_qualified_otherwise_is_given_as_such(parts):
    said = "شخصا اعتقلوا في حي الكرادة ببغداد أمس بحسب المتحدث الرسمي باسم وزارة الداخلية العراقية"
    interior = passage("m1", f"وقالت الشرطة إن 40 {said}.", "interior")
    asked = f"كم {said.replace('الداخلية', 'الخارجية')}؟"
    retriever, answerer = parts([interior, WHEAT])
    answer = answerer.answer(asked, retriever.search(asked, n=2))
    assert not answer.answerable
    assert answer.answer.startswith(GIVEN_FOR["ar"].format(asked="وزارة الخارجية", given="وزارة الداخلية"))
    assert "40" in answer.answer and answer.citations[0].doc_id == "interior"  # what they do give, cited
    about_it = asked.replace("الخارجية", "الداخلية")
    answer = answerer.answer(about_it, retriever.search(about_it, n=2))
    assert answer.answerable and answer.answer_text == "40"


HEADLINE = passage(
    "e1",
    "إثيوبيا تعين سفيرا لدى إريتريا بعد عشرين عاما. وقالت الخارجية إن السفير الذي عينته هو رضوان حسين لدى إريتريا.",
    "ethiopia",
)
WHO = "من هو السفير الذي عينته إثيوبيا لدى إريتريا؟"


@pytest.mark.parametrize(("surer", "quoted"), [(-5.0, "إثيوبيا تعين"), (5.0, "وقالت الخارجية")])
def test_a_sentence_the_span_model_finds_an_answer_in_outranks_one_that_restates_the_question(parts, surer, quoted):
    """The headline holds more of the question's words; the sentence after it holds the
    answer. Which is quoted turns on whether the span model is surer of the name, by
    more than the headline leads by (in SPAN_WEIGHT)."""
    retriever, answerer = parts([HEADLINE])
    kept, _, _ = answerer.shortlist(WHO, None, retriever.search(WHO, n=1))
    headline, answering = sorted(kept, key=lambda c: -c.score)
    assert headline.text.startswith("إثيوبيا تعين")
    assert 0 < headline.score - answering.score < SPAN_REACH  # close enough for the span model to read both
    lead = (headline.score - answering.score) / SPAN_WEIGHT
    spans = MarkedSpans({"رضوان حسين": lead + surer, "إريتريا": 0.0})
    retriever, answerer = parts([HEADLINE], spans=spans)
    chosen = answerer.best_groups(WHO, retriever.search(WHO, n=1), None).groups[0][0]
    assert chosen.text.startswith(quoted)


@pytest.mark.parametrize(
    ("question", "history"),
    [
        ("من هو آخر سفير عينته إثيوبيا لدى إريتريا؟", None),  # the latest: the date chooses
        ("ومن عينه؟", [WHO]),  # a follow-up: two questions, and the span model reads one
    ],
)
def test_the_span_model_does_not_choose_for_the_latest_or_a_follow_up(parts, question, history):
    spans = MarkedSpans({"رضوان حسين": 100.0})
    retriever, answerer = parts([HEADLINE], spans=spans)
    answerer.best_groups(question, retriever.search(answerer.query_for(question, history), n=1), history)
    assert spans.questions == []
    answerer.best_groups(WHO, retriever.search(WHO, n=1), None)
    assert spans.questions == [WHO]  # the question as asked, which it does read


def test_an_answer_reads_each_sentence_with_the_span_model_once(parts):
    """The sentences read to choose among the best are not read again for the direct
    answer pulled out of the chosen one's quote."""
    appointed = passage(
        "e2", "عينت إثيوبيا سفيرا جديدا لدى إريتريا بعد قطيعة. وعينت إثيوبيا رضوان حسين سفيرا لدى إريتريا."
    )
    question = "من عينت إثيوبيا سفيرا لدى إريتريا؟"  # both sentences within reach, and about it
    spans = MarkedSpans({"رضوان حسين": 100.0, "سفيرا جديدا": 0.0})
    retriever, answerer = parts([appointed], spans=spans)
    answer = answerer.answer(question, retriever.search(question, n=1))
    assert answer.answer_text == "رضوان حسين"  # the marked words, read once and used twice
    assert len(spans.pairs) == len(set(spans.pairs)) == 2


def test_the_span_readings_kept_for_an_answer_are_kept_per_question():
    spans = MarkedSpans({"رضوان حسين": 1.0})
    read = ReadSpans(spans)
    sentence = HEADLINE.text
    assert read.find(WHO, sentence) == read.find(WHO, sentence) and read.find("ومن عينه؟", sentence)
    assert spans.pairs == [(WHO, sentence), ("ومن عينه؟", sentence)]


def test_copies_of_a_headline_take_one_place_among_the_sentences_the_span_model_reads():
    """The same headline in more articles than the span model reads sentences would
    otherwise fill its reading and keep the sentence that answers from being read; that
    sentence's own copies are rescored alike."""
    articles = [passage(f"c{i}", HEADLINE.text, f"article{i}") for i in range(SPAN_CHOICE_AMONG)]
    headline, answering = HEADLINE.text.split(". ", 1)
    headlines = [Candidate(Hit(p, 0.0), i, headline + ".", score=1.0 - i * 1e-4) for i, p in enumerate(articles)]
    answers = [Candidate(Hit(p, 0.0), i, answering, score=1.0 - SPAN_REACH / 2) for i, p in enumerate(articles[:2])]
    spans = MarkedSpans({"رضوان حسين": 100.0, "إريتريا": 0.0})
    ExtractiveAnswerer._choose_by_span(WHO, headlines + answers, spans)
    assert answers[0].score == answers[1].score > max(c.score for c in headlines)
    assert spans.pairs == [(WHO, headline + "."), (WHO, answering)]  # each read once
