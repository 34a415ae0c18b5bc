"""Search as you type: a debounced controller that moves slow searches off the GUI thread, and the
results pane (count, "did you mean", facet buttons, ranked hits with highlighted snippets)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from kbridge.escaping import escape_html
from kbridge.model import Kind
from kbridge.search import SearchHit
from kbridge.ui.jobs.search_service import Searcher, SearchOutcome
from kbridge.ui.jobs.worker import Job, Work
from kbridge.ui.models.delegates import HtmlDelegate
from kbridge.ui.style import status_hex
from kbridge.ui.widgets.flow_layout import FlowLayout
from kbridge.ui.widgets.plain_text import text_markup

ModelIndex = QModelIndex | QPersistentModelIndex
RESULT_LIMIT = 50
# A search that took longer than this runs on a worker thread next time.
SLOW_SECONDS = 0.03
# Facet buttons shown per field (the most frequent values): enough to narrow, never a wall.
FACET_LIMIT = 6


def _search_work(searcher: Searcher, query: str, limit: int, wanted: Callable[[], bool]) -> Work:
    """A search as a job: its hits, then its facet counts unless a newer query has been typed in
    the meantime (`wanted()` says whether this query is still the newest)."""

    def work(_progress: object, _cancel: object) -> Iterator[tuple[str, object]]:
        outcome = searcher.search(query, limit)
        yield "hits", outcome
        if outcome.facets_pending and wanted():
            yield "facets", _facets(searcher, query)

    return work


def _facets(searcher: Searcher, query: str) -> dict[str, dict[str, int]]:
    try:
        return searcher.facets(query)
    except Exception:  # the hits are shown already: no facet buttons is the lesser harm
        return {}


class SearchController(QObject):
    """Turns keystrokes into searches. Fast searchers answer at once on the GUI thread; once a
    search has been slow, the next ones run on a worker thread, and keystrokes typed while one
    runs are debounced into a single search for the newest text when it is back. Only the newest
    query's results are ever shown. Hits are delivered first (`results_ready`); facet counts
    that cost a second pass follow (`facets_ready`), and are not counted for a query the user
    has typed past."""

    results_ready = Signal(object)  # SearchOutcome
    facets_ready = Signal(str, object)  # query, {"kind": {...}, "status": {...}}
    search_failed = Signal(str)
    cleared = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.searcher: Searcher | None = None
        self.limit = RESULT_LIMIT
        self.last_seconds = 0.0
        self.query = ""
        self.latest: SearchOutcome | None = None
        self._generation = 0
        self._running: Job | None = None
        self._running_generation, self._running_query = 0, ""
        self._timer = QTimer(self, singleShot=True, timeout=self._on_timer_timeout)
        self._facet_timer = QTimer(self, singleShot=True, timeout=self._on_facet_timer_timeout)
        self._worker_searcher: Searcher | None = None
        self._warming: Job | None = None  # the worker's connection being opened (warm_worker)
        self._always_on_worker = False  # a large file: every search on the worker (warm_worker)
        self.unavailable = ""

    def set_searcher(self, searcher: Searcher | None, unavailable: str = "") -> None:
        """Search with `searcher` from now on; None (with the reason) while there is none."""
        old = self._worker_searcher
        if old is not None and old is not self.searcher and hasattr(old, "close"):
            old.close()  # type: ignore[union-attr]
        self.searcher = searcher
        self.unavailable = unavailable
        self._worker_searcher = None
        self.last_seconds = 0.0
        self._always_on_worker = False
        if self.query:
            self.request(self.query)

    def _searcher_for_worker(self) -> Searcher:
        """A searcher a worker thread may use: one with its own database connection if needed."""
        if self._worker_searcher is None:
            make = getattr(self.searcher, "for_worker", None)
            self._worker_searcher = make() if make is not None else self.searcher
        return self._worker_searcher  # type: ignore[return-value]

    def warm_worker(self) -> None:
        """Search on a worker from the first keystroke, its connection and index opened now, in
        the background. For a large file: opening them at the first search cost that search
        100 ms at a million records (the index's freshness is a count of every revision)."""
        searcher = self._searcher_for_worker()
        self._always_on_worker = True
        warm = getattr(searcher, "warm", None)
        if warm is None or self._warming is not None:
            return
        job = Job("Opening the search index", lambda _progress, _cancel: warm())
        job.signals.ended.connect(self._on_warming_job_ended)
        self._warming = job.start()

    @property
    def warming(self) -> bool:
        """The worker's connection and index are being opened (warm_worker)."""
        return self._warming is not None

    def _on_warming_job_ended(self) -> None:
        self._warming = None

    @property
    def slow(self) -> bool:
        """Searches (and their facet counts) go to the worker: always for a large file, else once
        one took SLOW_SECONDS (a fast answer on the GUI thread saves the worker's round trip)."""
        return self._always_on_worker or self.last_seconds >= SLOW_SECONDS

    def request(self, query: str) -> None:
        self.query = query.strip()
        self._generation += 1
        self._facet_timer.stop()
        if not self.query:
            self._timer.stop()
            self.latest = None
            self.cleared.emit()
            return
        self._timer.start(0)

    def run_now(self) -> SearchOutcome | None:
        """Search the current query on this thread (Enter pressed before results arrived)."""
        self._timer.stop()
        if not self.query or self.searcher is None:
            return None
        self._deliver(self._generation, self._search(self.query))
        return self.latest

    def _search(self, query: str) -> object:
        assert self.searcher is not None
        started = time.perf_counter()
        try:
            outcome: object = self.searcher.search(query, self.limit)
        except Exception as error:
            outcome = error
        self.last_seconds = time.perf_counter() - started
        return outcome

    def _on_timer_timeout(self) -> None:
        if self.searcher is None:
            if self.unavailable:
                self.search_failed.emit(self.unavailable)
            return
        if not self.slow:
            self._deliver(self._generation, self._search(self.query))
            return
        if self._running is not None:
            return  # the newest query goes when the running one is back
        generation, query = self._generation, self.query
        job = Job("Searching", _search_work(self._searcher_for_worker(), query, self.limit,
                                            lambda: self._generation == generation))
        job.signals.yielded.connect(self._on_search_job_yielded)
        job.signals.failed.connect(self._on_search_job_failed)
        job.signals.ended.connect(self._on_search_job_ended)
        self._running, self._running_generation, self._running_query = job, generation, query
        self._started = time.perf_counter()
        job.start()

    def _on_search_job_yielded(self, item: tuple[str, object]) -> None:
        what, value = item
        if what == "hits":
            self.last_seconds = time.perf_counter() - self._started
            self._deliver(self._running_generation, value, facets_here=False)
        else:
            self._deliver_facets(self._running_generation, self._running_query, value)  # type: ignore[arg-type]

    def _on_search_job_failed(self, error: Exception) -> None:
        self.last_seconds = time.perf_counter() - self._started
        self._deliver(self._running_generation, error)

    def _on_search_job_ended(self) -> None:
        self._running = None
        if self._running_generation != self._generation and self.query:
            self._timer.start(0)  # keys were typed while it ran: search the newest text now

    def _deliver(self, generation: int, outcome: object, *, facets_here: bool = True) -> None:
        if generation != self._generation:
            return
        if isinstance(outcome, Exception):
            self.search_failed.emit(str(outcome) or outcome.__class__.__name__)
            return
        self.latest = outcome  # type: ignore[assignment]
        self.results_ready.emit(outcome)
        # Counted after the hits are painted, unless a key was pressed in the meantime.
        if facets_here and generation == self._generation and self.latest and self.latest.facets_pending:
            self._facet_timer.start(0)

    def _on_facet_timer_timeout(self) -> None:
        outcome = self.latest
        if outcome is None or self.searcher is None or not outcome.facets_pending:
            return
        started = time.perf_counter()
        facets = _facets(self.searcher, outcome.query)
        self.last_seconds += time.perf_counter() - started  # the window waited for both
        self._deliver_facets(self._generation, outcome.query, facets)

    def _deliver_facets(self, generation: int, query: str, facets: dict[str, dict[str, int]]) -> None:
        if generation != self._generation or self.latest is None or self.latest.query != query:
            return
        self.latest = replace(self.latest, facets=facets, facets_pending=False)
        self.facets_ready.emit(query, facets)


class SearchResultsModel(QAbstractListModel):
    UidRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.hits: tuple[SearchHit, ...] = ()

    def set_hits(self, hits: tuple[SearchHit, ...]) -> None:
        self.beginResetModel()
        self.hits = tuple(hits)
        self.endResetModel()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.hits)

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.hits):
            return None
        hit = self.hits[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return _hit_html(hit)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{hit.key}: {hit.title}, {hit.status or hit.kind}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return text_markup(f"{hit.key} — {hit.title}")
        if role == self.UidRole:
            return hit.uid
        return None


def _hit_html(hit: SearchHit) -> str:
    chip = ""
    if hit.status:
        colour = status_hex(hit.status)
        status = escape_html(hit.status)
        chip = f' &nbsp;<span style="background-color:{colour};color:white">&nbsp;{status}&nbsp;</span>'
    marked = hit.snippet.to_html()  # escaped text with the matching words in <b>…</b>
    snippet = f'<div style="color:gray">{marked}</div>' if marked else ""
    # The first line never wraps (the key, title and status stay on one line; the rest is cut).
    key, title = escape_html(hit.key), escape_html(hit.title)
    return f'<div style="white-space:nowrap"><b>{key}</b>{chip} &nbsp;{title}</div>{snippet}'


class SearchResultsView(QWidget):
    """The centre pane while a search is on. Emits `hit_chosen(uid)` as the current hit changes,
    `hit_activated(uid)` on Enter or double-click, `refine_requested(term)` for a facet."""

    hit_chosen = Signal(str)
    hit_activated = Signal(str)
    refine_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.summary = QLabel(self)
        self.summary.setObjectName("searchSummary")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.summary.setWordWrap(True)
        self.summary.linkActivated.connect(self._on_summary_link_activated)
        # Facet buttons wrap onto more lines rather than widen the pane.
        self.facets = QWidget(self)
        self.facets.setObjectName("searchFacets")
        self.facet_bar = FlowLayout(self.facets)
        self.facet_buttons: list[QToolButton] = []
        self.shown_query = ""
        self.model = SearchResultsModel(self)
        self.list = QListView(self)
        self.list.setObjectName("searchHits")
        self.list.setAccessibleName("Search results")
        self.list.setModel(self.model)
        self.list.setItemDelegate(HtmlDelegate(self.list))
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(True)
        self.list.setAlternatingRowColors(True)
        self.list.selectionModel().currentChanged.connect(self._on_list_current_changed)
        self.list.activated.connect(self._on_list_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.facets)
        layout.addWidget(self.list, 1)

    def show_outcome(self, outcome: SearchOutcome) -> None:
        self.model.set_hits(outcome.hits)
        shown = len(outcome.hits)
        noun = "result" if outcome.total == 1 else "results"
        text = f"<b>{outcome.total:,}</b> {noun} for <i>{escape_html(outcome.query)}</i>"
        if shown < outcome.total:
            text += f" (best {shown} shown)"
        if outcome.suggestion:
            suggestion = escape_html(outcome.suggestion)
            text += f' — did you mean <a href="suggest:{suggestion}">{suggestion}</a>?'
        if outcome.note:
            text += f' <span style="color:gray">· {escape_html(outcome.note)}</span>'
        self.summary.setText(text)
        self.shown_query = outcome.query
        if not outcome.facets_pending or not outcome.total:
            self._set_facets(outcome.facets)
        # else the buttons of the query before stay until `show_facets` (milliseconds): the
        # list does not jump up and down at every keystroke.

    def show_facets(self, query: str, facets: dict[str, dict[str, int]]) -> None:
        """The facet counts of the shown results, counted after their hits."""
        if query == self.shown_query:
            self._set_facets(facets)

    def show_error(self, message: str) -> None:
        self.shown_query = ""
        self.model.set_hits(())
        self.summary.setText(f'<span style="color:#cf222e">{escape_html(message)}</span>')
        self._set_facets({})

    def _set_facets(self, facets: dict[str, dict[str, int]]) -> None:
        while self.facet_bar.count():
            item = self.facet_bar.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.facet_buttons = []
        for field_name, heading in (("kind", "Kinds:"), ("status", "Statuses:")):
            counts = facets.get(field_name) or {}
            ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
            if ranked:
                # Each group is named: "accepted 12" beside "decisions 30" would read as one list.
                title = QLabel(heading, self.facets)
                title.setObjectName(f"facetHeading_{field_name}")
                font = title.font()
                font.setBold(True)
                title.setFont(font)
                self.facet_bar.addWidget(title)
            for value, count in ranked[:FACET_LIMIT]:
                label = Kind.parse(value).plural if field_name == "kind" else value
                button = QToolButton(self.facets)
                button.setText(f"{label} {count:,}")
                button.setAutoRaise(True)
                button.setToolTip(text_markup(f"Only {label} (adds {field_name}:{value} to the query)"))
                button.setAccessibleName(f"Only {label}: {count}")
                button.clicked.connect(
                    lambda _checked=False, term=f"{field_name}:{value}": self.refine_requested.emit(term)
                )
                self.facet_bar.addWidget(button)
                self.facet_buttons.append(button)

    def first_uid(self) -> str | None:
        return self.model.hits[0].uid if self.model.hits else None

    def focus_results(self) -> None:
        self.list.setFocus()
        if self.model.rowCount() and not self.list.currentIndex().isValid():
            self.list.setCurrentIndex(self.model.index(0, 0))

    def _on_list_current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        uid = current.data(SearchResultsModel.UidRole) if current.isValid() else None
        if uid:
            self.hit_chosen.emit(uid)

    def _on_list_activated(self, index: QModelIndex) -> None:
        uid = index.data(SearchResultsModel.UidRole)
        if uid:
            self.hit_activated.emit(uid)

    def _on_summary_link_activated(self, link: str) -> None:
        if link.startswith("suggest:"):
            self.refine_requested.emit("=" + link.removeprefix("suggest:"))
