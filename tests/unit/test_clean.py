"""Cleaning and metadata on the bundled articles and on made-up pages."""

from __future__ import annotations

import json

import pytest

from ingest.clean import fragment_text
from ingest.documents import clean_article
from ingest.load import RawDocument, SourceFile, read_source
from ingest.metadata import find_dates, publication_date
from qa.config import BUNDLED_CORPUS


def article(name: str):
    path = (BUNDLED_CORPUS / name).resolve()
    (raw,) = read_source(SourceFile(path, path.parent), 10**7).docs
    return clean_article(raw)


@pytest.mark.parametrize(
    "name,outlet,date,title_start",
    [
        ("000_2b23c7f29fb6677a.txt", "Rudaw", "2023-11-08", "مسؤولة بالخارجية الأميركية"),
        ("001_6e69f22dc3c2ec4f.txt", "Kurdistan24", "2023-12-13", "أمريكا ترحب بموقف العراق"),
        ("002_1cad0999f99aa335.txt", "Levant News", None, "الولايات المتحدة: ملتزمون"),
        ("003_0414c9933e66a5e2.txt", "البلاد", None, "اتفاق أمريكي – عراقي"),
        ("004_852b1c75c63950c3.txt", None, None, "بايدن يبحث مع رئيس وزراء العراق"),
    ],
)
def test_metadata_of_bundled_articles(name, outlet, date, title_start):
    a = article(name)
    assert a.title.startswith(title_start)
    assert a.outlet == outlet
    assert a.date == date
    assert a.text.startswith(a.title + "\n\n")


def test_unrelated_story_after_latest_news_is_cut():
    text = article("000_2b23c7f29fb6677a.txt").text
    assert "40 هجمة على الأقل" in text  # the article's last sentence stays
    assert "ويتكوف" not in text and "البيت الأبيض حول المفاوضات" not in text
    assert "علق كضيف" not in text and "النص المطلوب" not in text and "A+ A-" not in text
    assert "الكلمات الدالة" not in text


def test_widgets_and_related_items_are_removed():
    text = article("002_1cad0999f99aa335.txt").text
    assert "اقرأ أيضاً" not in text and "إطلاق صواريخ من العراق على قاعدة" not in text
    assert "December 19, 2024" not in text and "من وحي الساحات" not in text
    assert "النشرة الإخبارية" not in text and "اشترك" not in text
    assert "2500 عسكري أميركي" in text


def test_comment_forms_and_like_widgets_are_removed():
    for name in ("003_0414c9933e66a5e2.txt", "004_852b1c75c63950c3.txt"):
        text = article(name).text
        assert "اترك" not in text and "مدونون معجبون" not in text and "البريد" not in text


def test_a_widget_date_is_never_the_article_date():
    header = ["عنوان الخبر هنا"]
    body = "قالت الوزارة إن الهجمات مستمرة.\nقد تحب أيضا\n- December 19, 2024"
    assert publication_date(header, body) is None


@pytest.mark.parametrize(
    "text,iso",
    [
        ("08-11-2023", "2023-11-08"),
        ("٠٨-١١-٢٠٢٣", "2023-11-08"),
        ("2023/11/08", "2023-11-08"),
        ("الأربعاء 13 كانون الأول 2023", "2023-12-13"),
        ("24 نوفمبر تشرين الثاني 2023", "2023-11-24"),
        ("5 أيار 2021", "2021-05-05"),
        ("3 مارس، 2021", "2021-03-03"),
        ("December 19, 2024", "2024-12-19"),
    ],
)
def test_date_forms(text, iso):
    assert find_dates(text)[0][1].isoformat() == iso


def test_html_page_keeps_only_the_article():
    html = """<html><head><title>Site</title><script>alert('x')</script><style>p{}</style></head>
    <body><nav><a href="/">الرئيسية</a> <a href="/news">أخبار</a></nav>
    <article><h1>بايدن يبحث مع الكاظمي العلاقات الثنائية</h1>
    <p>بحث رئيس الوزراء العراقي مصطفى الكاظمي في اتصال هاتفي مع الرئيس الأميركي جو بايدن تطوير العلاقات الثنائية وتعزيز الشراكة بين البلدين.</p>
    <p>وقال الكاظمي في تغريدة إن الجانبين أكدا مواصلة الحوار الاستراتيجي على أساس السيادة الوطنية العراقية ومحاربة داعش.</p>
    </article><footer>جميع الحقوق محفوظة 2024</footer></body></html>"""
    raw = RawDocument(
        key="/x/page.html",
        doc_id="page.html",
        source="/x/page.html",
        file="/x/page.html",
        root="/x",
        text=html,
        kind="html",
    )
    a = clean_article(raw)
    assert "مواصلة الحوار الاستراتيجي" in a.text
    assert "alert" not in a.text and "جميع الحقوق" not in a.text and "الرئيسية" not in a.text


def test_markup_the_extractor_finds_no_article_in_keeps_its_text():
    """A wiki dump's stray tag (one of ARCD's passages starts so): trafilatura finds no article."""
    text = (
        '<text xml:space="preserve">تنقسم جمهورية مصر العربية إلى 27 محافظة في 7 أقاليم، ولكل محافظة عاصمة يتبعها عدد من المراكز.\n'
        "<script>alert('x')</script>وتنقسم المراكز الإدارية بدورها إلى وحدات محلية تضم عددا من القرى والتوابع."
    )
    raw = RawDocument(
        key="/x/a.jsonl#1", doc_id="1", source="/x/a.jsonl", file="/x/a.jsonl", root="/x", text=text, kind="html"
    )
    a = clean_article(raw)
    assert "27 محافظة في 7 أقاليم" in a.text and "وحدات محلية تضم عددا من القرى" in a.text
    assert "<" not in a.text and "alert" not in a.text


def test_fragment_text_keeps_lines_and_drops_what_a_reader_never_sees():
    html = "<p>الفقرة الأولى.</p><style>p{}</style><p hidden>مخفي</p><nav>الرئيسية</nav><p>الفقرة الثانية.</p>"
    assert fragment_text(html).split() == ["الفقرة", "الأولى.", "الفقرة", "الثانية."]
    assert "الأولى.\nالفقرة الثانية." in fragment_text(html)
    assert fragment_text("<td>عدد القتلى</td><td>12</td>").split() == ["عدد", "القتلى", "12"]
    assert fragment_text('<p aria-hidden="true">a</p><p style="display: none">b</p>c<iframe>d</iframe>') == "c"


@pytest.mark.parametrize(
    "page",
    [
        "<html><body><p>صفحة كاملة بلا مقال</p></body></html>",
        "<!DOCTYPE html><title>عنوان الصفحة</title>",  # lxml's fragment parser asserts on this one
        "<frameset><frame src='a.html'></frameset>",
    ],
)
def test_a_whole_page_is_never_read_as_a_fragment(page):
    assert fragment_text(page) == ""


@pytest.mark.parametrize(
    "given,iso",
    [
        ("2018-02-18T21:35:43+04:00", "2018-02-18"),  # the news archive's form: the day as the outlet wrote it
        ("2018-02-18", "2018-02-18"),
        ("13 كانون الأول 2023", "2023-12-13"),
        ("soon", None),
    ],
)
def test_a_supplied_date_is_kept_as_its_day(tmp_path, given, iso):
    path = tmp_path / "feed.jsonl"
    record = {"id": "a", "title": "عنوان الخبر", "text": "قالت الوزارة إن الهجمات مستمرة منذ أسابيع.", "date": given}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (raw,) = read_source(SourceFile(path, tmp_path), 10**6).docs
    assert clean_article(raw).date == iso


def test_bidi_overrides_and_controls_are_stripped_from_text_and_metadata(tmp_path):
    path = tmp_path / "feed.jsonl"
    body = "قالت الوزارة إن عدد الجنود \u202e2500\u202c جندي\x1b[8m في العراق، وإن المهمة مستمرة منذ أسابيع."
    record = {"id": "a", "title": "عنوان\u2066 الخبر\u2069", "outlet": "Rudaw\x07", "text": body}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    (raw,) = read_source(SourceFile(path, tmp_path), 10**6).docs
    article = clean_article(raw)
    assert "2500 جندي[8m في العراق" in article.text  # the figure is shown in its own order
    assert not any(ch in article.text + article.title + article.outlet for ch in "\u202e\u202c\u2066\u2069\x1b\x07")
    assert (article.title, article.outlet) == ("عنوان الخبر", "Rudaw")
