"""An event-loop watchdog: every time the GUI thread does not come back to its event loop for
longer than a threshold, what it was running is recorded.

A timer on the GUI thread beats every few milliseconds; a Python thread watches the beats and,
when one is late past the threshold, takes the GUI thread's stack (`sys._current_frames`) once
per stall, then measures how long the stall lasted when the beats resume. Used by
`bench/stall_bench.py` and by tests that must not freeze the window; `kbridge --verbose gui`
could log the same."""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from types import FrameType

from PySide6.QtCore import QObject, QTimer

BEAT_MS = 5
MAX_SAMPLES = 400  # a stall's stacks kept (one every threshold / 4: 5 s of a 50 ms threshold)


@dataclass
class Stall:
    """The GUI thread away from its event loop for `ms`, running `where` (innermost last)."""

    ms: float
    started: float
    where: list[str] = field(default_factory=list)
    label: str = ""
    # The GUI thread's own CPU time over the stall: near `ms`, it was working (in Qt's C++ when no
    # Python frame was seen); far below, it waited (for the GIL, the disk, a CPU the machine did
    # not give it), and what it waited for is elsewhere.
    cpu_ms: float | None = None
    others_cpu_ms: float | None = None  # the process's other threads' CPU time meanwhile
    # The GUI thread's stack taken again every few milliseconds while the stall lasts: a long
    # stall is often several things in turn, and the first sample names only the first.
    samples: list[list[str]] = field(default_factory=list)

    def describe(self, depth: int = 4) -> str:
        text = f"{self.ms:7.0f} ms  {self.label}  {_place(self.where, depth)}"
        if self.cpu_ms is not None:
            text += (f"  [the GUI thread ran {self.cpu_ms:.0f} ms of it, "
                     f"its other threads {self.others_cpu_ms or 0:.0f} ms]")
        later = Counter(_place(sample, depth) for sample in self.samples[1:])
        later.pop(_place(self.where, depth), None)
        for place, seen in later.most_common(2):
            text += f"\n{'':>12}then ({seen} of {len(self.samples)} samples) {place}"
        return text


def _stack(frame: FrameType) -> list[traceback.FrameSummary]:
    """The innermost 40 frames of a stack, outermost first, without their source lines:
    `traceback.extract_stack` checks every frame's file on disk, and each of those calls gives
    the interpreter lock away and waits up to 5 ms to get it back from the busy GUI thread (a
    sample took up to 200 ms, so a 250 ms stall was seen once or twice)."""
    summary = traceback.StackSummary.extract(traceback.walk_stack(frame), limit=40, lookup_lines=False)
    summary.reverse()
    return list(summary)


def _place(where: list[str], depth: int) -> str:
    """The innermost kbridge frames of a stack (its innermost frames when none is kbridge's)."""
    kbridge_frames = [line for line in where if "/kbridge/" in line] or where
    return " <- ".join(line.rsplit("/", 1)[-1] for line in reversed(kbridge_frames[-depth:])) or "(no Python frame)"


class Watchdog(QObject):
    """Start it on the GUI thread; `stalls` fills while it runs. `label` names what the journey
    is doing, so that a stall can be traced to a step."""

    def __init__(self, threshold_ms: float = 50.0, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threshold = threshold_ms / 1000
        self.stalls: list[Stall] = []
        self.label = ""
        self._beat = time.perf_counter()
        self._beat_cpu = (time.thread_time(), time.process_time())
        self._gui_thread = threading.get_ident()
        self._timer = QTimer(self, interval=BEAT_MS, timeout=self._on_timer_timeout)
        self._stop = threading.Event()
        self._current: Stall | None = None
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="kbridge-watchdog", daemon=True)

    def start(self) -> None:
        self._beat = time.perf_counter()
        self._beat_cpu = (time.thread_time(), time.process_time())
        self._timer.start()
        self._thread.start()

    def stop(self) -> list[Stall]:
        self._timer.stop()
        self._stop.set()
        self._thread.join(timeout=1)
        return self.stalls

    def longest(self, count: int = 5) -> list[Stall]:
        return sorted(self.stalls, key=lambda stall: -stall.ms)[:count]

    def _on_timer_timeout(self) -> None:
        now, cpu = time.perf_counter(), (time.thread_time(), time.process_time())
        with self._lock:
            late = now - self._beat
            stall, self._current = self._current, None
            self._beat = now
            ran = (cpu[0] - self._beat_cpu[0]) * 1000
            others = (cpu[1] - self._beat_cpu[1]) * 1000 - ran
            self._beat_cpu = cpu
        if stall is not None:
            stall.ms = (now - stall.started) * 1000
            stall.cpu_ms, stall.others_cpu_ms = ran, others
            self.stalls.append(stall)
        elif late > self.threshold + BEAT_MS / 1000:  # missed by the watcher (it sleeps too)
            self.stalls.append(Stall(late * 1000, now - late, [], self.label, cpu_ms=ran, others_cpu_ms=others))

    def _watch(self) -> None:
        while not self._stop.wait(self.threshold / 4):
            with self._lock:
                late = time.perf_counter() - self._beat
                if late <= self.threshold:
                    continue
                frame = sys._current_frames().get(self._gui_thread)
                summary = _stack(frame) if frame else []
                where = [f"{item.filename}:{item.lineno} {item.name}" for item in summary]
                if self._current is None:
                    self._current = Stall(0.0, self._beat, where, self.label)
                if len(self._current.samples) < MAX_SAMPLES:
                    self._current.samples.append(where)
