"""What the window does with files: new/open/close knowledge bases, the recent list, import (also
by dropping a folder), export, folder sync and backup; window state. A mixin of `MainWindow`."""

from __future__ import annotations

import threading
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QMimeData, QTimer
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QFileDialog, QMessageBox

from kbridge import paths
from kbridge.model import Initiator, KbridgeError
from kbridge.ui import settings as ui_settings
from kbridge.ui.errors import report_failure, show_error
from kbridge.ui.jobs import Job
from kbridge.ui.plain_text import ask

if TYPE_CHECKING:
    from kbridge.ui import formats_adapter as formats
    from kbridge.ui.main_window import MainWindow
    from kbridge.ui.transfer_dialogs import ExportDialog, ImportDialog

    _Base = MainWindow
else:
    _Base = object

KB_FILTER = "kbridge knowledge bases (*.kbridge);;All files (*)"


def unused_path(folder: Path, stem: str, suffix: str = ".kbridge") -> Path:
    candidate = folder / f"{stem}{suffix}"
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem}-{number}{suffix}"
        number += 1
    return candidate


class FileCommands(_Base):
    # --- knowledge bases ------------------------------------------------------------------

    def show_opening(self, path: object) -> None:
        """The window's look while a knowledge base opens (at start-up, before the first paint)."""
        self.pages.setCurrentWidget(self.splitter)
        self.setWindowTitle(f"{getattr(path, 'stem', path)} — kbridge")
        self.count_label.setText("Opening…")
        self._set_kb_actions_enabled(False)

    def show_welcome(self) -> None:
        self.welcome.set_recent(ui_settings.recent_files())
        self.pages.setCurrentWidget(self.welcome)
        self.setWindowTitle("kbridge")
        self.search_field.setEnabled(False)
        self._set_kb_actions_enabled(False)
        self.count_label.setText("")
        self.index_label.setText("")

    def open_path(self, path: Path | str, *, create: bool = False) -> bool:
        from kbridge.core import KnowledgeBase

        title = "New knowledge base" if create else "Open knowledge base"
        try:
            opener = KnowledgeBase.init if create else KnowledgeBase.open
            kb = opener(path, initiator=Initiator.WINDOW)
        except KbridgeError as error:
            show_error(self, title, f"Cannot open {path}:\n\n{error}")
            return False
        except Exception as error:  # a file damaged beyond what SQLite reports as such
            report_failure(self, title, error, f"opening {path}")
            return False
        if not self.set_knowledge_base(kb, owned=True):
            kb.close()
            return False
        return True

    def open_sample(self) -> bool:
        from kbridge.formats.sample import ensure_sample_kb

        return self.open_path(ensure_sample_kb())

    def new_knowledge_base(self) -> bool:
        start = unused_path(paths.data_dir(), "knowledge")
        paths.data_dir().mkdir(parents=True, exist_ok=True)
        name, _ = QFileDialog.getSaveFileName(self, "New knowledge base", str(start), KB_FILTER)
        if not name:
            return False
        path = Path(name) if name.endswith(".kbridge") else Path(f"{name}.kbridge")
        return self.open_path(path, create=True)

    def open_knowledge_base(self) -> bool:
        start = str(self.kb.path.parent) if self.kb else str(paths.data_dir())
        name, _ = QFileDialog.getOpenFileName(self, "Open knowledge base", start, KB_FILTER)
        return self.open_path(name) if name else False

    def close_knowledge_base(self) -> bool:
        if not self.leave_editor():
            return False
        self._detach()
        self.model.set_records([])
        self.show_welcome()
        return True

    def fill_recent_menu(self) -> None:
        menu = self.actions.recent_menu
        menu.clear()
        files = ui_settings.recent_files()
        for path in files:
            action = menu.addAction(f"{path.stem}  ({path})")
            action.triggered.connect(partial(self.open_path, path))
        if not files:
            menu.addAction("No recent knowledge bases").setEnabled(False)

    # --- import, export, sync, backup -----------------------------------------------------

    def import_folder(self, folder: Path | None = None, *, start: bool = False) -> ImportDialog | None:
        if self.kb is None:
            return None
        from kbridge.ui.transfer_dialogs import ImportDialog

        dialog = ImportDialog(self.jobs, self.kb.path, self, folder=folder)
        dialog.finished_ok.connect(self._on_import_finished)
        self.import_dialog = dialog
        if start:
            dialog.start()
        dialog.open()
        return dialog

    def _on_import_finished(self, summary: Any) -> None:
        self.reload()
        self.statusBar().showMessage(f"Import: {summary.describe()}.", 8000)

    def import_folder_into_new(self) -> ImportDialog | None:
        """From the welcome page: a new knowledge base named after a folder of ADRs, filled from it."""
        folder = QFileDialog.getExistingDirectory(self, "Folder of ADRs to import")
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
        if self.kb is None:
            return self.import_into_new(folder)
        return self.import_folder(folder)

    def export_records(self) -> ExportDialog | None:
        if self.kb is None:
            return None
        from kbridge.ui.transfer_dialogs import ExportDialog

        dialog = ExportDialog(self.jobs, self.kb.path, self)
        self.export_dialog = dialog
        dialog.open()
        return dialog

    def sync_folder(self, folder: Path | None = None) -> Job | None:
        """File › Sync folder…: choose the folder (it becomes the one Sync now uses), then sync."""
        if self.kb is None:
            return None
        if folder is None:
            folder = self.sync_controller.choose_folder()
            if folder is None:
                return None
        return self.sync_controller.sync_now(folder)

    def sync_now(self) -> Job | None:
        return self.sync_controller.sync_now()

    def show_sync_panel(self, visible: bool) -> None:
        self.sync_controller.show_panel(visible)

    def backup_knowledge_base(self, out: Path | None = None) -> Job | None:
        if self.kb is None:
            return None
        if out is None:
            suggested = unused_path(self.kb.path.parent, f"{self.kb.name}-backup")
            name, _ = QFileDialog.getSaveFileName(self, "Back up to", str(suggested), KB_FILTER)
            if not name:
                return None
            out = Path(name)
        path = self.kb.path
        target = out

        def work(progress: formats.Progress, cancel: threading.Event) -> Path:
            from kbridge.ui import formats_adapter as formats

            return formats.backup(path, target, progress, cancel)

        return self.jobs.start(
            Job("Backing up", work),
            on_success=lambda result: self.statusBar().showMessage(f"Backed up to {result}.", 8000),
            on_error=lambda error: report_failure(self, "Back up", error),
        )

    def restore_from_backup(self, backup_file: Path | None = None) -> Job | None:
        """Put a backup's content back: the backup is checked first, and what it replaces is kept as
        a backup of its own, so a wrong choice can be undone the same way."""
        if self.kb is None or not self.leave_editor():
            return None
        if backup_file is None:
            from kbridge.core.backups import backup_dir

            name, _ = QFileDialog.getOpenFileName(self, "Restore from backup", str(backup_dir(self.kb)), KB_FILTER)
            if not name:
                return None
            backup_file = Path(name)
        answer = ask(
            self,
            "Restore from backup",
            f"Replace everything in {self.kb.name} with the content of {backup_file.name}?\n\n"
            "What it holds now is kept as a backup of its own first.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return None
        path, chosen = self.kb.path, backup_file

        def work(progress: formats.Progress, cancel: threading.Event) -> Path:
            from kbridge.ui import formats_adapter as formats

            return formats.restore_backup(path, chosen, progress, cancel)

        def restored(safety: Path) -> None:
            self.reload()
            self.statusBar().showMessage(f"Restored from {chosen.name}; what was there is kept in {safety}.", 10000)

        return self.jobs.start(
            Job("Restoring from a backup", work, writes=True),
            on_success=restored,
            on_error=lambda error: report_failure(self, "Restore from backup", error),
        )

    def start_auto_backup(self) -> Job | None:
        """The rotating safety copy taken on open, on a worker thread (a large base takes seconds
        to copy) and silently: only a failure is worth the person's attention."""
        if self.kb is None:
            return None
        path = self.kb.path

        def work(_progress: formats.Progress, _cancel: threading.Event) -> Path | None:
            from kbridge.ui import formats_adapter as formats

            return formats.auto_backup(path)

        def failed(message: str) -> None:
            self.statusBar().showMessage(f"The automatic backup failed: {message}", 15000)

        return self.jobs.start(Job("Automatic backup", work), on_success=self.auto_backup_taken.emit,
                               on_failure=failed, show=False)

    # --- dropping a folder on the window ---------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.dropped_folder(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        folder = self.dropped_folder(event.mimeData())
        if folder is not None:
            event.acceptProposedAction()
            QTimer.singleShot(0, lambda: self.import_dropped_folder(folder))

    # --- window state ---------------------------------------------------------------------

    def restore_window_state(self) -> None:
        settings = ui_settings.ui_settings()
        geometry = settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 840)
        for key, restore in (
            ("window/state", self.restoreState),
            ("window/splitter", self.splitter.restoreState),
            ("window/columns", self.table.horizontalHeader().restoreState),
        ):
            value = settings.value(key)
            if value is not None:
                restore(value)
        self.actions.show_navigator.setChecked(self.navigator.isVisibleTo(self) or not self.navigator.isHidden())
        theme = str(settings.value("view/theme") or "system")
        if theme in self.actions.theme_actions:
            self.actions.theme_actions[theme].setChecked(True)

    def save_window_state(self) -> None:
        settings = ui_settings.ui_settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("window/columns", self.table.horizontalHeader().saveState())
        settings.sync()
