"""The main window: the record list beside the reader, with back/forward across visited records."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QSettings, QSortFilterProxyModel, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from kbridge.core import KnowledgeBase
from kbridge.model import Changes
from kbridge.ui.navigation import NavigationHistory
from kbridge.ui.reader import ReaderView
from kbridge.ui.record_table_model import (
    DATE,
    KEY,
    OWNER,
    STATUS,
    TAGS,
    TITLE,
    RecordTableModel,
    SortRole,
    UidRole,
)

# Another process (the CLI, a second window) may change the file; look for that this often.
EXTERNAL_CHANGE_POLL_MS = 1500


class MainWindow(QMainWindow):
    def __init__(self, kb: KnowledgeBase) -> None:
        super().__init__()
        self.kb = kb
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"{kb.name} — kbridge")
        self.history = NavigationHistory()
        self._build_list()
        self.reader = ReaderView(kb, self)
        self.reader.record_link_clicked.connect(self._on_reader_record_link_clicked)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self._list_panel)
        splitter.addWidget(self.reader)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([640, 640])
        self.splitter = splitter
        self.setCentralWidget(splitter)
        self._build_actions()
        self.count_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.count_label)
        self._unsubscribe = kb.subscribe(self._on_kb_changed)
        self._data_version = kb.data_version()
        self._poll = QTimer(self, interval=EXTERNAL_CHANGE_POLL_MS, timeout=self._on_poll_timeout)
        self._poll.start()
        self.reload()
        self._restore_state()

    # --- construction -------------------------------------------------------------------------

    def _build_list(self) -> None:
        self.model = RecordTableModel(self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SortRole)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.proxy.setFilterKeyColumn(-1)
        self.filter_field = QLineEdit(self)
        self.filter_field.setObjectName("listFilter")
        self.filter_field.setPlaceholderText("Filter by key, title, status, owner or tag")
        self.filter_field.setAccessibleName("Filter records")
        self.filter_field.setClearButtonEnabled(True)
        self.filter_field.textChanged.connect(self._on_filter_field_text_changed)
        table = QTableView(self)
        table.setObjectName("recordList")
        table.setAccessibleName("Records")
        table.setModel(self.proxy)
        table.setSortingEnabled(True)
        table.sortByColumn(KEY, Qt.SortOrder.AscendingOrder)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.verticalHeader().hide()
        # Uniform row heights keep scrolling smooth on large bases (no per-row size queries).
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(TITLE, QHeaderView.ResizeMode.Stretch)
        for column, width in ((KEY, 88), (STATUS, 100), (DATE, 90), (OWNER, 120)):
            header.resizeSection(column, width)
        # Tags are searchable and shown in the reader; the title needs the room more.
        table.setColumnHidden(TAGS, True)
        table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table = table
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.filter_field)
        layout.addWidget(table)
        self._list_panel = panel

    def _build_actions(self) -> None:
        self.back_action = QAction("Back", self, shortcut=QKeySequence.StandardKey.Back)
        self.back_action.setToolTip("Back to the previous record (Alt+Left)")
        self.back_action.triggered.connect(self._on_back_action_triggered)
        self.forward_action = QAction("Forward", self, shortcut=QKeySequence.StandardKey.Forward)
        self.forward_action.setToolTip("Forward (Alt+Right)")
        self.forward_action.triggered.connect(self._on_forward_action_triggered)
        self.refresh_action = QAction("Reload", self, shortcut=QKeySequence.StandardKey.Refresh)
        self.refresh_action.triggered.connect(self.reload)
        self.quit_action = QAction("Quit", self, shortcut=QKeySequence.StandardKey.Quit)
        self.quit_action.triggered.connect(self.close)
        toolbar = self.addToolBar("Navigation")
        toolbar.setObjectName("navigationToolbar")
        toolbar.addAction(self.back_action)
        toolbar.addAction(self.forward_action)
        file_menu = self.menuBar().addMenu("&File")
        file_menu.addAction(self.refresh_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        go_menu = self.menuBar().addMenu("&Go")
        go_menu.addAction(self.back_action)
        go_menu.addAction(self.forward_action)
        self._update_navigation_actions()

    # --- public -------------------------------------------------------------------------------

    def reload(self) -> None:
        """Re-read the list, keeping the current record selected and shown."""
        current = self.reader.record.uid if self.reader.record else None
        self.model.set_records(self.kb.list_records())
        self._update_count()
        if current and self.kb.find(current):
            self.open_record(current, remember=False)

    def open_record(self, uid: str, *, remember: bool = True) -> None:
        """Show a record in the reader and select it in the list (if the list shows it)."""
        record = self.kb.find(uid)
        if record is None:
            self.statusBar().showMessage("That record is not in the knowledge base.", 5000)
            return
        if remember:
            self.history.visit(uid)
            self._update_navigation_actions()
        self.reader.show_record(record)
        self._select_row_of(uid)

    # --- slots --------------------------------------------------------------------------------

    def _on_table_current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            return
        uid = self.proxy.data(current, UidRole)
        if uid and (self.reader.record is None or self.reader.record.uid != uid):
            self.open_record(uid)

    def _on_reader_record_link_clicked(self, uid: str) -> None:
        self.open_record(uid)

    def _on_back_action_triggered(self) -> None:
        uid = self.history.back()
        if uid:
            self.open_record(uid, remember=False)
        self._update_navigation_actions()

    def _on_forward_action_triggered(self) -> None:
        uid = self.history.forward()
        if uid:
            self.open_record(uid, remember=False)
        self._update_navigation_actions()

    def _on_filter_field_text_changed(self, text: str) -> None:
        self.proxy.setFilterFixedString(text.strip())
        self._update_count()

    def _on_kb_changed(self, changes: Changes) -> None:
        self._data_version = self.kb.data_version()
        self.reload()

    def _on_poll_timeout(self) -> None:
        version = self.kb.data_version()
        if version != self._data_version:
            self._data_version = version
            self.reload()
            self.statusBar().showMessage("Updated with changes made elsewhere.", 4000)

    # --- helpers ------------------------------------------------------------------------------

    def _select_row_of(self, uid: str) -> None:
        row = self.model.row_of(uid)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 0))
        if not index.isValid():
            return
        selection = self.table.selectionModel()
        if selection.currentIndex().row() != index.row():
            selection.setCurrentIndex(
                index,
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        self.table.scrollTo(index)

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        text = f"{total} records" if shown == total else f"{shown} of {total} records"
        self.count_label.setText(text)

    def _update_navigation_actions(self) -> None:
        self.back_action.setEnabled(self.history.can_go_back)
        self.forward_action.setEnabled(self.history.can_go_forward)

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("mainWindow/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        state = settings.value("mainWindow/splitter")
        if state is not None:
            self.splitter.restoreState(state)

    def closeEvent(self, event: QCloseEvent) -> None:
        settings = QSettings()
        settings.setValue("mainWindow/geometry", self.saveGeometry())
        settings.setValue("mainWindow/splitter", self.splitter.saveState())
        self._poll.stop()
        self._unsubscribe()
        super().closeEvent(event)
