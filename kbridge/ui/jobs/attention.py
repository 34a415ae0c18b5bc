"""The checks behind "Needs attention", run on a worker thread (in a process of their own for a
large knowledge base).

The worker opens its own connection to the file (one SQLite connection is not shared between
threads) and runs the same `kb.maintenance.check()` as `kbridge check`. It used to run the command
line as a subprocess: that failed inside the one-folder bundle (no `python -m kbridge` there) and
its failures reached nobody."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from kbridge.model import Progress
from kbridge.ui.jobs.apart import CancelFlag, run_by_size
from kbridge.ui.jobs.worker import Job, JobRunner


@dataclass(frozen=True)
class AttentionFinding:
    category: str
    key: str
    title: str
    message: str


def run_checks(path: Path, progress: Progress, cancel: CancelFlag, integrity: bool = True) -> list[AttentionFinding]:
    """The findings; in a process of their own for a large knowledge base (kbridge.ui.jobs.apart):
    at 100,000 records the checks read every record for 16 s and 1.1 GB, which on a thread of the
    window froze it for 0.3-0.7 s at a time and stayed in its memory. They are the window's own
    job: one a person starts goes first (kbridge.ui.jobs.apart)."""
    return run_by_size(_findings, path, integrity, progress=progress, cancel=cancel, background=True)


def _findings(path: Path, integrity: bool, progress: Progress, cancel: CancelFlag) -> list[AttentionFinding]:
    from kbridge.core import KnowledgeBase

    with KnowledgeBase.open(path) as kb:
        report = kb.maintenance.check(integrity=integrity)
    return [AttentionFinding(f.category, f.key, f.title, f.message) for f in report.findings]


class AttentionChecker(QObject):
    checked = Signal(list)  # list[AttentionFinding]
    failed = Signal(object)  # the exception

    def __init__(self, runner: JobRunner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.job: Job | None = None
        self._pending: Path | None = None
        self._generation = 0
        # The file's integrity is checked by the first check after it is opened; the checks after
        # each change leave it out (a save cannot break it; 9 s of 21 at 100,000 records) and
        # show what that first one found.
        self._integrity: tuple[Path, list[AttentionFinding]] | None = None

    @property
    def running(self) -> bool:
        return self.job is not None

    def start(self, path: Path) -> None:
        """Check `path`; a check asked for while one runs starts when that one is done."""
        if self.job is not None:
            self._pending = path
            return
        generation = self._generation
        known = self._integrity[1] if self._integrity is not None and self._integrity[0] == path else None
        integrity = known is None
        job = Job("Checking the knowledge base", lambda progress, cancel: run_checks(path, progress, cancel, integrity))
        self.job = job

        def found(findings: list[AttentionFinding]) -> None:
            if known is None:
                self._integrity = (path, [finding for finding in findings if finding.category == "integrity"])
            self._on_job_done(job, generation, findings if known is None else known + findings)

        self.runner.start(
            job,
            show=False,
            on_success=found,
            on_failure=lambda error: self._on_job_done(job, generation, None, error),
        )

    def stop(self) -> None:
        """Forget the running check (its answer, about a knowledge base no longer shown, is dropped;
        only `stop` cancels a check)."""
        self._pending = None
        self._generation += 1
        self._integrity = None
        if self.job is not None:
            self.job.cancel()
            self.job = None

    def _on_job_done(self, job: Job, generation: int, findings: list | None, error: Exception | None = None) -> None:
        if job is self.job:
            self.job = None
        if generation != self._generation:
            return
        if findings is not None:
            self.checked.emit(findings)
        elif error is not None:
            self.failed.emit(error)
        if self._pending is not None:
            path, self._pending = self._pending, None
            self.start(path)
