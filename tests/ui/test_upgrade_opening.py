"""Opening a knowledge base from an older kbridge in the window: the backup and the upgrade run as
a job while the upgrade page shows what happens; the window stays usable, can be closed (it waits
for an upgrade, cancels a backup), and ends on the upgraded file."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kbridge.core import opening
from kbridge.storage import MIGRATIONS, Store
from kbridge.storage.migrations import MigrationProgress
from kbridge.ui.window.main_window import MainWindow
from tests.conftest import backups_in, schema_of
from tests.ui.answers import Answers
from tests.ui.conftest import menu_action


@pytest.fixture
def window(empty_window: MainWindow) -> Iterator[MainWindow]:
    """The window on its welcome page; its jobs (the backup taken once a file is open) end with
    the test, not in the next one's user folders."""
    yield empty_window
    empty_window.jobs.wait()


@pytest.fixture
def held() -> Iterator[threading.Event]:
    """Released at the end of the test whatever happens, so that no worker waits forever."""
    event = threading.Event()
    yield event
    event.set()


@pytest.fixture
def held_backup(monkeypatch: pytest.MonkeyPatch, held: threading.Event) -> threading.Event:
    """The backup before an upgrade waits, before copying anything, until `held` is set."""
    copy = opening.copy_read_only

    def slow_copy(path: Path, out: Path, progress: object) -> None:
        held.wait(20)
        copy(path, out, progress)  # type: ignore[arg-type]

    monkeypatch.setattr(opening, "copy_read_only", slow_copy)
    return held


def test_file_open_of_an_older_file_shows_the_upgrade_then_the_upgraded_file(
    qtbot: QtBot, window: MainWindow, answers: Answers, old_file: Path, isolated_user_dirs: Path
) -> None:
    steps: list[str] = []
    window.upgrade_page.bar.valueChanged.connect(lambda _v: steps.append(window.upgrade_page.step.text()))
    answers.files["Open knowledge base"] = old_file
    menu_action(window, "File", "Open knowledge base…").trigger()
    assert window.pages.currentWidget() is window.upgrade_page  # at once: the work is on a worker
    assert "old" in window.upgrade_page.title.text()
    qtbot.waitUntil(lambda: window.ready, timeout=30000)
    assert any(step.startswith(opening.BACKING_UP) for step in steps)
    assert any(step.startswith(opening.UPGRADING) for step in steps)
    assert window.kb is not None and window.kb.path == old_file
    assert window.pages.currentWidget() is window.splitter and window.model.rowCount() > 0
    assert window.kb.maintenance.integrity_problems() == []
    assert schema_of(old_file) == len(MIGRATIONS)
    assert "upgraded to the new format" in window.statusBar().currentMessage()
    kept = backups_in(isolated_user_dirs)
    assert len(kept) == 1 and schema_of(kept[0]) == 3
    assert answers.errors == []


def test_cancel_during_the_backup_leaves_the_file_as_it_was(
    qtbot: QtBot, window: MainWindow, old_file: Path, isolated_user_dirs: Path,
    held_backup: threading.Event,
) -> None:
    before, held = old_file.read_bytes(), held_backup
    assert window.file_commands.open_path(old_file)
    page = window.upgrade_page
    qtbot.waitUntil(lambda: page.step.text().startswith(opening.BACKING_UP))
    assert page.cancel_button.isEnabled()
    qtbot.mouseClick(page.cancel_button, Qt.MouseButton.LeftButton)
    held.set()
    qtbot.waitUntil(lambda: window.pages.currentWidget() is window.welcome, timeout=20000)
    assert window.kb is None and window.file_commands.upgrade is None
    assert old_file.read_bytes() == before
    assert backups_in(isolated_user_dirs) == []
    assert "as it was" in window.statusBar().currentMessage()


def test_closing_during_the_upgrade_waits_for_it_to_finish(
    qtbot: QtBot, window: MainWindow, old_file: Path, monkeypatch: pytest.MonkeyPatch, held: threading.Event
) -> None:
    real_open = Store.open

    def slow_open(path: Path, *, create: bool = False, progress: MigrationProgress | None = None) -> Store:
        if progress is not None:
            progress("updating the knowledge base to schema 4", 0.0)
        held.wait(20)
        return real_open(path, create=create, progress=progress)

    monkeypatch.setattr(opening.Store, "open", staticmethod(slow_open))
    assert window.file_commands.open_path(old_file)
    page = window.upgrade_page
    qtbot.waitUntil(lambda: page.upgrading)
    assert not page.cancel_button.isEnabled() and "cannot be interrupted" in page.note.text()
    window.close()
    qtbot.wait(100)
    assert window.isVisible()  # not while the upgrade runs
    assert "closes when the upgrade has finished" in page.note.text()
    held.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert window.kb is None
    assert schema_of(old_file) == len(MIGRATIONS)
    with sqlite3.connect(old_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_closing_during_the_backup_cancels_it_and_closes(
    qtbot: QtBot, window: MainWindow, old_file: Path, isolated_user_dirs: Path,
    held_backup: threading.Event,
) -> None:
    before, held = old_file.read_bytes(), held_backup
    assert window.file_commands.open_path(old_file)
    qtbot.waitUntil(lambda: window.upgrade_page.step.text().startswith(opening.BACKING_UP))
    window.close()
    assert window.isVisible()
    held.set()
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=20000)
    assert old_file.read_bytes() == before
    assert backups_in(isolated_user_dirs) == []


def test_a_damaged_older_file_says_why_and_returns_to_the_welcome_page(
    qtbot: QtBot, window: MainWindow, answers: Answers, old_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*_args: object, **_kwargs: object) -> Store:
        raise opening.KbridgeError("the disk is full")

    monkeypatch.setattr(opening.Store, "open", staticmethod(failing))
    assert window.file_commands.open_path(old_file)
    qtbot.waitUntil(lambda: bool(answers.errors), timeout=20000)
    assert "the disk is full" in answers.errors[0]
    assert window.pages.currentWidget() is window.welcome
    assert window.file_commands.upgrade is None
