"""A job is let go of on the GUI thread, whoever dropped it first (kbridge/ui/jobs/worker.py).

The pool's thread used to hold the job for a moment after emitting `ended`; a holder that dropped
it on `ended` (as every holder does) left the last reference to that thread, which then destroyed
the job's signals (a QObject of the GUI thread) and what its work held while the GUI thread could be
delivering them. Here the pool's thread is made to linger after `ended`, as a loaded machine does.
"""

from __future__ import annotations

import threading
import time
from functools import partial
from typing import Any

from pytestqt.qtbot import QtBot

from kbridge.model import Progress
from kbridge.ui.jobs import worker
from kbridge.ui.jobs.worker import Job


class _Witness:
    """Says on which thread it was destroyed."""

    def __init__(self, seen: list[str]) -> None:
        self.seen = seen

    def __del__(self) -> None:
        self.seen.append(threading.current_thread().name)


class _LingeringJob(Job):
    """A job whose thread stays a while after `ended`, still inside the job's run."""

    def _run(self) -> None:
        super()._run()
        time.sleep(0.3)


def test_a_job_dropped_on_ended_is_destroyed_on_the_gui_thread(qtbot: QtBot) -> None:
    destroyed_on: list[str] = []

    def work(_progress: Progress, _cancel: threading.Event, witness: _Witness) -> str:
        return "done" if witness.seen is destroyed_on else "other"

    # Only the job's work holds the witness.
    holder: dict[str, Any] = {"job": _LingeringJob("Lingering", partial(work, witness=_Witness(destroyed_on)))}
    job = holder["job"]
    results: list[str] = []
    job.signals.finished.connect(results.append)
    job.signals.ended.connect(lambda: holder.clear())  # as every holder does: dropped on `ended`
    with qtbot.waitSignal(job.signals.ended, timeout=5000):
        job.start()
    del job
    qtbot.waitUntil(lambda: bool(destroyed_on), timeout=5000)
    assert results == ["done"]
    assert destroyed_on == [threading.main_thread().name]
    qtbot.waitUntil(lambda: worker.kept_jobs() == 0, timeout=5000)


def test_a_job_nobody_holds_still_runs_and_reports(qtbot: QtBot) -> None:
    """Started and forgotten at once (a box's read whose box has gone): the keeper holds it."""
    results: list[int] = []
    job = Job("Forgotten", lambda _progress, _cancel: 6 * 7)
    job.signals.finished.connect(results.append)
    job.start()
    del job
    qtbot.waitUntil(lambda: results == [42], timeout=5000)
    qtbot.waitUntil(lambda: worker.kept_jobs() == 0, timeout=5000)


def test_a_quick_job_is_not_queued_behind_jobs_that_wait(qtbot: QtBot) -> None:
    """A backup copying at the lowest priority and a check waiting on its own process held both of
    Qt's default threads (one per core): a filter's keystroke waited behind them."""
    held = threading.Event()
    waiting = [Job(f"waits {n}", lambda _progress, _cancel: held.wait(30)).start() for n in range(4)]
    try:
        quick = Job("a keystroke's filter", lambda _progress, _cancel: threading.current_thread().name)
        with qtbot.waitSignal(quick.signals.finished, timeout=3000) as answered:
            quick.start()
        assert answered.args and all(not job.ending for job in waiting)  # they still wait
    finally:
        held.set()
    for job in waiting:
        qtbot.waitUntil(lambda job=job: job.ending)
