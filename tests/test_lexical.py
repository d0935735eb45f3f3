"""Arabic normalisation and the BM25 index kept in step with the store."""

from __future__ import annotations

import json
import shutil
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from qa.lexical import TERMS_FILE, load_or_build
from qa.terms import lexical_terms


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
    """The index equals one built from nothing for the same store, and its term counts
    are those of the stored passages' texts."""
    from qa.store import open_store

    store = open_store(settings)
    held = Counter(term for _, text in store.texts() for term in set(lexical_terms(text)))
    assert index.stats.doc_freq == held and index.stats.passages == store.count()
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


def _saved(settings, name: str):
    (path,) = (settings.store_dir / "lexical").glob(f"*/{name}")
    return path


def _rewritten(path, change) -> None:
    with np.load(path) as saved:
        arrays = dict(saved)
    change(arrays)
    np.savez(path, **arrays)


def _bare_array(path) -> None:
    with path.open("wb") as out:
        np.save(out, np.arange(5))


def _rows_out_of_order(arrays: dict) -> None:
    ends = arrays["ends"]
    ends[:-1] = ends[:-1][::-1]  # still ending where the terms end


def _rows_of_another_save(arrays: dict) -> None:
    """As sound a file as any, but its rows are not in the order of the ids beside it."""
    rows = np.split(arrays["flat"], arrays["ends"][:-1])
    rows = rows[1:] + rows[:1]
    arrays.update(flat=np.concatenate(rows), ends=np.cumsum([len(row) for row in rows]), token=np.array("0" * 32))


DAMAGE = {
    "not an array": lambda path: path.write_bytes(b"not an array"),
    "cut short": lambda path: path.write_bytes(path.read_bytes()[:200]),
    "a bare array": _bare_array,
    "rows out of order": lambda path: _rewritten(path, _rows_out_of_order),
    "from another save": lambda path: _rewritten(path, _rows_of_another_save),
}


@pytest.mark.parametrize("damage", DAMAGE)
def test_saved_terms_that_cannot_be_trusted_are_made_again(damage, run_json, corpus, settings):
    from qa.store import open_store

    run_json("ingest", str(corpus))
    DAMAGE[damage](_saved(settings, TERMS_FILE))
    _changed_corpus(corpus)
    run_json("ingest", str(corpus))
    _as_built_afresh(settings, load_or_build(open_store(settings)))


def test_saved_terms_made_by_other_term_rules_are_not_reused(run_json, corpus, settings, monkeypatch):
    import qa.lexical
    from qa.store import open_store

    run_json("ingest", str(corpus))
    meta_file = _saved(settings, "sanad.json")
    meta = json.loads(meta_file.read_text())
    meta["fingerprint"][1] = "other rules"
    meta_file.write_text(json.dumps(meta, ensure_ascii=False))
    _changed_corpus(corpus)
    split: list[str] = []
    real = qa.lexical.lexical_terms
    monkeypatch.setattr(qa.lexical, "lexical_terms", lambda text: split.append(text) or real(text))

    run_json("ingest", str(corpus))
    assert sorted(split) == sorted(text for _, text in open_store(settings).texts())


def test_an_index_saved_by_another_process_while_loading_is_not_paired_with_the_old_ids(
    run_json, corpus, settings, monkeypatch
):
    """Another process's save can replace the folder between reading its description and
    loading its index (a real save, landed at that moment on purpose): the index then
    loaded has other rows than the ids read, and must not be used with them."""
    import bm25s

    import qa.lexical
    from qa.store import open_store

    run_json("ingest", str(corpus))
    store = open_store(settings)
    terms = qa.lexical.NumberedTerms()
    for passage_id, text in reversed(list(store.texts())):  # rows in another order than the saved ids'
        terms.add(passage_id, lexical_terms(text))
    other, numbered = qa.lexical._index_of(list(terms.rows), terms, qa.lexical.fingerprint(store))
    real_load = bm25s.BM25.load
    landed: list[str] = []

    def load_after_another_save(folder, **kwargs):
        if not landed:
            qa.lexical._save(other, numbered, Path(folder))
            landed.extend(json.loads((Path(folder) / "sanad.json").read_text())["ids"])
        return real_load(folder, **kwargs)

    monkeypatch.setattr(bm25s.BM25, "load", load_after_another_save)
    index = load_or_build(store)
    assert landed == other.ids != index.ids  # the other save did land, and its rows were not taken
    monkeypatch.setattr(bm25s.BM25, "load", real_load)
    _as_built_afresh(settings, index)
