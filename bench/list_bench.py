"""The record list at scale (issue 21): from process start to a painted list, scrolling to the end,
sorting by every column both ways, typing a filter, the navigator's recount and resident memory,
on knowledge bases of 100,000 and 1,000,000 records (bench/gui_corpus.py, cached under /tmp).

    nice python bench/list_bench.py                 # both sizes
    nice python bench/list_bench.py 10000           # one size
    nice python bench/list_bench.py 1000000 --file=/tmp/copy.kbridge   # a copy of that size's file
Targets at 1,000,000 records: painted <= 1000 ms; scroll, sort and filter results <= 100 ms;
resident memory <= 250 MB at 100,000 and <= 400 MB at 1,000,000. Each figure is the time from the
action to the list repainted (a forced repaint of its viewport), the worst of the runs.

The full-text index is not built in these runs (its build is another bench's: search_bench.py):
the window's search binding is told not to, so the memory figure is the list's and the window's.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gui_bench import _isolated_env
from gui_corpus import build

RUNS = 3
FILTER = "ledger"
DENSE = "engineer"  # in six records of ten (every owner is an engineer)
TARGET_MS = 100.0
MEMORY_TARGET_MB = {100_000: 250, 1_000_000: 400}


def _resident_mb() -> tuple[float, float]:
    """(resident now, peak resident) in MB, from /proc."""
    fields = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def _child(path: str) -> None:
    """Runs in a fresh process: open the window as `kbridge gui PATH` does, then the list journey;
    prints one line of `name=value` figures (ms, and MB for memory)."""
    from PySide6.QtCore import QEventLoop, Qt, QTimer
    from PySide6.QtTest import QTest

    from kbridge.ui.app import application, open_window
    from kbridge.ui.models.record_table_model import UidRole
    from kbridge.ui.window.search_binding import SearchBinding

    SearchBinding.ensure_index = lambda self: None  # type: ignore[method-assign]  # see the module's docs
    app = application()
    window = open_window(Path(path))
    window.resize(1400, 900)
    table = window.table
    figures: dict[str, float] = {}

    def list_painted() -> None:  # the first time the list has rows, they are painted at once
        if "painted" not in figures and window.model.rowCount():
            table.viewport().repaint()
            figures["painted"] = time.monotonic()

    window.model.modelReset.connect(list_painted)
    loop = QEventLoop()
    window.records_loaded.connect(loop.quit)
    QTimer.singleShot(300_000, loop.quit)
    if not window.ready:
        loop.exec()
    figures["counted"] = time.monotonic()
    window.attention.stop()
    window.attention_timer.stop()

    def timed(name: str, action: object) -> None:
        started = time.perf_counter()
        action()  # type: ignore[operator]
        table.viewport().repaint()
        figures[name] = (time.perf_counter() - started) * 1000
        app.processEvents()

    def settled(pending: object) -> float:
        """Run the event loop until `pending()` is false; the longest turn of it, in ms (the GUI
        thread held by what came back from a worker)."""
        longest = 0.0
        while pending():  # type: ignore[operator]
            turn = time.perf_counter()
            QTimer.singleShot(1, loop.quit)
            loop.exec()
            longest = max(longest, (time.perf_counter() - turn) * 1000)
        return longest

    def filtered(name: str, character: str) -> None:
        """A keystroke in the filter field: how long the GUI thread was held (`name_gui`), and
        how long until the list shows the filter, read on a worker once filters are slow."""
        started = time.perf_counter()
        QTest.keyClicks(window.filter_field, character)
        figures[f"{name}_gui"] = (time.perf_counter() - started) * 1000
        settled(lambda: window.list_filterer.pending)
        table.viewport().repaint()
        figures[name] = (time.perf_counter() - started) * 1000
        app.processEvents()

    def middled(name: str, share: float = 0.5) -> None:
        """Drag to the middle of the list (or `share` of it): the GUI thread's hold (`name_gui`: its
        page painted empty, read on a worker, since kbridge.ui.jobs.list_pages) and the time until
        its rows show."""
        middle = window.model.index(int(window.model.rowCount() * share), 0)
        started = time.perf_counter()
        table.scrollTo(middle, table.ScrollHint.PositionAtCenter)
        table.viewport().repaint()
        held = (time.perf_counter() - started) * 1000
        held = max(held, settled(lambda: middle.data() in (None, "…")))
        table.viewport().repaint()
        figures[name] = (time.perf_counter() - started) * 1000
        figures[f"{name}_gui"] = held
        app.processEvents()

    def paused(seconds: float) -> None:
        until = time.monotonic() + seconds
        settled(lambda: time.monotonic() < until)

    def sorted_shown(name: str, column: int, order: Qt.SortOrder) -> None:
        """Sort by `column` at the top of the list: the GUI thread's hold (`name_gui`: a first page
        that reads every match is read on a worker) and the time until its first row shows."""
        started = time.perf_counter()
        table.sortByColumn(column, order)
        table.viewport().repaint()
        held = (time.perf_counter() - started) * 1000
        held = max(held, settled(lambda: window.model.index(0, 0).data() in (None, "…")))
        table.viewport().repaint()
        figures[name] = (time.perf_counter() - started) * 1000
        figures[f"{name}_gui"] = held
        app.processEvents()

    def opened(name: str, share: float = 0.5) -> None:
        """Open the record in the middle of the list (or `share` of it), found elsewhere (a search
        hit, a link: the list has not read its row): the GUI thread's longest hold (`name_gui`, the
        reader shown and then the row selected) and the time until its row is selected and painted."""
        settled(lambda: window.list_filterer.pending)
        count = window.model.rowCount()
        uid = window.kb.listing.window(window.model.query_for(window.model.record_filter), int(count * share), 1,
                                       total=count)[0].uid
        started = time.perf_counter()
        window.open_record(uid)
        table.viewport().repaint()
        held = (time.perf_counter() - started) * 1000
        held = max(held, settled(lambda: window.list_panel.row_locator.pending))
        table.viewport().repaint()
        figures[name] = (time.perf_counter() - started) * 1000
        figures[f"{name}_gui"] = held
        assert window.model.index(table.currentIndex().row(), 0).data(UidRole) == uid
        app.processEvents()

    timed("scroll", table.scrollToBottom)
    timed("scroll_top", table.scrollToTop)
    table.setColumnHidden(window.model.columnCount() - 1, False)  # Tags: hidden unless there is room
    for column in range(window.model.columnCount()):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            timed(f"sort{column}{order.name[0]}", lambda c=column, o=order: table.sortByColumn(c, o))
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    for number, character in enumerate(FILTER):
        filtered(f"key{number}", character)
    timed("clear", window.filter_field.clear)
    for number, character in enumerate(DENSE):
        filtered(f"dense{number}", character)
    timed("dense_end", table.scrollToBottom)
    timed("dense_sort", lambda: table.sortByColumn(1, Qt.SortOrder.DescendingOrder))
    middled("dense_middle")
    middled("dense_next", 0.6)  # at once: the worker's reading of the whole order gives way to it
    # At a person's pace, another long list ("e": words beginning with it, in 7 records of 10):
    # typed, its first rows read for a moment, sorted by date at the top, then dragged to its middle.
    window.filter_field.clear()
    filtered("paced_key", "e")
    table.scrollToTop()
    paused(0.3)
    sorted_shown("paced_sort", 3, Qt.SortOrder.AscendingOrder)
    paused(0.3)
    middled("paced_middle")
    window.filter_field.clear()  # back to the list before, for the steps after
    for character in DENSE:
        QTest.keyClicks(window.filter_field, character)
    settled(lambda: window.list_filterer.pending)
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    reading = time.monotonic() + 2  # a person reads the page: the worker reads the list's order
    settled(lambda: time.monotonic() < reading)
    middled("dense_further", 0.7)  # from the order kept
    opened("dense_open")
    window.filter_field.clear()
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    opened("select")
    reading = time.monotonic() + 2  # a person reads the record: the worker reads the list's order
    settled(lambda: time.monotonic() < reading)
    opened("select_later", 0.45)
    # A person who has read the list a while: the worker has read every record's order by each
    # column (kbridge.core.record_list keep_plain_orders); a new long filter's far pages are
    # picked from it, not walked to.
    reading = time.monotonic() + 3
    settled(lambda: time.monotonic() < reading)
    for number, character in enumerate(DENSE):
        filtered(f"again{number}", character)
    table.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    middled("kept_middle")
    middled("kept_next", 0.6)
    window.filter_field.clear()
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    timed("navigator", window.recount_navigator)
    resident, peak = _resident_mb()
    figures.update(rss=resident, peak=peak, rows=window.model.rowCount())
    print(" ".join(f"{name}={value}" for name, value in figures.items()), flush=True)
    window.close()
    app.processEvents()


def measure(path: Path) -> list[dict[str, float]]:
    runs = []
    for _ in range(RUNS):
        started = time.monotonic()
        env = _isolated_env()
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child", str(path)], env=env, capture_output=True, text=True, check=True
            )
        finally:  # opening the window backs the file up there: 6 GB for a million records
            shutil.rmtree(Path(env["KBRIDGE_DATA_DIR"]).parent, ignore_errors=True)
        line = done.stdout.strip().splitlines()[-1]
        figures = {name: float(value) for name, value in (pair.split("=") for pair in line.split())}
        figures["painted"] = (figures["painted"] - started) * 1000
        figures["counted"] = (figures["counted"] - started) * 1000
        runs.append(figures)
    return runs


def _migrated(path: Path) -> float:
    """Seconds the first open took (a file of an older schema gains the list's columns then)."""
    from kbridge.core import KnowledgeBase

    started = time.monotonic()
    KnowledgeBase.open(path).close()
    return time.monotonic() - started


def report(size: int, runs: list[dict[str, float]], first_open: float) -> None:
    worst = {name: max(run[name] for run in runs) for name in runs[0]}
    median_paint = statistics.median(run["painted"] for run in runs)

    def line(label: str, value: float, target: float, unit: str = "ms", name: str | None = None) -> None:
        verdict = "ok" if value <= target else "OVER"
        each = f"  (runs: {' / '.join(f'{run[name]:.0f}' for run in runs)})" if name else ""
        print(f"  {label:<38} {value:9.1f} {unit}   target <= {target:.0f} {unit}  {verdict}{each}")

    print(f"\n{size:,} records ({int(worst['rows']):,} listed; first open incl. migration {first_open:.1f} s)")
    line("painted list, from process start (median)", median_paint, 1000)
    print(f"    (the navigator's counts, read on a worker, followed at "
          f"{statistics.median(run['counted'] for run in runs):.0f} ms)")
    line("scroll to the end", worst["scroll"], TARGET_MS)
    line("scroll back to the top", worst["scroll_top"], TARGET_MS)
    names = ("key", "title", "status", "date", "owner", "tags")
    for column, name in enumerate(names):
        line(f"sort by {name}, ascending / descending (worst)",
             max(worst[f"sort{column}A"], worst[f"sort{column}D"]), TARGET_MS)
    keys = [worst[f"key{number}"] for number in range(len(FILTER))]
    line(f"filter {FILTER!r}, worst keystroke to the list shown", max(keys), TARGET_MS)
    _per_keystroke(keys, [worst[f"key{number}_gui"] for number in range(len(FILTER))])
    line("clear the filter", worst["clear"], TARGET_MS)
    dense = [worst[f"dense{number}"] for number in range(len(DENSE))]
    line(f"filter {DENSE!r} (most records), worst keystroke", max(dense), TARGET_MS)
    _per_keystroke(dense, [worst[f"dense{number}_gui"] for number in range(len(DENSE))])
    line("  then scroll to its end / sort by title", max(worst["dense_end"], worst["dense_sort"]), TARGET_MS)
    line("  then scroll to its middle, rows shown", worst["dense_middle"], TARGET_MS, name="dense_middle")
    line("    the GUI thread's longest hold meanwhile", worst["dense_middle_gui"], 50, name="dense_middle_gui")
    line("  then further down at once, rows shown", worst["dense_next"], TARGET_MS, name="dense_next")
    line("  then 2 s later further down (its order kept), rows shown", worst["dense_further"], TARGET_MS,
         name="dense_further")
    line("  then open a record in its middle, row shown", worst["dense_open"], TARGET_MS, name="dense_open")
    line("    the GUI thread's longest hold meanwhile", worst["dense_open_gui"], 50, name="dense_open_gui")
    line("'e' at a person's pace: its first keystroke", worst["paced_key"], TARGET_MS, name="paced_key")
    line("  0.3 s later sorted by date at the top, rows shown", worst["paced_sort"], TARGET_MS, name="paced_sort")
    line("    the GUI thread's longest hold meanwhile", worst["paced_sort_gui"], 50, name="paced_sort_gui")
    line("  0.3 s later dragged to its middle, rows shown", worst["paced_middle"], TARGET_MS, name="paced_middle")
    line("    the GUI thread's longest hold meanwhile", worst["paced_middle_gui"], 50, name="paced_middle_gui")
    line(f"read a while, then {DENSE!r} again by title: its middle", worst["kept_middle"], TARGET_MS,
         name="kept_middle")
    line("  then further down at once, rows shown", worst["kept_next"], TARGET_MS, name="kept_next")
    line("open a record in the middle (reader too)", worst["select"], TARGET_MS, name="select")
    line("  the GUI thread's longest hold meanwhile", worst["select_gui"], 50, name="select_gui")
    line("  2 s later another (the list's order kept)", worst["select_later"], TARGET_MS, name="select_later")
    line("    the GUI thread's longest hold meanwhile", worst["select_later_gui"], 50, name="select_later_gui")
    line("navigator recount (a worker for files over 40 MB)", worst["navigator"], TARGET_MS)
    memory_target = MEMORY_TARGET_MB.get(size, MEMORY_TARGET_MB[1_000_000])
    line("resident memory after the journey", worst["rss"], memory_target, "MB")
    line("peak resident memory", worst["peak"], memory_target, "MB")


def _per_keystroke(shown: list[float], held: list[float]) -> None:
    print(f"    per keystroke: {' / '.join(f'{value:.0f}' for value in shown)} ms; the GUI thread held "
          f"{' / '.join(f'{value:.0f}' for value in held)} ms")


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
        return
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    given = {int(arg): None for arg in sys.argv[1:] if arg.isdigit()}
    for arg in sys.argv[1:]:
        if arg.startswith("--file="):  # a copy to measure (the first open migrates it in place)
            given = {int(sys.argv[1]): Path(arg.removeprefix("--file="))}
    for size, file in (given or {100_000: None, 1_000_000: None}).items():
        path = file or build(size)
        first_open = _migrated(path)
        report(size, measure(path), first_open)


if __name__ == "__main__":
    main()
