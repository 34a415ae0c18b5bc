"""Work that may take the processor only when nobody else wants it: a thread of its own at the
lowest scheduling priority, waited for by its caller.

Why: the automatic backup the window takes when it opens a knowledge base copies the whole file
(5.5 GB at a million records, a minute) while the person starts searching; on a 2-core machine
that copy, the checks' process and the search's worker left the window's threads waiting for a
processor (searches answered 100 ms late, bench/stall_bench.py). Only the copy, which runs in
SQLite without Python's interpreter lock, is lowered: a low-priority thread that held that lock
would keep the window's threads waiting for it in turn.

On Linux a thread has a nice value of its own (and, unless set otherwise, a disk priority that
follows it); elsewhere the work runs at its caller's priority. A thread's priority cannot be raised
again without privileges, so the work gets a thread that ends with it rather than a pool's.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable
from typing import TypeVar

LOWEST_NICENESS = 19
_T = TypeVar("_T")


def lower_this_thread() -> bool:
    """Give the calling thread the lowest processor priority; whether that was possible."""
    if not sys.platform.startswith("linux") or not hasattr(os, "setpriority"):
        return False
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), LOWEST_NICENESS)
    except OSError:  # a sandbox that forbids it: the work still runs, at the caller's priority
        return False
    return True


def at_low_priority(work: Callable[[], _T]) -> _T:
    """`work()` on a new thread at the lowest priority; its result returned (or its error raised) here."""
    outcome: dict[str, object] = {}

    def run() -> None:
        lower_this_thread()
        try:
            outcome["value"] = work()
        except BaseException as error:  # raised again on the caller's thread, where it is handled
            outcome["error"] = error

    thread = threading.Thread(target=run, name="kbridge low priority", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]  # type: ignore[misc]
    return outcome["value"]  # type: ignore[return-value]
