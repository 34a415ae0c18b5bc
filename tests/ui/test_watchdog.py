"""The event-loop watchdog (kbridge.ui.jobs.watchdog) that bench/stall_bench.py relies on: every
time the GUI thread stays away from its event loop past the threshold, how long and what it ran."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from pytestqt.qtbot import QtBot

from kbridge.ui.jobs.watchdog import Watchdog


def _busy(seconds: float) -> None:
    """Work for `seconds` of this thread's processor time (longer on a busy machine)."""
    end = time.thread_time() + seconds
    while time.thread_time() < end:
        pass


def reading_the_first_half() -> None:
    _busy(0.12)


def writing_the_second_half() -> None:
    _busy(0.12)


def a_long_slot() -> None:
    reading_the_first_half()
    writing_the_second_half()


def test_a_stall_is_measured_and_each_part_of_it_named(qtbot: QtBot) -> None:
    dog = Watchdog(50)
    dog.start()
    try:
        dog.label = "the long slot"
        QTimer.singleShot(0, a_long_slot)
        qtbot.waitUntil(lambda: any(stall.ms >= 200 for stall in dog.stalls), timeout=3000)
    finally:
        stalls = dog.stop()
    stall = max(stalls, key=lambda stall: stall.ms)
    assert 200 <= stall.ms < 2000
    assert stall.label == "the long slot"
    text = stall.describe()
    assert "reading_the_first_half" in text and "writing_the_second_half" in text, text
    assert len(stall.samples) >= 3
    assert stall.cpu_ms is not None and stall.cpu_ms >= 150  # it was working, not waiting
    assert "the GUI thread ran" in text


def test_a_stall_spent_waiting_is_told_from_one_spent_working(qtbot: QtBot) -> None:
    dog = Watchdog(50)
    dog.start()
    try:
        QTimer.singleShot(0, lambda: time.sleep(0.25))
        qtbot.waitUntil(lambda: any(stall.ms >= 200 for stall in dog.stalls), timeout=3000)
    finally:
        stalls = dog.stop()
    stall = max(stalls, key=lambda stall: stall.ms)
    assert stall.cpu_ms is not None and stall.cpu_ms < 100


def test_short_work_is_not_a_stall(qtbot: QtBot) -> None:
    dog = Watchdog(150)  # well above the work: a busy CI machine may delay a turn by tens of ms
    dog.start()
    try:
        for _ in range(5):
            QTimer.singleShot(0, lambda: _busy(0.01))
            qtbot.wait(30)
    finally:
        stalls = dog.stop()
    assert stalls == []
