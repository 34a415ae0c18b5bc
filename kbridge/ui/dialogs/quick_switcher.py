"""Ctrl+K: jump to any record by typing part of its key or title (candidates found by
`RecordFinder`, never by reading every record)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from kbridge.model import Record
from kbridge.ui.jobs.record_finder import RecordFinder, recent_records

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase
    from kbridge.ui.jobs.worker import JobRunner

ModelIndex = QModelIndex | QPersistentModelIndex
SWITCHER_LIMIT = 50


class SwitcherModel(QAbstractListModel):
    UidRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.records: list[Record] = []

    def set_records(self, records: list[Record]) -> None:
        self.beginResetModel()
        self.records = list(records)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.records)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.records):
            return None
        record = self.records[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            status = f"  [{record.status}]" if record.status else ""
            return f"{record.key}  {record.title}{status}"
        if role == self.UidRole:
            return record.uid
        return None


class QuickSwitcher(QDialog):
    """Emits `record_chosen(uid)` and closes when a person presses Enter or clicks a record."""

    record_chosen = Signal(str)

    def __init__(
        self,
        kb: KnowledgeBase,
        parent: QWidget | None = None,
        *,
        jobs: JobRunner | None = None,
        visited: Sequence[str] = (),
    ) -> None:
        """`jobs`: where a large file's candidates are found (None: at once, on this thread)."""
        super().__init__(parent)
        self.setObjectName("quickSwitcher")
        self.setWindowTitle("Go to record")
        self.setAccessibleName("Quick switcher")
        self.resize(560, 380)
        self.finder = RecordFinder(kb, jobs, limit=SWITCHER_LIMIT)
        self.finder.found.connect(self._on_finder_found)
        self.finished.connect(self.finder.stop)
        self._choose_when_found = False
        self.field = QLineEdit(self)
        self.field.setObjectName("quickSwitcherField")
        self.field.setPlaceholderText("Type a key or part of a title…")
        self.field.setAccessibleName("Record key or title")
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.installEventFilter(self)
        self.model = SwitcherModel(self)
        self.list = QListView(self)
        self.list.setObjectName("quickSwitcherList")
        self.list.setAccessibleName("Matching records")
        self.list.setModel(self.model)
        self.list.setUniformItemSizes(True)
        self.list.activated.connect(self._on_list_activated)
        self.list.clicked.connect(self._on_list_activated)
        self.heading = QLabel(self)
        self.heading.setObjectName("quickSwitcherHeading")
        hint = QLabel("↑↓ to move · Enter to open · Esc to close", self)
        hint.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.field)
        layout.addWidget(self.heading)
        layout.addWidget(self.list)
        layout.addWidget(hint)
        self._recent = recent_records(kb, visited)
        self._on_field_text_changed("")

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Up/Down move through the list while typing continues in the field.
        if watched is self.field and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) and self.model.rowCount():
                row = self.list.currentIndex().row()
                row = row + 1 if key == Qt.Key.Key_Down else row - 1
                row = max(0, min(self.model.rowCount() - 1, row))
                self.list.setCurrentIndex(self.model.index(row, 0))
                return True
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if self.finder.pending:  # typed faster than a large file answers: take its answer
                    self._choose_when_found = True
                else:
                    self._choose(self.list.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def _on_field_text_changed(self, text: str) -> None:
        self._choose_when_found = False
        if text.strip():
            self.heading.setText("Finding…" if self.finder.on_worker else "Matching records")
            self.finder.ask(text)
        else:
            self.heading.setText("Recently opened, then the latest by date" if self._recent else "No records yet")
            self._show(self._recent)

    def _on_finder_found(self, text: str, records: list[Record]) -> None:
        if text != self.field.text() or not text.strip():
            return
        self.heading.setText("Matching records" if records else "No matching record")
        self._show(records)
        if self._choose_when_found:
            self._choose_when_found = False
            self._choose(self.list.currentIndex())

    def _show(self, records: list[Record]) -> None:
        self.model.set_records(records)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _on_list_activated(self, index: QModelIndex) -> None:
        self._choose(index)

    def _choose(self, index: QModelIndex) -> None:
        uid = index.data(SwitcherModel.UidRole) if index.isValid() else None
        if uid:
            self.record_chosen.emit(uid)
            self.accept()
