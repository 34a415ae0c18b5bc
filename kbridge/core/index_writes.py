"""Changes on their way into a search index, and who must wait for them.

A change is committed to the database first and applied to the index after (its stamp moves on
when it is in). In between, another `SearchIndex` of this process (the window's search worker has
a connection and an index of its own) would take the index for stale and rebuild it: seconds at
100,000 records, minutes at a million. So a change is marked from just before its database commit
until the index holds it, per index folder, and a `SearchIndex` about to judge its index waits
for the marks of the others (`wait_for_others`), never for its own.

The window's own changes can be written to the index in the background (`in_background`): the
engine's commit (tantivy: its files synced to disk) took 40-260 ms on the GUI thread at each save
of a 100,000-record knowledge base. One writer thread per `SearchIndex`, in order; everything the
`SearchIndex` does first waits for it (`settle`), so the writer and the caller never touch the
index's state at the same time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager

# How long a SearchIndex waits for another's change to reach the index before judging it anyway.
WAIT_FOR_OTHERS_S = 30.0
_log = logging.getLogger(__name__)


class _Marks:
    """Changes of this process committed (or being committed) and not yet in their index, counted
    per index folder and per SearchIndex (its id)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._held: dict[tuple[str, int], int] = {}

    def hold(self, folder: str, owner: int) -> None:
        with self._changed:
            self._held[(folder, owner)] = self._held.get((folder, owner), 0) + 1

    def release(self, folder: str, owner: int) -> None:
        with self._changed:
            left = self._held.get((folder, owner), 0) - 1
            if left > 0:
                self._held[(folder, owner)] = left
            else:
                self._held.pop((folder, owner), None)
            self._changed.notify_all()

    def wait_for_others(self, folder: str, owner: int, timeout: float) -> bool:
        """True when no other owner has a change on its way into `folder`'s index (waiting for
        it, at most `timeout` seconds)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: not any(f == folder and o != owner for f, o in self._held), timeout)


_MARKS = _Marks()


class IndexWrites:
    """The changes of one SearchIndex on their way into its index folder `folder()`."""

    def __init__(self, folder: Callable[[], str]) -> None:
        self._folder = folder
        self._writer: ThreadPoolExecutor | None = None
        self._last: Future[None] | None = None

    @property
    def in_background(self) -> bool:
        return self._writer is not None

    def write_in_background(self) -> None:
        if self._writer is None:
            self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kbridge-index-writer")

    @contextmanager
    def committing(self) -> Iterator[None]:
        """Around a database commit and the announcement of its changes (which applies them or
        hands them to the writer, holding a mark of its own)."""
        folder = self._folder()
        _MARKS.hold(folder, id(self))
        try:
            yield
        finally:
            _MARKS.release(folder, id(self))

    def submit(self, write: Callable[[], None]) -> None:
        """Run `write` on the writer thread (in order with the others), the change marked until
        it is done; without a writer, here and now."""
        if self._writer is None:
            write()
            return
        folder = self._folder()
        _MARKS.hold(folder, id(self))

        def marked() -> None:
            try:
                write()
            except Exception as error:  # the database is the truth: the index is rebuilt when found stale
                _log.warning("search index not updated: %s", error)
            finally:
                _MARKS.release(folder, id(self))

        self._last = self._writer.submit(marked)

    def settle(self) -> None:
        """Wait until this SearchIndex's own writes are done."""
        last = self._last
        if last is not None:
            last.result()
            self._last = None

    def wait_for_others(self) -> None:
        if not _MARKS.wait_for_others(self._folder(), id(self), WAIT_FOR_OTHERS_S):
            _log.warning("a change of another connection did not reach the search index in %.0f s",
                         WAIT_FOR_OTHERS_S)

    def close(self) -> None:
        self.settle()
        if self._writer is not None:
            self._writer.shutdown(wait=True)
            self._writer = None
