"""Files: the welcome page on first run, opening and creating knowledge bases, the recent list,
importing a folder through the dialog (and by dropping it), export, sync and backup."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QCommandLinkButton
from pytestqt.qtbot import QtBot

from kbridge import paths
from kbridge.core import KnowledgeBase
from kbridge.model import Changes, records
from kbridge.ui import settings as ui_settings
from kbridge.ui.app import open_window, startup_path
from kbridge.ui.dialogs.transfer_dialogs import ImportDialog
from kbridge.ui.window.change_feed import EXTERNAL_CHANGE_POLL_MS
from kbridge.ui.window.main_window import MainWindow
from tests.formats.conftest import corpus_root
from tests.ui.answers import Answers, integrity_check, run_transfer, wait_until_idle
from tests.ui.conftest import menu_action

GOVUK = corpus_root().resolve() / "alphagov__govuk-aws"


def test_first_run_shows_the_welcome_page(qtbot: QtBot) -> None:
    assert startup_path(paths.default_kb_path()) is None  # nothing is created behind the user's back
    window = open_window(paths.default_kb_path())
    qtbot.addWidget(window)
    assert window.pages.currentWidget() is window.welcome
    assert not paths.default_kb_path().exists()
    assert not window.actions.new_record.isEnabled()
    buttons = {b.objectName() for b in window.welcome.findChildren(QCommandLinkButton)}
    assert buttons == {"sampleButton", "newKbButton", "importButton"}


def test_welcome_opens_the_sample_and_remembers_it(qtbot: QtBot, empty_window: MainWindow) -> None:
    qtbot.mouseClick(empty_window.welcome.sample_button, Qt.MouseButton.LeftButton)
    assert empty_window.pages.currentWidget() is empty_window.splitter
    assert empty_window.windowTitle() == "sample — kbridge"
    assert empty_window.model.total == 106
    assert ui_settings.last_file() == paths.sample_kb_path().resolve()
    assert startup_path(paths.default_kb_path()) == paths.sample_kb_path().resolve()
    assert empty_window.file_commands.close_knowledge_base()
    assert empty_window.pages.currentWidget() is empty_window.welcome


def _import_through_the_menu(qtbot: QtBot, window: MainWindow, answers: Answers, folder: Path) -> Any:
    """File > Import folder… on `folder`, the dialog answered; what it says was done, once idle."""
    answers.dialogs["ImportDialog"] = run_transfer(folder)
    menu_action(window, "File", "Import folder…").trigger()
    qtbot.waitUntil(lambda: window.file_commands.import_dialog is not None
                    and window.file_commands.import_dialog.result is not None, timeout=60000)
    wait_until_idle(qtbot, window)
    return window.file_commands.import_dialog.result


def test_new_empty_knowledge_base(qtbot: QtBot, empty_window: MainWindow, tmp_path: Path) -> None:
    target = tmp_path / "team.kbridge"
    assert empty_window.file_commands.open_path(target, create=True)
    assert target.exists() and empty_window.model.total == 0
    assert empty_window.windowTitle() == "team — kbridge"
    assert empty_window.actions.new_record.isEnabled()


def test_import_a_corpus_folder_through_the_dialog(qtbot: QtBot, empty_window: MainWindow, tmp_path: Path) -> None:
    empty_window.file_commands.open_path(tmp_path / "imported.kbridge", create=True)
    dialog = empty_window.file_commands.import_folder()
    assert dialog is not None and dialog.isVisible()
    qtbot.keyClicks(dialog.path_field, str(GOVUK))
    previewed(qtbot, dialog)  # the preview comes first; nothing is written before Import
    # "Read as" is what the importer's own reading found (the preview's plan), not a guess.
    assert dialog.preview is not None and set(dialog.preview.formats) == {"adr-tools"}
    assert dialog.detected.text() == f"adr-tools (Nygard) ({dialog.preview.formats['adr-tools']} files)"
    assert empty_window.model.total == 0
    progress: list[tuple[int, int, str]] = []
    dialog.progressed.connect(lambda done, total, message: progress.append((done, total, message)))
    with qtbot.waitSignal(dialog.finished_ok, timeout=60000) as finished:
        qtbot.mouseClick(dialog.start_button, Qt.MouseButton.LeftButton)
        assert empty_window.jobs.bar.isVisible()  # the status bar shows the job too
    summary = finished.args[0]
    assert summary.imported > 10
    assert summary.formats == dialog.preview.formats  # what the import used, reported by it
    assert "read as adr-tools (Nygard)" in dialog.message.text()
    assert progress and progress[-1][0] == progress[-1][1]
    assert all(total == progress[0][1] for _, total, _ in progress)
    assert "imported" in dialog.message.text()
    qtbot.waitUntil(lambda: empty_window.model.total == summary.imported)
    with KnowledgeBase.open(tmp_path / "imported.kbridge") as kb:
        assert len(kb.list_records(kind="decision")) == summary.imported
    # Re-running updates in place, never duplicates.
    again = empty_window.file_commands.import_folder(GOVUK, start=True)
    previewed(qtbot, again)
    assert again.preview.count("unchanged") == summary.imported
    with qtbot.waitSignal(again.finished_ok, timeout=60000) as second:
        again.start()
    assert second.args[0].imported == 0 and second.args[0].unchanged == summary.imported


def previewed(qtbot: QtBot, dialog: ImportDialog) -> None:
    """Wait until the import dialog shows the preview of its folder."""
    qtbot.waitUntil(lambda: dialog.preview_current, timeout=60000)


def test_cancelling_an_import_changes_nothing(qtbot: QtBot, window: MainWindow) -> None:
    before = window.model.total
    dialog = window.file_commands.import_folder(GOVUK)
    previewed(qtbot, dialog)
    job = dialog.start()
    with qtbot.waitSignal(job.signals.cancelled, timeout=60000):
        qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert "Cancelled" in dialog.message.text()
    assert window.model.total == before
    qtbot.waitUntil(lambda: not window.jobs.bar.isVisible())


def test_dropping_a_folder_on_the_window_opens_the_import(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    # QTest cannot drag between applications; the window's drag and drop handlers get the events
    # the platform would deliver.
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(GOVUK))])
    point = QPoint(200, 200)
    position = point.toPointF()
    enter = QDragEnterEvent(
        point, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(
        position, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    window.dropEvent(drop)
    files = window.file_commands
    qtbot.waitUntil(lambda: files.import_dialog is not None and files.import_dialog.isVisible())
    assert files.import_dialog.path_field.text() == str(GOVUK)
    files.import_dialog.reject()
    text_file = QMimeData()
    text_file.setUrls([QUrl.fromLocalFile(str(tmp_path / "not-a-folder.txt"))])
    refused = QDragEnterEvent(
        point, Qt.DropAction.CopyAction, text_file, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    refused.ignore()
    window.dragEnterEvent(refused)
    assert not refused.isAccepted()


def test_export_and_backup_run_as_jobs(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    dialog = window.file_commands.export_records()
    dialog.path_field.setText(str(tmp_path / "out"))
    with qtbot.waitSignal(dialog.finished_ok, timeout=60000) as done:
        dialog.start()
    assert done.args[0].written == window.model.total and done.args[0].skipped == []
    assert len(list((tmp_path / "out").rglob("*.md"))) == window.model.total
    job = window.file_commands.backup_knowledge_base(tmp_path / "copy.kbridge")
    with qtbot.waitSignal(job.signals.finished, timeout=60000):
        pass
    with KnowledgeBase.open(tmp_path / "copy.kbridge") as copy:
        assert len(copy.list_records()) == window.model.total


def test_sync_folder_round_trip(qtbot: QtBot, window: MainWindow, sample_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "shared"
    job = window.file_commands.sync_folder(folder)
    # Until `ended` is handled the window still counts the sync as running and starts no other.
    with qtbot.waitSignals([job.signals.finished, job.signals.ended], timeout=60000):
        pass
    note = folder / "notes" / "NOTE-001.md"
    assert note.exists()
    note.write_text(note.read_text(encoding="utf-8").replace("title: ", "title: Edited in git - ", 1), encoding="utf-8")
    job = window.file_commands.sync_folder(folder)
    with qtbot.waitSignal(job.signals.finished, timeout=60000):
        pass
    qtbot.waitUntil(lambda: sample_kb.get("NOTE-001").title.startswith("Edited in git"))


def test_recent_menu_lists_opened_knowledge_bases(qtbot: QtBot, empty_window: MainWindow, tmp_path: Path) -> None:
    for name in ("one", "two"):
        empty_window.file_commands.open_path(tmp_path / f"{name}.kbridge", create=True)
    empty_window.file_commands.fill_recent_menu()
    texts = [action.text() for action in empty_window.actions.recent_menu.actions()]
    assert texts[0].startswith("two") and texts[1].startswith("one")
    empty_window.actions.recent_menu.actions()[1].trigger()
    assert empty_window.windowTitle() == "one — kbridge"


def test_editing_pauses_while_an_import_writes(qtbot: QtBot, window: MainWindow) -> None:
    window.open_record(window.kb.get("ADR-0001").uid)
    assert window.actions.edit.isEnabled() and window.record_page.status_chip.isEnabled()
    dialog = window.file_commands.import_folder(GOVUK)
    previewed(qtbot, dialog)
    assert window.actions.edit.isEnabled()  # a preview writes nothing: editing goes on
    job = dialog.start()
    assert not window.actions.edit.isEnabled()
    assert not window.actions.new_record.isEnabled()
    assert not window.record_page.status_chip.isEnabled()
    with qtbot.waitSignal(job.signals.ended, timeout=60000):
        pass
    qtbot.waitUntil(window.actions.edit.isEnabled)
    assert window.record_page.status_chip.isEnabled()


def test_an_import_refreshes_the_list_once_and_keeps_its_own_message(
    qtbot: QtBot, empty_window: MainWindow, tmp_path: Path, answers: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """File › Import: the job's changes reach the list once, through the knowledge base's change
    channel; the poll does not take them for changes made elsewhere, then or later."""
    window = empty_window
    assert window.file_commands.open_path(tmp_path / "team.kbridge", create=True)
    qtbot.waitUntil(lambda: window.ready)
    refreshes: list[str] = []
    model = window.model
    for name in ("set_listing", "update_rows"):
        original = getattr(model, name)
        monkeypatch.setattr(
            model, name, lambda *args, _name=name, _original=original, **kwargs: (
                refreshes.append(_name), _original(*args, **kwargs)
            )[1]
        )
    heard: list[Changes] = []
    assert window.kb is not None
    window.kb.subscribe(heard.append)
    summary = _import_through_the_menu(qtbot, window, answers, GOVUK)
    assert summary.imported > 10 and not answers.errors
    assert len(heard) == 1 and len(heard[0].created) == summary.imported  # one change set, announced
    assert refreshes == ["update_rows"] and window.model.total == summary.imported
    message = f"Import: {summary.describe()}."
    assert window.statusBar().currentMessage() == message
    qtbot.wait(2 * EXTERNAL_CHANGE_POLL_MS + 300)  # the poll has looked at the file twice since
    assert refreshes == ["update_rows"]
    assert window.statusBar().currentMessage() == message


def test_an_import_of_more_records_than_are_named_reloads_the_list_and_the_index(
    qtbot: QtBot, empty_window: MainWindow, tmp_path: Path, answers: Answers, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past NAMED_AT_MOST records, an import's changes say "many" rather than naming each (the
    import holds no uid of what it wrote): the window reloads its list, and a search finds what
    was imported; the record shown is read again; the file is sound."""
    monkeypatch.setattr(records, "NAMED_AT_MOST", 5)
    window = empty_window
    assert window.file_commands.open_path(tmp_path / "team.kbridge", create=True)
    qtbot.waitUntil(lambda: window.ready)
    assert window.kb is not None
    kept = window.kb.create("decision", "Kept before the import").uid
    qtbot.waitUntil(lambda: window.model.total == 1)
    window.show_record(kept)
    reloads: list[str] = []
    original = window.model.set_listing
    monkeypatch.setattr(window.model, "set_listing", lambda *args, **kwargs: (
        reloads.append("set_listing"), original(*args, **kwargs))[1])
    heard: list[Changes] = []
    window.kb.subscribe(heard.append)
    summary = _import_through_the_menu(qtbot, window, answers, GOVUK)
    assert summary.imported > 5 and not answers.errors
    assert len(heard) == 1 and heard[0].wholesale and not heard[0].records
    assert reloads and window.model.total == summary.imported + 1
    assert window.current_record() is not None and window.current_record().uid == kept
    qtbot.wait(300)  # a person looks, then searches for a decision of the folder
    window.search_field.setText("terraform")
    qtbot.waitUntil(lambda: window.search.latest is not None and window.search.latest.query == "terraform"
                    and not window.search.latest.note, timeout=30000)
    assert window.search.latest.hits
    # Meanwhile the command line imports another folder into the same file: the window sees it.
    before = window.model.total
    hydra = corpus_root().resolve() / "cardano-scaling__hydra"
    done = subprocess.run([sys.executable, "-m", "kbridge", "--kb", str(window.kb.path), "import", str(hydra)],
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: window.model.total > before, timeout=10 * EXTERNAL_CHANGE_POLL_MS)
    assert window.model.total == before + int(done.stderr.split(" imported,")[0].split()[-1])
    window.jobs.wait()
    assert integrity_check(window.kb.path) == "ok"


def test_a_cancelled_kbridge_export_says_what_it_wrote(
    qtbot: QtBot, window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A kbridge export writes as it goes (kbridge.formats.sync.export_stream): cancelled half way,
    the dialog says how many files it wrote and that the knowledge base was not changed; the next
    export completes the folder."""
    from kbridge.formats.sync import export_stream
    from kbridge.ui.dialogs.transfer_dialogs import ExportDialog
    from tests.ui.answers import integrity_check

    monkeypatch.setattr(export_stream, "CHUNK", 7)
    monkeypatch.setattr(export_stream, "CANCEL_EVERY", 7)
    original = ExportDialog._work

    def cancelled_half_way(self: ExportDialog, path: Path, fmt: str, progress, cancel):  # type: ignore[no-untyped-def]
        def progressing(done: int, total: int, message: str = "") -> None:
            if done >= 14:
                cancel.set()  # the person pressed Cancel
            progress(done, total, message)

        return original(self, path, fmt, progressing, cancel)

    monkeypatch.setattr(ExportDialog, "_work", cancelled_half_way)
    out = tmp_path / "out"
    dialog = window.file_commands.export_records()
    dialog.path_field.setText(str(out))
    dialog.format_box.setCurrentIndex(dialog.format_box.findData("kbridge"))
    job = dialog.start()
    with qtbot.waitSignal(job.signals.cancelled, timeout=60000):
        pass
    written = len(list(out.rglob("*.md")))
    assert 0 < written < window.model.total
    assert dialog.message.text() == (f"Export cancelled: {written} files written; "
                                     "the knowledge base was not changed.")
    monkeypatch.setattr(ExportDialog, "_work", original)
    again = window.file_commands.export_records()
    again.path_field.setText(str(out))
    again.format_box.setCurrentIndex(again.format_box.findData("kbridge"))
    with qtbot.waitSignal(again.finished_ok, timeout=60000):
        again.start()
    assert len(list(out.rglob("*.md"))) == window.model.total
    assert window.kb is not None and integrity_check(window.kb.path) == "ok"
