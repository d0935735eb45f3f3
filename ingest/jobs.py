"""The chat's ingests, one at a time, in the background.

An upload's ingest must not be tied to the browser tab that asked for it (closing
the tab left it running with no one to report to) nor make other users' uploads
wait without a word. Jobs go in a queue served by one worker thread of the
server process: each knows its place in the queue, its progress, and at the end
its report; it runs to the end whoever is watching, and the change log says who
asked for it. Ingests from other processes (`qa ingest`) still take turns
through the store's writer lock.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ingest.sync import IngestReport
from qa.errors import SanadError

Ingest = Callable[..., IngestReport]  # ingest.sync.ingest, with the chat's settings and encoder bound
AfterIngest = Callable[[IngestReport], list[str]]  # tidies up after a job; says what it did


@dataclass
class IngestJob:
    who: str
    paths: list[Path]
    action: str | None = None  # what the change log calls it ("upload a.jsonl")
    done: int = 0  # passages embedded so far
    total: int = 0  # passages to embed (known once the articles are read)
    waiting_for: str | None = None  # another process's ingest holds the store
    after: AfterIngest | None = None  # run by the worker once ingested, whether or not a tab is open
    report: IngestReport | None = None
    notes: list[str] = field(default_factory=list)  # what `after` did
    error: str | None = None
    finished: threading.Event = field(default_factory=threading.Event)


class IngestQueue:
    def __init__(self, run: Ingest) -> None:
        self._run = run
        self._jobs: deque[IngestJob] = deque()  # the running job first
        self._lock = threading.Condition()
        threading.Thread(target=self._work, name="sanad-ingest", daemon=True).start()

    def submit(
        self, who: str, paths: list[Path], action: str | None = None, after: AfterIngest | None = None
    ) -> IngestJob:
        job = IngestJob(who, paths, action, after=after)
        with self._lock:
            self._jobs.append(job)
            self._lock.notify()
        return job

    def position(self, job: IngestJob) -> int:
        """0 while the job runs, n when n jobs are ahead of it; -1 once it is done."""
        with self._lock:
            return next((i for i, queued in enumerate(self._jobs) if queued is job), -1)

    def _work(self) -> None:
        while True:
            with self._lock:
                while not self._jobs:
                    self._lock.wait()
                job = self._jobs[0]
            try:
                job.report = self._run(
                    job.paths,
                    progress=partial(_progress, job),
                    on_wait=partial(_waiting, job),
                    who=job.who,
                    action=job.action,
                )
                if job.after:
                    job.notes = _after(job)
            except SanadError as exc:
                job.error = str(exc)
            except Exception as exc:  # a bug must not stop every later ingest
                job.error = f"the ingest failed unexpectedly: {exc.__class__.__name__}: {exc}"
            finally:
                with self._lock:
                    self._jobs.popleft()
                job.finished.set()


def _progress(job: IngestJob, done: int, total: int) -> None:
    job.done, job.total, job.waiting_for = done, total, None


def _waiting(job: IngestJob, message: str) -> None:
    job.waiting_for = message


def _after(job: IngestJob) -> list[str]:
    """The job's tidying step's notes; its failure is a note too, not the ingest's."""
    assert job.after is not None and job.report is not None
    try:
        return job.after(job.report)
    except Exception as exc:  # the articles are in; only the tidying failed
        return [f"Tidying up after the ingest failed: {exc.__class__.__name__}: {exc}"]
