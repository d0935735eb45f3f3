"""The chat's ingest queue (ingest.jobs) around a stand-in ingest: its tidying step."""

from __future__ import annotations

from pathlib import Path

from ingest.jobs import IngestQueue
from ingest.sync import IngestReport


def test_a_failing_tidying_step_is_a_note_and_the_ingest_still_reported():
    queue = IngestQueue(lambda paths, **_: IngestReport(added=len(paths)))

    def tidy(report: IngestReport) -> list[str]:
        raise OSError("read-only file system")

    job = queue.submit("sara", [Path("a.txt")], "upload a.txt", after=tidy)
    assert job.finished.wait(10)
    assert job.error is None and job.report and job.report.added == 1
    assert job.notes == ["Tidying up after the ingest failed: OSError: read-only file system"]
