"""`qa ingest` against a real embedded Chroma store: incremental, exact, reported per the contract."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ingest.documents import article_passages, clean_article
from ingest.load import SourceFile, read_source
from ingest.sync import ingest
from qa.embeddings import SentenceTransformerEmbeddings
from qa.errors import StoreError
from qa.lexical import load_or_build
from qa.store import forget_in_memory_state, open_catalog, open_store

CORPUS_FILES = 5


def test_first_ingest_then_unchanged_without_loading_the_model(run_json, corpus, settings):
    code, first = run_json("ingest", str(corpus))
    assert code == 0
    assert first["added"] == CORPUS_FILES and first["documents"] == CORPUS_FILES
    assert first["passages"] == open_store(settings).count() > CORPUS_FILES
    assert first["failed"] == []

    encoder = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
    report = ingest([corpus], settings, encoder=encoder)
    assert (report.unchanged, report.added, report.updated, report.deleted) == (CORPUS_FILES, 0, 0, 0)
    assert not encoder.loaded, "an unchanged re-ingest loaded the model"
    assert report.passages == first["passages"]


def test_edit_updates_exactly_one_and_delete_removes_exactly_one(run_json, corpus, settings):
    run_json("ingest", str(corpus))
    before = open_store(settings).count()

    edited = corpus / "003_0414c9933e66a5e2.txt"
    original = edited.read_text(encoding="utf-8")
    added = "\nوأضاف المتحدث أن بعثة المراقبة الزرقاء ستصل إلى البصرة الأسبوع المقبل.\n"
    edited.write_text(original.replace("للأبد.\n", "للأبد.\n" + added, 1), encoding="utf-8")
    code, report = run_json("ingest", str(corpus))
    assert code == 0
    assert (report["updated"], report["unchanged"], report["added"], report["deleted"]) == (1, 4, 0, 0)
    code, found = run_json("search", "بعثة المراقبة الزرقاء البصرة", "-k", "1")
    assert found["results"][0]["doc_id"] == "003_0414c9933e66a5e2.txt"
    assert "بعثة المراقبة الزرقاء" in found["results"][0]["text"]

    (corpus / "004_852b1c75c63950c3.txt").unlink()
    code, report = run_json("ingest", str(corpus))
    assert (report["deleted"], report["unchanged"], report["documents"]) == (1, 4, 4)
    ids = {m["doc_id"] for m in open_store(settings).collection.get(include=["metadatas"])["metadatas"]}
    assert "004_852b1c75c63950c3.txt" not in ids and len(ids) == 4
    # The edited article's passages are exactly those of its new text: none of the old ones kept.
    (raw,) = read_source(SourceFile(edited.resolve(), corpus.resolve()), 10**7).docs
    encoder = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
    expected = article_passages(clean_article(raw), encoder.count_tokens)
    stored = open_store(settings).collection.get(where={"doc_id": "003_0414c9933e66a5e2.txt"}, include=["documents"])
    assert sorted(stored["documents"]) == sorted(p.text for p in expected)
    assert open_store(settings).count() < before


def test_new_article_is_found_by_search(run_json, corpus, tmp_path):
    run_json("ingest", str(corpus))
    extra = tmp_path / "extra.txt"
    extra.write_text(
        "البرلمان العراقي يصوت على قانون المياه\n\n"
        "صوّت مجلس النواب العراقي اليوم على قانون جديد لتنظيم توزيع مياه نهري دجلة والفرات بين المحافظات، "
        "بعد أشهر من الجدل حول حصص الزراعة في الجنوب.\n",
        encoding="utf-8",
    )
    code, report = run_json("ingest", str(extra))
    assert code == 0 and report["added"] == 1
    code, found = run_json(
        "search", "Which law about Tigris and Euphrates water did the Iraqi parliament pass?", "-k", "1"
    )
    assert found["results"][0]["doc_id"] == "extra.txt"
    # A single file adds a document; it does not make its folder's other documents disappear.
    code, report = run_json("ingest", str(corpus))
    assert report["deleted"] == 0 and report["unchanged"] == CORPUS_FILES


def test_a_search_for_more_passages_than_are_stored_gets_all_of_them_best_first(run_json, corpus, settings):
    """The store is not counted before a query: Chroma must cap the results itself, in an
    empty store, in a whole one, after a deletion and limited to a scope's passages."""
    query = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache).embed_query(
        "How many US troops are in Iraq?"
    )
    assert open_store(settings, create=True).nearest(query, 50) == []
    run_json("ingest", str(corpus))
    (corpus / "004_852b1c75c63950c3.txt").unlink()
    _, report = run_json("ingest", str(corpus))
    assert report["deleted"] == 1
    store = open_store(settings)
    stored = store.count()
    found = store.nearest(query, stored + 50)
    assert len(found) == stored and len({p.id for p, _ in found}) == stored
    assert "004_852b1c75c63950c3.txt" not in {p.doc_id for p, _ in found}
    assert [score for _, score in found] == sorted((score for _, score in found), reverse=True)
    key = found[0][0].doc_key
    ids = [p.id for p, _ in found if p.doc_key == key]
    within = store.nearest(query, stored + 50, within=ids)
    assert 0 < len(within) < stored and {p.id for p, _ in within} == set(ids)
    assert store.nearest(query, 0) == []


def test_a_scoped_search_knows_each_passages_article_and_outlives_a_passage_chroma_lost(
    run_json, corpus, settings, monkeypatch
):
    """Which article a passage is from (for scopes, and the integrity check's grouping) is
    read from the record manager's table, and from Chroma's metadata for a passage the
    records do not list (an ingest stopped before recording it; caused here by deleting its
    record alone): both must name the article Chroma's metadata names. A passage the records
    still list but Chroma no longer holds (an ingest stopped between its two deletes; caused
    here by deleting it from Chroma alone) must not make Chroma refuse a query limited to
    the scope's passages, however many ids the scope sends (Chroma reads at most about
    32,000 in one go); a query failing for another reason with every id held is not
    retried but reported. Chroma's metadata is read for the passage the records lack only:
    the records' table is read, not bypassed."""
    run_json("ingest", str(corpus))
    store = open_store(settings)
    stored = store.collection.get(include=["metadatas"])
    by_metadata = {pid: meta["doc_key"] for pid, meta in zip(stored["ids"], stored["metadatas"])}
    store.record_manager.delete_keys(stored["ids"][:1])
    read_from_chroma: list[str] = []
    got = store._got
    monkeypatch.setattr(store, "_got", lambda ids, include: (read_from_chroma.extend(ids), got(ids, include))[1])
    articles = store.passage_articles(stored["ids"])
    assert articles == by_metadata
    assert read_from_chroma == stored["ids"][:1]
    monkeypatch.undo()
    assert set(store.article_datelines()) == {r.key for r in store.catalog.all()}
    grouped = store.passages_by_document()
    assert {pid: key for key, ids in grouped.items() for pid in ids} == by_metadata
    key = max(set(articles.values()), key=list(articles.values()).count)  # the article with most passages
    ids = [pid for pid, of in articles.items() if of == key]
    store.collection.delete(ids=ids[:1])
    query = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache).embed_query("القوات")
    found = store.nearest(query, 50, within=ids)
    assert len(ids) > 1 and {p.id for p, _ in found} == set(ids[1:])
    assert store.nearest(query, 50, within=ids[:1]) == []
    many = [*ids, *(f"gone-{n}" for n in range(40_000))]
    assert {p.id for p, _ in store.nearest(query, 50, within=many)} == set(ids[1:])
    with pytest.raises(StoreError, match="dimension"):
        store.nearest(query[:3], 50, within=ids[1:])


def test_bad_inputs_are_reported_and_the_rest_ingested(run_json, corpus):
    (corpus / "empty.txt").write_bytes(b"")
    (corpus / "binary.txt").write_bytes(bytes(range(256)) * 40)
    (corpus / "cp1256.txt").write_bytes(
        "تقرير عن الكهرباء في بغداد\n\nقالت وزارة الكهرباء العراقية إن ساعات التجهيز ارتفعت في بغداد خلال الصيف الحالي بعد صيانة محطات التوليد الكبرى.\n".encode(
            "cp1256"
        )
    )
    (corpus / "feed.jsonl").write_text(
        '{"id": "j1", "text": "أعلنت وزارة النفط العراقية زيادة صادرات الخام عبر ميناء البصرة إلى مستوى قياسي هذا الشهر.", "outlet": "Shafaq News", "date": "2024-03-02"}\n'
        '{"id": "j2"}\n',
        encoding="utf-8",
    )
    code, report = run_json("ingest", str(corpus))
    assert code == 3
    assert report["added"] == CORPUS_FILES + 2  # the five, the cp1256 file, the valid JSONL line
    reasons = {f["path"].rsplit("/", 1)[-1]: f["error"] for f in report["failed"]}
    assert reasons["empty.txt"] == "empty file"
    assert "binary" in reasons["binary.txt"]
    assert reasons["feed.jsonl:2"].startswith("line 2")


def test_usage_errors_exit_2(run_qa):
    assert run_qa("search")[0] == 2
    assert run_qa("ingest", "--bogus")[0] == 2


def test_bad_jsonl_line_or_repeated_input_loses_nothing(run_json, tmp_path):
    feed = tmp_path / "feed#1.jsonl"  # a '#' in a file name must not confuse anything
    good = [
        '{"id": "a", "text": "أعلنت وزارة النفط العراقية زيادة صادرات الخام عبر ميناء البصرة هذا الشهر."}',
        '{"id": "b", "text": "افتتحت الحكومة العراقية جسرا جديدا فوق نهر دجلة في مدينة الموصل يوم الأحد."}',
    ]
    feed.write_text("\n".join(good) + "\n", encoding="utf-8")
    code, report = run_json("ingest", str(tmp_path))
    assert (code, report["added"]) == (0, 2)

    feed.write_text(good[0] + "\n" + good[1][:30] + "\n", encoding="utf-8")  # line 2 cut short
    code, report = run_json("ingest", str(tmp_path))
    assert code == 3 and report["deleted"] == 0 and report["documents"] == 1

    feed.write_text("\n".join(good) + "\n", encoding="utf-8")
    code, report = run_json("ingest", str(tmp_path), str(tmp_path), str(feed))
    assert code == 0 and report["documents"] == 2 and report["unchanged"] == 2


def test_model_mismatch_is_a_clear_error(run_json, run_qa, corpus):
    run_json("ingest", str(corpus))
    code, _out, err = run_qa("--embedding-model", "some/other-model", "search", "troops")
    assert code == 1
    assert "was built with the embedding model" in err and "--rebuild" in err


def test_truncated_file_keeps_its_ingested_version(run_json, corpus, settings):
    run_json("ingest", str(corpus))
    target = corpus / "002_1cad0999f99aa335.txt"
    shutil.copy(target, target.with_suffix(".bak"))
    target.write_bytes(b"")  # e.g. a scraper truncated it
    code, report = run_json("ingest", str(corpus))
    assert code == 3 and report["deleted"] == 0
    ids = {m["doc_id"] for m in open_store(settings).collection.get(include=["metadatas"])["metadatas"]}
    assert "002_1cad0999f99aa335.txt" in ids


def test_unreadable_file_is_reported_and_keeps_its_ingested_version(run_json, corpus, settings):
    run_json("ingest", str(corpus))
    target = corpus / "001_6e69f22dc3c2ec4f.txt"
    target.chmod(0)
    # Root reads any file: drop the capabilities that let it (setpriv, from util-linux).
    caps = "-dac_override,-dac_read_search"
    as_user = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}"] if os.geteuid() == 0 else []
    command = [sys.executable, "-m", "qa.cli", "--store", str(settings.store_dir), "ingest", str(corpus), "--json"]
    done = subprocess.run([*as_user, *command], capture_output=True, text=True, timeout=600)
    assert done.returncode == 3, done.stderr
    report = json.loads(done.stdout)
    assert report["failed"] == [{"path": str(target), "error": "permission denied"}]
    assert report["deleted"] == 0 and report["unchanged"] == CORPUS_FILES - 1
    ids = {m["doc_id"] for m in open_store(settings).collection.get(include=["metadatas"])["metadatas"]}
    assert target.name in ids


def test_corrupt_or_foreign_store_is_a_clear_error(run_qa, store_dir, corpus):
    store_dir.mkdir()
    (store_dir / "records.sqlite").write_text("not a database", encoding="utf-8")
    code, _, err = run_qa("ingest", str(corpus))
    assert code == 1 and "records database" in err and "not usable" in err

    (store_dir / "records.sqlite").unlink()
    code, _, err = run_qa("ingest", str(corpus))
    assert code == 0, err
    (store_dir / "chroma.sqlite3").write_bytes(b"\x00garbage" * 500)  # a populated store's file damaged
    for command in (["search", "troops"], ["ingest", str(corpus)], ["ingest", "--rebuild", str(corpus)], ["doctor"]):
        code, _, err = run_qa(*command)
        assert code == 1 and "not a usable Chroma store" in err and "Traceback" not in err, command
        assert "keeping records.sqlite" in err and "qa ingest" in err, command  # how to start again
    advice = re.search(r"\((mkdir .*)\) and run", err)
    assert advice, err
    subprocess.run(["bash", "-c", advice.group(1)], check=True)  # as it says
    assert (store_dir / "records.sqlite").exists()
    code, _, err = run_qa("ingest", str(corpus))
    assert code == 0, err
    assert "2500" in run_qa("ask", "How many US troops are in Iraq?")[1]


def test_a_catalogue_from_another_version_is_rebuilt(run_json, store_dir, corpus):
    import sqlite3

    store_dir.mkdir()
    with sqlite3.connect(store_dir / "records.sqlite") as db:
        db.execute("create table sanad_documents (collection text, key text, doc_id text)")
    code, report = run_json("ingest", str(corpus))
    assert code == 0 and report["documents"] == CORPUS_FILES


def _catalogued_passages(settings) -> int:
    return sum(record.passages for record in open_catalog(settings).all())


def test_an_emptied_chroma_file_is_noticed_and_mended_by_ingest(run_json, run_qa, store_dir, corpus, settings):
    code, first = run_json("ingest", str(corpus))
    assert run_qa("doctor")[0] == 0
    (store_dir / "chroma.sqlite3").write_bytes(b"")  # `: > store/chroma.sqlite3`
    forget_in_memory_state(settings)  # as a new process would open it
    code, _, err = run_qa("doctor")
    assert code == 1 and "catalogue lists 5 documents" in err and "qa ingest" in err
    code, report = run_json("ingest", str(corpus))
    assert code == 0 and report["added"] == CORPUS_FILES and report["repairs"]
    assert open_store(settings).count() == first["passages"] == _catalogued_passages(settings)
    code, answer = run_json("ask", "How many US troops are in Iraq?")
    assert answer["answerable"] and "2500" in answer["answer"]


def test_an_ingest_of_one_file_mends_that_file_and_loses_no_other(run_json, store_dir, corpus, settings):
    run_json("ingest", str(corpus))
    (store_dir / "chroma.sqlite3").write_bytes(b"")
    forget_in_memory_state(settings)
    code, report = run_json("ingest", str(corpus / "001_6e69f22dc3c2ec4f.txt"))
    assert code == 0 and report["added"] == 1
    assert any("4 of those documents were left as they are" in r for r in report["repairs"])
    assert len(open_catalog(settings).all()) == CORPUS_FILES  # the four others are still catalogued…
    code, report = run_json("ingest", str(corpus))  # …so ingesting their folder mends them
    assert report["added"] == CORPUS_FILES - 1 and open_store(settings).count() == _catalogued_passages(settings)


def test_a_lost_records_database_leaves_no_deleted_article_and_no_stale_index(
    run_json, run_qa, store_dir, corpus, settings
):
    run_json("ingest", str(corpus))
    gone = corpus / "004_852b1c75c63950c3.txt"
    phrase = "تغريدة على تويتر"  # words of the article about to go, in no other article
    assert phrase in gone.read_text(encoding="utf-8")
    code, found = run_json("search", phrase, "-k", "1")
    assert found["results"][0]["doc_id"] == gone.name  # the saved BM25 index knows it
    (store_dir / "records.sqlite").unlink()
    gone.unlink()
    code, out, _ = run_qa("doctor")
    assert code == 1 and "passages of 5 documents the catalogue does not know" in out
    code, report = run_json("ingest", str(corpus))
    assert code == 0 and report["documents"] == CORPUS_FILES - 1 and report["repairs"]
    assert open_store(settings).count() == report["passages"] == _catalogued_passages(settings)
    stored = {m["doc_id"] for m in open_store(settings).collection.get(include=["metadatas"])["metadatas"]}
    assert gone.name not in stored
    code, found = run_json("search", phrase, "-k", "5")
    assert gone.name not in {r["doc_id"] for r in found["results"]}
    store = open_store(settings)
    assert set(load_or_build(store).ids) == set(store.collection.get()["ids"])  # BM25 indexes what is stored


def test_an_empty_store_says_there_are_no_articles(run_qa, run_json, tmp_path):
    folder = tmp_path / "nothing-usable"
    folder.mkdir()
    (folder / "empty.txt").write_bytes(b"")  # every file fails: the store has no passages
    code, report = run_json("ingest", str(folder))
    assert code == 3 and report["passages"] == 0
    code, answer = run_json("ask", "How many US troops are in Iraq?")
    assert code == 0 and not answer["answerable"] and "no articles in the store yet" in answer["answer"]
    code, answer = run_json("ask", "كم عدد الجنود الأميركيين في العراق؟")
    assert "لا توجد مقالات" in answer["answer"]
    code, out, err = run_qa("search", "troops")
    assert code == 0 and out == "" and "no articles" in err


@pytest.fixture
def small_disk(tmp_path):
    """A real file system of its own (tmpfs), to fill up or make read-only; needs root, as `make test` does."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()

    def mount(options: str) -> Path:
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(mount_point)], capture_output=True)
        if done.returncode:
            pytest.fail(f"cannot mount a tmpfs (the test needs root): {done.stderr.decode()}")
        return mount_point

    yield mount
    subprocess.run(["umount", str(mount_point)], capture_output=True)


def test_a_full_disk_or_a_read_only_store_is_one_line_saying_so(small_disk, corpus):
    def qa(store: Path, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "qa.cli", "--store", str(store), *args], capture_output=True, text=True
        )

    disk = small_disk("size=600k")  # room for an empty store, not for the articles' passages
    done = qa(disk / "store", "ingest", str(corpus))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "the disk is full" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
    done = qa(disk / "other-store", "ingest", str(corpus))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "read-only file system" in done.stderr and len(done.stderr.strip().splitlines()) == 1

    subprocess.run(["mount", "-o", "remount,rw,size=300m", str(disk)], check=True)
    assert qa(disk / "whole-store", "ingest", str(corpus)).returncode == 0
    subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)  # a store that worked, now read-only
    for command in (["ingest", str(corpus)], ["search", "troops"], ["ask", "How many US troops are in Iraq?"]):
        done = qa(disk / "whole-store", *command)
        assert done.returncode == 1 and "Traceback" not in done.stderr, command
        assert "read-only file system" in done.stderr and len(done.stderr.strip().splitlines()) == 1, command


def test_an_uploaded_article_keeps_a_claimed_outlet_only_when_it_is_trusted(corpus, settings):
    settings = settings.with_overrides(articles_dir=corpus)
    feed = corpus / "uploads" / "wire.jsonl"
    feed.parent.mkdir()
    record = {"id": "w1", "outlet": "Reuters", "text": "قال مسؤول إن نحو 9000 جندي أميركي ينتشرون في قاعدة عين الأسد."}
    feed.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    catalog = open_catalog(settings)
    catalog.record_upload(str(feed.resolve()), "sara")

    def outlets() -> set:
        stored = open_store(settings).collection.get(where={"doc_id": "w1"}, include=["metadatas"])["metadatas"]
        return {(m.get("outlet"), m.get("uploaded_by", "").split(" on ")[0]) for m in stored}

    report = ingest([corpus], settings, who="sara")
    assert report.added == CORPUS_FILES + 1
    assert outlets() == {(None, "sara")}  # anyone can write "Reuters" in a file
    trusted = settings.with_overrides(trusted_outlets=frozenset({"reuters"}))
    assert ingest([corpus], trusted).updated == 1  # the trust changed: processed again
    assert outlets() == {("Reuters", "sara")}
    assert [(c.user, c.action) for c in catalog.changes()][-1] == ("sara", "ingest articles")
    unrecorded = corpus / "uploads" / "unrecorded.txt"  # in the uploads folder, its uploader never recorded
    unrecorded.write_text("وكالة رويترز\n\nقال مسؤول إن الطقس في أربيل سيكون ممطرا غدا وفق الأرصاد الجوية.\n")
    ingest([corpus], trusted)
    stored = open_store(settings).collection.get(where={"doc_id": "uploads/unrecorded.txt"}, include=["metadatas"])
    assert {m.get("uploaded_by") for m in stored["metadatas"]} == {"an unrecorded user"}


def test_a_capped_ingest_leaves_whole_documents_for_the_next_one(corpus, settings):
    report = ingest([corpus], settings, max_passages=5)  # the chat's cap, made small
    assert 1 <= report.added < CORPUS_FILES and report.added + report.deferred == CORPUS_FILES
    assert report.deleted == 0 and "deferred" in report.summary()
    assert open_store(settings).count() == _catalogued_passages(settings)  # only whole documents went in
    rest = ingest([corpus], settings)
    assert (rest.added, rest.deferred, rest.unchanged) == (report.deferred, 0, report.added)


def test_an_article_is_put_back_together_whole_with_its_paragraphs(tmp_path, settings):
    def sentence(n: int) -> str:  # long enough to be a passage of its own: passages then leave gaps
        return f"قال المسؤول في البيان رقم {n} " + " ".join(f"كلمة{n}x{w}" for w in range(90)) + "."

    paragraphs = [f"{sentence(2 * p)} {sentence(2 * p + 1)}" for p in range(3)]
    article = tmp_path / "long.txt"
    article.write_text("عنوان المقال\n\n" + "\n\n".join(paragraphs), encoding="utf-8")
    ingest([article], settings)
    store = open_store(settings)
    (record,) = [r for r in store.catalog.all() if r.file == str(article.resolve())]
    assert record.passages >= 6  # a passage a sentence: the gaps between them are put back
    text = store.article_text(record.key)
    assert [line for line in text.split("\n") if line.strip()] == ["عنوان المقال", *paragraphs]


FLOOD = (
    "قالت وزارة الصحة العراقية إن حصيلة ضحايا الفيضانات في محافظة ميسان ارتفعت إلى 40 قتيلا. "
    "وتواصل فرق الدفاع المدني البحث عن مفقودين في القرى المنكوبة جنوبي المحافظة، وقال محافظ ميسان "
    "إن الأمطار الغزيرة التي هطلت خلال يومين تسببت في انهيار عشرات المنازل وقطع الطرق الرئيسية."
)


def test_wire_copies_are_grouped_at_ingest_and_named_in_the_answer(run_json, tmp_path, settings):
    """Two outlets' copies of one agency story and an unrelated article: the answer reads
    one copy and names the other outlet; once the copy is deleted, it names none."""
    folder = tmp_path / "wire"
    folder.mkdir()
    feed = folder / "feed.jsonl"
    articles = [
        {"id": "a", "outlet": "Al Arabiya", "date": "2018-03-10", "title": "فيضانات ميسان", "text": FLOOD},
        {"id": "s", "outlet": "Sky News Arabia", "date": "2018-03-11", "title": "ارتفاع ضحايا فيضانات ميسان",
         "text": FLOOD.replace("قالت وزارة الصحة العراقية", "أعلنت وزارة الصحة في العراق")},
        {"id": "h", "outlet": "BBC Arabic", "date": "2018-03-10", "title": "موسم الحصاد",
         "text": "افتتحت وزارة الزراعة موسم حصاد الحنطة في محافظة نينوى وسط توقعات بإنتاج وفير هذا العام."},
    ]  # fmt: skip
    feed.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in articles), encoding="utf-8")
    run_json("ingest", str(folder))
    groups = {r.doc_id: r.group for r in open_catalog(settings).copy_groups()}
    assert groups.keys() == {"a", "s"} and len(set(groups.values())) == 1  # the harvest article is alone
    _, answer = run_json("ask", "كم بلغت حصيلة ضحايا الفيضانات في محافظة ميسان؟")
    assert answer["answerable"] and "40" in answer["answer"]
    cited = [c for c in answer["citations"] if c["doc_id"] in ("a", "s")]
    assert len(cited) == 1  # one copy read and cited
    other = {"a": "s", "s": "a"}[cited[0]["doc_id"]]
    assert [c["doc_id"] for c in cited[0]["also_reported_by"]] == [other]

    open_catalog(settings).set_copies({}, {})  # as a store made before wire copies were found
    report = ingest([folder], settings)
    assert report.unchanged == 3 and len(open_catalog(settings).copy_groups()) == 2  # signed once, grouped

    feed.write_text(
        json.dumps(articles[0], ensure_ascii=False) + "\n" + json.dumps(articles[2], ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    run_json("ingest", str(folder))
    assert open_catalog(settings).copy_groups() == []
    _, answer = run_json("ask", "كم بلغت حصيلة ضحايا الفيضانات في محافظة ميسان؟")
    assert all(not c["also_reported_by"] for c in answer["citations"])
