"""Where a record sits in a long list, found off the GUI thread.

Opening a record selects its row in the list. When the row is on a page the list has read, that
is immediate; otherwise storage counts the entries before it (kbridge.storage.listing position):
40-100 ms at a million records, and the page around it then costs as much again to paint (the
middle of a filtered list of 600,000 matches: 170 ms). So, in a list the filter sends to a worker
(kbridge.ui.jobs.list_filter: a long list, or filters found slow), the reader shows the record at
once and a worker finds its row and reads that row's page; the list selects it when the answer
comes, if the list still shows what was asked about (without scrolling a list the person moved
meanwhile: kbridge.ui.views.record_list). The newest request wins (one runs at a time; the newest
waiting one goes when it is back); the worker uses the filter's connection, and gives it up to any
other job asking for it (a page scrolled to, a filter), asking again after it.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from kbridge.core.record_list import ORDER_KEPT_FROM
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
    list's order when the connection keeps it (`RecordListing.keep_order`, and `OrderReader`
    here); else the pages from the record's place in the list's order, not walked to."""
    row = listing.position(query, uid)
    pages: dict[int, list[Record]] = {}
    if row is not None:
        first = row // PAGE_ROWS - (1 if row % PAGE_ROWS < PAGE_ROWS // 2 and row >= PAGE_ROWS else 0)
        rows = listing.window_at(query, uid, row, first * PAGE_ROWS, 2 * PAGE_ROWS, total=count)
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
        self._running_stop = threading.Event()

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
        else:
            self._drop_running()  # it looks for a row nobody wants now, maybe in a list no longer shown

    def forget(self) -> None:
        """The row asked for is no longer wanted (another was selected at once)."""
        self._generation += 1
        self._wanted = None
        self._drop_running()

    def _drop_running(self) -> None:
        connection = self.filterer.connection
        if connection is not None and self._running is not None:
            connection.drop(self._running_stop)

    def _start(self) -> None:
        connection = self.filterer.connection
        if connection is None or self._wanted is None:
            self._wanted = None
            return
        generation, uid = self._generation, self._wanted
        query, count = self.model.query_for(self.model.record_filter), self.model.rowCount()
        stop = threading.Event()

        def work(_progress: object, cancel: threading.Event) -> RowAnswer | None:
            if generation != self._generation:
                return None  # a newer request came before it started
            # Dropped when a newer request comes, or any other job asks for the connection: it is
            # asked again after that one, about the list then shown. A page the person scrolled to
            # meanwhile goes first (it waited 200 ms at a million records for the row of the
            # record shown, in a list just sorted: its count before it, and its whole order).
            with connection.opened() as kb, connection.giving_way(stop) as stopped:
                try:
                    answer = None if stopped.is_set() else locate(kb.listing, uid, query, count)
                except sqlite3.OperationalError:
                    if not stopped.is_set():
                        raise
                    return None  # interrupted
                return None if stopped.is_set() else answer

        job = Job("Finding the row", work)
        # Bound methods, not lambdas: Qt drops them with this object if the window goes first.
        job.signals.finished.connect(self._on_job_finished)
        job.signals.ended.connect(self._on_job_ended)
        self._running, self._running_generation, self._running_stop = job, generation, stop
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


# How long a long list is left unchanged (a filter, a sort, a recount) before its order is read
# ahead: typing, or sorting by one column after another, asks for no read it would stop at once.
READ_AHEAD_MS = 400
PAUSE_SECONDS = 0.003  # see OrderReader's work


class OrderReader(QObject):
    """Reads the whole order of a long list ahead, on the filter's worker connection, once the
    list has been left as it is for a moment (a person reads it): the next record opened from
    elsewhere (a search hit, a link) has its row found in it at once (kbridge.core.record_list
    `keep_whole_order`). Then, in a knowledge base of that many records, every record's order by
    each column, the list's first (`keep_plain_orders`): a long filtered list's order is then
    picked from it (0.13 s, against 1 s walked, for a word in 6 of a million records), and so
    its pages far from both ends. It starts only while no other job uses the connection, and
    any job asking for it then stops the read (a part for later: `WorkerConnection.giving_way`);
    a stopped read of every record's orders goes on from where it was at the next pause."""

    def __init__(self, model: RecordTableModel, filterer: ListFilterer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.filterer = filterer
        self.timer = QTimer(self, singleShot=True, interval=READ_AHEAD_MS)
        self.timer.timeout.connect(self._on_timer_timeout)
        self._running: Job | None = None
        model.rows_refiltered.connect(self._on_model_rows_refiltered)

    def _on_model_rows_refiltered(self) -> None:
        self.timer.start()  # again: the list changed before the last one was read

    def _on_timer_timeout(self) -> None:
        connection = self.filterer.connection
        count = self.model.rowCount()
        if connection is None or not self.filterer.slow or self.model.total < ORDER_KEPT_FROM:
            return
        if self._running is not None or self.filterer.pending or connection.in_use:
            # Later: the list is not settled yet, or the worker reads for it (a page, maybe then its
            # order: a job waiting here would stop that, and the next stop this one).
            self.timer.start()
            return
        query = self.model.query_for(self.model.record_filter)

        def work(_progress: object, _cancel: threading.Event) -> bool:
            with connection.opened() as kb, connection.giving_way() as stopped:

                def paused_or_stopped() -> bool:
                    # Between two parts of the rows (20,000 rowids, about 11 ms of the interpreter at
                    # a million), the GUI thread has the interpreter to itself for a moment: a
                    # stand-in for its painting ran 35 % slower beside the read, 15-20 % so.
                    time.sleep(PAUSE_SECONDS)
                    return stopped.is_set()

                if count >= ORDER_KEPT_FROM:
                    kb.listing.keep_whole_order(query, count, stop=paused_or_stopped)
                # Then every record's order by each column: a long filtered list's is picked from it.
                return kb.listing.keep_plain_orders(query.order, stop=paused_or_stopped)

        job = Job("Reading the list's order", work)
        job.signals.finished.connect(self._on_job_finished)
        job.signals.ended.connect(self._on_job_ended)
        self._running = job
        job.start()

    def _on_job_finished(self, all_read: bool) -> None:
        if not all_read:  # stopped by another job (a page, a row): on from where it was, at the next pause
            self.timer.start()

    def _on_job_ended(self) -> None:
        self._running = None
