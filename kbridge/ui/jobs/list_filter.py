"""The record list's filter, kept off the GUI thread once it is slow.

A keystroke in the filter field (or a choice in the navigator) asks storage how many records the
filter shows and reads their first page. In a small list that takes a few milliseconds and is done
at once, where the list is; at a million records, a common word can take 100 ms, which would
freeze typing. So, as the search field does (kbridge.ui.views.search_panel): once a filter has
taken longer than SLOW_SECONDS, or from the first one in a list of LARGE_LIST records, filters
run on a worker with a connection of its own, the newest wins (one runs at a time; the newest
waiting one goes when it is back), and the list changes when the answer arrives, if it is still
the one wanted. The worker's connection is opened as soon as the list is known to be large (its
first filter then waits for no file to open), and finding a record's row in such a list uses it
too (kbridge.ui.jobs.list_rows).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

from PySide6.QtCore import QObject

from kbridge.ui.jobs.worker import Job
from kbridge.ui.jobs.worker_connection import WorkerConnection
from kbridge.ui.models.record_table_model import FilterAnswer, RecordFilter, RecordTableModel, answer_filter

# A filter slower than this (its count and first page) sends the next ones to a worker: a frame
# and a half, beyond which typing is felt to stutter.
SLOW_SECONDS = 0.025
# A list this long filters on a worker from the first keystroke: a first filter of a million
# records holds the GUI thread 40-60 ms before it is known to be slow.
LARGE_LIST = 50_000


class ListFilterer(QObject):
    """Applies filters to `model`, on the GUI thread while that is quick, on a worker after."""

    def __init__(self, model: RecordTableModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.last_seconds = 0.0
        self._path: Path | None = None
        self._reader: WorkerConnection | None = None  # the worker's own connection to `_path`
        self._generation = 0
        self._wanted: RecordFilter | None = None
        self._running: Job | None = None
        self._running_generation = 0
        self._started = 0.0
        self._warming: Job | None = None
        self._warmed: WorkerConnection | None = None
        self._recount = False  # the next filter read counts every record again (the file changed)
        self._running_recounts = False
        model.rows_refiltered.connect(self._on_model_rows_refiltered)
        model.recount_elsewhere = self.recount

    @property
    def slow(self) -> bool:
        return self.last_seconds >= SLOW_SECONDS or self.model.total >= LARGE_LIST

    @property
    def connection(self) -> WorkerConnection | None:
        """The worker's own connection to the file the list shows (None: no file open)."""
        return self._reader if self._path is not None else None

    @property
    def pending(self) -> bool:
        """A filter was asked for and the list does not show it yet."""
        return self._wanted is not None

    @property
    def record_filter(self) -> RecordFilter:
        """The filter last asked for (shown, or on its way)."""
        return self._wanted if self._wanted is not None else self.model.record_filter

    def set_path(self, path: Path | None) -> None:
        """Filter the list of the knowledge base at `path` from now on (None: no file open). The
        same file again (the window reloads it after changes made elsewhere) keeps a filter on
        its way: it is what the filter field says."""
        if path == self._path:
            return
        self._generation += 1
        self._wanted = None
        self._recount = False
        self.last_seconds = 0.0
        self._path = path
        if self._reader is not None:
            self._reader.close()
        self._reader = WorkerConnection(path) if path is not None else self._reader

    def request(self, record_filter: RecordFilter) -> None:
        """Show `record_filter` in the list: now, or when a worker has read it."""
        self._generation += 1
        if self._path is None or not self.slow:
            self._wanted = None
            started = time.perf_counter()
            self.model.set_filter(record_filter)
            self.last_seconds = time.perf_counter() - started
            return
        self._wanted = record_filter
        if self._running is None:
            self._start()
        elif self._reader is not None:
            self._reader.ask_way()  # the running job's part for later, if it is in it

    def recount(self) -> bool:
        """The file changed in a way the list must be counted again for: in a list of LARGE_LIST
        records or more, on the worker (the rows shown stay until it answers), and True; else
        False (the model counts at once)."""
        if self._path is None or self.model.total < LARGE_LIST:
            return False
        self._generation += 1
        self._recount = True
        self._wanted = self.record_filter
        if self._running is None:
            self._start()
        elif self._reader is not None:
            self._reader.ask_way()
        return True

    def _start(self) -> None:
        assert self._reader is not None and self._wanted is not None
        generation, record_filter = self._generation, self._wanted
        query = self.model.query_for(record_filter)
        known_total = None if self._recount else self.model.total
        reader = self._reader

        def work(_progress: object, cancel: threading.Event) -> Iterator[FilterAnswer]:
            if generation != self._generation:
                return  # typed past before it started
            with reader.opened(new_list=True) as kb:  # what reads for the list shown is dropped
                answer = answer_filter(kb.listing, record_filter, query, known_total)
                yield answer
                # Then, for a long list the word index narrows, the map of its matches, that a
                # page far from both ends is walked with (70 ms at a million records, spent while
                # the person reads the first rows); the next keystroke, or any job asking for the
                # connection, stops it (what was read is kept).
                with reader.giving_way() as later:
                    # A filter asked for after this one stops it too: it waits for this job's end.
                    kb.listing.keep_matches(query, answer.count,
                                            stop=lambda: later.is_set() or generation != self._generation)

        job = Job("Filtering", work)
        # Bound methods, not lambdas: Qt drops them with this object if the window goes first.
        job.signals.yielded.connect(self._on_job_yielded)
        job.signals.ended.connect(self._on_job_ended)
        self._running, self._running_generation = job, generation
        self._running_recounts = known_total is None
        self._started = time.perf_counter()
        job.start()

    def _on_model_rows_refiltered(self) -> None:
        """The list counted its rows: a large one opens the worker's connection now, on a worker
        (30 ms at a million records, and the first keystroke would wait for it)."""
        reader = self.connection
        if reader is None or reader is self._warmed or self._warming is not None or self.model.total < LARGE_LIST:
            return

        def work(_progress: object, cancel: threading.Event) -> None:
            with reader.opened():
                pass

        self._warmed = reader
        self._warming = Job("Opening the file for the list", work)
        self._warming.signals.ended.connect(self._on_warming_ended)
        self._warming.start()

    def _on_warming_ended(self) -> None:
        self._warming = None

    def _on_job_yielded(self, answer: FilterAnswer) -> None:
        if self._running_generation != self._generation:
            return
        self.last_seconds = time.perf_counter() - self._started
        self._wanted = None
        if self._running_recounts:  # until then every filter asked for counts again
            self._recount = False
        self.model.show_filtered(answer)

    def _on_job_ended(self) -> None:
        self._running = None
        if self._wanted is not None:
            if self._path is None:
                self._wanted = None
            else:
                self._start()  # the newest filter, asked for while the last one ran
