"""The chat's ingest queue, with the real ingest: one job at a time, each with its place,
progress and report, finished whether or not anyone is watching."""

from __future__ import annotations

from functools import partial

from ingest.jobs import IngestQueue
from ingest.sync import ingest
from qa.embeddings import SentenceTransformerEmbeddings
from qa.store import open_catalog


def test_jobs_run_in_turn_to_the_end_and_say_how_it_went(corpus, settings, tmp_path):
    encoder = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
    queue = IngestQueue(partial(ingest, settings=settings, encoder=encoder))
    late = tmp_path / "late" / "bridge.txt"
    late.parent.mkdir()
    late.write_text("جسر جديد\n\nافتتحت الحكومة العراقية جسرا جديدا فوق نهر دجلة في مدينة الموصل يوم الأحد.\n")

    first = queue.submit("sara", [corpus])
    second = queue.submit("omar", [late.parent], after=lambda report: [f"then tidied after {report.added}"])
    assert queue.position(second) == 1  # behind the first, which runs until its report is in
    assert first.finished.wait(600) and second.finished.wait(600)  # nobody polls: they finish anyway
    assert queue.position(first) == queue.position(second) == -1
    assert first.report and first.report.added == 5 and first.done == first.total > 0
    assert second.report and second.report.added == 1
    assert second.notes == ["then tidied after 1"]  # by the worker, with no one watching
    assert [c.user for c in open_catalog(settings).changes()] == ["omar", "sara"]


def test_a_failed_job_reports_why_and_the_next_one_runs(corpus, settings, store_dir):
    store_dir.mkdir()
    (store_dir / "records.sqlite").write_text("not a database", encoding="utf-8")
    encoder = SentenceTransformerEmbeddings(settings.embedding_model, settings.model_cache)
    queue = IngestQueue(partial(ingest, settings=settings, encoder=encoder))
    broken = queue.submit("sara", [corpus])
    assert broken.finished.wait(600)
    assert broken.report is None and broken.error and "records database" in broken.error
    (store_dir / "records.sqlite").unlink()
    mended = queue.submit("sara", [corpus])
    assert mended.finished.wait(600) and mended.report and mended.report.added == 5
