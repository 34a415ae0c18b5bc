"""Team sharing in the window: File › Sync now on a worker, the Sync panel, a conflict marked in the
list and the navigator and resolved side by side, the options (sync on open, every N minutes)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QPlainTextEdit, QPushButton, QWidget
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.models.record_table_model import TITLE
from kbridge.ui.window.main_window import MainWindow
from tests.formats.team import git, make_team
from tests.ui.answers import Answers, wait_until_idle, window_on
from tests.ui.conftest import when_modal

FOLDER_CAPTION = "Folder to keep in sync (kbridge Markdown)"


def sync_now(qtbot: QtBot, window: MainWindow) -> None:
    window.actions.sync_now.trigger()
    wait_until_idle(qtbot, window)


def make_conflict(qtbot: QtBot, window: MainWindow, folder: Path) -> None:
    """ADR-0003's title changed in the folder and here: a conflict."""
    path = folder / "decisions" / "ADR-0003.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Folder says ", 1), encoding="utf-8")
    window.kb.update("ADR-0003", title="This knowledge base says otherwise")
    sync_now(qtbot, window)


def test_sync_now_asks_for_a_folder_once_then_syncs_on_a_worker(qtbot: QtBot, window: MainWindow,
                                                                answers: Answers, tmp_path: Path) -> None:
    answers.files[FOLDER_CAPTION] = tmp_path / "shared"
    assert window.actions.sync_now.shortcut().toString() == "Ctrl+Alt+S"
    sync_now(qtbot, window)
    assert answers.asked.count(FOLDER_CAPTION) == 1 and answers.errors == []
    assert len(list((tmp_path / "shared").rglob("*.md"))) == window.model.total
    window.actions.show_sync_panel.trigger()
    panel = window.sync_controller.panel
    assert panel is not None and panel.isVisible()
    assert panel.folder_label.text() == str(tmp_path / "shared")
    assert "0 in, " in panel.last_label.text() and "plain folder" in panel.remote_label.text()
    sync_now(qtbot, window)  # the folder is remembered: no question the second time
    assert answers.asked.count(FOLDER_CAPTION) == 1
    assert panel.conflicts_label.text() == "No conflicts."


def test_the_sync_is_ready_again_as_soon_as_the_window_is_idle(qtbot: QtBot, window: MainWindow,
                                                                answers: Answers, tmp_path: Path) -> None:
    """The controller let go of its sync in a queued slot of its own, after the runner's: a sync
    asked for the moment the window was idle (seen once in a full run) was silently refused."""
    answers.files[FOLDER_CAPTION] = tmp_path / "shared"
    held_when_idle: list[object] = []

    def on_writing_changed(writing: bool) -> None:
        if not writing:
            held_when_idle.append(window.sync_controller.job)

    window.jobs.writing_changed.connect(on_writing_changed)
    sync_now(qtbot, window)
    assert held_when_idle == [None]
    window.kb.update("ADR-0003", title="Changed between two syncs")
    window.sync_controller.sync_now()
    assert window.sync_controller.job is not None  # not refused
    wait_until_idle(qtbot, window)
    assert "Changed between two syncs" in (tmp_path / "shared" / "decisions" / "ADR-0003.md").read_text(
        encoding="utf-8")


def test_a_conflict_is_marked_listed_and_resolved_side_by_side(qtbot: QtBot, window: MainWindow,
                                                               answers: Answers, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    answers.files[FOLDER_CAPTION] = folder
    sync_now(qtbot, window)
    make_conflict(qtbot, window, folder)
    panel = window.sync_controller.panel
    assert panel is not None and panel.isVisible()  # shown by the sync that found it
    assert panel.conflict_model.rowCount() == 1 and "ADR-0003" in panel.conflict_model.index(0, 0).data()
    row = window.model.row_of(window.kb.get("ADR-0003").uid)
    assert window.model.index(row, TITLE).data(1) is not None  # a warning sign in the list
    qtbot.waitUntil(lambda: window.navigator.nav_model.node(
        window.navigator.nav_model.index_of("attention:sync-conflict")).count == 1, timeout=20000)

    def keep_theirs(dialog: QWidget) -> None:
        mine = dialog.findChild(QPlainTextEdit, "mineVersion")
        theirs = dialog.findChild(QPlainTextEdit, "theirsVersion")
        assert "This knowledge base says otherwise" in mine.toPlainText()
        assert "Folder says" in theirs.toPlainText() and mine.extraSelections()  # the difference shaded
        dialog.findChild(QPushButton, "keepTheirs").click()

    seen = when_modal(keep_theirs)
    panel.resolve_button.click()
    qtbot.waitUntil(lambda: bool(seen) and QApplication.activeModalWidget() is None)
    assert window.kb.get("ADR-0003").title.startswith("Folder says")
    assert panel.conflict_model.rowCount() == 0 and answers.errors == []
    qtbot.waitUntil(lambda: window.navigator.nav_model.node(
        window.navigator.nav_model.index_of("attention:sync-conflict")).count == 0, timeout=20000)
    sync_now(qtbot, window)
    assert "Folder says" in (folder / "decisions" / "ADR-0003.md").read_text(encoding="utf-8")


def test_a_conflict_resolved_by_editing_a_version(qtbot: QtBot, window: MainWindow, answers: Answers,
                                                  tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    answers.files[FOLDER_CAPTION] = folder
    sync_now(qtbot, window)
    make_conflict(qtbot, window, folder)

    def edit(dialog: QWidget) -> None:
        dialog.findChild(QPushButton, "editVersion").click()
        editor = dialog.findChild(QPlainTextEdit, "conflictEditor")
        editor.setPlainText("not kbridge Markdown")
        dialog.findChild(QPushButton, "saveVersion").click()
        assert dialog.isVisible() and "Not saved" in dialog.message.text()  # a mistake keeps the dialog
        text = dialog.conflict.mine.replace("This knowledge base says otherwise", "Both said something")
        editor.setPlainText(text)
        dialog.findChild(QPushButton, "saveVersion").click()

    seen = when_modal(edit)
    window.sync_controller.resolve(window.kb.get("ADR-0003").uid)
    qtbot.waitUntil(lambda: bool(seen) and QApplication.activeModalWidget() is None)
    assert window.kb.get("ADR-0003").title == "Both said something"
    assert not window.kb.sync_state.conflicts()


def test_sync_on_open_and_on_a_timer_through_git(qtbot: QtBot, sample_path: Path, answers: Answers,
                                                 tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    team = make_team(tmp_path, monkeypatch)
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", str(team.remote), str(clone))
    window = window_on(qtbot, sample_path)
    window.file_commands.show_sync_panel(True)
    panel = window.sync_controller.panel
    panel.push_box.setChecked(True)
    panel.on_open_box.setChecked(True)
    panel.minutes.setValue(5)
    assert window.sync_controller.timer.isActive() and window.sync_controller.timer.interval() == 5 * 60_000
    window.sync_controller.set_options(folder=str(clone / "kb"))
    window.sync_controller.timer.timeout.emit()  # five minutes later
    qtbot.waitUntil(lambda: window.sync_controller.job is not None or panel.last_label.text() != "never")
    wait_until_idle(qtbot, window)
    assert "(git, pushed)" in panel.remote_label.text() and answers.errors == []
    assert len(team.remote_log()) == 1
    window.close()
    # Someone else pushes; opening the knowledge base again syncs by itself.
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(team.remote), str(other))
    path = other / "kb" / "decisions" / "ADR-0001.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: ", "title: Pushed by a teammate, ", 1),
                    encoding="utf-8")
    git(other, "commit", "-qam", "teammate")
    git(other, "push", "-q")
    again = window_on(qtbot, sample_path)
    qtbot.waitUntil(lambda: again.kb.get("ADR-0001").title.startswith("Pushed by a teammate"), timeout=30000)
    wait_until_idle(qtbot, again)
    with KnowledgeBase.open(sample_path) as kb:
        assert kb.get("ADR-0001").title.startswith("Pushed by a teammate")
