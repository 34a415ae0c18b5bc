"""Pages of a long list painted from a worker's reads.

Painting a row of a page the list has not read asks storage for the page. Near either end of the
list that is a walk of a few thousand index entries at most; in the middle of a long filtered
list it means reading every match first (kbridge.storage.listing: 100-470 ms a page at a million
records, the window frozen meanwhile; dragging the scroll bar asked for several). So, in a list
whose filter runs on a worker (kbridge.ui.jobs.list_filter: a long list, or filters found slow),
such a page is painted empty at first and read on the worker, on the filter's connection; its
rows are painted when it comes, if the list still shows what was asked about. The newest page
asked for is read first, with the pages next to it asked for by the same paint (a screen across
two pages: one walk to them, not two; 0.14 s -> 0.08 s in the middle of 683,000 matches at a
million records); pages scrolled past before their turn are dropped. What is not painting (the
current record, a selection) still reads at once (`RecordTableModel.record_at`).
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer

from kbridge.model import Record
from kbridge.model.listing import ListQuery
from kbridge.ui.jobs.list_filter import ListFilterer
from kbridge.ui.jobs.worker import Job
from kbridge.ui.models.record_table_model import PAGE_ROWS, RecordTableModel

# Pages this near either end of a list without filter words are read at once: storage walks at
# most 2,500 entries of an index to them.
NEAR_END_PAGES = 2500 // PAGE_ROWS
# Pages waiting for the worker, at most: a scroll bar dragged over thousands of rows asks for
# every page it passes; only the last ones asked for are still on screen.
WAITING_PAGES = 8
# Pages read in one window at most: those of one screen (128 rows a page).
TOGETHER_PAGES = 3


@dataclass(frozen=True)
class PageAnswer:
    query: ListQuery
    count: int
    page_number: int
    rows: list[Record]


class PageReader(QObject):
    """Reads pages of `model` on a worker while `filterer` works there too (the list is long)."""

    def __init__(self, model: RecordTableModel, filterer: ListFilterer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.filterer = filterer
        self._list: tuple[ListQuery, int] | None = None  # the list the waiting pages belong to
        self._waiting: list[int] = []  # page numbers, the newest last
        self._running: Job | None = None
        self._running_stop = threading.Event()  # drops the pages the running job reads
        self._reading: set[int] = set()  # the numbers of those pages not brought yet, of the list `_list`
        # A job starts once the paint that asked for pages is over: it reads them all together.
        self._starter = QTimer(self, singleShot=True, interval=0)
        self._starter.timeout.connect(self._on_starter_timeout)
        self._failed: tuple[ListQuery, int] | None = None  # a list whose pages the worker could not read
        model.page_missing = self.request
        model.modelReset.connect(self._on_model_reset)

    def request(self, page_number: int) -> bool:
        """Read page `page_number` on the worker (True), or leave it to be read now (False: a
        short list, a page near an end)."""
        connection = self.filterer.connection
        if connection is None or not self.filterer.slow:
            return False
        count = self.model.rowCount()
        query = self.model.query_for(self.model.record_filter)
        last_page = (count - 1) // PAGE_ROWS
        # Near an end, a list of every record walks a few thousand index entries; one the word
        # index narrows (words, a tag, a status) reads its matches too: 34-116 ms for the last
        # page of "ledger" at a million records, 60-100 ms for the first page of "engineer" by
        # title once sorted (a filter's answer brings its first page; a sort does not).
        narrowed = bool(query.words) or query.tag is not None or query.status is not None
        if not narrowed and (page_number < NEAR_END_PAGES or page_number > last_page - NEAR_END_PAGES):
            return False
        current = (query, count)
        if current == self._failed:
            return False  # read now, where a failure is reported as any other
        if current != self._list:
            self._forget_list(current)
        if page_number in self._reading:
            return True  # it comes: a page repainted while it is read is not read twice
        if page_number in self._waiting:
            self._waiting.remove(page_number)
        self._waiting.append(page_number)
        del self._waiting[:-WAITING_PAGES]
        if self._running is None:
            self._starter.start()
        else:
            connection.ask_way()  # the running job's page is read; the list's order it reads next, not now
        return True

    def _on_model_reset(self) -> None:
        """Another list is shown (a filter's answer, a sort): the pages read or waiting for the one
        before are dropped, also when the new list asks for none (its first rows are read at once).
        A page of the list before, read on, held the worker's connection from the row of a record
        opened meanwhile: 290 ms at a million records."""
        if self._list is not None and self._list != (self.model.query_for(self.model.record_filter),
                                                     self.model.rowCount()):
            self._forget_list(None)

    def _forget_list(self, shown: tuple[ListQuery, int] | None) -> None:
        """The pages waiting and the page read are of a list no longer shown: dropped (its SQL
        interrupted); `shown` is the list pages are asked for now, if any."""
        self._list, self._waiting = shown, []
        connection = self.filterer.connection
        if self._running is not None and connection is not None:
            connection.drop(self._running_stop)
            self._reading = set()

    def _on_starter_timeout(self) -> None:
        if self._running is None:
            self._start()

    def _start(self) -> None:
        connection = self.filterer.connection
        if connection is None or not self._waiting or self._list is None:
            self._waiting = []
            return
        pages = self._together(self._waiting.pop())
        query, count = self._list

        stop = threading.Event()

        def work(_progress: object, _cancel: threading.Event) -> Iterator[PageAnswer]:
            with connection.opened() as kb:
                offset = pages[0] * PAGE_ROWS
                # Dropped when the list changes meanwhile (a filter, a sort: 0.4-0.9 s in the middle
                # of 600,775 matches, that a record's row waited for).
                with connection.giving_way(stop, to_waiters=False) as dropped:
                    try:
                        rows = None if dropped.is_set() else kb.listing.window(
                            query, offset, len(pages) * PAGE_ROWS, total=count, stop=dropped.is_set)
                    except sqlite3.OperationalError:
                        if not dropped.is_set():
                            raise
                        return  # interrupted
                if dropped.is_set() or rows is None:
                    return
                for number in pages:
                    start = (number - pages[0]) * PAGE_ROWS
                    yield PageAnswer(query, count, number, rows[start:start + PAGE_ROWS])
                # Then, for a page far into a long filtered list, its whole order, kept on this
                # connection: the pages after it are slices of it (1.2 s once, against 0.5 s a page);
                # for its first pages, the map of its matches, that the walk to a far page reads.
                # A job that asks for the connection meanwhile stops them.
                with connection.giving_way() as later:
                    # Judged by the page of them farthest from both ends: the last page read with
                    # the one before it is not far, the one before may be.
                    farthest = max(pages, key=lambda number: min(number, (count - 1) // PAGE_ROWS - number))
                    kb.listing.keep_order(query, farthest * PAGE_ROWS, PAGE_ROWS, count, stop=later.is_set)
                    kb.listing.keep_matches(query, count, stop=later.is_set)

        job = Job("Reading the list", work)
        # Bound methods, not lambdas: Qt drops them with this object if the window goes first.
        job.signals.yielded.connect(self._on_job_yielded)
        job.signals.failed.connect(self._on_job_failed)
        job.signals.ended.connect(self._on_job_ended)
        self._running, self._running_stop, self._reading = job, stop, set(pages)
        job.start()

    def _together(self, newest: int) -> list[int]:
        """`newest` and the pages next to it that wait too, in order (taken from those waiting)."""
        pages = [newest]
        while len(pages) < TOGETHER_PAGES and (pages[0] - 1 in self._waiting or pages[-1] + 1 in self._waiting):
            page = pages[0] - 1 if pages[0] - 1 in self._waiting else pages[-1] + 1
            self._waiting.remove(page)
            pages = sorted([*pages, page])
        return pages

    def _on_job_yielded(self, answer: PageAnswer) -> None:
        self._reading.discard(answer.page_number)
        self.model.show_page(answer.query, answer.count, answer.page_number, answer.rows)

    def _on_job_failed(self, _error: Exception) -> None:
        self._failed, self._waiting = self._list, []
        if self._list is not None:  # the rows left empty are painted again, read at once this time
            self.model.paint_again(*self._list)

    def _on_job_ended(self) -> None:
        self._running = None
        if self._reading and self._list is not None:
            # Dropped unread (a filter came that showed the same list after all): its rows, still
            # empty, are painted again and so asked for again.
            self._reading = set()
            self.model.paint_again(*self._list)
        if self._waiting:
            self._start()
