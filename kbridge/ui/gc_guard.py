"""Python's cycle collector, run on the GUI thread only.

The collector runs on whichever thread happens to allocate when a threshold is crossed. When that
is a worker thread (an import, the index build), it may free the last reference to a widget or
a dialog and destroy a Qt object off the GUI thread: a crash. So the automatic collector is
switched off and the same thresholds are checked from a timer on the GUI thread instead.

A full collection walks every object the process holds: a second or more once an export of
100,000 records has millions of them, and the window is frozen meanwhile. Python's own collector
spaces full collections by how much the oldest generation grew; here they are spaced by what the
last one cost, so that they take at most FULL_SHARE of the time (a one-second collection is
followed by fifty seconds of younger ones only).
"""

from __future__ import annotations

import gc
import time

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 500
FULL_SHARE = 0.02  # of the time, at most, spent in full collections


class GuiThreadGarbageCollector(QObject):
    def __init__(self, parent: QObject | None = None, interval_ms: int = CHECK_MS) -> None:
        super().__init__(parent)
        self.thresholds = gc.get_threshold()
        self.was_enabled = gc.isenabled()
        gc.disable()
        self.timer = QTimer(self, interval=interval_ms, timeout=self.check)
        self.timer.start()
        self.next_full_at = 0.0  # monotonic seconds: no full collection before

    def check(self) -> None:
        """Collect the youngest generation over its threshold, as the automatic collector would;
        a full collection no sooner than its last one's cost allows."""
        counts = gc.get_count()
        if counts[0] <= self.thresholds[0]:
            return
        generation = 0
        if counts[1] > self.thresholds[1]:
            generation = 2 if counts[2] > self.thresholds[2] and time.monotonic() >= self.next_full_at else 1
        started = time.monotonic()
        gc.collect(generation)
        if generation == 2:
            ended = time.monotonic()
            self.next_full_at = ended + (ended - started) / FULL_SHARE

    def stop(self) -> None:
        """Back to Python's own collector (tests that end their Qt part)."""
        self.timer.stop()
        gc.collect()
        if self.was_enabled:
            gc.enable()


_INSTALLED: list[GuiThreadGarbageCollector] = []


def collect_on_gui_thread(parent: QObject) -> GuiThreadGarbageCollector:
    """Install the GUI-thread collector once per process (parented to the application)."""
    if not _INSTALLED:
        _INSTALLED.append(GuiThreadGarbageCollector(parent))
    return _INSTALLED[0]


def uninstall() -> None:
    while _INSTALLED:
        _INSTALLED.pop().stop()
