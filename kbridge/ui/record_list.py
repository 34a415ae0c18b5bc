"""The centre pane's record list: a heading, a filter field and the table of records."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kbridge.ui.delegates import StatusChipDelegate
from kbridge.ui.record_table_model import DATE, KEY, OWNER, STATUS, TAGS, TITLE, RecordTableModel, StatusColourRole

# The title is what a person reads a list by: it keeps at least this share of the list's width,
# and the columns below fold away (in this order) when the list is too narrow for them and it.
TITLE_SHARE = 0.45
TITLE_MIN_PX = 140
FOLDING_COLUMNS = (OWNER, DATE, STATUS)


class RecordListPanel(QWidget):
    def __init__(self, model: RecordTableModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("recordListPanel")
        self.model = model
        self.title = QLabel(self)
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
        self.table.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return False

    def fit_columns(self) -> None:
        """Fold the optional columns that would squeeze the title, unfold them when there is room."""
        width = self.table.viewport().width()
        if width <= 0:
            return
        header = self.table.horizontalHeader()
        wanted = max(TITLE_MIN_PX, int(width * TITLE_SHARE))

        def others() -> int:
            return sum(
                header.sectionSize(column)
                for column in range(self.model.columnCount())
                if column != TITLE and not self.table.isColumnHidden(column)
            )

        # A hidden folding column was folded here (perhaps in an earlier session, whose header
        # state was restored): nothing else hides them.
        for column in reversed(FOLDING_COLUMNS):  # unfold the most useful first
            if self.table.isColumnHidden(column):
                self.table.setColumnHidden(column, False)
                if width - others() < wanted:
                    self.table.setColumnHidden(column, True)
                    break
        for column in FOLDING_COLUMNS:
            if width - others() >= wanted:
                break
            self.table.setColumnHidden(column, True)

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
