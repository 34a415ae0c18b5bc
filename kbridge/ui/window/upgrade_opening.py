"""Opening a knowledge base written by an older kbridge: its backup and upgrade
(kbridge.core.opening) run as a job while the window shows the upgrade page, then the window opens
the upgraded file as any other.

Closing the window meanwhile: during the backup, the job is cancelled (its partial copy removed)
and the window closes once it has stopped; during the upgrade, which cannot be interrupted, the
window says so and closes as soon as the upgrade has finished."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, QTimer

from kbridge.core import opening
from kbridge.model import KbridgeError, Progress
from kbridge.ui.dialogs.errors import describe, failure_sentence, show_error
from kbridge.ui.jobs.worker import Job
from kbridge.ui.views.record_tabs import extra_tab_factories

if TYPE_CHECKING:
    from kbridge.ui.window.main_window import MainWindow

Failed = Callable[[str], None]  # told why the file could not be opened, in one sentence
T = TypeVar("T")
# The upgrade's thread yields the processor to the window's (Linux: a thread's own nice value).
UPGRADE_NICENESS = 10


def _behind_the_window(work: Callable[[], T]) -> T:
    """Run `work` in a thread of lower priority, waiting for it: on a busy machine the window's
    thread is then scheduled first whenever it has something to do (a paint, a click), rather
    than taking turns with minutes of upgrade. (A pool thread's own priority could not be raised
    back afterwards without privileges, hence a thread of its own.)"""
    outcome: list[T] = []
    failure: list[BaseException] = []

    def run() -> None:
        with contextlib.suppress(OSError, AttributeError):  # not Linux: the same priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), UPGRADE_NICENESS)
        try:
            outcome.append(work())
        except BaseException as error:  # handed to the job, which reports it
            failure.append(error)

    thread = threading.Thread(target=run, name="kbridge-upgrade")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return outcome[0]


class UpgradeOpening(QObject):
    """One knowledge base being upgraded, then opened, by `window`."""

    def __init__(self, window: MainWindow, path: Path, failed: Failed | None = None) -> None:
        super().__init__(window)
        self.window = window
        self.path = Path(path)
        self.failed = failed or self._show_failure
        self.closing = False
        self.job: Job | None = None

    def start(self) -> Job:
        w, path = self.window, self.path
        w.detach()
        w.show_upgrading(path)
        page = w.upgrade_page
        page.cancel_requested.connect(self._on_page_cancel_requested)

        def work(progress: Progress, cancel: threading.Event) -> opening.Upgraded | None:
            upgraded = _behind_the_window(lambda: opening.upgrade(path, progress, cancel.is_set))
            extra_tab_factories()  # the record tabs' modules load here, not as the file opens
            return upgraded

        job = Job(f"Upgrading {path.name}", work)
        job.signals.progressed.connect(page.show_progress)
        self.job = job
        w.jobs.start(job, on_success=self._on_job_finished, on_failure=self._on_job_failed, show=False)
        # After the runner's own (its "cancelled" note), which this one's message replaces; the
        # job's signals are queued to this thread, so none is missed by connecting now.
        job.signals.cancelled.connect(self._on_job_cancelled)
        return job

    def request_close(self) -> None:
        """The window was asked to close: stop what can be stopped, then close."""
        self.closing = True
        if not self.window.upgrade_page.upgrading and self.job is not None:
            self.job.cancel()
        self.window.upgrade_page.show_closing()

    def _on_page_cancel_requested(self) -> None:
        if self.job is not None and not self.window.upgrade_page.upgrading:
            self.job.cancel()
            self.window.upgrade_page.show_progress(0, 0, "Cancelling…")

    def _ended(self) -> bool:
        """Let go of the page; True when the window is to close now."""
        w = self.window
        w.upgrade_page.cancel_requested.disconnect(self._on_page_cancel_requested)
        w.file_commands.upgrade = None
        self.deleteLater()
        if self.closing:
            w.close()
        return self.closing

    def _on_job_finished(self, upgraded: opening.Upgraded | None) -> None:
        if self._ended():
            return
        w, path = self.window, self.path
        # The list's page first, empty (laying it out is one event), then the file in it (another).
        w.show_opening(path)

        def open_upgraded() -> None:
            if w.file_commands.open_path(path) and upgraded is not None:
                kept = f"; the file as it was is kept in {upgraded.backup}" if upgraded.backup else ""
                w.statusBar().showMessage(f"{path.stem} was upgraded to the new format{kept}.", 15000)

        QTimer.singleShot(0, w, open_upgraded)

    def _on_job_failed(self, error: Exception) -> None:
        if self._ended():
            return
        self.window.show_welcome()
        self.failed(describe(error) if isinstance(error, KbridgeError) else failure_sentence(error, "upgrading"))

    def _on_job_cancelled(self) -> None:
        if self._ended():
            return
        w = self.window
        try:
            upgraded = opening.pending_upgrade(self.path) is None  # Cancel pressed as the upgrade began
        except KbridgeError:
            upgraded = False
        if upgraded:
            w.file_commands.open_path(self.path)
            return
        w.show_welcome()
        w.statusBar().showMessage(f"{self.path.stem} was not opened; it is as it was.", 8000)

    def _show_failure(self, message: str) -> None:
        show_error(self.window, "Open knowledge base", f"Cannot open {self.path}:\n\n{message}")
