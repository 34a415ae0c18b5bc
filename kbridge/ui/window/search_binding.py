"""The window's search: the toolbar's field drives the search controller, whose results replace the
record list until the field is cleared; the full-text index is built off the GUI thread first."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut

from kbridge.ui.dialogs.errors import failure_sentence
from kbridge.ui.jobs.apart import run_by_size
from kbridge.ui.jobs.interim_search import InterimSearcher
from kbridge.ui.jobs.record_finder import WORKER_BYTES
from kbridge.ui.jobs.search_service import IndexSearcher, SearchOutcome, build_index
from kbridge.ui.jobs.worker import Job

if TYPE_CHECKING:
    from kbridge.ui.window.main_window import MainWindow


class SearchBinding(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        field, search, results = window.search_field, window.search, window.search_results
        field.textChanged.connect(search.request)
        field.returnPressed.connect(self._on_search_field_return_pressed)
        search.results_ready.connect(self._on_search_results_ready)
        search.facets_ready.connect(results.show_facets)
        search.search_failed.connect(results.show_error)
        search.cleared.connect(self._on_search_cleared)
        results.hit_chosen.connect(window.open_record)
        results.hit_activated.connect(window.open_record)
        results.refine_requested.connect(self._on_search_results_refine_requested)
        down = QShortcut(QKeySequence(Qt.Key.Key_Down), field, results.focus_results)
        down.setContext(Qt.ShortcutContext.WidgetShortcut)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), field, field.clear)
        escape.setContext(Qt.ShortcutContext.WidgetShortcut)

    def ensure_index(self) -> None:
        """Search the full-text index once it is fresh; build it on a worker thread first when it
        is missing or stale (a search would otherwise build it on the GUI thread)."""
        w = self.window
        if w.kb is None:
            return
        large = w.kb.path.stat().st_size >= WORKER_BYTES
        if w.kb.search_index.open_if_fresh():
            w.search.set_searcher(IndexSearcher(w.kb))
            if large:
                w.search.warm_worker()  # a large file: every search on a worker, from the first key
            w.index_label.setText("Search index: ready")
            return
        if large:
            # A build of many seconds (a minute at a million records): meanwhile plain words are
            # looked for where the list's filter looks (kbridge.ui.jobs.interim_search). A small
            # file's build ends before a partial answer would be read.
            w.search.set_searcher(InterimSearcher(w.kb))
            w.search.warm_worker()
        else:
            w.search.set_searcher(None, "The search index is being built; results follow in a moment.")
        w.index_label.setText("Search index: building…")
        path = w.kb.path

        def work(progress: Callable[[int, int, str], None], cancel: threading.Event) -> int:
            return run_by_size(build_index, path, progress=progress, cancel=cancel)  # apart when large

        w.jobs.start(
            Job("Building the search index", work),
            on_success=lambda _count: self.ensure_index(),
            on_failure=lambda error: w.index_label.setText(
                f"Search index: {failure_sentence(error, 'building the search index')}"
            ),
        )

    def _on_search_field_return_pressed(self) -> None:
        w = self.window
        outcome = w.search.latest
        if outcome is None or outcome.query != w.search.query:
            outcome = w.search.run_now()
        if outcome is not None and outcome.hits:
            w.open_record(outcome.hits[0].uid)
            w.search_results.list.setCurrentIndex(w.search_results.model.index(0, 0))

    def _on_search_results_ready(self, outcome: SearchOutcome) -> None:
        self.window.search_results.show_outcome(outcome)
        self.window.centre.setCurrentWidget(self.window.search_results)

    def _on_search_cleared(self) -> None:
        self.window.centre.setCurrentWidget(self.window.list_panel)

    def _on_search_results_refine_requested(self, term: str) -> None:
        field = self.window.search_field
        field.setText(term[1:] if term.startswith("=") else f"{field.text().strip()} {term}".strip())
