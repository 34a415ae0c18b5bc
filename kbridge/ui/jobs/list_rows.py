"""Where a record sits in a long list, found off the GUI thread.

Opening a record selects its row in the list. When the row is on a page the list has read, that
is immediate; otherwise storage counts the entries before it (kbridge.storage.listing position):
40-100 ms at a million records, and the page around it then costs as much again to paint (the
middle of a filtered list of 600,000 matches: 170 ms). So, in a list the filter sends to a worker
(kbridge.ui.jobs.list_filter: a long list, or filters found slow), the reader shows the record at
once and a worker finds its row and reads that row's page; the list selects it when the answer
comes, if the list still shows what was asked about. The newest request wins (one runs at a time;
the newest waiting one goes when it is back); the worker uses the filter's connection.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

from kbridge.model import Record
from kbridge.model.listing import ListQuery
from kbridge.ui.jobs.list_filter import ListFilterer
from kbridge.ui.jobs.worker import Job
from kbridge.ui.models.record_table_model import PAGE_ROWS, RecordTableModel

if TYPE_CHECKING:
    from kbridge.core.record_list import RecordListing


@dataclass(frozen=True)
class RowAnswer:
    """The row of `uid` in the list `query` of `count` rows (None: the list does not show it),
    and the pages of rows around it, by page number."""

    uid: str
    query: ListQuery
    count: int
    row: int | None
    pages: dict[int, list[Record]]


def locate(listing: RecordListing, uid: str, query: ListQuery, count: int) -> RowAnswer:
    """Read `RowAnswer` from `listing`, on whichever thread owns it. Two pages are read, the row's
    and the one nearer to it, in one window (its cost is the walk to it, not its length): a screen
    around the row, wherever it falls in its page, paints without reading more. Both from the
    list's order when the connection keeps it (`RecordListing.keep_order`)."""
    row = listing.position(query, uid)
    pages: dict[int, list[Record]] = {}
    if row is not None:
        first = row // PAGE_ROWS - (1 if row % PAGE_ROWS < PAGE_ROWS // 2 and row >= PAGE_ROWS else 0)
        rows = listing.window(query, first * PAGE_ROWS, 2 * PAGE_ROWS, total=count)
        for start in range(0, len(rows), PAGE_ROWS):
            pages[first + start // PAGE_ROWS] = rows[start:start + PAGE_ROWS]
    return RowAnswer(uid, query, count, row, pages)


class RowLocator(QObject):
    """Finds rows of `model` on a worker while `filterer` works there too (the list is long)."""

    row_found = Signal(str, object)  # uid, its row (None: not in the list); the model holds its pages

    def __init__(self, model: RecordTableModel, filterer: ListFilterer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.filterer = filterer
        self._generation = 0
        self._wanted: str | None = None
        self._running: Job | None = None
        self._running_generation = 0

    @property
    def on_worker(self) -> bool:
        """Rows are found on a worker (else the caller asks the model at once)."""
        return self.filterer.connection is not None and self.filterer.slow

    @property
    def pending(self) -> bool:
        """A row was asked for and not found yet."""
        return self._wanted is not None

    def request(self, uid: str) -> None:
        """Find the row of `uid`: `row_found` follows, unless a newer request or `forget` comes first."""
        self._generation += 1
        self._wanted = uid
        if self._running is None:
            self._start()

    def forget(self) -> None:
        """The row asked for is no longer wanted (another was selected at once)."""
        self._generation += 1
        self._wanted = None

    def _start(self) -> None:
        connection = self.filterer.connection
        if connection is None or self._wanted is None:
            self._wanted = None
            return
        generation, uid = self._generation, self._wanted
        query, count = self.model.query_for(self.model.record_filter), self.model.rowCount()

        def work(_progress: object, cancel: threading.Event) -> RowAnswer | None:
            if generation != self._generation:
                return None  # a newer request came before it started
            with connection.opened() as kb:
                return locate(kb.listing, uid, query, count)

        job = Job("Finding the row", work)
        # Bound methods, not lambdas: Qt drops them with this object if the window goes first.
        job.signals.finished.connect(self._on_job_finished)
        job.signals.ended.connect(self._on_job_ended)
        self._running, self._running_generation = job, generation
        job.start()

    def _on_job_finished(self, answer: RowAnswer | None) -> None:
        if answer is None or self._running_generation != self._generation:
            return
        if not self.model.keep_pages(answer.query, answer.count, answer.pages):
            return  # the list changed meanwhile: asked again, about the list shown now, as the job ends
        self._wanted = None
        self.row_found.emit(answer.uid, answer.row)

    def _on_job_ended(self) -> None:
        self._running = None
        if self._wanted is not None:
            self._start()
