"""The main window: navigator | record list (or search results) | record tabs (or the editor).

Record and file commands live in `record_commands` and `file_commands`; actions and menus in
`window_actions`. The window holds one `KnowledgeBase` at a time (or none: the welcome page)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QStackedWidget,
)

from kbridge.model import Changes, Record
from kbridge.ui import settings as ui_settings
from kbridge.ui.attention import AttentionChecker
from kbridge.ui.file_commands import FileCommands
from kbridge.ui.history_view import HistoryView
from kbridge.ui.jobs import Job, JobRunner
from kbridge.ui.loading import LoadedRecords
from kbridge.ui.navigation import NavigationHistory
from kbridge.ui.navigator import NavigatorView, build_tree
from kbridge.ui.record_commands import RecordCommands
from kbridge.ui.record_list import RecordListPanel
from kbridge.ui.record_page import RecordActions, RecordPage
from kbridge.ui.record_table_model import (
    RecordFilter,
    RecordTableModel,
    UidRole,
)
from kbridge.ui.record_tabs import RecordTabs, extra_tab_factories
from kbridge.ui.search_panel import SearchController, SearchResultsView
from kbridge.ui.search_service import IndexSearcher
from kbridge.ui.sync_panel import SyncController
from kbridge.ui.welcome import WelcomePage
from kbridge.ui.window_actions import WindowActions

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase
    from kbridge.ui.editor import RecordEditor

# Another process (the CLI, a second window) may change the file; look for that this often.
EXTERNAL_CHANGE_POLL_MS = 1500
# Files bigger than this have their record list read on a worker thread, after the window shows.
ASYNC_LOAD_BYTES = 40 * 1024 * 1024
# More changed records than this at once (an import) reload the whole list rather than each row.
ROW_UPDATE_LIMIT = 200
ATTENTION_DELAY_MS = 1200
ATTENTION_AFTER_CHANGE_MS = 4000
NAVIGATOR_DELAY_MS = 150


class MainWindow(RecordCommands, FileCommands, QMainWindow):
    knowledge_base_opened = Signal(str)  # path
    records_loaded = Signal(int)
    record_opened = Signal(str)  # uid
    attention_updated = Signal(int)
    auto_backup_taken = Signal(object)  # the backup's Path, or None when a recent one exists

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        super().__init__()
        self.kb: KnowledgeBase | None = None
        self._owns_kb = False
        self._unsubscribe = lambda: None
        self._findings: list | None = None
        self._data_version = 0
        self._edit_sizes: list[int] | None = None
        self._editor: RecordEditor | None = None
        self._loaded = False
        self.setObjectName("mainWindow")
        self.setWindowTitle("kbridge")
        self.setAcceptDrops(True)
        self.history = NavigationHistory()
        self.jobs = JobRunner(self.statusBar(), self)
        self._build_widgets()
        self.actions = WindowActions(self)
        self.list_panel.set_first_steps(self.actions.import_folder, self.actions.new_record)
        self.record_page = RecordPage(None, self._record_actions(), self)  # type: ignore[arg-type]
        self.reader = self.record_page.reader
        self.history_view = HistoryView(None, self)  # type: ignore[arg-type]
        self._build_right_pane()
        self._build_status_bar()
        self._connect()
        self._poll = QTimer(self, interval=EXTERNAL_CHANGE_POLL_MS, timeout=self._on_poll_timeout)
        self.attention = AttentionChecker(self.jobs, self)
        self.attention.checked.connect(self._on_attention_checked)
        self.attention.failed.connect(self._on_attention_failed)
        # A burst of changes (typing in the chip menu, an undo) recounts the navigator once.
        self._navigator_timer = QTimer(
            self, singleShot=True, interval=NAVIGATOR_DELAY_MS, timeout=self._refresh_navigator
        )
        self._attention_timer = QTimer(
            self, singleShot=True, interval=ATTENTION_DELAY_MS, timeout=self.refresh_attention
        )
        self.sync_controller = SyncController(self)  # File › Sync now, the Sync panel, syncs on a timer
        self.restore_window_state()
        if kb is not None:
            self.set_knowledge_base(kb, owned=False)
        else:
            self.show_welcome()

    # --- construction -------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.navigator = NavigatorView(self)
        self.model = RecordTableModel(self)
        self.list_panel = RecordListPanel(self.model, self)
        self.table = self.list_panel.table
        self.filter_field = self.list_panel.filter_field
        self.list_title = self.list_panel.title
        self.search_field = QLineEdit(self)
        self.search_field.setObjectName("searchField")
        self.search_field.setAccessibleName("Search")
        self.search_field.setPlaceholderText("Search (Ctrl+F)")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMinimumWidth(320)
        self.search = SearchController(self)
        self.search_results = SearchResultsView(self)
        self.centre = QStackedWidget(self)
        self.centre.setObjectName("centreStack")
        self.centre.addWidget(self.list_panel)
        self.centre.addWidget(self.search_results)

    def _record_actions(self) -> RecordActions:
        a = self.actions
        return RecordActions(a.edit, a.supersede, a.links, a.delete, a.restore)

    def _build_right_pane(self) -> None:
        self.tabs = RecordTabs(self)
        self.tabs.add_tab("&Record", self.record_page)
        self.tabs.add_tab("&History", self.history_view)
        self.right = QStackedWidget(self)
        self.right.setObjectName("rightStack")
        self.right.addWidget(self.tabs)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.setObjectName("mainSplitter")
        splitter.addWidget(self.navigator)
        splitter.addWidget(self.centre)
        splitter.addWidget(self.right)
        # The navigator keeps its width when the window is resized; list and reader share the rest.
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setStretchFactor(2, 1)
        splitter.setCollapsible(1, False)
        splitter.setCollapsible(2, False)
        splitter.setSizes([190, 560, 650])
        self.splitter = splitter
        self.welcome = WelcomePage(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(splitter)
        self.setCentralWidget(self.pages)

    def _build_status_bar(self) -> None:
        self.index_label = QLabel(self)
        self.index_label.setObjectName("indexState")
        self.count_label = QLabel(self)
        self.count_label.setObjectName("recordCount")
        self.statusBar().addPermanentWidget(self.index_label)
        self.statusBar().addPermanentWidget(self.count_label)

    def _connect(self) -> None:
        self.table.selectionModel().currentRowChanged.connect(self._on_table_current_row_changed)
        self.table.activated.connect(self._on_table_activated)
        self.model.rows_refiltered.connect(self._on_model_rows_refiltered)
        self.filter_field.textChanged.connect(self._on_filter_field_text_changed)
        self.navigator.filter_chosen.connect(self._on_navigator_filter_chosen)
        self.navigator.query_chosen.connect(self._on_navigator_query_chosen)
        self.tabs.record_link_clicked.connect(self._on_reader_record_link_clicked)
        self.record_page.status_chosen.connect(self._on_record_page_status_chosen)
        self.history_view.restored.connect(self._on_history_view_restored)
        self.jobs.writing_changed.connect(self._on_jobs_writing_changed)
        self.search_field.textChanged.connect(self.search.request)
        self.search_field.returnPressed.connect(self._on_search_field_return_pressed)
        self.search.results_ready.connect(self._on_search_results_ready)
        self.search.facets_ready.connect(self.search_results.show_facets)
        self.search.search_failed.connect(self.search_results.show_error)
        self.search.cleared.connect(self._on_search_cleared)
        self.search_results.hit_chosen.connect(self._on_search_results_hit_chosen)
        self.search_results.hit_activated.connect(self._on_search_results_hit_chosen)
        self.search_results.refine_requested.connect(self._on_search_results_refine_requested)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), self.search_field, self.search_results.focus_results)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self.search_field, self.search_field.clear)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)
        w = self.welcome
        w.sample_requested.connect(self.open_sample)
        w.new_requested.connect(self.new_knowledge_base)
        w.import_requested.connect(self.import_folder_into_new)
        w.open_requested.connect(self.open_knowledge_base)
        w.recent_requested.connect(self._on_welcome_recent_requested)

    @property
    def ready(self) -> bool:
        """A knowledge base is open and its records are listed (opening finishes after the
        window has first painted; `records_loaded` says when)."""
        return self.kb is not None and self._loaded

    @property
    def editor(self) -> RecordEditor:
        """The record editor, built the first time it is needed (it is not needed to start)."""
        if self._editor is None:
            from kbridge.ui.editor import RecordEditor

            self._editor = RecordEditor(self.kb, self)  # type: ignore[arg-type]
            self.right.addWidget(self._editor)
            self._editor.closed.connect(self._on_editor_closed)
        return self._editor

    # --- the knowledge base -------------------------------------------------------------------

    def set_knowledge_base(self, kb: KnowledgeBase, *, owned: bool = True) -> bool:
        """Show `kb`; False when the person chose to keep editing the current one."""
        if not self.leave_editor():
            return False
        self._detach()
        self.kb, self._owns_kb = kb, owned
        self.history = NavigationHistory()
        for view in (self.record_page, self.history_view, *([self._editor] if self._editor else [])):
            view.set_knowledge_base(kb)
        self.tabs.set_knowledge_base(kb)
        for title, factory in extra_tab_factories():
            if not self.tabs.has_tab(title):
                self.tabs.add_factory_tab(title, factory, kb)
        self._unsubscribe = kb.subscribe(self._on_kb_changed)
        self._data_version = kb.data_version()
        self.setWindowTitle(f"{kb.name} — kbridge")
        self.pages.setCurrentWidget(self.splitter)
        self.search_field.setEnabled(True)
        self._set_kb_actions_enabled(True)
        self.search_field.clear()
        self.filter_field.clear()
        self.navigator.reset_selection()
        self.model.set_records([])
        self.model.set_filter(RecordFilter())
        self.load_records()
        self._poll.start()
        self.start_auto_backup()
        ui_settings.remember_file(kb.path)
        self.knowledge_base_opened.emit(str(kb.path))
        QTimer.singleShot(0, self.offer_draft_recovery)
        return True

    def _detach(self) -> None:
        self._poll.stop()
        self._unsubscribe()
        self._unsubscribe = lambda: None
        self.attention.stop()
        self.tabs.show_record(None)  # before the file closes: clearing a view may still read it
        if self.kb is not None and self._owns_kb:
            self.kb.close()
        self.kb = None
        self._loaded = False
        self._findings = None

    def _set_kb_actions_enabled(self, enabled: bool) -> None:
        self.actions.set_knowledge_base_open(enabled)
        self._update_record_actions()
        self._update_navigation_actions()

    def load_records(self) -> None:
        """Read the list; large files on a worker thread so that the window paints first."""
        assert self.kb is not None
        path = self.kb.path
        if path.stat().st_size < ASYNC_LOAD_BYTES:
            self._on_records_loaded(LoadedRecords.read(self.kb))
            return
        self.count_label.setText("Loading records…")

        def work(_progress: object, _cancel: threading.Event) -> LoadedRecords:
            from kbridge.core import KnowledgeBase

            with KnowledgeBase.open(path) as kb:
                return LoadedRecords.read(kb)

        self.jobs.start(Job("Loading records", work), on_success=self._on_records_loaded)

    def recover_from_error(self) -> None:
        """After an unexpected error: show what the file holds now (never a stale list under
        another base's counts), or the welcome page when it cannot be read."""
        if self.kb is None:
            self.show_welcome()
            return
        try:
            self.reload()
        except Exception as error:  # the file itself is the problem: let go of it
            from kbridge import diagnostics

            diagnostics.log_exception(error, "the window could not reload after an error")
            self._detach()
            self.model.set_records([])
            self.show_welcome()

    def reload(self) -> None:
        if self.kb is not None:
            self.load_records()
            current = self.current_record()
            if current is not None:
                self.show_record(current.uid)

    def ensure_index(self) -> None:
        """Search the full-text index once it is fresh; build it on a worker thread first when it
        is missing or stale (a search would otherwise build it on the GUI thread)."""
        if self.kb is None:
            return
        if self.kb.search_index.status() == "fresh":
            self.search.set_searcher(IndexSearcher(self.kb))
            self.index_label.setText("Search index: ready")
            return
        self.search.set_searcher(None, "The search index is being built; results follow in a moment.")
        self.index_label.setText("Search index: building…")
        path = self.kb.path

        def work(progress: Callable[[int, int, str], None], cancel: threading.Event) -> int:
            from kbridge.core import KnowledgeBase

            with KnowledgeBase.open(path) as kb:
                return kb.reindex(progress=progress, cancel=cancel.is_set)

        self.jobs.start(
            Job("Building the search index", work),
            on_success=lambda _count: self.ensure_index(),
            on_failure=lambda message: self.index_label.setText(f"Search index: {message}"),
        )

    def refresh_attention(self) -> None:
        """Run the checks behind "Needs attention" (in another process: see attention.py)."""
        if self.kb is not None:
            self.attention.start(self.kb.path)

    # --- opening records ----------------------------------------------------------------------

    def open_record(self, uid: str, *, remember: bool = True) -> bool:
        """Show a record in the reader and select it in the list; False if it cannot be shown
        (not found, or the person chose to stay in the editor)."""
        if self.kb is None or not self.leave_editor():
            return False
        if not self.show_record(uid):
            return False
        if remember:
            self.history.visit(uid)
        self._update_navigation_actions()
        self.record_opened.emit(uid)
        return True

    def show_record(self, uid: str) -> bool:
        record = self.kb.find(uid) if self.kb else None
        if record is None:
            self.statusBar().showMessage("That record is not in the knowledge base.", 5000)
            return False
        self.tabs.show_record(record)
        self._select_row_of(uid)
        self._update_record_actions()
        return True

    def current_record(self) -> Record | None:
        return self.tabs.record

    def show_tab(self, title: str) -> None:
        self.tabs.show_tab(title)

    def go_back(self) -> None:
        self._go(self.history.back, self.history.forward)

    def go_forward(self) -> None:
        self._go(self.history.forward, self.history.back)

    def _go(self, step: object, undo: object) -> None:
        uid = step()  # type: ignore[operator]
        if uid and not self.open_record(uid, remember=False):
            undo()  # type: ignore[operator]
        self._update_navigation_actions()

    # --- helpers ------------------------------------------------------------------------------

    def _select_row_of(self, uid: str) -> None:
        self.list_panel.select_uid(uid)

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        label = self.model.record_filter.label
        self.list_title.setText(label)
        self.list_panel.show_empty_state(self._loaded and total == 0)
        self.count_label.setText(f"{total:,} records" if shown == total else f"{shown:,} of {total:,} records")

    def _update_navigation_actions(self) -> None:
        self.actions.back.setEnabled(self.kb is not None and self.history.can_go_back)
        self.actions.forward.setEnabled(self.kb is not None and self.history.can_go_forward)

    def _update_record_actions(self) -> None:
        writable = not self.jobs.writing
        record = self.current_record() if self.kb is not None else None
        self.actions.set_record(record, has_kb=self.kb is not None, writable=writable)
        self.record_page.status_chip.setEnabled(writable)
        if self._editor is not None:
            self._editor.save_button.setEnabled(writable)

    def _refresh_navigator(self) -> None:
        self._navigator_timer.stop()
        self.navigator.set_tree(build_tree(self.model.all_records(), self._findings, ui_settings.saved_searches()))

    def _on_records_loaded(self, loaded: LoadedRecords) -> None:
        self.model.set_records(loaded.records, presorted=True)
        self._loaded = True
        self._update_count()
        self._refresh_navigator()
        self.ensure_index()
        self._attention_timer.start(ATTENTION_DELAY_MS)
        self.records_loaded.emit(self.model.total)

    def _on_attention_failed(self, message: str) -> None:
        self.statusBar().showMessage(f"The checks behind Needs attention failed: {message}", 15000)

    def _on_attention_checked(self, findings: list) -> None:
        self._findings = findings
        self._refresh_navigator()
        self.attention_updated.emit(len(findings))

    def _on_model_rows_refiltered(self) -> None:
        self._update_count()
        if self.current_record() is not None:
            self._select_row_of(self.current_record().uid)  # type: ignore[union-attr]

    def _on_table_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        uid = self.model.data(current, UidRole) if current.isValid() else None
        shown = self.current_record()
        if uid and (shown is None or shown.uid != uid) and not self.open_record(uid):
            self._select_row_of(shown.uid) if shown else None

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.reader.setFocus()

    def _on_filter_field_text_changed(self, text: str) -> None:
        self.model.set_filter(self.model.record_filter.with_text(text.strip()))

    def _on_navigator_filter_chosen(self, record_filter: RecordFilter) -> None:
        if self.search_field.text():
            self.search_field.clear()
        self.model.set_filter(record_filter.with_text(self.filter_field.text().strip()))

    def _on_navigator_query_chosen(self, query: str) -> None:
        self.search_field.setText(query)

    def _on_reader_record_link_clicked(self, uid: str) -> None:
        self.open_record(uid)

    def _on_search_field_return_pressed(self) -> None:
        outcome = self.search.latest
        if outcome is None or outcome.query != self.search.query:
            outcome = self.search.run_now()
        if outcome is not None and outcome.hits:
            self.open_record(outcome.hits[0].uid)
            self.search_results.list.setCurrentIndex(self.search_results.model.index(0, 0))

    def _on_search_results_ready(self, outcome: object) -> None:
        self.search_results.show_outcome(outcome)  # type: ignore[arg-type]
        self.centre.setCurrentWidget(self.search_results)

    def _on_search_cleared(self) -> None:
        self.centre.setCurrentWidget(self.list_panel)

    def _on_search_results_hit_chosen(self, uid: str) -> None:
        self.open_record(uid)

    def _on_search_results_refine_requested(self, term: str) -> None:
        text = term[1:] if term.startswith("=") else f"{self.search_field.text().strip()} {term}".strip()
        self.search_field.setText(text)

    def _on_kb_changed(self, changes: Changes) -> None:
        if self.kb is None:
            return
        # Not `_data_version = kb.data_version()`: this connection's own commits never change it,
        # and taking it here would swallow a commit another process made since the last poll.
        uids = changes.records | {link.source_uid for link in changes.links}
        if len(uids) > ROW_UPDATE_LIMIT:
            self.load_records()
        else:
            found = [record for uid in uids if (record := self.kb.find(uid)) is not None]
            for record in found:
                record.body, record.fields = "", {}  # the list keeps summaries only
            self.model.upsert(found)
            self.search.request(self.search_field.text())  # the index has taken the change in
            self._navigator_timer.start()
            # The checks read every record: after an edit, wait for a pause in editing.
            self._attention_timer.start(ATTENTION_AFTER_CHANGE_MS)
        current = self.current_record()
        if current is not None:
            touched = {link.target_uid for link in changes.links} | uids
            if current.uid in touched and self.right.currentWidget() is self.tabs:
                self.show_record(current.uid)
        self._update_count()

    def _on_poll_timeout(self) -> None:
        if self.kb is None:
            return
        version = self.kb.data_version()
        if version != self._data_version:
            self._data_version = version
            self.reload()
            self.statusBar().showMessage("Updated with changes made elsewhere.", 4000)

    def _on_jobs_writing_changed(self, writing: bool) -> None:
        self._update_record_actions()
        if writing:
            self.statusBar().showMessage("Editing pauses until the import or sync has finished.", 5000)

    def _on_welcome_recent_requested(self, path: str) -> None:
        self.open_path(path)

    # --- window events ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.leave_editor():
            event.ignore()
            return
        self.save_window_state()
        self.jobs.cancel()
        self._detach()
        super().closeEvent(event)
