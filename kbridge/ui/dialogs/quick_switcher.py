"""Ctrl+K: jump to any record by typing part of its key or title."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QDialog, QLabel, QLineEdit, QListView, QVBoxLayout, QWidget

from kbridge.model import Record

ModelIndex = QModelIndex | QPersistentModelIndex
SWITCHER_LIMIT = 50
# Before anything is typed: the records opened last, then those changed last, this many in all.
RECENT_LIMIT = 15


def recent_records(records: Sequence[Record], visited: Sequence[str], limit: int = RECENT_LIMIT) -> list[Record]:
    """What a person most likely wants to go back to: the records they opened last (newest
    first), then the records changed last."""
    live = {record.uid: record for record in records if not record.deleted}
    chosen = [live[uid] for uid in visited if uid in live][:limit]
    taken = {record.uid for record in chosen}
    changed = sorted((r for r in live.values() if r.uid not in taken), key=lambda r: r.updated_at, reverse=True)
    return chosen + changed[: limit - len(chosen)]


def rank_records(records: Sequence[tuple[Record, str]], text: str, limit: int = SWITCHER_LIMIT) -> list[Record]:
    """Records whose key or title hold every typed word: exact keys first, then key prefixes,
    then titles starting with the words, then the rest; ties in the order given (the window's
    records come in key order). List comprehensions rather
    than a loop with conditions: at 100,000 records this runs on every keystroke."""
    words = text.lower().split()
    if not words:
        return []
    first, whole = words[0], " ".join(words)
    matches = [pair for pair in records if first in pair[1]]
    for word in words[1:]:
        matches = [pair for pair in matches if word in pair[1]]
    tiers = (
        [pair for pair in matches if pair[0].key.lower() == whole],
        [pair for pair in matches if pair[1].startswith(first)],
        [pair for pair in matches if pair[0].title.lower().startswith(first)],
        matches,
    )
    chosen: list[Record] = []
    seen: set[str] = set()
    for tier in tiers:
        for record, _ in tier:
            if record.uid not in seen:
                seen.add(record.uid)
                chosen.append(record)
                if len(chosen) >= limit:
                    return chosen
    return chosen


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
        self, records: Sequence[Record], parent: QWidget | None = None, *, visited: Sequence[str] = ()
    ) -> None:
        super().__init__(parent)
        self.setObjectName("quickSwitcher")
        self.setWindowTitle("Go to record")
        self.setAccessibleName("Quick switcher")
        self.resize(560, 380)
        self._records = [(record, f"{record.key} {record.title}".lower()) for record in records if not record.deleted]
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
        self._recent = recent_records(records, visited)
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
                self._choose(self.list.currentIndex())
                return True
        return super().eventFilter(watched, event)

    def _on_field_text_changed(self, text: str) -> None:
        if text.strip():
            self.heading.setText("Matching records")
            self.model.set_records(rank_records(self._records, text))
        else:
            self.heading.setText("Recently opened or changed" if self._recent else "No records yet")
            self.model.set_records(self._recent)
        if self.model.rowCount():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _on_list_activated(self, index: QModelIndex) -> None:
        self._choose(index)

    def _choose(self, index: QModelIndex) -> None:
        uid = index.data(SwitcherModel.UidRole) if index.isValid() else None
        if uid:
            self.record_chosen.emit(uid)
            self.accept()
