"""The one worker of the window: long work off the GUI thread, its progress shown in the status bar.

A job is a plain function `work(progress, cancel)` run on a QThreadPool thread; imports, exports,
syncs, backups, the search index, the scorecard, the checks behind "Needs attention" and slow
searches all run as jobs. Its signals arrive on the GUI thread: `progressed`, `yielded` (each item
of a work function that is a generator: a search's hits, then its facet counts), `finished` with
the result, `failed` with the exception itself (`errors.failure_sentence` says it to a person),
`cancelled`, and `ended` after any of them.

A job must not touch the window's `KnowledgeBase` (one SQLite connection is not safe to share): it
opens its own on the same file (WAL lets both read and write).

A job is let go of on the GUI thread only (`_Keeper`). It was a QRunnable, and PySide's
`QThreadPool.start` kept a reference to it that it never gave back: every job, with whatever its
work held (an import dialog's bound method, a search's closure), lived as long as the process.
Now that jobs are freed, the pool's thread must never hold the last reference: it would destroy
the job's signals (a QObject of the GUI thread) there, while the GUI thread may be delivering them.
"""

from __future__ import annotations

import contextlib
import inspect
import threading
import weakref
from collections.abc import Callable, Generator
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QStatusBar, QWidget

from kbridge.model import Progress

Work = Callable[[Progress, threading.Event], Any]

# Threads the jobs may use at once. Most jobs wait more than they compute: a backup copying
# gigabytes at the lowest priority, the checks or an index build waiting on their own process, a
# job waiting for a worker's connection. With Qt's default of one thread per core (two here), two
# of those left a keystroke's filter, a page of the list or a record's row queued behind them: 0.5-
# 0.9 s at a million records while the opening backup ran, and as long as it ran.
POOL_THREADS = 16


def _pool() -> QThreadPool:
    pool = QThreadPool.globalInstance()
    if pool.maxThreadCount() < POOL_THREADS:
        pool.setMaxThreadCount(POOL_THREADS)
    return pool


class JobSignals(QObject):
    progressed = Signal(int, int, str)
    yielded = Signal(object)  # one item of a generator's work, as soon as it is made
    finished = Signal(object)  # the result
    failed = Signal(object)  # the exception (not for a cancelled job: that one is `cancelled`)
    cancelled = Signal()
    ended = Signal()


class Job:
    """One piece of work with a cancel flag; its signals arrive on the GUI thread."""

    def __init__(self, title: str, work: Work, *, writes: bool = False) -> None:
        """`writes`: the job writes to the knowledge base (an import, a sync); while it runs the
        window changes nothing itself, rather than wait on the database's write lock."""
        self.title = title
        self.writes = writes
        self.work = work
        self.cancel_flag = threading.Event()
        self.cancelled_by: Exception | None = None  # what the work raised when it stopped on cancel
        self.signals = JobSignals()
        self.ending = False  # set on the pool's thread just before `ended` is emitted

    def cancel(self) -> None:
        self.cancel_flag.set()

    def start(self) -> Job:
        """Run on the global thread pool, unseen (`JobRunner.start` shows it in the status bar).
        The caller may let go of the job at any time: it is kept until its thread has let go."""
        released = threading.Event()
        _keeper().keep(self, released)
        job_ref = weakref.ref(self)  # the pool's thread holds the job only while it runs it

        def run_on_pool() -> None:
            job = job_ref()
            try:
                if job is not None:
                    job.run()
            finally:
                job = None  # let go before the keeper may: the last reference goes on the GUI thread
                released.set()

        _pool().start(run_on_pool)
        return self

    def run(self) -> None:
        # RuntimeError: the window went away while the job ran, and nobody is left to tell.
        with contextlib.suppress(RuntimeError):
            self._run()

    def _run(self) -> None:
        try:
            result = self.work(self._progress, self.cancel_flag)
            if inspect.isgenerator(result):
                result = self._drain(result)
        except Exception as error:
            if self.cancel_flag.is_set():
                self.cancelled_by = error  # it may say what was done before the cancel
                self.signals.cancelled.emit()
            else:
                self.signals.failed.emit(error)
        else:
            if self.cancel_flag.is_set():
                self.signals.cancelled.emit()
            else:
                self.signals.finished.emit(result)
        self.ending = True
        self.signals.ended.emit()

    def _drain(self, items: Generator[Any, None, Any]) -> Any:
        while True:
            try:
                item = next(items)
            except StopIteration as stop:
                return stop.value
            self.signals.yielded.emit(item)

    def _progress(self, done: int, total: int, message: str = "") -> None:
        self.signals.progressed.emit(int(done), int(total), str(message))


SWEEP_MS = 20  # how soon the keeper looks again for a job whose thread has not let go yet


class _Keeper(QObject):
    """Holds every started job until the pool's thread has let go of it, then lets go of it on
    the GUI thread (see the module's docstring)."""

    def __init__(self, parent: QObject | None) -> None:
        super().__init__(parent)
        self.kept: dict[Job, threading.Event] = {}
        self.timer = QTimer(self, singleShot=True, interval=SWEEP_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    def keep(self, job: Job, released: threading.Event) -> None:
        self.kept[job] = released
        job.signals.ended.connect(self._on_job_ended)

    def _on_job_ended(self) -> None:
        # Not dropped here: the job's own signal is being delivered.
        if not self.timer.isActive():
            self.timer.start()

    def _on_timer_timeout(self) -> None:
        for job in [job for job, released in self.kept.items() if released.is_set()]:
            del self.kept[job]
        if any(job.ending for job in self.kept):
            self.timer.start()


_KEEPERS: list[_Keeper] = []


def _keeper() -> _Keeper:
    """The keeper of the application (one for the process; created on the GUI thread)."""
    if not _KEEPERS:
        _KEEPERS.append(_Keeper(None))  # no parent: it outlives any application object
    return _KEEPERS[0]


def kept_jobs() -> int:
    """How many started jobs are still held (tests, diagnostics)."""
    return len(_KEEPERS[0].kept) if _KEEPERS else 0


class JobBar(QWidget):
    """The status bar's progress bar and Cancel button for the job that is running."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobBar")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # progress names files of imported folders
        self.bar = QProgressBar(self)
        self.bar.setObjectName("jobProgress")
        self.bar.setAccessibleName("Progress of the running job")
        self.bar.setMaximumWidth(220)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.setObjectName("jobCancel")
        self.cancel_button.setAccessibleName("Cancel the running job")
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.hide()


class JobRunner(QObject):
    """Starts jobs one at a time on the global thread pool and shows them in a status bar."""

    job_started = Signal(str)
    job_finished = Signal(str, bool)  # title, succeeded
    writing_changed = Signal(bool)

    def __init__(self, status_bar: QStatusBar, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.status_bar = status_bar
        self.bar = JobBar(status_bar)
        status_bar.addPermanentWidget(self.bar)
        self.bar.cancel_button.clicked.connect(self._on_cancel_button_clicked)
        self.current: Job | None = None
        self._running: list[Job] = []

    @property
    def busy(self) -> bool:
        return self.current is not None

    @property
    def writing(self) -> bool:
        """A job that writes to the knowledge base is running."""
        return any(job.writes for job in self._running)

    def start(
        self,
        job: Job,
        *,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[Exception], None] | None = None,
        on_end: Callable[[], None] | None = None,
        show: bool = True,
    ) -> Job:
        """Run `job`; `show` puts it in the status bar (background refreshes stay silent).
        `on_failure` hears the exception a failed job raised. `on_end` is called after any ending
        and before the runner says it is idle: a caller that keeps the job (to refuse a second
        one while it runs) must let go of it there, not in a slot of its own on `ended`, which
        is another queued call that the GUI thread may run after a test, or a person, has seen
        the runner idle and asked again."""
        if show:
            self.current = job
            self.bar.label.setText(job.title)
            self.bar.bar.setRange(0, 0)
            self.bar.show()
        _JobWatch(self, job, on_success, on_failure, on_end, show=show)
        self._running.append(job)  # keeps the runnable and its signals alive until it ends
        self.job_started.emit(job.title)
        if job.writes:
            self.writing_changed.emit(True)
        return job.start()

    def cancel(self) -> None:
        if self.current is not None:
            self.current.cancel()
            self.bar.label.setText(f"{self.current.title}: cancelling…")

    def wait(self, msecs: int = 30000) -> bool:
        return _pool().waitForDone(msecs)

    def _on_cancel_button_clicked(self) -> None:
        self.cancel()

    def _on_job_progressed(self, job: Job, done: int, total: int, message: str) -> None:
        if job is not self.current:
            return
        if total > 0:
            self.bar.bar.setRange(0, total)
            self.bar.bar.setValue(min(done, total))
        if message and self.current is not None:
            self.bar.label.setText(f"{self.current.title}: {message}")

    def _on_job_ended(self, job: Job) -> None:
        if job in self._running:
            self._running.remove(job)
            if job.writes:
                self.writing_changed.emit(self.writing)
        if job is self.current:
            self.current = None
            self.bar.hide()


class _JobWatch(QObject):
    """Hears one job for the runner, on the GUI thread. A child of the runner, so that a job
    ending after its window has closed calls nothing on what is gone: Qt drops the connections
    of a deleted receiver, which it cannot do for a bare lambda."""

    def __init__(
        self,
        runner: JobRunner,
        job: Job,
        on_success: Callable[[Any], None] | None,
        on_failure: Callable[[Exception], None] | None,
        on_end: Callable[[], None] | None,
        *,
        show: bool,
    ) -> None:
        super().__init__(runner)
        self.runner, self.job = runner, job
        self.on_success, self.on_failure, self.on_end = on_success, on_failure, on_end
        signals = job.signals
        if show:
            signals.progressed.connect(self._on_job_progressed)
        signals.finished.connect(self._on_job_finished)
        signals.failed.connect(self._on_job_failed)
        signals.cancelled.connect(self._on_job_cancelled)
        signals.ended.connect(self._on_job_ended)

    def _on_job_progressed(self, done: int, total: int, message: str) -> None:
        self.runner._on_job_progressed(self.job, done, total, message)

    def _on_job_finished(self, result: Any) -> None:
        self.runner.job_finished.emit(self.job.title, True)
        if self.on_success is not None:
            self.on_success(result)

    def _on_job_failed(self, error: Exception) -> None:
        self.runner.job_finished.emit(self.job.title, False)
        if self.on_failure is not None:
            self.on_failure(error)

    def _on_job_cancelled(self) -> None:
        self.runner.status_bar.showMessage(f"{self.job.title}: cancelled", 5000)

    def _on_job_ended(self) -> None:
        try:
            if self.on_end is not None:
                self.on_end()
        finally:
            self.runner._on_job_ended(self.job)
            self.deleteLater()
