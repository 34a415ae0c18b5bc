"""Work for tests/ui/test_jobs_apart.py that runs in a process of its own: module-level functions
(what crosses to a spawned process is the function's name, imported there)."""

from __future__ import annotations

import os
import time

from kbridge.model import Progress, ValidationError
from kbridge.ui.jobs.apart import CancelFlag


def count_to(total: int, progress: Progress, cancel: CancelFlag) -> dict[str, int]:
    for done in range(total + 1):
        progress(done, total, f"step {done}")
        time.sleep(0.001)
    return {"counted": total, "pid": os.getpid(), "niceness": os.nice(0)}


def refuse(progress: Progress, cancel: CancelFlag) -> None:
    raise ValidationError("ADR-9 is not a record here")


def fail_inside(progress: Progress, cancel: CancelFlag) -> None:
    {}["missing"]  # a defect, raised where the work runs


def die(progress: Progress, cancel: CancelFlag) -> None:
    progress(1, 2, "half way")
    os._exit(3)  # killed, out of memory: no answer at all


def wait_for_cancel(progress: Progress, cancel: CancelFlag) -> str:
    progress(0, 1, "waiting")
    deadline = time.monotonic() + 30
    while not cancel.is_set():
        if time.monotonic() > deadline:
            return "never cancelled"
        time.sleep(0.01)
    return "cancelled"


def note_start_then_sleep(marks: str, name: str, seconds: float, progress: Progress, cancel: CancelFlag) -> str:
    """Append `name` and when it started to the file `marks`, sleep, append when it ended."""
    with open(marks, "a", encoding="utf-8") as out:
        out.write(f"{name} start {time.time()}\n")
    time.sleep(seconds)
    with open(marks, "a", encoding="utf-8") as out:
        out.write(f"{name} end {time.time()}\n")
    return name


def many_items(count: int, progress: Progress, cancel: CancelFlag) -> list[tuple[int, str]]:
    return [(number, f"finding {number}") for number in range(count)]
