"""Images packed on threads of their own while the ones before them are written.

An import keeps every image its records show, packed: a digest and a zlib pass over every byte,
an image being compressed whole to learn whether that saves a tenth (most do not, and zlib goes
through such bytes at 66 MB/s at any level). Done between the writes, that was most of the end of
an import of 180 copies of the corpus folders (6,480 images, 575 MB), on one processor while the
other had nothing to do. zlib and hashlib let go of the interpreter while they work, and so does
SQLite, so two threads pack the next images while the writing thread keeps the one before.

The records' own files are packed where they are kept: they are mostly a splice around the body
(a few hundred bytes compressed), and handing each to a thread cost more than it saved (the
writing of ten copies of the corpus 2.6-2.8 s, 2.8-2.9 s with a thread).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from types import TracebackType
from typing import TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

# Images being packed beyond the one being kept: enough for both threads, few enough to hold
# little (an image may be 20 MB).
IMAGES_AHEAD = 3
THREADS = 2


class Packer:
    """The packing threads of an import; a context manager (the threads end with it)."""

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(max_workers=THREADS, thread_name_prefix="kbridge-packer")

    def __enter__(self) -> Packer:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Drop what is not packed yet and wait for what is being packed (never long: one file)."""
        self._pool.shutdown(wait=True, cancel_futures=True)

    def ahead(self, items: Iterable[Item], prepare: Callable[[Item], Result],
              depth: int = IMAGES_AHEAD) -> Iterator[tuple[Item, Future[Result]]]:
        """Each of `items` in turn with `prepare(item)` running on the thread, started for up to
        `depth` items beyond the one given. What `prepare` raises comes out of the future."""
        started: deque[tuple[Item, Future[Result]]] = deque()
        for item in items:
            started.append((item, self._pool.submit(prepare, item)))
            if len(started) > depth:
                yield started.popleft()
        while started:
            yield started.popleft()
