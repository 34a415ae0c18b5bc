"""A job's work in a process of its own, for the large ones (an export, an import or a sync of a
knowledge base of tens of thousands of records).

Why: Python runs one thread at a time. A large export on a worker thread held the interpreter in
stretches of 0.5-0.8 s (the window froze meanwhile, whatever the thread pool), and what it read
stayed with the window afterwards: 2.2 GB resident after a 100,000-record export, because the
allocator keeps freed memory. In a process of its own the work has its own interpreter and its
memory goes back to the system when it ends.

`run_apart(work, *args, progress=..., cancel=...)` is called on the job's worker thread and
behaves like `work(*args, progress, cancel)` called there: progress arrives through `progress`
(at most every SEND_EVERY seconds, and the last one always), a set `cancel` reaches the work's
`cancel.is_set()`, the work's result is returned and its exception raised (with the child's
traceback as its cause, for the log). A child that dies (killed, out of memory) raises
JobProcessError; whatever it had not committed is not in the knowledge base (SQLite's
transactions), and the next job starts from a consistent file.

`work` and its arguments cross a process boundary: a function importable at module level, plain
values (paths, strings, dataclasses). The process is started by `spawn` (never `fork`: a forked
child of a Qt application inherits its threads' locks).

A job the window runs by itself (`background=True`: the checks behind Needs attention) runs only
while no job a person started runs apart, and gives way to one that starts: its process is ended
(it only reads) and started again once that one is done. Two busy processes beside the window
left it without a processor for 100 ms at a time on a 2-core machine (bench/stall_bench.py: an
import's preview beside the checks; `kbridge.ui.jobs.watchdog` saw the GUI thread idle, not
woken), where one beside it did not."""

from __future__ import annotations

import multiprocessing
import os
import pickle
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, Protocol, TypeVar

from kbridge.model import KbridgeError, Progress

APART_BYTES = 32 * 1024 * 1024  # about 5,000 records: from there a job's memory and time are felt
APART_FILES = 2_000
SEND_EVERY = 0.05  # seconds between progress messages (an import reports every file)
POLL_SECONDS = 0.05  # how soon a cancel reaches the child
RESULT_PART = 1000  # items of a list result sent at a time (a few milliseconds to unpickle)
CHILD_NICENESS = 5  # added to the window's: its jobs never take the processor from it
_CONTEXT = multiprocessing.get_context("spawn")
_T = TypeVar("_T")


class CancelFlag(Protocol):
    """What work asks about cancelling: a threading.Event in a thread, a multiprocessing one apart."""

    def is_set(self) -> bool: ...


class JobProcessError(KbridgeError):
    """The job's process ended without an answer (killed, or out of memory)."""


class ChildTraceback(Exception):  # noqa: N818 - the cause of the error raised again here, not an error
    """Where the work failed in its own process: the traceback, as text, as the cause of the error."""


def worth_a_process(kb_path: Path, folder: Path | None = None) -> bool:
    """Whether a job on this knowledge base (and folder) runs apart: a knowledge base of
    APART_BYTES or more, or a folder of APART_FILES files or more. Smaller ones run on the worker
    thread: a process costs a quarter of a second to start, and their work is too short to be felt."""
    try:
        if Path(kb_path).stat().st_size >= APART_BYTES:
            return True
    except OSError:
        return False  # opening it will say what is wrong, in the job
    if folder is None:
        return False
    seen = 0
    for _where, _dirs, files in os.walk(folder):  # stops counting at the threshold: any folder may be picked
        seen += len(files)
        if seen >= APART_FILES:
            return True
    return False


def run_by_size(work: Callable[..., _T], kb_path: Path, *args: Any, progress: Progress, cancel: CancelFlag,
                folder: Path | None = None, background: bool = False) -> _T:
    """`work(kb_path, *args, progress, cancel)`: apart when the knowledge base (or `folder`) is
    worth a process (`worth_a_process`), here on the caller's worker thread otherwise.
    `background`: the window's own job, which gives way to a person's (see above)."""
    if worth_a_process(kb_path, folder):
        return run_apart(work, kb_path, *args, progress=progress, cancel=cancel, background=background)
    return work(kb_path, *args, progress, cancel)


class _Turns:
    """Which jobs run apart now: a person's at once, one of the window's own only while none does."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._persons = 0
        self.started = 0  # person's jobs started so far: a background job that sees it grow gives way

    @contextmanager
    def persons_job(self) -> Iterator[None]:
        with self._changed:
            self._persons += 1
            self.started += 1
        try:
            yield
        finally:
            with self._changed:
                self._persons -= 1
                self._changed.notify_all()

    def wait_for_none(self, cancel: CancelFlag) -> int | None:
        """Once no person's job runs: how many have started so far; None when `cancel` came first."""
        with self._changed:
            while self._persons:
                if cancel.is_set():
                    return None
                self._changed.wait(POLL_SECONDS)
            return self.started


_TURNS = _Turns()


class _GaveWay(Exception):  # noqa: N818 - not an error: a background job stepped aside
    """A person's job started while a background job's process ran: that process was ended."""


def run_apart(work: Callable[..., _T], *args: Any, progress: Progress, cancel: CancelFlag,
              background: bool = False) -> _T:
    if not background:
        with _TURNS.persons_job():
            return _run_child(work, args, progress, cancel, lambda: False)
    while True:
        turn = _TURNS.wait_for_none(cancel)
        if turn is None:
            raise KbridgeError("cancelled before it started")
        try:
            return _run_child(work, args, progress, cancel, lambda turn=turn: _TURNS.started != turn)
        except _GaveWay:
            continue


def _run_child(work: Callable[..., _T], args: tuple[Any, ...], progress: Progress, cancel: CancelFlag,
               give_way: Callable[[], bool]) -> _T:
    receiving, sending = _CONTEXT.Pipe(duplex=False)
    stop = _CONTEXT.Event()
    child = _CONTEXT.Process(target=_child_main, args=(sending, stop, work, args), daemon=True,
                             name=f"kbridge {getattr(work, '__name__', 'job')}")
    child.start()
    sending.close()  # the child holds the only sending end: its end is our EOFError
    parts: list[Any] = []
    try:
        while True:
            if cancel.is_set():
                stop.set()
            if give_way():
                child.terminate()
                raise _GaveWay
            if not receiving.poll(POLL_SECONDS):
                continue
            try:
                kind, payload = receiving.recv()
            except EOFError:
                break
            if kind == "progress":
                progress(*payload)
            elif kind == "part":
                parts.extend(payload)
            elif kind == "parts":
                return parts  # type: ignore[return-value]
            elif kind == "result":
                return payload  # type: ignore[no-any-return]
            else:
                error, text = payload
                raise error from ChildTraceback(text)
    finally:
        receiving.close()
        child.join(5)
        if child.is_alive():  # it answered and hangs on exit: nothing is left to wait for
            child.terminate()
            child.join()
    what = getattr(work, "__name__", "the job").replace("_", " ")
    raise JobProcessError(f"{what} stopped: its process ended unexpectedly (exit code {child.exitcode}); "
                          "what it had not finished was not written")


def _child_main(sending: Connection, stop: CancelFlag, work: Callable[..., Any], args: tuple[Any, ...]) -> None:
    if hasattr(os, "nice"):
        # Below the window: on a busy machine the window gets the processor first, the job waits.
        os.nice(CHILD_NICENESS)
    last = 0.0

    def progress(done: int, total: int, message: str = "") -> None:
        nonlocal last
        now = time.monotonic()
        if now - last >= SEND_EVERY or 0 < total <= done:
            last = now
            sending.send(("progress", (int(done), int(total), str(message))))

    try:
        result = work(*args, progress, stop)
    except Exception as error:
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        sending.send(("error", (_sendable(error), text)))
    else:
        if isinstance(result, list) and len(result) > RESULT_PART:
            # A long list crosses in parts: unpickled whole, it held Python's lock on the window's
            # side, the GUI thread waiting (29,279 findings of the checks at 100,000 records: 58 ms).
            for start in range(0, len(result), RESULT_PART):
                sending.send(("part", result[start:start + RESULT_PART]))
            sending.send(("parts", None))
        else:
            sending.send(("result", result))
    finally:
        sending.close()


def _sendable(error: Exception) -> Exception:
    """`error` when it survives pickling whole; else one of the same meaning that does."""
    try:
        copy = pickle.loads(pickle.dumps(error))
        if type(copy) is type(error) and str(copy) == str(error):
            return error
    except Exception:  # one that cannot cross is said again below
        pass
    if isinstance(error, KbridgeError):
        return KbridgeError(str(error))
    return RuntimeError(f"{type(error).__name__}: {error}")  # a defect still: logged, not said as a fact
