"""Where the window freezes: a person's journey through a large knowledge base with an event-loop
watchdog (`kbridge/ui/jobs/watchdog.py`) recording every time the GUI thread is away for over 50 ms.

    QT_QPA_PLATFORM=offscreen .venv/bin/python bench/stall_bench.py [--records 100000] [--top 5] [--list-only]

The journey (issue 21): open, scroll to the end, sort by each column, filter, 20 searches of every
shape, open the longest and the most-linked record with its Why?/Timeline/Graph, edit and save,
import 1,000 files, export. Prints each step's longest stall and the five longest overall with
what was running. Target: none over 50 ms.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# The jobs run apart (kbridge.ui.jobs.apart) import this script again in their process: they find
# the same home in the environment rather than make one of their own. A cache given in the
# environment is kept (with --kb: where that file's search index was built).
HOME = Path(os.environ.get("KBRIDGE_STALLS_HOME") or tempfile.mkdtemp(prefix="kbridge-stalls-"))
os.environ["KBRIDGE_STALLS_HOME"] = str(HOME)
for _name in ("DATA", "CACHE", "CONFIG", "STATE"):
    (HOME / _name.lower()).mkdir(exist_ok=True)
    if _name != "CACHE" or "KBRIDGE_CACHE_DIR" not in os.environ:
        os.environ[f"KBRIDGE_{_name}_DIR"] = str(HOME / _name.lower())
# File > Open's dialog takes a person seconds; the window uses them (kbridge.ui.jobs.warm_up).
PICKING_A_FILE_MS = 3000
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEventLoop, Qt, QTimer  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from bench.gui_corpus import build  # noqa: E402
from kbridge.core import KnowledgeBase  # noqa: E402
from kbridge.model import Record  # noqa: E402
from kbridge.model.listing import ListQuery  # noqa: E402
from kbridge.ui.app import application  # noqa: E402
from kbridge.ui.jobs.watchdog import Watchdog  # noqa: E402
from kbridge.ui.window.main_window import MainWindow  # noqa: E402

SHAPES = {
    "terms": ["vault rotation", "kafka retry", "ledger backup", "token expiry", "cluster upgrade"],
    "phrase": ['"key rotation"', '"ledger backup"', '"incident review"'],
    "prefix": ["rot*", "led*", "kub*", "cert*"],
    "fuzzy": ["vualt~", "ledgr~", "kafak~"],
    "field": ["kind:decision vault", "status:accepted ledger", "title:kafka"],
    "date": ["date:2021..2022 vault", "date:>2023-01-01"],
}


def pump(ms: int) -> None:
    loop = QEventLoop()
    QTimer.singleShot(ms, loop.quit)
    loop.exec()


def wait_for(condition: Callable[[], bool], timeout_s: float = 300) -> None:
    end = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < end:
        pump(20)


def import_folder(count: int) -> Path:
    folder = HOME / "adrs"
    folder.mkdir()
    rng = random.Random(5)
    for number in range(1, count + 1):
        (folder / f"{number:04d}-decision-{number}.md").write_text(
            f"# {number}. Decision {number}\n\nDate: 2024-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}\n\n"
            f"## Status\n\nAccepted\n\n## Context\n\nWe needed to decide about item {number}.\n\n"
            "## Decision\n\nWe will do it.\n\n## Consequences\n\nIt is done.\n",
            encoding="utf-8",
        )
    return folder


def run_dialog(dialog: object, folder: Path | None = None, fmt: str | None = None) -> None:
    """Fill in an Import or Export dialog and start it as a person would; wait until it is done
    (an import previews first, then imports)."""
    if folder is not None:
        dialog.path_field.setText(str(folder))  # type: ignore[attr-defined]
    if fmt is not None:
        dialog.format_box.setCurrentIndex(dialog.format_box.findData(fmt))  # type: ignore[attr-defined]
    end = time.monotonic() + 600
    while dialog.result is None and time.monotonic() < end:  # type: ignore[attr-defined]
        previewing = getattr(dialog, "preview_job", None) is not None and not dialog.preview_current  # type: ignore[attr-defined]
        if not dialog.running and not previewing:  # type: ignore[attr-defined]
            dialog.start()  # type: ignore[attr-defined]
        pump(50)
    dialog.accept()  # type: ignore[attr-defined]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100000)
    parser.add_argument("--top", type=int, default=5)
    parser.add_argument(
        "--list-only", action="store_true",
        help="only the record list's steps (open, scroll, sort, filter), on a copy of gui_corpus's cached base",
    )
    parser.add_argument("--kb", type=Path, help="a copy of this knowledge base (its index built) instead of a new one")
    parser.add_argument("--no-jobs", action="store_true", help="leave out the import and the export")
    parser.add_argument("--no-export", action="store_true", help="leave out the export (29 min at 1,000,000 records)")
    args = parser.parse_args()
    # As the app makes it: among what that does, Python's cycle collector runs on the GUI thread's
    # timer (kbridge.ui.gc_guard), not whenever a thread allocates (a 50-60 ms stall at times).
    app = application()
    if args.kb:
        path = HOME / "stalls.kbridge"
        shutil.copyfile(args.kb, path)
    elif args.list_only:
        path = HOME / "stalls.kbridge"
        shutil.copyfile(build(args.records), path)
        KnowledgeBase.open(path).close()  # an older file gains the list's columns before the journey
    else:
        path = HOME / "stalls.kbridge"
        making = ("from pathlib import Path; from bench.gui_corpus import build; "
                  f"build({args.records}, Path({str(path)!r}))")
        subprocess.run([sys.executable, "-c", making], check=True, cwd=ROOT)  # its memory is not the window's
        # The index is built before the journey, as an earlier session would have (its first build
        # is not a stall of the window), and in another process: what the build read is not counted
        # as the window's memory after the journey.
        subprocess.run([sys.executable, "-m", "kbridge", "--kb", str(path), "reindex"], check=True,
                       stdout=subprocess.DEVNULL)
    dog = Watchdog(50)
    dog.start()
    apart = _ApartPeak()
    steps: list[tuple[str, float]] = []

    def step(label: str, action: Callable[[], object]) -> None:
        dog.label = label
        before = len(dog.stalls)
        started = time.perf_counter()
        action()
        pump(100)
        new = dog.stalls[before:]
        steps.append((label, max((stall.ms for stall in new), default=0.0)))
        print(f"  {label:<34} {time.perf_counter() - started:6.1f} s  longest stall "
              f"{steps[-1][1]:6.0f} ms", flush=True)

    window = MainWindow(None)
    window.resize(1400, 900)
    window.show()
    dog.label = "(the window shown, a person choosing the file to open)"
    pump(PICKING_A_FILE_MS)
    step("open", lambda: (window.file_commands.open_path(path), wait_for(lambda: window.ready)))
    table = window.table
    step("scroll to the end", lambda: (table.scrollToBottom(), pump(200)))
    for column in range(window.model.columnCount()):
        if not table.isColumnHidden(column):
            step(f"sort by column {column}", lambda c=column: table.sortByColumn(c, Qt.SortOrder.DescendingOrder))
    step("filter the list", lambda: (QTest.keyClicks(window.filter_field, "ledger"), pump(300)))
    step("clear the filter", lambda: (window.filter_field.clear(), pump(100)))
    if args.list_only:
        return _report(dog, args.top, window, app, apart)
    for shape, queries in SHAPES.items():
        def search(queries: list[str] = queries) -> None:
            for number in range(20):
                window.search_field.setText(queries[number % len(queries)])
                pump(60)
            wait_for(lambda: window.search.latest is not None, 30)

        step(f"20 searches: {shape}", search)
    window.search_field.clear()
    kb = window.kb
    assert kb is not None
    dog.label = "(the bench choosing a record)"
    longest = _longest_of_first(kb, 5000)
    pump(100)  # the bench's own stall is heard (and labelled) before the next step starts
    step("open the longest record", lambda: window.open_record(longest.uid))
    for tab in ("Why?", "Timeline", "Graph"):
        step(f"{tab} of the longest", lambda t=tab: (window.show_tab(t), pump(300)))
    window.show_tab("Record")
    step("edit", lambda: window.actions.edit.trigger())
    step("type a line", lambda: QTest.keyClicks(window.editor.body, "Reviewed."))
    step("save", lambda: window.editor.save_button.click())
    if args.no_jobs:
        return _report(dog, args.top, window, app, apart)
    dog.label = "(the bench writing the files to import)"
    folder = import_folder(1000)
    pump(100)
    step("import 1,000 files", lambda: run_dialog(window.file_commands.import_folder(folder)))
    if args.no_export:
        return _report(dog, args.top, window, app, apart)
    files = window.file_commands
    step("export (kbridge Markdown)", lambda: run_dialog(files.export_records(), HOME / "export", "kbridge"))
    return _report(dog, args.top, window, app, apart)


def _longest_of_first(kb: KnowledgeBase, count: int) -> Record:
    """The longest of the first `count` records in key order. Nothing of it stays with the window:
    a list of every summary kept alive here cost the window 0.4-0.7 s at each full garbage
    collection for the rest of the journey (stalls that were the bench's, not the app's)."""
    page = kb.listing.window(ListQuery(), 0, count)
    return kb.get(max(page, key=lambda r: len(kb.get(r.uid).body)).uid)


class _ApartPeak:
    """The largest resident memory of a job run apart (kbridge.ui.jobs.apart), read from its own
    /proc entry while it runs: a child's getrusage carries the parent's peak across fork and exec."""

    def __init__(self) -> None:
        self.mb = 0.0
        self.timer = QTimer()
        self.timer.timeout.connect(self._on_timer_timeout)
        self.timer.start(250)

    def _on_timer_timeout(self) -> None:
        for child in multiprocessing.active_children():
            try:
                status = Path(f"/proc/{child.pid}/status").read_text()
            except OSError:
                continue
            for line in status.splitlines():
                if line.startswith("VmHWM:"):
                    self.mb = max(self.mb, int(line.split()[1]) / 1e3)


def _report(dog: Watchdog, top: int, window: MainWindow, app: QApplication, apart: _ApartPeak) -> int:
    stalls = dog.stop()
    print(f"\n{len(stalls)} stalls over 50 ms; the {top} longest:")
    for stall in dog.longest(top):
        print("  " + stall.describe())
    resident = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines())
    anon, mapped = (int(status[name].split()[0]) / 1e3 for name in ("RssAnon", "RssFile"))
    print(f"resident memory after the journey: {resident:.0f} MB (target: <= 250 MB at 100,000 records, "
          f"<= 400 MB at 1,000,000): {anon:.0f} MB the process's own, {mapped:.0f} MB pages of files "
          "it maps (libraries, the search index)")
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3
    print(f"peak resident: the window's process {own:.0f} MB; the largest job run apart "
          f"(kbridge.ui.jobs.apart) {apart.mb:.0f} MB, given back when it ended")
    window.close()
    app.processEvents()
    return 0


if __name__ == "__main__":
    sys.exit(main())
