"""Arabic normalisation and the BM25 index kept in step with the store."""

from __future__ import annotations

import shutil

from qa.lexical import TERMS_FILE, load_or_build


def test_index_follows_ingestion(run_json, corpus, settings):
    from qa.store import open_store

    run_json("ingest", str(corpus))
    store = open_store(settings)
    first = load_or_build(store)
    assert len(first.ids) == store.count()
    assert first.search("ستكني", 3)

    (corpus / "002_1cad0999f99aa335.txt").unlink()
    run_json("ingest", str(corpus))
    store = open_store(settings)
    after = load_or_build(store)
    assert len(after.ids) == store.count() < len(first.ids)
    assert after.search("ستكني", 3) == []


def _changed_corpus(corpus):
    """One article removed and another one lengthened: passages go and come."""
    (corpus / "002_1cad0999f99aa335.txt").unlink()
    article = corpus / "000_2b23c7f29fb6677a.txt"
    lines = article.read_text(encoding="utf-8").splitlines()
    lines.insert(8, "وأعلنت الوزارة أن الطحين المستورد وصل إلى ميناء أم قصر.")  # in the body, not its boilerplate tail
    article.write_text("\n".join(lines), encoding="utf-8")


def _as_built_afresh(settings, index) -> None:
    """The index equals one built from nothing for the same store."""
    from qa.store import open_store

    shutil.rmtree(settings.store_dir / "lexical")
    fresh = load_or_build(open_store(settings))
    assert index.ids == fresh.ids
    assert index.stats == fresh.stats
    for query in ("ستكني", "الطحين المستورد", "القوات الأمريكية في العراق", "ميناء أم قصر"):
        assert index.search(query, 20) == fresh.search(query, 20)


def test_an_ingest_splits_only_the_new_passages_into_terms(run_json, corpus, settings, monkeypatch):
    import qa.lexical
    from qa.store import open_store

    run_json("ingest", str(corpus))
    before = set(load_or_build(open_store(settings)).ids)
    _changed_corpus(corpus)
    split: list[str] = []
    real = qa.lexical.lexical_terms
    monkeypatch.setattr(qa.lexical, "lexical_terms", lambda text: split.append(text) or real(text))

    run_json("ingest", str(corpus))
    store = open_store(settings)
    after = load_or_build(store)  # the one the ingest saved
    added = [pid for pid in after.ids if pid not in before]
    assert added and before - set(after.ids)  # passages came and went
    assert sorted(split) == sorted(text for _, text in store.texts_of(added))
    monkeypatch.undo()
    _as_built_afresh(settings, after)


def test_saved_terms_that_cannot_be_read_are_made_again(run_json, corpus, settings):
    from qa.store import open_store

    run_json("ingest", str(corpus))
    (saved,) = (settings.store_dir / "lexical").glob(f"*/{TERMS_FILE}")
    saved.write_bytes(b"not an array")
    _changed_corpus(corpus)
    run_json("ingest", str(corpus))
    _as_built_afresh(settings, load_or_build(open_store(settings)))
