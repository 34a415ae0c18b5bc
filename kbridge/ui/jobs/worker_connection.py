"""A knowledge base of a worker's own: one SQLite connection must not be shared between threads,
so a job that reads the window's file (the list's filter, the choosers' finder) opens its own on
the same file, on first use, and one job at a time uses it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kbridge.core import KnowledgeBase


class WorkerConnection:
    """`with connection.opened() as kb:` on a worker thread; `close()` from the GUI thread lets go
    at once, or, while a job uses it, as that job ends (the GUI thread never waits for it). A part
    of a job done for later (`giving_way`) stops when another job asks for the connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()
        self._closed = False
        self._state = threading.Lock()  # guards _giving_way and _waiting
        self._giving_way: tuple[threading.Event, bool] | None = None  # the part running: its stop, to waiters
        self._waiting = 0  # jobs waiting for the connection
        self._waiting_new_lists = 0  # of which jobs reading a new list (see `opened`)

    @contextmanager
    def opened(self, *, new_list: bool = False) -> Iterator[KnowledgeBase]:
        """The connection, once no other job uses it. `new_list`: the job reads a list that
        replaces the one shown (a filter): a part reading for the list shown (a page, a row)
        is dropped as it would be for any part for later."""
        if not self._lock.acquire(blocking=False):
            with self._state:
                self._waiting += 1  # a part for later that starts meanwhile stops at once
                self._waiting_new_lists += new_list
                if self._giving_way is not None and (self._giving_way[1] or new_list):
                    self._stop_part(self._giving_way[0])
            self._lock.acquire()
            with self._state:
                self._waiting -= 1
                self._waiting_new_lists -= new_list
        try:
            if self._kb is None:
                from kbridge.core import KnowledgeBase

                self._kb = KnowledgeBase.open(self.path)
            try:
                yield self._kb
            finally:
                if self._closed:
                    self._let_go()
        finally:
            self._lock.release()

    @contextmanager
    def giving_way(self, stop: threading.Event | None = None, *, to_waiters: bool = True) -> Iterator[threading.Event]:
        """Within `opened`: a part of the job that may be dropped (a list's whole order read ahead,
        a page or a row of a list no longer shown). The event (`stop`, or a new one) is set, and
        the SQL running is interrupted, by `drop(stop)`, when a job reading a new list asks for the
        connection, and, when `to_waiters` (a part for later), as soon as any job asks for it: the
        part drops what it was reading (a filter's keystroke waited 1.2 s for it). A statement that
        ends as it is interrupted may not fail: the part looks at the event after reading, and
        drops what it read when it is set."""
        stop = stop if stop is not None else threading.Event()
        with self._state:
            self._giving_way = (stop, to_waiters)
            if (self._waiting and to_waiters) or self._waiting_new_lists:
                stop.set()  # another job waits already: nothing for later now
        if self._kb is not None:
            # An interrupt that comes between the part's last look at `stop` and its statement's
            # start finds nothing running, and SQLite forgets it: the statement looks at `stop`.
            self._kb.listing.stop_when(stop.is_set)
        try:
            yield stop
        finally:
            if self._kb is not None:
                self._kb.listing.stop_when(None)
            with self._state:
                self._giving_way = None

    @property
    def in_use(self) -> bool:
        """A job uses the connection or waits for it (a part for later then starts nothing that
        would stop another's: see `OrderReader`)."""
        with self._state:
            return self._lock.locked() or self._waiting > 0

    def ask_way(self) -> None:
        """Stop the part for later of the job using the connection, if it is in one that gives
        way to waiters (any thread)."""
        with self._state:
            if self._giving_way is not None and self._giving_way[1]:
                self._stop_part(self._giving_way[0])

    def drop(self, stop: threading.Event) -> None:
        """Stop the part of a job begun with `giving_way(stop)`, now if it runs (any thread);
        `stop` is set either way, for a part not begun yet to see."""
        with self._state:
            stop.set()
            if self._giving_way is not None and self._giving_way[0] is stop:
                self._stop_part(stop)

    def _stop_part(self, stop: threading.Event) -> None:
        stop.set()
        if self._kb is not None:
            self._kb.listing.interrupt()

    def close(self) -> None:
        self._closed = True
        if self._lock.acquire(blocking=False):  # else the job using it lets go when it ends
            try:
                self._let_go()
            finally:
                self._lock.release()

    def _let_go(self) -> None:
        if self._kb is not None:
            self._kb.close()
            self._kb = None
