"""Arabic normalisation and the BM25 index kept in step with the store."""

from __future__ import annotations

from qa.lexical import load_or_build


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
