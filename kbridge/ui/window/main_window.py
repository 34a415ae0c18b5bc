"""The main window: navigator | record list (or search results) | record tabs (or the editor).

The window holds its commands (`record_commands`, `file_commands`, each owning its actions), the
editor (`editing`) and `actions` (menus, toolbar); one `KnowledgeBase` at a time (or none: the
welcome page)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QLabel,
    QLineEdit,
    QMainWindow,
    QSplitter,
    QStackedWidget,
)

from kbridge.model import Record
from kbridge.model.listing import ListFacets
from kbridge.ui import settings as ui_settings
from kbridge.ui.dialogs.errors import failure_sentence
from kbridge.ui.jobs.attention import AttentionChecker
from kbridge.ui.jobs.list_filter import ListFilterer
from kbridge.ui.jobs.loading import LoadedRecords, reading_counts
from kbridge.ui.jobs.warm_up import WarmUp, load_fixed_font
from kbridge.ui.jobs.worker import Job, JobRunner
from kbridge.ui.models.record_table_model import (
    RecordFilter,
    RecordTableModel,
    UidRole,
)
from kbridge.ui.views.history_view import HistoryView
from kbridge.ui.views.navigator import NavigatorView, build_tree
from kbridge.ui.views.record_list import RecordListPanel
from kbridge.ui.views.record_page import RecordActions, RecordPage
from kbridge.ui.views.record_tabs import RecordTabs, extra_tab_factories
from kbridge.ui.views.search_panel import SearchController, SearchResultsView
from kbridge.ui.views.sync_panel import SyncController
from kbridge.ui.views.upgrading import UpgradePage
from kbridge.ui.views.welcome import WelcomePage
from kbridge.ui.window.change_feed import ChangeFeed
from kbridge.ui.window.editing import Editing
from kbridge.ui.window.file_commands import FileCommands
from kbridge.ui.window.navigation import NavigationHistory
from kbridge.ui.window.record_commands import RecordCommands
from kbridge.ui.window.search_binding import SearchBinding
from kbridge.ui.window.window_actions import WindowActions
from kbridge.ui.window.window_state import restore_window_state, save_window_state

if TYPE_CHECKING:
    from pathlib import Path

    from kbridge.core import KnowledgeBase
    from kbridge.ui.views.editor import RecordEditor

# Files bigger than this have the navigator's counts read on a worker thread (the list reads only
# the rows it shows, at once).
ASYNC_LOAD_BYTES = 40 * 1024 * 1024
ATTENTION_DELAY_MS = 1200
NAVIGATOR_DELAY_MS = 150


class MainWindow(QMainWindow):
    knowledge_base_opened = Signal(str)  # path
    records_loaded = Signal(int)
    record_opened = Signal(str)  # uid
    attention_updated = Signal(int)
    auto_backup_taken = Signal(object)  # the backup's Path, or None when a recent one exists

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        super().__init__()
        self.kb: KnowledgeBase | None = None
        self._owns_kb = False
        self._findings: list | None = None
        self._facets = ListFacets()
        self._recounts = 0
        self._loaded = False
        self.setObjectName("mainWindow")
        self.setWindowTitle("kbridge")
        self.setAcceptDrops(True)
        self.history = NavigationHistory()
        self.jobs = JobRunner(self.statusBar(), self)
        self._build_widgets()
        self.editing = Editing(self)
        self.file_commands = FileCommands(self)
        self.record_commands = RecordCommands(self)
        self.actions = WindowActions(self)
        self.list_panel.set_first_steps(self.actions.import_folder, self.actions.new_record)
        self.record_page = RecordPage(None, self._record_actions(), self)  # type: ignore[arg-type]
        self.reader = self.record_page.reader
        self.history_view = HistoryView(None, self)  # type: ignore[arg-type]
        self._build_right_pane()
        self._build_status_bar()
        self._connect()
        self.search_binding = SearchBinding(self)
        self.change_feed = ChangeFeed(self)  # every change reaches the views through it, once
        self.attention = AttentionChecker(self.jobs, self)
        self.attention.checked.connect(self._on_attention_checked)
        self.attention.failed.connect(self._on_attention_failed)
        # A burst of changes (typing in the chip menu, an undo) recounts the navigator once.
        self.navigator_timer = QTimer(
            self, singleShot=True, interval=NAVIGATOR_DELAY_MS, timeout=self.recount_navigator
        )
        self.attention_timer = QTimer(
            self, singleShot=True, interval=ATTENTION_DELAY_MS, timeout=self.refresh_attention
        )
        self.sync_controller = SyncController(self)  # File › Sync now, the Sync panel, syncs on a timer
        # What opening a file and editing need, made ready while idle (the editor is built then:
        # 6-10 ms of the first Edit's frame otherwise).
        self.warm_up = WarmUp(self, steps=(load_fixed_font, lambda: self.editing.editor))
        self.warm_up.start()
        restore_window_state(self)
        if kb is not None:
            self.set_knowledge_base(kb, owned=False)
        else:
            self.show_welcome()

    # --- construction -------------------------------------------------------------------------

    def _build_widgets(self) -> None:
        self.navigator = NavigatorView(self)
        self.model = RecordTableModel(self)
        self.list_filterer = ListFilterer(self.model, self)
        self.list_panel = RecordListPanel(self.model, self, filterer=self.list_filterer)
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
        self.upgrade_page = UpgradePage(self)
        self.pages = QStackedWidget(self)
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.upgrade_page)
        self.pages.addWidget(splitter)
        self.setCentralWidget(self.pages)

    def _build_status_bar(self) -> None:
        self.index_label = QLabel(self)
        self.index_label.setObjectName("indexState")
        self.index_label.setContentsMargins(16, 0, 0, 0)  # a message too long is cut before it, not under it
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
        self.record_page.status_chosen.connect(self.record_commands.set_status)
        self.history_view.restored.connect(self._on_history_view_restored)
        self.jobs.writing_changed.connect(self._on_jobs_writing_changed)
        w, files = self.welcome, self.file_commands
        w.sample_requested.connect(files.open_sample)
        w.new_requested.connect(files.new_knowledge_base)
        w.import_requested.connect(files.import_folder_into_new)
        w.open_requested.connect(files.open_knowledge_base)
        w.recent_requested.connect(files.open_path)

    @property
    def ready(self) -> bool:
        """A knowledge base is open and its records are listed (opening finishes after the
        window has first painted; `records_loaded` says when)."""
        return self.kb is not None and self._loaded

    @property
    def editor(self) -> RecordEditor:
        """The record editor, built the first time it is needed (it is not needed to start)."""
        return self.editing.editor

    # --- the knowledge base -------------------------------------------------------------------

    def set_knowledge_base(self, kb: KnowledgeBase, *, owned: bool = True) -> bool:
        """Show `kb`; False when the person chose to keep editing the current one."""
        if not self.editing.leave():
            return False
        self.detach()
        self.kb, self._owns_kb = kb, owned
        kb.search_index.write_in_background()  # a save's index commit off the GUI thread (40-260 ms)
        self.history = NavigationHistory()
        for view in (self.record_page, self.history_view, *([self.editing.built] if self.editing.built else [])):
            view.set_knowledge_base(kb)
        self.tabs.set_knowledge_base(kb)
        for title, factory in extra_tab_factories():
            if not self.tabs.has_tab(title):
                self.tabs.add_factory_tab(title, factory, kb)
        self.setWindowTitle(f"{kb.name} — kbridge")
        self.pages.setCurrentWidget(self.splitter)
        self.search_field.setEnabled(True)
        self.set_kb_actions_enabled(True)
        self.search_field.clear()
        self.filter_field.clear()
        self.navigator.reset_selection()
        self.model.set_filter(RecordFilter())
        self.load_records()
        self.change_feed.attach(kb)
        self.file_commands.start_auto_backup()
        ui_settings.remember_file(kb.path)
        self.knowledge_base_opened.emit(str(kb.path))
        QTimer.singleShot(0, self.editing.offer_draft_recovery)
        return True

    def detach(self) -> None:
        self.change_feed.detach()
        self.attention.stop()
        self.tabs.show_record(None)  # before the file closes: clearing a view may still read it
        self.list_filterer.set_path(None)
        self.model.set_listing(None)  # the list reads its rows from the file
        if self.kb is not None and self._owns_kb:
            self.kb.close()
        self.kb = None
        self._loaded = False
        self._findings = None
        self._facets = ListFacets()

    def show_opening(self, path: object) -> None:
        """The window's look while a knowledge base opens (at start-up, before the first paint)."""
        self.pages.setCurrentWidget(self.splitter)
        self.setWindowTitle(f"{getattr(path, 'stem', path)} — kbridge")
        self.count_label.setText("Opening…")
        self.set_kb_actions_enabled(False)

    def show_upgrading(self, path: Path) -> None:
        """The window's look while a knowledge base from an older kbridge is upgraded."""
        self.upgrade_page.start(path)
        self.pages.setCurrentWidget(self.upgrade_page)
        self.setWindowTitle(f"{path.stem} — kbridge")
        self.search_field.setEnabled(False)
        self.set_kb_actions_enabled(False)
        self.count_label.setText("Upgrading…")
        self.index_label.setText("")

    def show_welcome(self) -> None:
        self.welcome.set_recent(ui_settings.recent_files())
        self.pages.setCurrentWidget(self.welcome)
        self.setWindowTitle("kbridge")
        self.search_field.setEnabled(False)
        self.set_kb_actions_enabled(False)
        self.count_label.setText("")
        self.index_label.setText("")

    def set_kb_actions_enabled(self, enabled: bool) -> None:
        self.actions.set_knowledge_base_open(enabled)
        self._update_record_actions()
        self._update_navigation_actions()

    def load_records(self) -> None:
        """Show the list (its count and the rows on screen: read by window, at once at any size)
        and count the navigator's entries, for large files on a worker thread so that the window
        paints first."""
        assert self.kb is not None
        self.list_filterer.set_path(self.kb.path)
        self.model.set_listing(self.kb.listing)
        path = self.kb.path
        if path.stat().st_size < ASYNC_LOAD_BYTES:
            self._on_records_loaded(LoadedRecords.read(self.kb))
            return
        # The list and its count show already (through `rows_refiltered`); the navigator follows.
        self.jobs.start(Job("Counting records", reading_counts(path)), on_success=self._on_records_loaded, show=False)

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
            self.detach()
            self.show_welcome()

    def reload(self) -> None:
        if self.kb is not None:
            self.load_records()
            current = self.current_record()
            if current is not None:  # shown again where the person reads the list: not scrolled to
                self.show_record(current.uid, keep_place=True)

    def refresh_attention(self) -> None:
        """Run the checks behind "Needs attention" (on a worker thread: see jobs/attention.py)."""
        if self.kb is not None:
            self.attention.start(self.kb.path)

    # --- opening records ----------------------------------------------------------------------

    def open_record(self, uid: str, *, remember: bool = True) -> bool:
        """Show a record in the reader and select it in the list; False if it cannot be shown
        (not found, or the person chose to stay in the editor)."""
        if self.kb is None or not self.editing.leave():
            return False
        if not self.show_record(uid):
            return False
        if remember:
            self.history.visit(uid)
        self._update_navigation_actions()
        self.record_opened.emit(uid)
        return True

    def show_record(self, uid: str, *, keep_place: bool = False) -> bool:
        record = self.kb.find(uid) if self.kb else None
        if record is None:
            self.statusBar().showMessage("That record is not in the knowledge base.", 5000)
            return False
        self.tabs.show_record(record)
        self.list_panel.select_uid(uid, keep_place=keep_place)
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

    def update_count(self) -> None:
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
        if self.editing.built is not None:
            self.editing.built.save_button.setEnabled(writable)

    def refresh_navigator(self) -> None:
        """Rebuild the navigator from the last counts (findings or saved searches changed)."""
        self.navigator.set_tree(build_tree(self._facets, self._findings, ui_settings.saved_searches()))

    def recount_navigator(self) -> None:
        """Count the navigator's entries again (records changed) and rebuild it: for large files on
        a worker thread (half a second at a million records), the latest count winning."""
        self.navigator_timer.stop()
        kb = self.kb
        if kb is None:
            return
        if kb.path.stat().st_size < ASYNC_LOAD_BYTES:
            self._facets = kb.listing.facets()
            self.refresh_navigator()
            return
        self._recounts += 1
        asked = self._recounts

        def counted(loaded: LoadedRecords) -> None:
            if kb is self.kb and asked == self._recounts:
                self._facets = loaded.facets
                self.refresh_navigator()

        self.jobs.start(Job("Counting records", reading_counts(kb.path)), on_success=counted, show=False)

    def _on_records_loaded(self, loaded: LoadedRecords) -> None:
        if self.kb is None:
            return
        self._facets = loaded.facets
        self._loaded = True
        self.update_count()
        self.refresh_navigator()
        self.search_binding.ensure_index()
        self.attention_timer.start(ATTENTION_DELAY_MS)
        self.records_loaded.emit(self.model.total)

    def _on_attention_failed(self, error: Exception) -> None:
        message = failure_sentence(error, "the checks behind Needs attention")
        self.statusBar().showMessage(f"The checks behind Needs attention failed: {message}", 15000)

    def _on_attention_checked(self, findings: list) -> None:
        self._findings = findings
        self.refresh_navigator()
        self.attention_updated.emit(len(findings))

    def _on_model_rows_refiltered(self) -> None:
        self.update_count()
        if self.current_record() is not None:  # not scrolled to in a list counted again: the person's place is kept
            self.list_panel.select_uid(self.current_record().uid, keep_place=self.model.same_list)  # type: ignore[union-attr]

    def _on_table_current_row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        uid = self.model.data(current, UidRole) if current.isValid() else None
        shown = self.current_record()
        if uid and (shown is None or shown.uid != uid) and not self.open_record(uid):
            self.list_panel.select_uid(shown.uid) if shown else None

    def _on_table_activated(self, index: QModelIndex) -> None:
        self.reader.setFocus()

    def _on_filter_field_text_changed(self, text: str) -> None:
        self.list_filterer.request(self.list_filterer.record_filter.with_text(text.strip()))

    def _on_navigator_filter_chosen(self, record_filter: RecordFilter) -> None:
        if self.search_field.text():
            self.search_field.clear()
        self.list_filterer.request(record_filter.with_text(self.filter_field.text().strip()))

    def _on_navigator_query_chosen(self, query: str) -> None:
        self.search_field.setText(query)

    def _on_reader_record_link_clicked(self, uid: str) -> None:
        self.open_record(uid)

    def _on_jobs_writing_changed(self, writing: bool) -> None:
        self._update_record_actions()
        if writing:
            self.statusBar().showMessage("Editing pauses until the import or sync has finished.", 5000)

    def _on_history_view_restored(self, uid: str) -> None:
        self.show_record(uid)
        self.show_tab("History")
        self.statusBar().showMessage("Revision restored as a new revision.", 5000)

    # --- window events ------------------------------------------------------------------------

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.file_commands.upgrade is not None:  # closes once it has stopped or finished
            self.file_commands.upgrade.request_close()
            event.ignore()
            return
        if not self.editing.leave(closing=True):
            event.ignore()
            return
        save_window_state(self)
        self.jobs.cancel()
        self.detach()
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self.file_commands.drag_entered(event)

    def dropEvent(self, event: QDropEvent) -> None:
        self.file_commands.dropped(event)
