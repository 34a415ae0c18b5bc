"""Team sharing in the window: the Sync panel (the folder, its git remote, the last sync and what
it brought in and sent out, the conflicts to resolve) and the controller behind File › Sync now:
syncs run on the window's job runner, never on the GUI thread; optionally when the knowledge base
opens and every N minutes.

The folder and the options are remembered per knowledge base in the desktop settings; what the
last sync did is read from the knowledge base itself (kbridge.formats.sync.state)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QDockWidget,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QListView,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from kbridge.ui import settings as ui_settings
from kbridge.ui.dialogs.errors import failure_sentence, report_failure
from kbridge.ui.jobs.worker import Job
from kbridge.ui.widgets.plain_text import plain_label, text_markup

if TYPE_CHECKING:
    from kbridge.formats.sync.conflicts import Conflict
    from kbridge.ui.jobs.formats_adapter import SyncOutcome
    from kbridge.ui.window.main_window import MainWindow

FOLDER_CAPTION = "Folder to keep in sync (kbridge Markdown)"
ModelIndex = QModelIndex | QPersistentModelIndex
UidRole = Qt.ItemDataRole.UserRole + 1


class ConflictListModel(QAbstractListModel):
    """The open sync conflicts: key, title and what conflicts."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.conflicts: list[Conflict] = []

    def set_conflicts(self, conflicts: list[Conflict]) -> None:
        self.beginResetModel()
        self.conflicts = list(conflicts)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.conflicts)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.conflicts):
            return None
        conflict = self.conflicts[index.row()]
        text = f"{conflict.record.key}  {conflict.record.title}  ({', '.join(conflict.fields) or 'the record'})"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return text
        if role == Qt.ItemDataRole.ToolTipRole:
            return text_markup(f"{text}\nin {conflict.path}: {conflict.why}. Double-click to resolve.")
        if role == UidRole:
            return conflict.record.uid
        return None


class SyncPanel(QDockWidget):
    def __init__(self, controller: SyncController, parent: QWidget) -> None:
        super().__init__("Sync", parent)
        self.setObjectName("syncPanel")
        self.controller = controller
        body = QWidget(self)
        self.folder_label = plain_label("", body)
        self.folder_label.setObjectName("syncFolder")
        self.folder_label.setWordWrap(True)
        self.remote_label = plain_label("", body)
        self.remote_label.setObjectName("syncRemote")
        self.last_label = plain_label("", body)
        self.last_label.setObjectName("syncLast")
        self.last_label.setWordWrap(True)
        self.notes_label = plain_label("", body)  # what the last sync decided or skipped, and why
        self.notes_label.setObjectName("syncNotes")
        self.notes_label.setWordWrap(True)
        self.choose_button = QPushButton("&Choose folder…", body)
        self.choose_button.setObjectName("syncChooseFolder")
        self.sync_button = QPushButton("Sync &now", body)
        self.sync_button.setObjectName("syncNow")
        self.push_box = QCheckBox("Push after committing (git)", body)
        self.on_open_box = QCheckBox("Sync when the knowledge base opens", body)
        self.minutes = QSpinBox(body)
        self.minutes.setRange(0, 24 * 60)
        self.minutes.setSuffix(" min")
        self.minutes.setSpecialValueText("never")
        self.minutes.setAccessibleName("Sync every so many minutes (never: 0)")
        self.conflict_model = ConflictListModel(self)
        self.conflict_list = QListView(body)
        self.conflict_list.setObjectName("syncConflicts")
        self.conflict_list.setAccessibleName("Sync conflicts")
        self.conflict_list.setModel(self.conflict_model)
        self.conflicts_label = plain_label("", body)
        self.resolve_button = QPushButton("&Resolve…", body)
        self.resolve_button.setObjectName("syncResolve")
        form = QFormLayout()
        form.addRow("Folder:", self.folder_label)
        form.addRow("Remote:", self.remote_label)
        form.addRow("Last sync:", self.last_label)
        every = QHBoxLayout()
        every.addWidget(self.minutes)
        every.addStretch(1)
        form.addRow("Sync every:", every)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.sync_button)
        buttons.addStretch(1)
        state = QVBoxLayout()  # left: the folder and what the last sync did; right: the conflicts
        state.addLayout(form)
        state.addWidget(self.notes_label)
        state.addWidget(self.push_box)
        state.addWidget(self.on_open_box)
        state.addLayout(buttons)
        state.addStretch(1)
        conflicts = QVBoxLayout()
        conflicts.addWidget(self.conflicts_label)
        conflicts.addWidget(self.conflict_list, 1)
        resolve = QHBoxLayout()
        resolve.addStretch(1)
        resolve.addWidget(self.resolve_button)
        conflicts.addLayout(resolve)
        layout = QHBoxLayout(body)
        layout.addLayout(state, 1)
        layout.addLayout(conflicts, 1)
        self.conflict_list.setMinimumHeight(80)
        self.setWidget(body)
        self.choose_button.clicked.connect(self._on_choose_button_clicked)
        self.sync_button.clicked.connect(self._on_sync_button_clicked)
        self.resolve_button.clicked.connect(self._on_resolve_button_clicked)
        self.conflict_list.doubleClicked.connect(self._on_conflict_list_double_clicked)
        self.push_box.toggled.connect(self._on_options_changed)
        self.on_open_box.toggled.connect(self._on_options_changed)
        self.minutes.valueChanged.connect(self._on_options_changed)

    def show_state(self, state: dict[str, Any], conflicts: list[Conflict]) -> None:
        for box, value in ((self.push_box, state["push"]), (self.on_open_box, state["on_open"])):
            box.blockSignals(True)
            box.setChecked(bool(value))
            box.blockSignals(False)
        self.minutes.blockSignals(True)
        self.minutes.setValue(int(state["minutes"]))
        self.minutes.blockSignals(False)
        self.folder_label.setText(state["folder"] or "none chosen yet")
        self.remote_label.setText(state["remote"])
        self.last_label.setText(state["last"])
        notes = state["notes"]
        self.notes_label.setText("\n".join(notes[:6]) + (f"\n… and {len(notes) - 6} more" if len(notes) > 6 else ""))
        self.notes_label.setVisible(bool(notes))
        self.conflict_model.set_conflicts(conflicts)
        self.conflicts_label.setText(f"Conflicts to resolve: {len(conflicts)}" if conflicts else "No conflicts.")
        self.resolve_button.setEnabled(bool(conflicts))
        self.sync_button.setEnabled(state["can_sync"])

    def _on_choose_button_clicked(self) -> None:
        self.controller.choose_folder()

    def _on_sync_button_clicked(self) -> None:
        self.controller.sync_now()

    def _on_resolve_button_clicked(self) -> None:
        index = self.conflict_list.currentIndex()
        if not index.isValid() and self.conflict_model.rowCount():
            index = self.conflict_model.index(0, 0)
        if index.isValid():
            self.controller.resolve(self.conflict_model.data(index, UidRole))

    def _on_conflict_list_double_clicked(self, index: QModelIndex) -> None:
        self.controller.resolve(self.conflict_model.data(index, UidRole))

    def _on_options_changed(self, *_value: object) -> None:
        self.controller.set_options(push=self.push_box.isChecked(), on_open=self.on_open_box.isChecked(),
                                    minutes=self.minutes.value())


class SyncController(QObject):
    """File › Sync now, the panel, the timer and the sync on open, for one window."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.panel: SyncPanel | None = None
        self.job: Job | None = None
        self.dialog: QWidget | None = None
        self.notes: list[str] = []  # of the last sync this window ran
        self.timer = QTimer(self)
        self.timer.timeout.connect(self._on_timer_timeout)
        window.knowledge_base_opened.connect(self._on_window_knowledge_base_opened)

    # --- settings, per knowledge base -----------------------------------------------------------

    def _prefix(self) -> str:
        return f"sync/{self.window.kb.uid}/" if self.window.kb is not None else "sync/none/"

    def option(self, name: str, default: Any) -> Any:
        value = ui_settings.ui_settings().value(self._prefix() + name)
        if value is None:
            return default
        if isinstance(default, bool):
            return str(value).lower() in ("true", "1")
        if isinstance(default, int):
            try:
                return int(value)
            except (TypeError, ValueError):
                return default
        return str(value)

    def set_options(self, **values: Any) -> None:
        settings = ui_settings.ui_settings()
        for name, value in values.items():
            settings.setValue(self._prefix() + name, value)
        self._arm_timer()

    def folder(self) -> Path | None:
        chosen = self.option("folder", "")
        if chosen:
            return Path(chosen)
        if self.window.kb is None:
            return None
        from kbridge.formats.sync.state import folder_summaries

        known = folder_summaries(self.window.kb)
        return Path(str(known[0]["path"])) if known else None

    # --- what a person does ----------------------------------------------------------------------

    def choose_folder(self) -> Path | None:
        start = str(self.folder() or Path.home())
        chosen = QFileDialog.getExistingDirectory(self.window, FOLDER_CAPTION, start)
        if not chosen:
            return None
        self.set_options(folder=str(Path(chosen)))
        self.refresh()
        return Path(chosen)

    def sync_now(self, folder: Path | None = None, *, quiet: bool = False) -> Job | None:
        """Sync with `folder` (then remembered), the chosen one, or one asked for now. `quiet`
        (a sync on a timer or on open): a failure goes to the status bar, not a dialog."""
        window = self.window
        if window.kb is None or self.job is not None:
            return None
        if folder is not None:
            self.set_options(folder=str(folder))
        folder = folder or self.folder()
        if folder is None:
            if quiet:
                return None
            folder = self.choose_folder()
            if folder is None:
                return None
        path, push = window.kb.path, self.option("push", False)

        def work(progress: Any, cancel: threading.Event) -> SyncOutcome:
            from kbridge.ui.jobs import formats_adapter

            return formats_adapter.sync_folder(path, folder, push, progress, cancel)

        self.job = window.jobs.start(
            Job(f"Syncing with {folder.name}", work, writes=True),
            on_success=self._on_job_succeeded,
            on_failure=lambda error: self._on_job_failed(error, quiet),
            on_end=self._on_job_ended,
        )
        self.refresh()
        return self.job

    def resolve(self, uid: str | None) -> None:
        if uid is None or self.window.kb is None or self.window.jobs.writing:
            return
        from kbridge.ui.dialogs.conflict_view import ConflictDialog

        try:
            dialog = ConflictDialog(self.window.kb, uid, self.window)
        except Exception as error:  # resolved meanwhile (another window, the command line)
            report_failure(self.window, "Sync conflict", error)
            self.refresh()
            return
        dialog.resolved.connect(self._on_dialog_resolved)
        self.dialog = dialog
        dialog.open()

    def show_panel(self, visible: bool = True) -> SyncPanel:
        if self.panel is None:
            self.panel = SyncPanel(self, self.window)
            self.window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self.panel)
            self.panel.visibilityChanged.connect(self._on_panel_visibility_changed)
        self.panel.setVisible(visible)
        if visible:
            self.refresh()
        return self.panel

    def refresh(self) -> None:
        """The panel and the list's marks, from the knowledge base as it is now."""
        kb = self.window.kb
        conflicts = []
        if kb is not None:
            from kbridge.formats.sync.conflicts import list_conflicts

            conflicts = list_conflicts(kb)
        self.window.model.set_flagged({c.record.uid: f"Sync conflict: {', '.join(c.fields)} changed on both sides"
                                       for c in conflicts})
        if self.panel is None or not self.panel.isVisible():
            return
        self.panel.show_state(self._state(), conflicts)

    def _state(self) -> dict[str, Any]:
        folder = self.folder()
        info: dict[str, Any] = {}
        if self.window.kb is not None and folder is not None:
            from kbridge.formats.sync.state import folder_summaries

            info = next((item for item in folder_summaries(self.window.kb)
                         if Path(str(item.get("path"))) == folder.resolve()), {})
        if info.get("git"):
            remote = f"{info.get('remote') or 'no remote'} (git{', pushed' if info.get('pushed') else ''})"
        else:
            remote = "not synced through git yet" if not info else "a plain folder (not a git checkout)"
        last = "never"
        if info.get("last_sync"):
            last = (f"{str(info['last_sync']).replace('T', ' ')[:16]} UTC — {info.get('in', 0)} in, "
                    f"{info.get('out', 0)} out, {info.get('conflicts', 0)} conflicts")
        if self.job is not None:
            last = "syncing now…"
        return {"folder": str(folder) if folder else "", "remote": remote, "last": last,
                "push": self.option("push", False), "on_open": self.option("on_open", False),
                "minutes": self.option("minutes", 0), "can_sync": self.window.kb is not None and self.job is None,
                "notes": self.notes}

    def _arm_timer(self) -> None:
        minutes = self.option("minutes", 0) if self.window.kb is not None else 0
        if minutes > 0:
            self.timer.start(minutes * 60_000)
        else:
            self.timer.stop()

    # --- slots ----------------------------------------------------------------------------------

    def _on_window_knowledge_base_opened(self, _path: str) -> None:
        self.notes = []
        self._arm_timer()
        self.refresh()
        if self.option("on_open", False):
            QTimer.singleShot(0, lambda: self.sync_now(quiet=True))

    def _on_timer_timeout(self) -> None:
        if not self.window.jobs.writing:
            self.sync_now(quiet=True)

    def _on_job_succeeded(self, outcome: SyncOutcome) -> None:
        self.notes = outcome.notes
        self.window.change_feed.take_from_job(outcome.changes)
        message = f"Sync: {outcome.summary}."
        if outcome.conflicts:
            message += " Resolve them in the Sync panel."
            self.show_panel(True)
        self.window.statusBar().showMessage(message, 10000)
        self.window.refresh_attention()

    def _on_job_failed(self, error: BaseException, quiet: bool) -> None:
        if quiet:
            message = failure_sentence(error, "the automatic sync")
            self.window.statusBar().showMessage(f"The automatic sync failed: {message}", 15000)
        else:
            report_failure(self.window, "Sync", error)

    def _on_job_ended(self) -> None:
        self.job = None
        self.refresh()

    def _on_dialog_resolved(self, message: str) -> None:
        self.window.statusBar().showMessage(message, 8000)  # the views heard the change from the knowledge base
        self.window.refresh_attention()
        self.refresh()

    def _on_panel_visibility_changed(self, visible: bool) -> None:
        self.window.actions.show_sync_panel.setChecked(visible)
        if visible:
            self.refresh()
