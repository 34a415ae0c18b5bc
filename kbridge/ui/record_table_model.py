"""The record list's model: one row per record (key, title, status, date, owner, tags)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

from kbridge.model import Record
from kbridge.ui.style import status_colour

ModelIndex = QModelIndex | QPersistentModelIndex

COLUMNS = ("Key", "Title", "Status", "Date", "Owner", "Tags")
KEY, TITLE, STATUS, DATE, OWNER, TAGS = range(len(COLUMNS))
RecordRole = Qt.ItemDataRole.UserRole + 1
UidRole = Qt.ItemDataRole.UserRole + 2
SortRole = Qt.ItemDataRole.UserRole + 3


class RecordTableModel(QAbstractTableModel):
    """Holds plain Record values; cells are computed on demand, so 100,000 rows cost one list."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._records: list[Record] = []
        self._rows: dict[str, int] = {}

    def set_records(self, records: list[Record]) -> None:
        self.beginResetModel()
        self._records = list(records)
        self._rows = {record.uid: row for row, record in enumerate(self._records)}
        self.endResetModel()

    def update_record(self, record: Record) -> None:
        """Refresh one row in place (a status change should not reset the whole view)."""
        row = self._rows.get(record.uid)
        if row is None:
            return
        self._records[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))

    def record_at(self, row: int) -> Record | None:
        return self._records[row] if 0 <= row < len(self._records) else None

    def row_of(self, uid: str) -> int | None:
        return self._rows.get(uid)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._records)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self.record_at(index.row())
        if record is None:
            return None
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return _cell_text(record, column)
        if role == SortRole:
            return _cell_text(record, column).lower() if column != KEY else _natural_key(record.key)
        if role == Qt.ItemDataRole.ForegroundRole and column == STATUS:
            return status_colour(record.status)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{COLUMNS[column]}: {_cell_text(record, column)}"
        if role == RecordRole:
            return record
        if role == UidRole:
            return record.uid
        return None


def _cell_text(record: Record, column: int) -> str:
    if column == KEY:
        return record.key
    if column == TITLE:
        return record.title
    if column == STATUS:
        return record.status
    if column == DATE:
        return record.date or ""
    if column == OWNER:
        return record.owner_name or record.owner_key or ""
    if column == TAGS:
        return ", ".join(record.tags)
    return ""


def _natural_key(key: str) -> str:
    """Sorts ADR-0010 after ADR-0009 and SYS-2 before SYS-10."""
    prefix, _, number = key.rpartition("-")
    return f"{prefix}-{int(number):010d}" if number.isdigit() else key.lower()
