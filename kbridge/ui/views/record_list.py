"""The centre pane's record list: a heading, a filter field and the table of records."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QItemSelectionModel, QObject, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kbridge.ui.jobs.list_filter import ListFilterer
from kbridge.ui.jobs.list_pages import PageReader
from kbridge.ui.jobs.list_rows import OrderReader, RowLocator
from kbridge.ui.models.delegates import StatusChipDelegate
from kbridge.ui.models.record_table_model import (
    DATE,
    KEY,
    OWNER,
    STATUS,
    TAGS,
    TITLE,
    RecordTableModel,
    StatusColourRole,
)

# The title is what a person reads a list by: it keeps at least this share of the list's width,
# and the columns below fold away (in this order) when the list is too narrow for them and it.
TITLE_SHARE = 0.45
TITLE_MIN_PX = 140
FOLDING_COLUMNS = (OWNER, DATE, STATUS)


class ListTitle(QLabel):
    """The list's title: what the list shows ("#pci", a saved search), often a tag or a name from
    an imported folder, so it is plain text, in a bold font (never markup read from the label)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        font = self.font()
        font.setBold(True)
        self.setFont(font)


class RecordListPanel(QWidget):
    def __init__(self, model: RecordTableModel, parent: QWidget | None = None, *, filterer: ListFilterer) -> None:
        super().__init__(parent)
        self.setObjectName("recordListPanel")
        self.model = model
        self.row_locator = RowLocator(model, filterer, self)
        self.page_reader = PageReader(model, filterer, self)  # a long list's middle pages, painted from a worker
        self.order_reader = OrderReader(model, filterer, self)  # a long list's order, for the rows of records opened
        self.row_locator.row_found.connect(self._on_row_locator_row_found)
        # Where the list was scrolled when the row of a record was asked for (None: not to be scrolled).
        self._scrolled_to: int | None = 0
        self.title = ListTitle(self)
        self.title.setObjectName("listTitle")
        self.filter_field = QLineEdit(self)
        self.filter_field.setObjectName("listFilter")
        self.filter_field.setPlaceholderText("Filter by key, title, status, owner or tag")
        self.filter_field.setAccessibleName("Filter records")
        self.filter_field.setClearButtonEnabled(True)
        self.table = self._table()
        self.empty_state = QWidget(self)
        self.empty_state.setObjectName("emptyKnowledgeBase")
        self.body = QStackedWidget(self)
        self.body.addWidget(self.table)
        self.body.addWidget(self.empty_state)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.filter_field)
        layout.addWidget(self.body)
        self.table.viewport().installEventFilter(self)

    def set_first_steps(self, *actions: QAction) -> None:
        """What an empty knowledge base offers instead of an empty table: its first steps."""
        layout = QVBoxLayout(self.empty_state)
        layout.addStretch(1)
        heading = QLabel("This knowledge base is empty", self.empty_state)
        heading.setObjectName("emptyHeading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        heading.setFont(font)
        hint = QLabel("Bring in the ADRs you already have, or record your first decision.", self.empty_state)
        hint.setWordWrap(True)
        for label in (heading, hint):
            label.setAlignment(Qt.AlignmentFlag.AlignHCenter)
            layout.addWidget(label)
        for action in actions:
            button = QToolButton(self.empty_state)
            button.setDefaultAction(action)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setObjectName(f"firstStep{layout.count()}")
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def show_empty_state(self, empty: bool) -> None:
        self.body.setCurrentWidget(self.empty_state if empty else self.table)
        self.filter_field.setVisible(not empty)

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

    def select_uid(self, uid: str, *, keep_place: bool = False) -> None:
        """Make the row of `uid` current without emitting a change (the reader already shows it),
        scrolled to unless `keep_place`: at once when it is on a page read or the list is short,
        else when a worker has found it (the selection cleared meanwhile: the row selected is no
        longer the record shown)."""
        row = self.model.row_if_read(uid)
        if row is None and self.row_locator.on_worker:
            self.row_locator.request(uid)
            self._scrolled_to = None if keep_place else self.table.verticalScrollBar().value()
            self.table.selectionModel().clearSelection()
            return
        self.row_locator.forget()
        self._select_row(self.model.row_of(uid) if row is None else row, scroll=not keep_place)

    def _on_row_locator_row_found(self, uid: str, row: int | None) -> None:
        # A list the person scrolled while the row was looked for stays where they took it: the
        # row is selected there (the scroll bar only clamped to a shorter list is not theirs).
        bar = self.table.verticalScrollBar()
        moved = self._scrolled_to is None or bar.value() != min(self._scrolled_to, bar.maximum())
        self._select_row(row, scroll=not moved)

    def _select_row(self, row: int | None, *, scroll: bool = True) -> None:
        selection = self.table.selectionModel()
        if row is None:
            selection.clearSelection()
            if scroll:
                self.table.scrollToTop()  # not where a longer list was scrolled to (clamped to its end)
            return
        index = self.model.index(row, KEY)
        if selection.currentIndex().row() != row:
            selection.blockSignals(True)
            selection.setCurrentIndex(
                index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
            )
            selection.blockSignals(False)
            self.table.viewport().update()
        if scroll:
            self.table.scrollTo(index)
