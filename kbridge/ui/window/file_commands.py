"""What the window does with files: new/open/close knowledge bases, the recent list, import (also
by dropping a folder), export, folder sync and backup. Owns the File menu's actions."""

from __future__ import annotations

import logging
import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QMimeData, QObject, Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import QFileDialog, QLabel, QMainWindow, QMenu, QMessageBox, QStyle

from kbridge import paths
from kbridge.core import opening
from kbridge.core.backups import NoRoomForBackupError
from kbridge.model import Initiator, KbridgeError, Progress
from kbridge.ui import settings as ui_settings
from kbridge.ui.dialogs.errors import failure_sentence, report_failure, show_error
from kbridge.ui.jobs.record_finder import WORKER_BYTES
from kbridge.ui.jobs.worker import Job
from kbridge.ui.widgets.plain_text import ask
from kbridge.ui.window.pack_commands import export_incident_pack
from kbridge.ui.window.window_actions import make_action

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase
    from kbridge.ui.dialogs.transfer_dialogs import ExportDialog, ImportDialog
    from kbridge.ui.jobs import formats_adapter as formats
    from kbridge.ui.window.main_window import MainWindow
    from kbridge.ui.window.upgrade_opening import Failed, UpgradeOpening

StandardKey = QKeySequence.StandardKey
KB_FILTER = "kbridge knowledge bases (*.kbridge);;All files (*)"
_log = logging.getLogger(__name__)


def _large(path: Path) -> bool:
    """Opened on a worker: from the size at which its list is read and its searches run there."""
    try:
        return path.stat().st_size >= WORKER_BYTES
    except OSError:
        return False  # opening it says what is wrong


def unused_path(folder: Path, stem: str, suffix: str = ".kbridge") -> Path:
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


class FileCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        # Open while shown, so that tests and screenshots can reach them.
        self.import_dialog: ImportDialog | None = None
        self.export_dialog: ExportDialog | None = None
        self.upgrade: UpgradeOpening | None = None  # a file from an older kbridge, being upgraded
        self._opening_job: Job | None = None  # the newest large file opened on a worker: it wins
        self._build_actions()

    def _build_actions(self) -> None:
        w = self.window
        icon, sp = w.style().standardIcon, QStyle.StandardPixmap
        self.new_kb = make_action(
            w, "&New knowledge base…", self.new_knowledge_base, "Ctrl+Shift+N",
            tip="Create an empty knowledge base file",
        )
        self.open_kb = make_action(
            w, "&Open knowledge base…", self.open_knowledge_base, StandardKey.Open, icon(sp.SP_DialogOpenButton)
        )
        self.recent_menu = QMenu("Open &recent", w)
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self.import_folder_action = make_action(
            w, "&Import folder…", self.import_folder, "Ctrl+I", tip="Import a folder of ADRs or kbridge Markdown"
        )
        self.export = make_action(w, "&Export…", self.export_records, "Ctrl+Shift+E")
        self.export_pack = make_action(
            w, "Export incident &pack…", lambda: export_incident_pack(w), "Ctrl+Shift+P",
            tip="Restore order, playbooks, approvers and the reasons behind the controls, as HTML and PDF to print",
        )
        self.sync = make_action(
            w, "S&ync folder…", self.sync_folder, "Ctrl+Shift+Y", tip="Two-way sync with a kbridge Markdown folder"
        )
        self.sync_now_action = make_action(
            w, "Sync no&w", self.sync_now, "Ctrl+Alt+S", tip="Sync with the shared folder (and its git remote) now"
        )
        self.show_sync_panel_action = make_action(w, "S&ync panel", self.show_sync_panel, checkable=True)
        self.backup = make_action(w, "&Back up…", self.backup_knowledge_base, "Ctrl+Shift+B")
        self.restore_backup = make_action(
            w, "Restore from bac&kup…", self.restore_from_backup, tip="Put the content of a backup back"
        )
        self.close_kb = make_action(w, "&Close knowledge base", self.close_knowledge_base, StandardKey.Close)

    # --- knowledge bases ------------------------------------------------------------------

    def open_path(self, path: Path | str, *, create: bool = False, failed: Failed | None = None) -> bool:
        """Open (or create) the knowledge base at `path`; one written by an older kbridge is
        upgraded first, on a worker, while the window shows how far it is, and a large one is
        opened on a worker (True: it opened, or started to). `failed` hears why it could not be
        opened, in one sentence (default: an error dialog)."""
        w = self.window
        from kbridge.core import KnowledgeBase

        title = "New knowledge base" if create else "Open knowledge base"
        if self.upgrade is not None:
            w.statusBar().showMessage(f"Wait until {self.upgrade.path.stem} has been upgraded.", 8000)
            return False
        try:
            if not create and opening.pending_upgrade(Path(path)) is not None:
                return self.upgrade_and_open(Path(path), failed)
        except KbridgeError as error:
            self._cannot_open(Path(path), error, failed, title)
            return False
        if not create and _large(Path(path)):
            return self._open_on_worker(Path(path), failed)
        try:
            opener = KnowledgeBase.init if create else KnowledgeBase.open
            kb = opener(path, initiator=Initiator.WINDOW)
        except Exception as error:  # KbridgeError, or a file damaged beyond what SQLite reports as such
            self._cannot_open(Path(path), error, failed, title)
            return False
        if not w.set_knowledge_base(kb, owned=True):
            kb.close()
            return False
        return True

    def _open_on_worker(self, path: Path, failed: Failed | None) -> bool:
        """A large file is opened on a worker (its connection, the revision count that dates its
        search index, the index itself, the list's count: 0.5 s at a million records, the window
        frozen meanwhile); the window shows it once ready, the one shown until then staying."""
        w = self.window
        if w.kb is None:
            w.show_opening(path)

        def work(_progress: Progress, cancel: threading.Event) -> object:
            from kbridge.core import KnowledgeBase

            kb = KnowledgeBase.open(path, initiator=Initiator.WINDOW)
            try:
                kb.listing.count_ahead()
                kb.search_index.open_if_fresh()
            except Exception as error:  # looked at again, and the index rebuilt if need be, when shown
                _log.warning("%s: the list's count or the search index not read ahead: %s", path, error)
            if cancel.is_set():  # Cancel in the status bar: nobody will take it
                kb.close()
                return None
            return kb

        def opened(kb: KnowledgeBase) -> None:
            if job is not self._opening_job or not w.set_knowledge_base(kb, owned=True):
                kb.close()

        def not_opened(error: Exception) -> None:
            if job is not self._opening_job:
                return
            if w.kb is None:
                w.show_welcome()
            self._cannot_open(path, error, failed)

        job = Job(f"Opening {path.name}", work)
        job.signals.cancelled.connect(self._on_opening_job_cancelled)  # a bound slot: dropped with the window
        self._opening_job = job
        w.jobs.start(job, on_success=opened, on_failure=not_opened)
        return True

    def _on_opening_job_cancelled(self) -> None:
        newest = self._opening_job
        if self.window.kb is None and (newest is None or newest.cancel_flag.is_set()):
            self.window.show_welcome()

    def _cannot_open(self, path: Path, error: Exception, failed: Failed | None,
                     title: str = "Open knowledge base") -> None:
        if failed is not None:
            failed(failure_sentence(error, f"opening {path}"))
        elif isinstance(error, KbridgeError):
            show_error(self.window, title, f"Cannot open {path}:\n\n{error}")
        else:
            report_failure(self.window, title, error, f"opening {path}")

    def upgrade_and_open(self, path: Path, failed: Failed | None = None) -> bool:
        if not self.window.editing.leave():
            return False
        from kbridge.ui.window.upgrade_opening import UpgradeOpening

        self.upgrade = UpgradeOpening(self.window, path, failed)
        self.upgrade.start()
        return True

    def open_sample(self) -> bool:
        from kbridge.formats.sample import ensure_sample_kb

        return self.open_path(ensure_sample_kb())

    def new_knowledge_base(self) -> bool:
        start = unused_path(paths.data_dir(), "knowledge")
        paths.data_dir().mkdir(parents=True, exist_ok=True)
        name, _ = QFileDialog.getSaveFileName(self.window, "New knowledge base", str(start), KB_FILTER)
        if not name:
            return False
        path = Path(name) if name.endswith(".kbridge") else Path(f"{name}.kbridge")
        return self.open_path(path, create=True)

    def open_knowledge_base(self) -> bool:
        w = self.window
        start = str(w.kb.path.parent) if w.kb else str(paths.data_dir())
        name, _ = QFileDialog.getOpenFileName(w, "Open knowledge base", start, KB_FILTER)
        return self.open_path(name) if name else False

    def close_knowledge_base(self) -> bool:
        w = self.window
        if not w.editing.leave():
            return False
        w.detach()
        w.show_welcome()
        return True

    def fill_recent_menu(self) -> None:
        menu = self.recent_menu
        menu.clear()
        files = ui_settings.recent_files()
        for path in files:
            action = menu.addAction(f"{path.stem}  ({path})")
            action.triggered.connect(partial(self.open_path, path))
        if not files:
            menu.addAction("No recent knowledge bases").setEnabled(False)

    # --- import, export, sync, backup -----------------------------------------------------

    def import_folder(self, folder: Path | None = None, *, start: bool = False) -> ImportDialog | None:
        w = self.window
        if w.kb is None:
            return None
        from kbridge.ui.dialogs.transfer_dialogs import ImportDialog

        dialog = ImportDialog(w.jobs, w.kb.path, w, folder=folder)
        dialog.finished_ok.connect(self._on_import_finished)
        self.import_dialog = dialog
        if start:
            dialog.start()
        dialog.open()
        return dialog

    def _on_import_finished(self, summary: formats.ImportSummary) -> None:
        w = self.window
        w.change_feed.take_from_job(summary.changes)
        w.statusBar().showMessage(f"Import: {summary.describe()}.", 8000)

    def import_folder_into_new(self) -> ImportDialog | None:
        """From the welcome page: a new knowledge base named after a folder of ADRs, filled from it."""
        folder = QFileDialog.getExistingDirectory(self.window, "Folder of ADRs to import")
        return self.import_into_new(Path(folder)) if folder else None

    def import_into_new(self, folder: Path) -> ImportDialog | None:
        paths.data_dir().mkdir(parents=True, exist_ok=True)
        target = unused_path(paths.data_dir(), folder.name or "imported")
        if not self.open_path(target, create=True):
            return None
        return self.import_folder(folder, start=True)

    def dropped_folder(self, mime: QMimeData) -> Path | None:
        for url in mime.urls() if mime.hasUrls() else []:
            if url.isLocalFile() and Path(url.toLocalFile()).is_dir():
                return Path(url.toLocalFile())
        return None

    def import_dropped_folder(self, folder: Path) -> ImportDialog | None:
        w = self.window
        if w.kb is None:
            return self.import_into_new(folder)
        return self.import_folder(folder)

    def export_records(self) -> ExportDialog | None:
        w = self.window
        if w.kb is None:
            return None
        from kbridge.ui.dialogs.transfer_dialogs import ExportDialog

        dialog = ExportDialog(w.jobs, w.kb.path, self.window)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def sync_folder(self, folder: Path | None = None) -> Job | None:
        """File › Sync folder…: choose the folder (it becomes the one Sync now uses), then sync."""
        w = self.window
        if w.kb is None:
            return None
        if folder is None:
            folder = w.sync_controller.choose_folder()
            if folder is None:
                return None
        return w.sync_controller.sync_now(folder)

    def sync_now(self) -> Job | None:
        w = self.window
        return w.sync_controller.sync_now()

    def show_sync_panel(self, visible: bool) -> None:
        w = self.window
        w.sync_controller.show_panel(visible)

    def backup_knowledge_base(self, out: Path | None = None) -> Job | None:
        w = self.window
        if w.kb is None:
            return None
        if out is None:
            suggested = unused_path(w.kb.path.parent, f"{w.kb.name}-backup")
            name, _ = QFileDialog.getSaveFileName(w, "Back up to", str(suggested), KB_FILTER)
            if not name:
                return None
            out = Path(name)
        path = w.kb.path
        target = out

        def work(progress: Progress, cancel: threading.Event) -> Path:
            from kbridge.ui.jobs import formats_adapter as formats

            return formats.backup(path, target, progress, cancel)

        return w.jobs.start(
            Job("Backing up", work),
            on_success=lambda result: w.statusBar().showMessage(f"Backed up to {result}.", 8000),
            on_failure=lambda error: report_failure(w, "Back up", error),
        )

    def restore_from_backup(self, backup_file: Path | None = None) -> Job | None:
        """Put a backup's content back: the backup is checked first, and what it replaces is kept as
        a backup of its own, so a wrong choice can be undone the same way."""
        w = self.window
        if w.kb is None or not w.editing.leave():
            return None
        if backup_file is None:
            from kbridge.core.backups import backup_dir

            name, _ = QFileDialog.getOpenFileName(w, "Restore from backup", str(backup_dir(w.kb)), KB_FILTER)
            if not name:
                return None
            backup_file = Path(name)
        answer = ask(
            w,
            "Restore from backup",
            f"Replace everything in {w.kb.name} with the content of {backup_file.name}?\n\n"
            "What it holds now is kept as a backup of its own first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        path, chosen = w.kb.path, backup_file

        def work(progress: Progress, cancel: threading.Event) -> formats.Restored:
            from kbridge.ui.jobs import formats_adapter as formats

            return formats.restore_backup(path, chosen, progress, cancel)

        def restored(result: formats.Restored) -> None:
            w.change_feed.take_from_job(result.changes)
            w.statusBar().showMessage(
                f"Restored from {chosen.name}; what was there is kept in {result.safety}.", 10000
            )

        return w.jobs.start(
            Job("Restoring from a backup", work, writes=True),
            on_success=restored,
            on_failure=lambda error: report_failure(w, "Restore from backup", error),
        )

    def start_auto_backup(self) -> Job | None:
        """The rotating safety copy taken on open, on a worker thread (a large base takes seconds
        to copy) and silently: only a failure is worth the person's attention."""
        w = self.window
        if w.kb is None:
            return None
        path = w.kb.path

        def work(_progress: Progress, _cancel: threading.Event) -> Path | None:
            from kbridge.ui.jobs import formats_adapter as formats

            return formats.auto_backup(path)

        def failed(error: Exception) -> None:
            if isinstance(error, NoRoomForBackupError):  # why no copy was taken, and where they go
                where = paths.shown_path(error.folder.parent)  # the backups of every base share it
                said = f"{error.brief[:1].upper()}{error.brief[1:]}; free some space on that disk ({where})."
                w.statusBar().showMessage(_fitting(w, said), 30000)
                return
            message = failure_sentence(error, "the automatic backup")
            w.statusBar().showMessage(f"The automatic backup failed: {message}", 15000)

        return w.jobs.start(Job("Automatic backup", work), on_success=w.auto_backup_taken.emit,
                               on_failure=failed, show=False)

    # --- dropping a folder on the window (the window forwards its drag and drop events) -----

    def drag_entered(self, event: QDragEnterEvent) -> None:
        if self.dropped_folder(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropped(self, event: QDropEvent) -> None:
        folder = self.dropped_folder(event.mimeData())
        if folder is not None:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_dropped_folder(folder))


def _fitting(window: QMainWindow, message: str) -> str:
    """`message` cut to the status bar's room beside its permanent labels, with "…" where it is cut
    (the bar itself cuts a long one mid-word, without a sign that more was said)."""
    bar = window.statusBar()
    taken = sum(label.sizeHint().width() for label in bar.findChildren(QLabel) if label.isVisible())
    room = max(120, bar.width() - taken - 48)
    return bar.fontMetrics().elidedText(message, Qt.TextElideMode.ElideRight, room)
