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
        self._giving_way: threading.Event | None = None  # set to ask the part running to stop
        self._waiting = 0  # jobs waiting for the connection

    @contextmanager
    def opened(self) -> Iterator[KnowledgeBase]:
        if not self._lock.acquire(blocking=False):
            with self._state:
                self._waiting += 1  # a part for later that starts meanwhile stops at once
            self.ask_way()
            self._lock.acquire()
            with self._state:
                self._waiting -= 1
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
    def giving_way(self) -> Iterator[threading.Event]:
        """Within `opened`: a part of the job that is for later (a list's whole order read ahead).
        The event is set, and the SQL running is interrupted, as soon as another job asks for the
        connection: the part drops what it was reading (a filter's keystroke waited 1.2 s for it)."""
        stop = threading.Event()
        with self._state:
            self._giving_way = stop
            if self._waiting:
                stop.set()  # another job waits already: nothing for later now
        try:
            yield stop
        finally:
            with self._state:
                self._giving_way = None

    def ask_way(self) -> None:
        """Stop the part for later of the job using the connection, if it is in one (any thread)."""
        with self._state:
            if self._giving_way is not None and self._kb is not None:
                self._giving_way.set()
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
