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
    at once, or, while a job uses it, as that job ends (the GUI thread never waits for it)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._kb: KnowledgeBase | None = None
        self._lock = threading.Lock()
        self._closed = False

    @contextmanager
    def opened(self) -> Iterator[KnowledgeBase]:
        with self._lock:
            if self._kb is None:
                from kbridge.core import KnowledgeBase

                self._kb = KnowledgeBase.open(self.path)
            try:
                yield self._kb
            finally:
                if self._closed:
                    self._let_go()

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
