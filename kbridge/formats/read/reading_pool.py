"""Reading a large folder's Markdown files on several processors.

Parsing is most of an import's time, and Python runs one thread at a time: a folder of 100,000
files parses for minutes on one processor. Here the files are read (`file_read.read_markdown`)
in processes of their own, a chunk of files at a time, and what each reads as is handed back in
the folder's order, as reading them one after the other here would give it. Only the records
cross back; the shelf, the keys and the knowledge base stay with the caller.

The processes are started by `spawn` (never `fork`: a forked child of a process with threads, a
Qt window's above all, inherits their locks). A process that may not have children (the window's
import runs in a daemonic one, `kbridge.ui.jobs.apart`, which is kept to one busy process beside
the window) reads the files itself, as does one asked for a single worker. A chunk that does not
come back (a worker that died, a reader that cannot cross) is read here instead: the answer is
the same, only slower."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections import deque
from collections.abc import Generator, Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from kbridge.formats.read.file_read import FileRead, KbridgeReader, read_markdown
from kbridge.formats.read.parsed import Skipped

# Files to read from which other processes are worth starting: each takes 0.3-0.5 s to start and
# import the readers, and 2,000 files take 1.5-5 s to read on one processor.
PARALLEL_FROM = 2_000
CHUNK_FILES = 16  # files a worker reads per request: a request and its answer cost ~1 ms to pass
CHUNKS_AHEAD = 3  # chunks asked for per worker beyond the one being handed back: memory stays bounded
_CONTEXT = multiprocessing.get_context("spawn")
_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class ReadRequest:
    """A Markdown file of the folder to be read."""

    path: str
    named_by_folder: bool


@dataclass(frozen=True)
class Reading:
    """How every file is read: the folder, the format asked for, the kbridge Markdown reader."""

    root: Path
    fmt: str
    kbridge_reader: KbridgeReader | None

    def read(self, request: ReadRequest) -> FileRead | Skipped:
        return read_markdown(self.root, request.path, request.named_by_folder, self.fmt, self.kbridge_reader)


def read_chunk(reading: Reading, requests: list[ReadRequest]) -> list[FileRead | Skipped]:
    """What a worker does with one request (a function at module level: it is sent by name)."""
    return [reading.read(request) for request in requests]


# Beyond this many workers the caller's own work (keeping each record: a fifth of a worker's
# time a file) is what the files wait for, and each worker holds 30-35 MB.
MAX_WORKERS = 4


def default_workers() -> int:
    """One worker a processor this process may use, up to MAX_WORKERS."""
    processors = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(processors, MAX_WORKERS))


def may_start_processes() -> bool:
    return not multiprocessing.current_process().daemon


def read_in_order(items: Iterable[_T | ReadRequest], reading: Reading, workers: int,
                  expected: int = 0) -> Generator[_T | FileRead | Skipped, None, None]:
    """`items` in order, each ReadRequest replaced by what its file reads as: read by `workers`
    other processes when there are `expected` >= PARALLEL_FROM files to read, else here, one at
    a time as they are asked for."""
    if workers < 2 or expected < PARALLEL_FROM or not may_start_processes():
        for item in items:
            yield reading.read(item) if isinstance(item, ReadRequest) else item
        return
    executor = ProcessPoolExecutor(workers, mp_context=_CONTEXT)
    try:
        yield from _InOrder[_T](executor, reading, workers * CHUNKS_AHEAD).run(items)
    finally:
        # A generator closed early (a cancelled import): the chunks not started are dropped and
        # the workers end once their current chunk is read.
        executor.shutdown(wait=False, cancel_futures=True)


class _Chunk:
    """Files read together, and (once back) what they read as."""

    __slots__ = ("future", "requests", "results")

    def __init__(self) -> None:
        self.requests: list[ReadRequest] = []
        self.future: Future[list[FileRead | Skipped]] | None = None
        self.results: list[FileRead | Skipped] | None = None


@dataclass(frozen=True, slots=True)
class _Slot:
    """The place in the folder's order of a file read in a chunk."""

    chunk: _Chunk
    index: int


class _InOrder(Generic[_T]):
    def __init__(self, executor: Executor, reading: Reading, ahead: int) -> None:
        self.executor = executor
        self.reading = reading
        self.ahead = ahead
        self.queue: deque[_Slot | _T] = deque()  # items in order, a file read in a chunk as its slot
        self.asked = 0  # chunks asked for and not yet handed back
        self.filling = _Chunk()

    def run(self, items: Iterable[_T | ReadRequest]) -> Generator[_T | FileRead | Skipped, None, None]:
        for item in items:
            if isinstance(item, ReadRequest):
                self.filling.requests.append(item)
                self.queue.append(_Slot(self.filling, len(self.filling.requests) - 1))
                if len(self.filling.requests) == CHUNK_FILES:
                    self._ask()
            else:
                self.queue.append(item)
            while self.asked > self.ahead:
                yield self._next()
        self._ask()
        while self.queue:
            yield self._next()

    def _ask(self) -> None:
        chunk, self.filling = self.filling, _Chunk()
        if not chunk.requests:
            return
        try:
            chunk.future = self.executor.submit(read_chunk, self.reading, chunk.requests)
        except Exception:  # a pool that broke: the chunk is read here when its turn comes
            chunk.future = None
        self.asked += 1

    def _next(self) -> _T | FileRead | Skipped:
        entry = self.queue.popleft()
        if not isinstance(entry, _Slot):
            return entry
        chunk, index = entry.chunk, entry.index
        if chunk is self.filling:  # the last files, not yet asked for
            self._ask()
        if chunk.results is None:
            chunk.results = self._results(chunk)
        if index == len(chunk.requests) - 1:  # its last file: the chunk is handed back
            self.asked -= 1
        return chunk.results[index]

    def _results(self, chunk: _Chunk) -> list[FileRead | Skipped]:
        if chunk.future is not None:
            with contextlib.suppress(Exception):  # read here instead: an error of a file's own is raised again
                return chunk.future.result()
        return read_chunk(self.reading, chunk.requests)
