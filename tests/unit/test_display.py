"""Article text is escaped before display; uploads keep to their folder."""

from __future__ import annotations

import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from ingest.uploads import MAX_UPLOAD_DOCUMENTS, discard_unstored, safe_name, save_upload
from qa.answer_types import Answer, Citation, Finding
from qa.display import (
    CITED_ID,
    answer_block,
    article_block,
    card_header,
    figures_table,
    markdown_safe,
    plain_text,
    quote_block,
    quoted_in_answer,
    source_line,
    text_block,
)
from qa.errors import IngestError


def test_display_helpers_escape_and_mark():
    citation = Citation(1, "d", "javascript:alert(1)", "<b>t</b>", None, None, "<i>q</i>", "a <i>q</i> b", 0.5)
    article = article_block(citation.passage, citation.passage, citation.quote)
    assert f'<mark id="{CITED_ID}">&#60;i&#62;q&#60;&#47;i&#62;</mark>' in article and "<i>" not in article
    assert "<a " not in source_line(citation)  # only http(s) sources become links
    assert text_block("<script>x</script>").count("<script") == 0


HOSTILE = [
    "![p](http://127.0.0.1:9999/pixel) [official source](https://evil.example/phish)",
    ":red[alert] $\\frac{1}{2}$ :material/warning: <img src=x onerror=alert(1)>",
    "www.evil.example and https://evil.example/x and `code` **bold** # heading",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_no_markdown_math_or_colour_syntax_survives_escaping(text):
    safe = markdown_safe(text)
    assert html.unescape(safe) == text  # shown as written…
    assert not set(safe) & set("[]()!<>:$`*")  # …with no syntax left to read
    assert all(part.startswith("#") for part in safe.split("&")[1:])  # only numeric references


def test_a_hostile_url_is_shown_as_a_path_not_a_link():
    url = "https://x ![p](http://127.0.0.1:9999/pixel)"
    citation = Citation(1, "d", url, "t", None, None, "q", "q", 0.5)
    line = source_line(citation)
    assert "<a " not in line  # before, any source starting with https became a link
    good = replace(citation, source="https://www.bbc.com/arabic/a?b=1")
    link = source_line(good)
    assert 'href="https&#58;&#47;&#47;www&#46;bbc&#46;com&#47;arabic&#47;a&#63;b&#61;1"' in link
    assert 'rel="noopener noreferrer nofollow"' in link  # the article's page gets no hold on this one


@pytest.mark.parametrize(
    "name,expected",
    [("../../etc/passwd.txt", "passwd.txt"), ("تقرير (1).HTML", "تقرير _1.html"), ("a/b\\c.md", "c.md")],
)
def test_upload_names_are_sanitised(name, expected):
    assert safe_name(name) == expected


def test_uploads_stay_inside_the_articles_folder_and_are_capped(tmp_path):
    path = save_upload(tmp_path, "../../evil.txt", "نص".encode())
    assert path.parent == (tmp_path / "uploads").resolve()
    assert save_upload(tmp_path, "evil.txt", "نص".encode()) == path  # the same file again
    other = save_upload(tmp_path, "evil.txt", "نص آخر".encode())
    assert other != path and path.read_text(encoding="utf-8") == "نص"  # a different one never overwrites
    with pytest.raises(IngestError, match="only"):
        save_upload(tmp_path, "x.exe", b"MZ")
    with pytest.raises(IngestError, match="limited"):
        save_upload(tmp_path, "big.txt", b"x" * 20, max_bytes=10)


def test_only_uploads_that_put_nothing_in_the_store_are_discarded(tmp_path):
    kept, failed = save_upload(tmp_path, "kept.txt", "نص".encode()), save_upload(tmp_path, "bad.txt", b"\x00")
    assert discard_unstored([kept, failed], stored_files={str(kept)}) == [failed]
    assert kept.exists() and not failed.exists()


def test_the_confidence_line_says_high_or_medium_and_nothing_for_abstentions():
    from qa.answer_types import Answer
    from qa.display import confidence_line

    assert confidence_line(Answer("q", "a", True, "extractive", confidence=0.82)) == "Confidence: high (0.82)"
    assert confidence_line(Answer("q", "a", True, "extractive", confidence=0.55)) == "Confidence: medium (0.55)"
    assert confidence_line(Answer("q", "no", False, "extractive", confidence=0.2)) is None
    assert confidence_line(Answer("q", "a", True, "llm")) is None


@pytest.mark.parametrize("round_", range(20))  # a race: each round is another chance to lose it
def test_uploads_of_one_name_at_once_each_get_their_own_file(tmp_path, round_):
    texts = [f"نص المقال رقم {n}".encode() for n in range(16)]
    barrier = threading.Barrier(len(texts))

    def upload(data: bytes) -> Path:
        barrier.wait()  # every save starts together
        return save_upload(tmp_path, "same.txt", data)

    with ThreadPoolExecutor(len(texts)) as pool:
        paths = list(pool.map(upload, texts))
    assert len(set(paths)) == len(texts)
    assert [p.read_bytes() for p in paths] == texts


def test_citation_markers_link_to_their_cards_and_nothing_else_becomes_a_link():
    answer = Answer("q", "حوالي 2500 [1][2] ![x](http://h/i) [a](http://h)", True, "extractive")
    block = answer_block(answer, "answer3")
    assert block.count('<a class="cite" href="#answer3-') == 2 and 'href="#answer3-2"' in block
    assert "](" not in block and block.count("<a") == 2 and "<img" not in block


def differing_figures(question: str) -> Answer:
    """73 attacks by one outlet on two days, 40 by another in between; the first's outlet hostile."""
    quotes = ["تعرضت القوات الأميركية إلى 73 هجوما.", "تعرضت القوات إلى 40 هجوما.", "وقع 73 هجوما منذ أكتوبر."]
    citations = [
        Citation(1, "a", "/a.txt", None, "Rudaw ![x](http://h/i)", "2023-11-08", quotes[0], quotes[0], 0.9),
        Citation(2, "b", "/b.txt", None, "Kurdistan24", "2023-12-13", quotes[2], quotes[2], 0.8),
        Citation(3, "c", "/c.txt", None, None, "2023-11-20", quotes[1], quotes[1], 0.8),
    ]
    text = "The articles differ by date (newest first):\n- 73 — [1][2] (…)\n«…»\n- 40 — [3] (…)\n«…»"
    findings = [Finding("73", [1, 2], "73"), Finding("40", [3], "40")]
    return Answer(question, text, True, "extractive", citations, findings=findings)


def test_figures_that_differ_are_a_table_a_row_per_source_newest_first():
    table = answer_block(differing_figures("How many attacks were there?"), "answer2")
    rows = re.findall(r"<tr><td>(.*?)</tr>", table)
    assert [re.search(r"answer2-(\d)", row).group(1) for row in rows] == ["2", "3", "1"]  # 12-13, 11-20, 11-08
    assert ["73" in rows[0], "40" in rows[1], "73" in rows[2]] == [True, True, True]
    assert "<img" not in table and "](" not in table  # the outlet's markup is text
    assert "outlet not stated" in rows[1] and '<table dir="ltr"' in table
    assert '<table dir="rtl"' in answer_block(differing_figures("كم عدد الهجمات؟"), "a")


def test_one_figure_or_none_read_off_is_no_table():
    one = replace(differing_figures("q"), findings=[Finding("73", [1, 2])])
    assert figures_table(one, "a") is None
    unread = replace(differing_figures("q"), findings=[Finding("73", [1, 2]), Finding(None, [3])])
    assert figures_table(unread, "a") is None
    assert Answer.from_dict(differing_figures("q").as_dict()).findings == differing_figures("q").findings


def test_names_read_off_several_articles_are_no_table_of_figures():
    names = replace(
        differing_figures("Who spoke for the Pentagon?"),
        findings=[Finding("سابرينا سينغ", [1, 2]), Finding("باتريك رايدر", [3])],
    )
    assert figures_table(names, "a") is None
    assert figures_table(differing_figures("How many attacks were there?"), "a") is not None


def test_each_card_bolds_the_figure_of_its_own_finding():
    answer = differing_figures("How many attacks were there?")
    assert "<strong>40</strong>" in quote_block(answer.citations[2], answer)
    assert "<strong>73</strong>" in quote_block(answer.citations[1], answer)


TROOPS = "وينتشر في العراق حوالى 2500 جندي أميركي."


def troops_answer(answer_text: str = "2500 [1]\n«" + TROOPS + "»") -> Answer:
    citation = Citation(1, "d", "/articles/004_852b.txt", "عنوان", "موقع الرافدين", "2023-12-13", TROOPS, TROOPS, 0.9)
    start = TROOPS.index("2500")
    return Answer("q", answer_text, True, "extractive", [citation], answer_text="2500", answer_span=[start, start + 4])


def test_the_quote_is_shown_once_in_its_card_with_the_answer_marked_inside_it():
    answer = troops_answer()
    assert TROOPS[:10] not in answer_block(answer, "a")  # the lead line only: the card shows the quote
    quote = quote_block(answer.citations[0], answer)
    assert quote.startswith('<p dir="auto"><mark>') and "<strong>2500</strong>" in quote
    kept = troops_answer("2500 [1]\nقال مسؤول إن العدد زاد.")  # a line that is not a bare quote stays
    assert "العدد زاد" in answer_block(kept, "a")
    assert quoted_in_answer(answer) == set()  # so the card shows the quote
    digest = troops_answer(f"Digest of 1 article:\n- Kurdistan24: «{TROOPS}» [1]")
    assert TROOPS in html.unescape(answer_block(digest, "a")) and quoted_in_answer(digest) == {1}


def test_another_cards_figure_is_marked_only_as_a_whole_number():
    answer = troops_answer()
    other = replace(answer.citations[0], n=2, quote="في عام 2012 كان هناك 12 ألف جندي، واليوم 2500 جندي.")
    assert "<strong>2500</strong>" in quote_block(other, answer)
    twelve = replace(answer, answer_text="12", answer_span=None)
    assert "2012" in quote_block(other, twelve) and "<strong>12</strong> ألف" in quote_block(other, twelve)


def test_file_names_and_dates_are_isolated_so_right_to_left_lines_keep_their_order():
    citation = troops_answer().citations[0]
    header = card_header(citation, "a")
    assert '<div id="a-1"' in header and "<bdi>موقع الرافدين</bdi> · <bdi><bdi>2023&#45;12&#45;13</bdi></bdi>" in header
    assert "<bdi>004&#95;852b&#46;txt</bdi>" in source_line(citation) and "<code>" not in source_line(citation)
    assert "<bdi>2023&#45;12&#45;13</bdi>" in text_block("نشر في 2023-12-13")


def test_a_known_outlet_is_named_in_the_readers_script_and_an_unknown_one_as_given():
    citation = replace(troops_answer().citations[0], outlet="kurdistan 24")
    assert "<bdi>Kurdistan24</bdi>" in card_header(citation, "a")
    assert "<bdi>كوردستان 24</bdi>" in card_header(citation, "a", arabic=True)
    assert replace(citation, outlet="البلاد").label(arabic=False) == "Al Bilad, 2023-12-13"
    uploaded = replace(citation, outlet="Sky News Arabia", uploaded_by="sara on 2026-11-30")
    assert uploaded.outlet_label(arabic=True) == "سكاي نيوز عربية (uploaded by sara on 2026-11-30)"
    assert "<bdi>موقع الرافدين</bdi>" in card_header(troops_answer().citations[0], "a", arabic=False)  # unknown
    unstated = replace(citation, outlet=None, date=None)
    assert "<bdi>الوسيلة غير مذكورة</bdi> · <bdi>بلا تاريخ</bdi>" in card_header(unstated, "a", arabic=True)
    assert "<bdi>outlet not stated</bdi> · <bdi>undated</bdi>" in card_header(unstated, "a")


def test_the_article_view_marks_the_cited_quote_in_the_whole_article():
    article = f"عنوان\n\nفقرة أولى.\n{TROOPS} ثم جملة أخرى.\nفقرة أخيرة."
    block = article_block(article, TROOPS, TROOPS)
    assert block.count("<p") == 4 and block.count(f'<mark id="{CITED_ID}">') == 1
    assert block.index("فقرة أولى") < block.index(CITED_ID) < block.index("فقرة أخيرة")
    changed = article_block("نص آخر تماما", TROOPS, TROOPS)  # the article changed since: the passage comes first
    assert changed.index(CITED_ID) < changed.index("نص آخر")


def test_an_upload_holds_a_days_copy_not_an_archive(tmp_path):
    line = '{"id": "%d", "text": "نص"}\n'
    save_upload(tmp_path, "day.jsonl", "".join(line % n for n in range(MAX_UPLOAD_DOCUMENTS)).encode())
    for end in ("\n", "\x1e", "\u2028"):  # every line end the reader splits on
        archive = "".join((line % n).strip() + end for n in range(MAX_UPLOAD_DOCUMENTS + 1)).encode()
        with pytest.raises(IngestError, match="at most 200"):
            save_upload(tmp_path, "archive.jsonl", archive)
    assert not (tmp_path / "uploads" / "archive.jsonl").exists()


def test_an_answer_copies_as_plain_text_with_its_sources():
    answer = troops_answer()
    text = plain_text(answer)
    assert text.startswith(answer.answer) and "[1] موقع الرافدين · 2023-12-13 — عنوان" in text and f"«{TROOPS}»" in text
    assert "&#" not in text and "<" not in text  # not HTML: text to paste


def test_the_other_outlets_that_ran_a_story_are_named_in_the_readers_script_and_escaped():
    from qa.display import also_block, also_reported

    citation = Citation(1, "d", "/d.txt", None, "Al Arabiya", "2018-03-10", "q", "q", 0.5)
    assert also_reported(citation) is None and also_block(citation) == ""
    citation.also_reported_by = [
        {"outlet": "Sky News Arabia", "date": "2018-03-10", "doc_id": "s"},
        {"outlet": "<img src=x onerror=alert(1)>", "date": None, "doc_id": "x"},
    ]
    assert (
        also_reported(citation)
        == "Also reported by Sky News Arabia (2018-03-10), <img src=x onerror=alert(1)> (undated)"
    )
    assert also_reported(citation, arabic=True).startswith("نشرها أيضاً: سكاي نيوز عربية (2018-03-10)، ")
    assert "<img" not in also_block(citation) and "&#60;img" in also_block(citation)
