"""The catalogue's generation: what derived indexes (BM25) are keyed on."""

from __future__ import annotations

import sqlite3

from qa.catalog import Catalog


def test_a_remade_records_database_never_repeats_an_old_generation(tmp_path):
    first = Catalog(f"sqlite:///{tmp_path / 'records.sqlite'}", "articles")
    first.bump()
    first.bump()
    before = first.generation()
    first.engine.dispose()
    (tmp_path / "records.sqlite").unlink()  # lost; the next ingest makes it again
    again = Catalog(f"sqlite:///{tmp_path / 'records.sqlite'}", "articles")
    again.bump()
    again.bump()
    assert before.endswith("/2") and again.generation().endswith("/2")
    assert again.generation() != before


def test_a_state_table_from_an_older_version_is_replaced(tmp_path):
    path = tmp_path / "records.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("create table sanad_state (collection varchar primary key, generation integer not null)")
        db.execute("insert into sanad_state values ('articles', 7)")
    catalog = Catalog(f"sqlite:///{path}", "articles")
    assert catalog.generation() == "new/0"
    catalog.bump()
    assert catalog.generation().endswith("/1")


def test_the_article_panel_reads_the_catalogue_again_only_when_it_changed(tmp_path):
    from qa.catalog import DocumentRecord
    from ui.articles import CachedArticles

    catalog = Catalog(f"sqlite:///{tmp_path / 'records.sqlite'}", "articles")

    def record(key: str) -> DocumentRecord:
        return DocumentRecord(key, key, key, "/", key, None, None, None, None, "h", 1)

    catalog.upsert([record("a")])
    catalog.bump()
    records = CachedArticles()
    first = records.of(catalog)
    assert [r.key for r in first.newest_first] == ["a"] and records.of(catalog) is first  # not read again
    catalog.upsert([record("b")])
    assert records.of(catalog) is first  # a write outside an ingest's bump is not seen…
    catalog.bump()
    assert {r.key for r in records.of(catalog).newest_first} == {"a", "b"}  # …until the generation moves


def test_the_article_panel_counts_sorts_and_searches_titles_with_letter_variants_folded():
    from qa.catalog import DocumentRecord
    from ui.articles import Articles

    def record(key: str, title: str, outlet: str | None, date: str | None) -> DocumentRecord:
        return DocumentRecord(key, key, key, "/", key, title, outlet, date, None, "h", 1)

    articles = Articles.of([
        record("a", "الرئيس يزور أربيل", "BBC Arabic", "2018-03-02"),
        record("b", "وزارة الزراعة تفتتح موسم الحصاد", "BBC Arabic", "2018-05-20"),
        record("c", "مباحثات في بغداد", "CNN Arabic", None),
    ])  # fmt: skip
    assert [r.key for r in articles.newest_first] == ["b", "a", "c"]
    assert articles.outlets == (("BBC Arabic", 2), ("CNN Arabic", 1))
    assert articles.months == (("2018-03", 1), ("2018-05", 1)) and articles.undated == 1
    assert [r.key for r in articles.matching("اربيل")] == ["a"]  # أ written as ا
    assert [r.key for r in articles.matching("وزاره الزِّراعة")] == ["b"]  # ة as ه, diacritics
    assert articles.matching("  ") == articles.newest_first and articles.matching("الموصل") == ()
