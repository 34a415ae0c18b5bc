"""The centre pane's record list: a heading, a filter field and the table of records."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QTableView, QVBoxLayout, QWidget

from kbridge.ui.delegates import StatusChipDelegate
from kbridge.ui.plain_text import plain_label
from kbridge.ui.record_table_model import DATE, KEY, OWNER, STATUS, TAGS, TITLE, RecordTableModel, StatusColourRole


class RecordListPanel(QWidget):
    def __init__(self, model: RecordTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordListPanel")
        self.model = model
        self.title = plain_label("", self)
        self.title.setObjectName("listTitle")
        self.filter_field = QLineEdit(self)
        self.filter_field.setObjectName("listFilter")
        self.filter_field.setPlaceholderText("Filter by key, title, status, owner or tag")
        self.filter_field.setAccessibleName("Filter records")
        self.filter_field.setClearButtonEnabled(True)
        self.table = self._table()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.filter_field)
        layout.addWidget(self.table)

    def _table(self) -> QTableView:
        table = QTableView(self)
        table.setObjectName("recordList")
        table.setAccessibleName("Records")
        table.setModel(self.model)
        table.setSortingEnabled(True)
        table.horizontalHeader().setSortIndicator(KEY, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setItemDelegateForColumn(STATUS, StatusChipDelegate(StatusColourRole, table))
        table.verticalHeader().hide()
        # Uniform row heights keep scrolling smooth on large bases (no per-row size queries).
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        metrics = table.fontMetrics()
        for column, sample in (
            (KEY, "ADR-00000"),
            (STATUS, "implemented"),
            (DATE, "2000-00-00"),
            (OWNER, "Firstname Last"),
            (TAGS, "tag, tag, tag"),
        ):
            header.resizeSection(column, metrics.horizontalAdvance(sample) + metrics.height())
        table.setColumnHidden(TAGS, True)
        return table

    def select_uid(self, uid: str) -> None:
        """Make the row of `uid` current without emitting a change (the reader already shows it)."""
        row = self.model.row_of(uid)
        selection = self.table.selectionModel()
        if row is None:
            selection.clearSelection()
            return
        index = self.model.index(row, KEY)
        if selection.currentIndex().row() != row:
            selection.blockSignals(True)
            selection.setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            selection.blockSignals(False)
            self.table.viewport().update()
        self.table.scrollTo(index)
