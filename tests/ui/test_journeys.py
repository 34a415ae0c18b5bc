"""Whole paths a person takes, through the window's real actions, with the pauses a person makes and
the command line acting on the same file in between. Each ends with `PRAGMA integrity_check`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from kbridge.core import KnowledgeBase
from kbridge.ui.window.main_window import MainWindow
from tests.formats.conftest import corpus_root
from tests.ui.answers import Answers, integrity_check, run_transfer, wait_until_idle

MADR = corpus_root() / "adr__madr" / "docs" / "decisions"


def _cli(kb_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kbridge", "--kb", str(kb_path), *args],
        capture_output=True, text=True, timeout=120, env=dict(os.environ), check=False,
    )


def test_new_base_import_search_edit_history_export(qtbot: QtBot, answers: Answers, tmp_path: Path) -> None:
    kb_path = tmp_path / "team.kbridge"
    answers.files["New knowledge base"] = kb_path
    answers.dialogs["ImportDialog"] = run_transfer(MADR)  # type: ignore[assignment]
    answers.dialogs["ExportDialog"] = run_transfer(tmp_path / "out", "kbridge")  # type: ignore[assignment]
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.resize(1400, 900)
    window.show()

    window.actions.new_kb.trigger()
    qtbot.waitUntil(lambda: window.ready)
    assert window.model.total == 0
    qtbot.wait(2500)  # a person reads the empty window; the index build and the checks finish

    window.actions.import_folder.trigger()
    wait_until_idle(qtbot, window)
    imported = window.file_commands.import_dialog.result.imported  # type: ignore[union-attr]
    assert imported >= 10
    qtbot.waitUntil(lambda: window.model.total == imported)
    assert _cli(kb_path, "list", "--json").stdout.count('"uid"') == imported

    window.actions.find.trigger()
    qtbot.keyClicks(window.search_field, "markdown")
    qtbot.waitUntil(lambda: window.search_results.model.rowCount() > 0, timeout=20000)
    window.search_results.list.setCurrentIndex(window.search_results.model.index(0, 0))
    qtbot.waitUntil(lambda: window.current_record() is not None)
    record = window.current_record()
    assert record is not None

    window.actions.edit.trigger()
    editor = window.editor
    editor.body.moveCursor(editor.body.textCursor().MoveOperation.End)
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    qtbot.keyClick(editor.body, Qt.Key.Key_Return)
    qtbot.keyClicks(editor.body, "Added while trying the journey.")
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert window.right.currentWidget() is window.tabs
    window.actions.history_tab.trigger()
    assert window.history_view.model.rowCount() >= 2

    window.actions.export.trigger()
    wait_until_idle(qtbot, window)
    exported = list((tmp_path / "out").rglob("*.md"))
    assert len(exported) >= imported
    assert any("Added while trying the journey." in path.read_text(encoding="utf-8") for path in exported)
    assert not answers.errors
    window.actions.close_kb.trigger()
    assert integrity_check(kb_path) == "ok"


def test_open_back_up_change_restore(
    qtbot: QtBot, answers: Answers, sample_path: Path, tmp_path: Path
) -> None:
    answers.files["Open knowledge base"] = sample_path
    answers.files["Back up to"] = tmp_path / "before.kbridge"
    answers.files["Restore from backup"] = tmp_path / "before.kbridge"
    window = MainWindow(None)
    qtbot.addWidget(window)
    window.resize(900, 600)
    window.show()
    window.actions.open_kb.trigger()
    qtbot.waitUntil(lambda: window.ready)
    total = window.model.total

    window.actions.backup.trigger()
    wait_until_idle(qtbot, window)
    assert (tmp_path / "before.kbridge").is_file()

    qtbot.wait(1500)  # the pause in which the checks and the automatic backup run
    window.open_record(window.model.all_records()[0].uid)
    doomed = window.current_record()
    assert doomed is not None
    window.actions.delete.trigger()
    qtbot.waitUntil(lambda: window.model.total == total - 1 or window.current_record().deleted)  # type: ignore[union-attr]
    created = _cli(sample_path, "new", "note", "--title", "Written by the command line after the backup")
    assert created.returncode == 0, created.stderr

    window.actions.restore_backup.trigger()
    wait_until_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.model.total == total, timeout=10000)
    assert not window.kb.get(doomed.uid).deleted  # type: ignore[union-attr]
    assert window.kb.find(created.stdout.strip()) is None  # type: ignore[union-attr]
    assert "Restore from backup" in answers.asked and not answers.errors
    window.actions.close_kb.trigger()
    assert integrity_check(sample_path) == "ok"
    with KnowledgeBase.open(sample_path) as kb:
        assert len(kb.list_records()) == total
