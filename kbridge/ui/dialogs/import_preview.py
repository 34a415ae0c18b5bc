"""The import dialog's preview: one row per file — what it would become (key, title, status, date)
or why it is skipped — before anything is written."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from kbridge.ui.jobs.formats_adapter import PlannedRecord
from kbridge.ui.style import status_colour
from kbridge.ui.widgets.plain_text import text_markup

ModelIndex = QModelIndex | QPersistentModelIndex
COLUMNS = ("File", "Action", "Key", "Title", "Status", "Date", "Note")
FILE, ACTION, KEY, TITLE, STATUS, DATE, NOTE = range(len(COLUMNS))
_ACTIONS = {"import": "import", "update": "update", "unchanged": "unchanged", "skip": "skip"}


class PreviewModel(QAbstractTableModel):
    """Rows of an import plan (kbridge.formats.read.plan.PlannedRecord)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[PlannedRecord] = []

    def set_rows(self, rows: list[PlannedRecord]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's default
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:  # a file's name and title, from the imported folder
            return text_markup(self._text(row, column))
        if role == Qt.ItemDataRole.ForegroundRole:
            if row.action == "skip" and column != FILE:
                return QColor("#6e7781")
            if column == STATUS and row.status:
                return status_colour(row.status)
        if role == Qt.ItemDataRole.FontRole and row.action == "skip" and column == NOTE:
            font = QFont()
            font.setItalic(True)
            return font
        return None

    @staticmethod
    def _text(row: PlannedRecord, column: int) -> str:
        if column == FILE:
            return row.path
        if column == ACTION:
            return _ACTIONS.get(row.action, row.action)
        if row.action == "skip":
            return row.reason if column == NOTE else ""
        values = {KEY: row.key, TITLE: row.title, STATUS: row.status, DATE: row.date or "",
                  NOTE: "; ".join(note for note in (row.status_note, row.date_note) if note)}
        return values.get(column, "")


def preview_table(parent: QWidget, model: PreviewModel) -> QTableView:
    table = QTableView(parent)
    table.setObjectName("importPreview")
    table.setAccessibleName("What the import would do, file by file")
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setWordWrap(False)
    table.verticalHeader().hide()
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(True)
    for column, width in ((FILE, 220), (ACTION, 70), (KEY, 90), (TITLE, 240), (STATUS, 80), (DATE, 80)):
        table.setColumnWidth(column, width)
    return table
