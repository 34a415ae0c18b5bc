"""What the automatic backup on opening costs the person: the copy at the window's priority against
the copy at the lowest (kbridge/storage/low_priority.py), while other work wants the processor,
and opening again a knowledge base unchanged since its newest backup (no copy) against a copy.

    .venv/bin/python bench/backup_bench.py [--records 100000 | --kb FILE] [--busy 2] [--runs 2]

"Late" is how much later than asked a thread of this process woke from a 5 ms sleep (the window's
threads wake like this for every event): its 99th percentile and worst, during the copy, beside
`--busy` processes that spin at nice 5 (the checks' process and the search run beside the
window when it opens a large knowledge base).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
HOME = Path(tempfile.mkdtemp(prefix="kbridge-backup-bench-"))
for _name in ("DATA", "CONFIG", "CACHE", "STATE"):
    os.environ[f"KBRIDGE_{_name}_DIR"] = str(HOME / _name.lower())

from bench.gui_corpus import build  # noqa: E402
from kbridge.core import KnowledgeBase, backups  # noqa: E402

NAP = 0.005


def _spin() -> None:
    os.nice(5)
    while True:
        pass


class Heartbeat:
    """A thread that sleeps NAP at a time and notes how late it wakes."""

    def __init__(self) -> None:
        self.late: list[float] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            asked = time.perf_counter()
            time.sleep(NAP)
            self.late.append((time.perf_counter() - asked - NAP) * 1000)

    def __enter__(self) -> Heartbeat:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def summary(self) -> str:
        ordered = sorted(self.late)
        p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
        return f"late p99 {p99:5.1f} ms, worst {ordered[-1]:5.1f} ms ({len(ordered)} wake-ups)"


def timed(work: Callable[[], object]) -> tuple[float, Heartbeat]:
    with Heartbeat() as beat:
        started = time.perf_counter()
        work()
        took = time.perf_counter() - started
    return took, beat


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--kb", type=Path, help="an existing knowledge base (only read) instead of a generated one")
    parser.add_argument("--busy", type=int, default=2, help="processes spinning beside the copy")
    parser.add_argument("--runs", type=int, default=2)
    args = parser.parse_args()
    path = args.kb or build(args.records)
    size = backups.copy_size(path)
    print(f"knowledge base {path} ({size / 2**20:,.0f} MB), {args.busy} busy processes beside, {os.cpu_count()} cores")
    out = HOME / "copies"
    out.mkdir()
    context = multiprocessing.get_context("spawn")
    spinners = [context.Process(target=_spin, daemon=True) for _ in range(args.busy)]
    for spinner in spinners:
        spinner.start()
    try:
        with KnowledgeBase.open(path) as kb:
            rows: dict[str, list[str]] = {"no copy (the same time)": [], "copy, the window's priority": [],
                                          "copy, the lowest priority": []}
            durations: list[float] = []
            for run in range(args.runs):
                for low in (False, True):
                    target = out / f"run{run}-{low}.kbridge"
                    took, beat = timed(lambda target=target, low=low: kb.maintenance.backup(target, low_priority=low))
                    target.unlink()
                    durations.append(took)
                    label = "copy, the lowest priority" if low else "copy, the window's priority"
                    rows[label].append(f"{took:6.2f} s, {beat.summary()}")
                took, beat = timed(lambda: time.sleep(statistics.mean(durations)))
                rows["no copy (the same time)"].append(f"{took:6.2f} s, {beat.summary()}")
            for label, seen in rows.items():
                for line in seen:
                    print(f"  {label:30} {line}")
            _reopening(kb, path, redate=args.kb is None)
    finally:
        for spinner in spinners:
            spinner.terminate()
        shutil.rmtree(HOME, ignore_errors=True)


def _reopening(kb: KnowledgeBase, path: Path, *, redate: bool) -> None:
    """Opening again: the first automatic backup copies; the next, of an unchanged file, does not.
    `redate`: the generated file is dated an hour back, as at a morning's opening (a file given
    with --kb keeps its own times)."""
    then = time.time() - 3600
    for part in (path, path.with_name(path.name + "-wal")):
        if part.exists() and redate:
            os.utime(part, (then, then))
    first_at = dt.datetime.now() - dt.timedelta(hours=3)
    started = time.perf_counter()
    first = backups.auto_backup(kb, now=first_at)
    took_first = time.perf_counter() - started
    if first is not None:
        os.utime(first, (first_at.timestamp(), first_at.timestamp()))
    started = time.perf_counter()
    again = backups.auto_backup(kb)
    took_again = time.perf_counter() - started
    state = "no copy" if again is None else f"a copy ({again.name})"
    print(f"  first automatic backup        {took_first:6.2f} s, a copy of {backups.copy_size(path) / 2**20:,.0f} MB")
    print(f"  opening again, unchanged      {took_again * 1000:6.1f} ms, {state}")


if __name__ == "__main__":
    main()
