"""The GUI thread's cycle collector spaces full collections by what the last one cost: a
one-second walk over millions of objects (an export of 100,000 records) must not come back every
few seconds and freeze the window each time."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from kbridge.ui import gc_guard


def test_full_collections_are_spaced_by_their_cost(qapp: QApplication, monkeypatch: pytest.MonkeyPatch) -> None:
    collector = gc_guard.GuiThreadGarbageCollector(interval_ms=10**6)
    try:
        clock = [100.0]
        collected: list[int] = []

        def collect(generation: int = 2) -> int:
            collected.append(generation)
            if generation == 2:
                clock[0] += 1.0  # a full collection of a large heap: one second
            return 0

        monkeypatch.setattr(gc_guard.time, "monotonic", lambda: clock[0])
        monkeypatch.setattr(gc_guard.gc, "collect", collect)
        monkeypatch.setattr(gc_guard.gc, "get_count", lambda: (10_000, 100, 100))  # every threshold crossed
        collector.check()
        assert collected == [2]
        clock[0] += 10
        collector.check()
        assert collected == [2, 1]  # ten seconds on: the younger generations only
        clock[0] += 45
        collector.check()
        assert collected == [2, 1, 2]  # past fifty times its cost: a full one again
        monkeypatch.setattr(gc_guard.gc, "get_count", lambda: (10, 0, 0))
        collector.check()
        assert collected == [2, 1, 2]  # nothing over its threshold: nothing collected
    finally:
        collector.timer.stop()
        collector.deleteLater()
